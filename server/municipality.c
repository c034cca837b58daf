#include "municipality.h"

#include <string.h>

int
municipality_check_digit(const char *code)
{
	static const int weight[5] = {6, 5, 4, 3, 2};
	int sum = 0;
	int i;

	for (i = 0; i < 5; i++) {
		if (code[i] < '0' || code[i] > '9')
			return -1;
		sum += (code[i] - '0') * weight[i];
	}
	return (11 - sum % 11) % 10;
}

int
municipality_valid(const char *code)
{
	int check;

	if (code == NULL || strlen(code) != MUNICIPALITY_LEN)
		return 0;
	check = municipality_check_digit(code);
	return check >= 0 && code[5] == '0' + check;
}
