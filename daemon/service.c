/*
 * service: the sd_notify(3) protocol (see service.h).
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "i18n.h"
#include "mem.h"
#include "service.h"

int
service_notify(const char *state, char **cause)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	socklen_t salen;
	size_t len;
	int fd = -1, rv = -1;

	if (path == NULL || path[0] == '\0')
		return 0;
	len = strlen(path);
	/* An absolute path, or an abstract socket written with a leading
	 * '@' that stands for the NUL byte. */
	if ((path[0] != '/' && path[0] != '@') || len >= sizeof sa.sun_path) {
		*cause = xasprintf(_("NOTIFY_SOCKET is not a socket address: %s"), path);
		goto out;
	}
	memcpy(sa.sun_path, path, len);
	if (path[0] == '@')
		sa.sun_path[0] = '\0';
	salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || sendto(fd, state, strlen(state), MSG_NOSIGNAL, (struct sockaddr *)&sa,
			     salen) < 0) {
		*cause = xasprintf(_("cannot tell the service manager %s: %s"), state,
				   strerror(errno));
		goto out;
	}
	rv = 0;
out:
	if (fd >= 0)
		close(fd);
	return rv;
}
