/*
 * Fuzzes the server's parser of form-encoded bodies (the OAuth token and
 * device endpoints), which reads bytes from anyone on the network.
 */
#include <stdlib.h>
#include <string.h>

#include "../../server/form.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct form f;
	char *cause = NULL;
	size_t i;

	memset(&f, 0, sizeof f);
	if (form_parse(&f, (const char *)data, size, &cause) < 0) {
		if (cause == NULL)
			abort();
		free(cause);
		form_release(&f);
		return 0;
	}
	if (f.n > FORM_FIELDS_MAX)
		abort();
	for (i = 0; i < f.n; i++) {
		if (f.name[i] == NULL || f.value[i] == NULL)
			abort();
	}
	(void)form_get(&f, "grant_type");
	form_release(&f);
	return 0;
}
