/*
 * log: one line per event on stderr (see log.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "date.h"
#include "log.h"
#include "mem.h"
#include "text.h"

/* Longest message kept; longer ones are cut, and a character cut in half
 * becomes U+FFFD in text_clean. */
#define LOG_MSG_MAX 4096

static const char *const log_names[] = {
        [LOG_ERROR] = "error",
        [LOG_WARN] = "warn",
        [LOG_INFO] = "info",
        [LOG_DEBUG] = "debug",
};

/* The logging context of this program. */
static struct {
	char program[64];
	enum log_level level;
} log_ctx = {"myna", LOG_INFO};

void log_init(const char *program)
{
	const char *env = getenv("MYNA_LOG");
	size_t i;

	if (program != NULL) {
		const char *slash = strrchr(program, '/');

		if (slash != NULL && slash[1] != '\0')
			program = slash + 1;
		snprintf(log_ctx.program, sizeof log_ctx.program, "%s", program);
	}
	log_ctx.level = LOG_INFO;
	if (env == NULL || *env == '\0')
		return;
	for (i = 0; i < sizeof log_names / sizeof log_names[0]; i++) {
		if (strcasecmp(env, log_names[i]) == 0) {
			log_ctx.level = (enum log_level)i;
			return;
		}
	}
	if (strcasecmp(env, "warning") == 0)
		log_ctx.level = LOG_WARN;
}

void log_set_level(enum log_level level)
{
	if (level >= LOG_ERROR && level <= LOG_DEBUG)
		log_ctx.level = level;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	char raw[LOG_MSG_MAX];
	char stamp[64];
	char *clean = NULL, *line = NULL;
	va_list ap;
	int n;

	if (level > log_ctx.level || level < LOG_ERROR)
		return;
	va_start(ap, fmt);
	n = vsnprintf(raw, sizeof raw, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof raw)
		n = sizeof raw - 1;
	clean = text_clean(raw, (size_t)n, 0);
	date_format(time(NULL), stamp, sizeof stamp);
	/* One write(2) per line, so lines from several processes sharing a
	 * stderr (mynad and its children under systemd) do not interleave. */
	line = xasprintf("%s %s %s: %s\n", stamp, log_ctx.program, log_names[level], clean);
	if (write(STDERR_FILENO, line, strlen(line)) < 0) {
		/* Nowhere left to report a failing stderr. */
	}
	free(line);
	free(clean);
}
