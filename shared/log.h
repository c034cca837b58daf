/*
 * log: one line per event on stderr:
 *   2026-12-01T09:00:00+09:00 mynad info: synced 12 changes
 * The level comes from MYNA_LOG (error, warn, info, debug; default info).
 * Messages are passed through text_clean so that no escape reaches a log.
 */
#ifndef MYNA_LOG_H
#define MYNA_LOG_H

enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };

/* Names the program in every line and reads MYNA_LOG. */
void log_init(const char *program);
void log_set_level(enum log_level level);
/* Quiet mode: only errors (for interactive commands). */
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
