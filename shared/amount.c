/*
 * amount: sums of money as people read them (see amount.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "amount.h"
#include "i18n.h"
#include "mem.h"

char *amount_digits(long long n)
{
	/* The magnitude as unsigned, so that LLONG_MIN has one too. */
	unsigned long long u = n < 0 ? 0ULL - (unsigned long long)n : (unsigned long long)n;
	char digits[24], out[40];
	size_t len, i, o = 0;

	len = (size_t)snprintf(digits, sizeof digits, "%llu", u);
	if (n < 0)
		out[o++] = '-';
	for (i = 0; i < len; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = digits[i];
	}
	out[o] = '\0';
	return xstrdup(out);
}

char *amount_yen(long long n)
{
	char *d = amount_digits(n), *r;

	if (strcmp(i18n_lang(), "ja") == 0)
		r = xasprintf("%s円", d);
	else if (n < 0)
		r = xasprintf("-¥%s", d + 1);
	else
		r = xasprintf("¥%s", d);
	free(d);
	return r;
}
