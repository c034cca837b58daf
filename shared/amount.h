/*
 * amount: sums of money as people read them, in the language in use.
 */
#ifndef MYNA_AMOUNT_H
#define MYNA_AMOUNT_H

/* n with a comma every three digits: "1,500", "-30,000", "0". */
char *amount_digits(long long n);

/* n yen: "1,500円" in Japanese (both editions), "¥1,500" in English.
 * Returns a newly allocated string. */
char *amount_yen(long long n);

#endif
