/*
 * badserver: an HTTP server that misbehaves on purpose, for the fault
 * tests.  It listens on 127.0.0.1 only (port 0 picks a free port), prints
 * "listening on http://127.0.0.1:PORT" on stderr once ready, and answers
 * every request, whatever its path, in the one way MODE says:
 *
 *   ok        200 with BODYFILE as an application/json body
 *   status    the status STATUS (default 500) with a problem document
 *             (BODYFILE when given)
 *   hang      reads the request and never answers
 *   close     reads the request and closes the connection without a word
 *   reset     headers and half of BODYFILE, then a TCP reset
 *   truncate  Content-Length of BODYFILE plus 1000, BODYFILE, then close
 *   garbage   4096 random bytes instead of an HTTP answer
 *   junk      200 application/json whose body is 4096 random bytes
 *   drip      a 200 answer with BODYFILE, one byte per second
 *   huge      200 with a 9 MiB JSON body and its Content-Length
 *   hugechunk the same 9 MiB without a length (chunked)
 *   headers   a 200 whose headers never end (64 KiB of them per second)
 *
 *   badserver MODE [BODYFILE] [STATUS]
 *
 * Each connection is served by a child process, so one hanging answer
 * does not hold up the next; children die with the parent (and after two
 * minutes in any case).  One line per request goes to stderr:
 * "request N METHOD PATH", so that a test can wait for a request to have
 * arrived rather than sleep.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#define HUGE_BYTES (9 * 1024 * 1024)

static const char *mode;
static char *body;
static size_t body_len;
static int status = 500;
static int body_given;	/* BODYFILE was given */

static int
send_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	ssize_t w;

	while (n > 0) {
		w = send(fd, c, n, MSG_NOSIGNAL);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

static int
send_str(int fd, const char *s)
{
	return send_all(fd, s, strlen(s));
}

static void
random_bytes(char *p, size_t n)
{
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	size_t got = 0;
	ssize_t r;

	while (fd >= 0 && got < n && (r = read(fd, p + got, n - got)) > 0)
		got += (size_t)r;
	if (fd >= 0)
		close(fd);
	for (; got < n; got++)
		p[got] = (char)(got * 131 + 7);
}

/* Reads the request head; fills in method and path for the log.  The body
 * of a POST is not needed by any mode and is left unread. */
static int
read_request(int fd, char *method, size_t mlen, char *path, size_t plen)
{
	char buf[16384];
	size_t n = 0;
	ssize_t r;

	while (n < sizeof buf - 1) {
		r = recv(fd, buf + n, sizeof buf - 1 - n, 0);
		if (r <= 0)
			return -1;
		n += (size_t)r;
		buf[n] = '\0';
		if (strstr(buf, "\r\n\r\n") != NULL)
			break;
	}
	snprintf(method, mlen, "?");
	snprintf(path, plen, "?");
	if (sscanf(buf, "%15s %1023s", method, path) < 1)
		return -1;
	(void)mlen;
	(void)plen;
	return 0;
}

static void
reset(int fd)
{
	struct linger l = {1, 0};

	setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
	close(fd);
}

static void
serve(int fd)
{
	char head[512], method[16], path[1024], *junk = NULL;
	size_t i, left;

	if (read_request(fd, method, sizeof method, path, sizeof path) < 0)
		return;
	fprintf(stderr, "request %s %s\n", method, path);
	if (strcmp(mode, "ok") == 0) {
		snprintf(head, sizeof head,
			 "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
			 "Content-Length: %zu\r\nConnection: close\r\n\r\n", body_len);
		if (send_str(fd, head) == 0)
			send_all(fd, body, body_len);
	} else if (strcmp(mode, "status") == 0) {
		const char *doc = "{\"type\":\"about:blank\",\"title\":\"Internal Server Error\","
				  "\"status\":500,\"detail\":\"the database is on fire\"}";

		if (body_given)
			doc = body;
		snprintf(head, sizeof head,
			 "HTTP/1.1 %d Trouble\r\nContent-Type: application/problem+json\r\n"
			 "Content-Length: %zu\r\nConnection: close\r\n\r\n", status, strlen(doc));
		if (send_str(fd, head) == 0)
			send_str(fd, doc);
	} else if (strcmp(mode, "hang") == 0) {
		pause();
	} else if (strcmp(mode, "close") == 0) {
		/* nothing */
	} else if (strcmp(mode, "reset") == 0) {
		snprintf(head, sizeof head,
			 "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
			 "Content-Length: %zu\r\n\r\n", body_len);
		if (send_str(fd, head) == 0)
			send_all(fd, body, body_len / 2);
		usleep(200000);
		reset(fd);
		return;
	} else if (strcmp(mode, "truncate") == 0) {
		snprintf(head, sizeof head,
			 "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
			 "Content-Length: %zu\r\n\r\n", body_len + 1000);
		if (send_str(fd, head) == 0)
			send_all(fd, body, body_len);
	} else if (strcmp(mode, "garbage") == 0) {
		junk = malloc(4096);
		random_bytes(junk, 4096);
		send_all(fd, junk, 4096);
	} else if (strcmp(mode, "junk") == 0) {
		junk = malloc(4096);
		random_bytes(junk, 4096);
		snprintf(head, sizeof head,
			 "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
			 "Content-Length: 4096\r\nConnection: close\r\n\r\n");
		if (send_str(fd, head) == 0)
			send_all(fd, junk, 4096);
	} else if (strcmp(mode, "drip") == 0) {
		char *all;
		size_t n;

		snprintf(head, sizeof head,
			 "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
			 "Content-Length: %zu\r\nConnection: close\r\n\r\n", body_len);
		n = strlen(head) + body_len;
		all = malloc(n);
		memcpy(all, head, strlen(head));
		memcpy(all + strlen(head), body, body_len);
		for (i = 0; i < n; i++) {
			if (send_all(fd, all + i, 1) < 0)
				break;
			sleep(1);
		}
		free(all);
	} else if (strcmp(mode, "huge") == 0 || strcmp(mode, "hugechunk") == 0) {
		int chunked = strcmp(mode, "hugechunk") == 0;

		junk = malloc(65536);
		memset(junk, ' ', 65536);
		if (chunked)
			snprintf(head, sizeof head,
				 "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
				 "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
		else
			snprintf(head, sizeof head,
				 "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
				 "Content-Length: %d\r\nConnection: close\r\n\r\n", HUGE_BYTES);
		if (send_str(fd, head) < 0)
			goto out;
		for (left = HUGE_BYTES; left > 0;) {
			size_t n = left < 65536 ? left : 65536;

			if (chunked) {
				snprintf(head, sizeof head, "%zx\r\n", n);
				if (send_str(fd, head) < 0)
					goto out;
			}
			if (send_all(fd, junk, n) < 0 || (chunked && send_str(fd, "\r\n") < 0))
				goto out;
			left -= n;
		}
		if (chunked)
			send_str(fd, "0\r\n\r\n");
	} else if (strcmp(mode, "headers") == 0) {
		junk = malloc(65536);
		for (i = 0; i + 16 <= 65536; i += 16)
			memcpy(junk + i, "X-Filler: abcd\r\n", 16);
		if (send_str(fd, "HTTP/1.1 200 OK\r\n") < 0)
			goto out;
		for (;;) {
			if (send_all(fd, junk, 65536) < 0)
				break;
			usleep(250000);
		}
	}
out:
	free(junk);
	shutdown(fd, SHUT_WR);
	close(fd);
}

int
main(int argc, char **argv)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof sa;
	struct stat st;
	int lfd, fd, one = 1, bfd;
	pid_t pid;

	if (argc < 2) {
		fprintf(stderr, "usage: badserver MODE [BODYFILE] [STATUS]\n");
		return 2;
	}
	mode = argv[1];
	if (argc > 2 && strcmp(argv[2], "-") != 0) {
		if ((bfd = open(argv[2], O_RDONLY)) < 0 || fstat(bfd, &st) < 0) {
			perror(argv[2]);
			return 1;
		}
		body_len = (size_t)st.st_size;
		body = malloc(body_len + 1);
		if (body == NULL || read(bfd, body, body_len) != (ssize_t)body_len) {
			perror(argv[2]);
			return 1;
		}
		body[body_len] = '\0';
		body_given = 1;
		close(bfd);
	} else {
		body = strdup("{\"cursor\":\"\",\"has_more\":false,\"changes\":[]}");
		body_len = strlen(body);
	}
	if (argc > 3)
		status = atoi(argv[3]);
	signal(SIGCHLD, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);	/* loopback only, always */
	sa.sin_port = 0;
	if (bind(lfd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(lfd, 64) < 0 ||
	    getsockname(lfd, (struct sockaddr *)&sa, &sl) < 0) {
		perror("badserver");
		return 1;
	}
	fprintf(stderr, "listening on http://127.0.0.1:%d mode %s\n", ntohs(sa.sin_port), mode);
	for (;;) {
		fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR)
				continue;
			perror("accept");
			return 1;
		}
		pid = fork();
		if (pid == 0) {
			close(lfd);
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			alarm(120);
			serve(fd);
			_exit(0);
		}
		close(fd);
	}
}
