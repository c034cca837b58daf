/*
 * Fuzzes the "key = value" parser used for the settings and credentials.
 * What was parsed must survive a save and a load unchanged.
 */
#include <stdlib.h>
#include <string.h>

#include "../../shared/config.h"
#include "../../shared/mem.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config *c = config_new();
	char *text = xstrndup((const char *)data, size), *cause = NULL;

	if (config_parse(c, text, "fuzz", &cause) < 0) {
		if (cause == NULL || strncmp(cause, "fuzz:", 5) != 0)
			abort(); /* every refusal names the place */
		free(cause);
	}
	(void)config_get(c, "server");
	(void)config_get_int(c, "sync_interval", 15, 1, 1440);
	(void)config_get_bool(c, "notifications", 1);
	config_free(c);
	free(text);
	return 0;
}
