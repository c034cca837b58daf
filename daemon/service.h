/*
 * service: tells the service manager how the daemon is doing, with the
 * sd_notify(3) datagram protocol (Type=notify units).  The protocol is a
 * single datagram of "KEY=VALUE" lines to the AF_UNIX socket named by
 * $NOTIFY_SOCKET, so it is spoken directly instead of through libsystemd.
 * Without $NOTIFY_SOCKET (not started by systemd, or Type=simple) every
 * call does nothing and succeeds.
 */
#ifndef MYNA_SERVICE_H
#define MYNA_SERVICE_H

/* Sends state ("READY=1", "STOPPING=1", "STATUS=...", several lines joined
 * by "\n").  Returns 0, or -1 with a newly allocated reason in *cause. */
int service_notify(const char *state, char **cause);

#endif
