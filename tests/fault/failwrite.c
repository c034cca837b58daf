/*
 * failwrite: an LD_PRELOAD shim that makes file writes fail, so that the
 * fault tests can run the real programs into a full or broken disk
 * without any change to their code (SQLite's unix VFS and the config
 * module both call these functions through the dynamic linker).
 *
 * Environment:
 *   FAILWRITE_PATH   only descriptors whose path contains this text are
 *                    touched (required: without it the shim does nothing)
 *   FAILWRITE_AFTER  let this many matching calls succeed first (default 0)
 *   FAILWRITE_ERRNO  ENOSPC (default), EIO, EDQUOT or EROFS
 *   FAILWRITE_WHILE  a file: calls fail only while it exists (and are not
 *                    counted otherwise), so that a test can fill and free
 *                    the disk of a server that keeps running
 *   FAILWRITE_LOG    a file that gets one line per refused call, so that
 *                    a test can show the fault was really injected
 *
 * Intercepted: write, pwrite, pwrite64, writev, pwritev, fsync,
 * fdatasync, ftruncate, ftruncate64, fallocate, posix_fallocate.  Once
 * the count is reached every later matching call fails, as on a disk that
 * stays full.  Reads are never touched.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

static long failwrite_seen;	/* matching calls so far */

typedef ssize_t (*failwrite_write_fn)(int, const void *, size_t);
typedef ssize_t (*failwrite_pwrite_fn)(int, const void *, size_t, off_t);
typedef ssize_t (*failwrite_pwrite64_fn)(int, const void *, size_t, off64_t);
typedef ssize_t (*failwrite_writev_fn)(int, const struct iovec *, int);
typedef ssize_t (*failwrite_pwritev_fn)(int, const struct iovec *, int, off_t);
typedef int (*failwrite_sync_fn)(int);
typedef int (*failwrite_truncate_fn)(int, off_t);
typedef int (*failwrite_truncate64_fn)(int, off64_t);
typedef int (*failwrite_fallocate_fn)(int, int, off_t, off_t);
typedef int (*failwrite_pfallocate_fn)(int, off_t, off_t);

/* Resolves the next definition of a symbol, once. */
#define FAILWRITE_NEXT(type, name)                                    \
	static type next_##name;                                      \
	if (next_##name == NULL)                                      \
		next_##name = (type)dlsym(RTLD_NEXT, #name)

static int
failwrite_errno(void)
{
	const char *e = getenv("FAILWRITE_ERRNO");

	if (e == NULL || strcmp(e, "ENOSPC") == 0)
		return ENOSPC;
	if (strcmp(e, "EIO") == 0)
		return EIO;
	if (strcmp(e, "EDQUOT") == 0)
		return EDQUOT;
	if (strcmp(e, "EROFS") == 0)
		return EROFS;
	return ENOSPC;
}

/* Writes one line to FAILWRITE_LOG without going through write() itself
 * being intercepted for that file (its path does not match, normally). */
static void
failwrite_note(const char *call, const char *path)
{
	const char *log = getenv("FAILWRITE_LOG");
	char line[600];
	int fd, n;

	if (log == NULL)
		return;
	n = snprintf(line, sizeof line, "%d %s %s\n", (int)getpid(), call, path);
	if (n <= 0 || (size_t)n >= sizeof line)
		return;
	fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	FAILWRITE_NEXT(failwrite_write_fn, write);
	if (next_write != NULL)
		(void)next_write(fd, line, (size_t)n);
	close(fd);
}

/* Returns 1 (with errno set) when this call on fd must fail. */
static int
failwrite_hit(int fd, const char *call)
{
	const char *want = getenv("FAILWRITE_PATH"), *after, *gate = getenv("FAILWRITE_WHILE");
	char link[64], path[512];
	ssize_t n;
	int saved = errno;

	if (want == NULL || *want == '\0' || fd < 0)
		return 0;
	if (gate != NULL && *gate != '\0' && access(gate, F_OK) != 0) {
		errno = saved;
		return 0;
	}
	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	n = readlink(link, path, sizeof path - 1);
	if (n <= 0) {
		errno = saved;
		return 0;
	}
	path[n] = '\0';
	if (strstr(path, want) == NULL) {
		errno = saved;
		return 0;
	}
	after = getenv("FAILWRITE_AFTER");
	if (failwrite_seen++ < (after != NULL ? atol(after) : 0)) {
		errno = saved;
		return 0;
	}
	failwrite_note(call, path);
	errno = failwrite_errno();
	return 1;
}

ssize_t
write(int fd, const void *p, size_t n)
{
	FAILWRITE_NEXT(failwrite_write_fn, write);
	if (failwrite_hit(fd, "write"))
		return -1;
	return next_write(fd, p, n);
}

ssize_t
pwrite(int fd, const void *p, size_t n, off_t off)
{
	FAILWRITE_NEXT(failwrite_pwrite_fn, pwrite);
	if (failwrite_hit(fd, "pwrite"))
		return -1;
	return next_pwrite(fd, p, n, off);
}

ssize_t
pwrite64(int fd, const void *p, size_t n, off64_t off)
{
	FAILWRITE_NEXT(failwrite_pwrite64_fn, pwrite64);
	if (failwrite_hit(fd, "pwrite64"))
		return -1;
	return next_pwrite64(fd, p, n, off);
}

ssize_t
writev(int fd, const struct iovec *iov, int cnt)
{
	FAILWRITE_NEXT(failwrite_writev_fn, writev);
	if (failwrite_hit(fd, "writev"))
		return -1;
	return next_writev(fd, iov, cnt);
}

ssize_t
pwritev(int fd, const struct iovec *iov, int cnt, off_t off)
{
	FAILWRITE_NEXT(failwrite_pwritev_fn, pwritev);
	if (failwrite_hit(fd, "pwritev"))
		return -1;
	return next_pwritev(fd, iov, cnt, off);
}

int
fsync(int fd)
{
	FAILWRITE_NEXT(failwrite_sync_fn, fsync);
	if (failwrite_hit(fd, "fsync"))
		return -1;
	return next_fsync(fd);
}

int
fdatasync(int fd)
{
	FAILWRITE_NEXT(failwrite_sync_fn, fdatasync);
	if (failwrite_hit(fd, "fdatasync"))
		return -1;
	return next_fdatasync(fd);
}

int
ftruncate(int fd, off_t len)
{
	FAILWRITE_NEXT(failwrite_truncate_fn, ftruncate);
	if (failwrite_hit(fd, "ftruncate"))
		return -1;
	return next_ftruncate(fd, len);
}

int
ftruncate64(int fd, off64_t len)
{
	FAILWRITE_NEXT(failwrite_truncate64_fn, ftruncate64);
	if (failwrite_hit(fd, "ftruncate64"))
		return -1;
	return next_ftruncate64(fd, len);
}

int
fallocate(int fd, int mode, off_t off, off_t len)
{
	FAILWRITE_NEXT(failwrite_fallocate_fn, fallocate);
	if (failwrite_hit(fd, "fallocate"))
		return -1;
	return next_fallocate(fd, mode, off, len);
}

int
posix_fallocate(int fd, off_t off, off_t len)
{
	FAILWRITE_NEXT(failwrite_pfallocate_fn, posix_fallocate);
	/* posix_fallocate reports the error as its value, not in errno. */
	if (failwrite_hit(fd, "posix_fallocate"))
		return errno;
	return next_posix_fallocate(fd, off, len);
}
