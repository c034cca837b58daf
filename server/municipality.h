/*
 * municipality: 全国地方公共団体コード, the 6-digit codes of Japan's local
 * governments (JIS X 0402 plus a check digit).  The check digit is
 * (11 - (6*d1 + 5*d2 + 4*d3 + 3*d4 + 2*d5) mod 11) mod 10.
 */
#ifndef MYNA_MUNICIPALITY_H
#define MYNA_MUNICIPALITY_H

#define MUNICIPALITY_LEN 6

/* Returns the check digit (0..9) for the first five digits of code, or -1
 * when they are not five ASCII digits. */
int municipality_check_digit(const char *code);

/* Returns 1 when code is exactly six ASCII digits whose last one is the
 * check digit of the first five, else 0.  NULL gives 0. */
int municipality_valid(const char *code);

#endif
