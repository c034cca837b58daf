/*
 * myna-bff: the backend-for-frontend server.  Reads the command line,
 * opens the database, starts the HTTP server and waits for SIGTERM or
 * SIGINT, then lets requests in flight finish and exits 0.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "admin.h"
#include "auth.h"
#include "bff.h"
#include "feed.h"
#include "demo.h"
#include "http.h"
#include "i18n.h"
#include "log.h"
#include "mem.h"
#include "metrics.h"
#include "sig.h"
#include "signtool.h"
#include "storage.h"
#include "throttle.h"
#include "token.h"
#include "waitlist.h"

#ifndef MYNA_VERSION
#define MYNA_VERSION "0.1.0"
#endif

#define ADMIN_TOKEN_FILE_MAX 4096

enum {
	OPT_LISTEN = 256,
	OPT_DB,
	OPT_DEMO,
	OPT_ADMIN_TOKEN_FILE,
	OPT_DEVICE_INTERVAL,
	OPT_DEVICE_EXPIRY,
	OPT_PUBLIC_URL,
	OPT_ACCESS_EXPIRY,
	OPT_TOMBSTONE_RETENTION,
	OPT_RATE_ADDRESS,
	OPT_RATE_TOKEN,
	OPT_FORWARDED_FOR,
	OPT_THREADS,
	OPT_MAX_CONNECTIONS,
	OPT_APPLICATION_DELAY,
	OPT_LIST_ROUTES,
	OPT_AGENCY_KEYS,
	OPT_HELP,
	OPT_VERSION,
};

static const struct option main_options[] = {
        {"listen", required_argument, NULL, OPT_LISTEN},
        {"db", required_argument, NULL, OPT_DB},
        {"demo", no_argument, NULL, OPT_DEMO},
        {"admin-token-file", required_argument, NULL, OPT_ADMIN_TOKEN_FILE},
        {"device-interval", required_argument, NULL, OPT_DEVICE_INTERVAL},
        /* For tests: a device code lifetime short enough to see it expire. */
        {"device-expiry", required_argument, NULL, OPT_DEVICE_EXPIRY},
        {"public-url", required_argument, NULL, OPT_PUBLIC_URL},
        {"access-expiry", required_argument, NULL, OPT_ACCESS_EXPIRY},
        {"tombstone-retention", required_argument, NULL, OPT_TOMBSTONE_RETENTION},
        {"rate-address", required_argument, NULL, OPT_RATE_ADDRESS},
        {"rate-token", required_argument, NULL, OPT_RATE_TOKEN},
        {"forwarded-for", no_argument, NULL, OPT_FORWARDED_FOR},
        {"threads", required_argument, NULL, OPT_THREADS},
        {"max-connections", required_argument, NULL, OPT_MAX_CONNECTIONS},
        /* For tests: keeps each application in flight this many milliseconds. */
        {"test-application-delay", required_argument, NULL, OPT_APPLICATION_DELAY},
        {"list-routes", no_argument, NULL, OPT_LIST_ROUTES},
        {"agency-keys", required_argument, NULL, OPT_AGENCY_KEYS},
        {"help", no_argument, NULL, OPT_HELP},
        {"version", no_argument, NULL, OPT_VERSION},
        {NULL, 0, NULL, 0},
};

static void
main_usage(FILE *f)
{
	fprintf(f, "%s",
	        _("Usage: myna-bff --listen HOST:PORT --db PATH [--demo]\n"
	          "                [--admin-token-file FILE] [--public-url URL] [OPTIONS]\n"
	          "\n"
	          "The backend-for-frontend server of myna: sign-in (RFC 8628 device grant),\n"
	          "the change feed of notices, deadlines, procedures, applications, records\n"
	          "and access records, applications, and the operator endpoints.\n"
	          "\n"
	          "  --listen HOST:PORT           address to listen on; port 0 picks a free port\n"
	          "  --db PATH                    the SQLite database (created when missing)\n"
	          "  --demo                       fill an empty database with demo residents and\n"
	          "                               data, and serve a sign-in approval page at "
	          "/device\n"
	          "  --admin-token-file FILE      the operator token (else MYNA_BFF_ADMIN_TOKEN)\n"
	          "  --public-url URL             the URL residents reach this server at\n"
	          "                               (default http://HOST:PORT)\n"
	          "  --device-interval SECONDS    polling interval for sign-in (default 5)\n"
	          "  --access-expiry SECONDS      lifetime of access tokens (default 3600)\n"
	          "  --tombstone-retention SECONDS  how long deletions are kept in the feed\n"
	          "                               (default 2592000, 30 days)\n"
	          "  --rate-address RATE/BURST    requests per second per client address\n"
	          "                               (default 100/1000; off for none)\n"
	          "  --rate-token RATE/BURST      requests per second per access token\n"
	          "                               (default 20/200; off for none)\n"
	          "  --forwarded-for              take the client address from X-Forwarded-For\n"
	          "                               when the peer is a proxy on loopback\n"
	          "  --threads N                  threads serving connections (default 4)\n"
	          "  --max-connections N          connections at once (default 1024)\n"
	          "  --agency-keys PATH           a key file or folder of the agencies' public\n"
	          "                               keys: signed notices are checked, and one\n"
	          "                               that does not verify is refused (422)\n"
	          "  --list-routes                print the route table and exit\n"
	          "  --help                       show this help\n"
	          "  --version                    show the version\n"
	          "\n"
	          "       myna-bff sign-notice --key FILE [--agency ID] < notice.json\n"
	          "\n"
	          "signs a notice with an agency's private key (myna-bff sign-notice --help).\n"
	          "\n"
	          "See myna-bff(8) and docs/api.md.\n"));
}

/* The storage listener: a commit changed an audience's feed.  The tips
 * come first, so that a long poll woken next reads the new state. */
static void
main_changed(void *arg, const char *user, const char *municipality, long long seq)
{
	struct bff *bff = arg;

	if (bff->tips != NULL)
		feed_tips_note(bff->tips, user, municipality, seq);
	waitlist_wake(bff->waitlist, user, municipality);
}

/* Prints the route table: method, pattern, who may call it. */
static void
main_list_routes(void)
{
	static const char *const auth[] = {"none", "user", "admin"};
	size_t i;

	for (i = 0; i < http_route_count(); i++) {
		const struct http_route *r = http_route_at(i);

		printf("%s %s %s%s\n", r->method, r->pattern, auth[r->auth],
		       r->demo_only ? " demo" : "");
	}
}

/* Says what was wrong with the command line; returns the exit status 2. */
static int
main_bad_usage(const char *msg)
{
	fprintf(stderr, "myna-bff: %s\n", msg);
	fprintf(stderr, "%s", _("Try 'myna-bff --help'.\n"));
	return 2;
}

/* Parses a number of seconds in [min, max]; -1 when malformed. */
static long
main_seconds(const char *s, long min, long max)
{
	char *end = NULL;
	long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	return v;
}

/* Splits "HOST:PORT" or "[V6]:PORT" into newly allocated parts. */
static int
main_split_listen(const char *arg, char **host, char **port)
{
	const char *colon = strrchr(arg, ':');
	const char *p;
	size_t hlen;

	if (colon == NULL || colon == arg || colon[1] == '\0')
		return -1;
	for (p = colon + 1; *p != '\0'; p++)
		if (*p < '0' || *p > '9')
			return -1;
	if (strlen(colon + 1) > 5 || atol(colon + 1) > 65535)
		return -1;
	hlen = (size_t)(colon - arg);
	if (arg[0] == '[') {
		if (hlen < 3 || arg[hlen - 1] != ']')
			return -1;
		*host = xstrndup(arg + 1, hlen - 2);
	} else {
		if (memchr(arg, ':', hlen) != NULL) /* a bare IPv6 address */
			return -1;
		*host = xstrndup(arg, hlen);
	}
	*port = xstrdup(colon + 1);
	return 0;
}

/* Returns 1 when s can be sent as a bearer token (RFC 6750 b64token). */
static int
main_token_ok(const char *s)
{
	size_t len =
	        strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/");

	len += strspn(s + len, "=");
	return len > 0 && len <= TOKEN_MAX && s[len] == '\0';
}

/* Reads the admin token from path into a new string, trimmed of blanks. */
static char *
main_read_token(const char *path, char **cause)
{
	char buf[ADMIN_TOKEN_FILE_MAX + 1];
	struct stat sb;
	size_t len = 0, start = 0;
	ssize_t got;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		*cause = xasprintf(_("cannot read the admin token file %s: %s"), path,
		                   strerror(errno));
		return NULL;
	}
	if (fstat(fd, &sb) == 0 && (sb.st_mode & 0077) != 0)
		log_warn("the admin token file %s can be read by others; chmod 600 it", path);
	while (len < ADMIN_TOKEN_FILE_MAX &&
	       (got = read(fd, buf + len, ADMIN_TOKEN_FILE_MAX - len)) != 0) {
		if (got < 0) {
			if (errno == EINTR)
				continue;
			*cause = xasprintf(_("cannot read the admin token file %s: %s"), path,
			                   strerror(errno));
			close(fd);
			return NULL;
		}
		len += (size_t)got;
	}
	close(fd);
	buf[len] = '\0';
	while (len > 0 && strchr(" \t\r\n", buf[len - 1]) != NULL)
		buf[--len] = '\0';
	while (buf[start] != '\0' && strchr(" \t\r\n", buf[start]) != NULL)
		start++;
	return xstrdup(buf + start);
}

int
main(int argc, char **argv)
{
	struct bff bff;
	struct http *http = NULL;
	char *listen_arg = NULL, *db_path = NULL, *token_file = NULL, *public_url = NULL;
	char *host = NULL, *port = NULL, *token = NULL, *cause = NULL;
	const char *agency_keys = NULL;
	const char *env, *rate_address = BFF_RATE_ADDRESS, *rate_token = BFF_RATE_TOKEN;
	struct throttle_rate ra, rt;
	long threads = HTTP_THREADS, connections = HTTP_CONNECTIONS_MAX;
	sigset_t sigs;
	int opt, fd = -1, bound = 0, sig = 0, status = 1;

	memset(&bff, 0, sizeof bff);
	bff.device_interval = BFF_DEVICE_INTERVAL;
	bff.device_expiry = BFF_DEVICE_EXPIRY;
	bff.access_expiry = BFF_ACCESS_EXPIRY;
	bff.tombstone_retention = BFF_TOMBSTONE_RETENTION;
	i18n_init(NULL);
	log_init("myna-bff");
	if (argc > 1 && strcmp(argv[1], "sign-notice") == 0)
		return signtool_main(argc - 1, argv + 1);

	while ((opt = getopt_long(argc, argv, "", main_options, NULL)) != -1) {
		switch (opt) {
		case OPT_LISTEN:
			listen_arg = optarg;
			break;
		case OPT_DB:
			db_path = optarg;
			break;
		case OPT_DEMO:
			bff.demo = 1;
			break;
		case OPT_ADMIN_TOKEN_FILE:
			token_file = optarg;
			break;
		case OPT_DEVICE_INTERVAL:
			bff.device_interval = main_seconds(optarg, 1, 3600);
			if (bff.device_interval < 0)
				return main_bad_usage(_("--device-interval takes a number of "
				                        "seconds from 1 to 3600"));
			break;
		case OPT_DEVICE_EXPIRY:
			bff.device_expiry = main_seconds(optarg, 1, 86400);
			if (bff.device_expiry < 0)
				return main_bad_usage(_("--device-expiry takes a number of seconds "
				                        "from 1 to 86400"));
			break;
		case OPT_PUBLIC_URL:
			public_url = optarg;
			break;
		case OPT_ACCESS_EXPIRY:
			bff.access_expiry = main_seconds(optarg, 1, 86400);
			if (bff.access_expiry < 0)
				return main_bad_usage(_("--access-expiry takes a number of seconds "
				                        "from 1 to 86400"));
			break;
		case OPT_TOMBSTONE_RETENTION:
			bff.tombstone_retention = main_seconds(optarg, 0, 10L * 365 * 86400);
			if (bff.tombstone_retention < 0)
				return main_bad_usage(_("--tombstone-retention takes a number of "
				                        "seconds, up to ten years"));
			break;
		case OPT_RATE_ADDRESS:
			rate_address = optarg;
			break;
		case OPT_RATE_TOKEN:
			rate_token = optarg;
			break;
		case OPT_FORWARDED_FOR:
			bff.forwarded_for = 1;
			break;
		case OPT_THREADS:
			threads = main_seconds(optarg, 1, 256);
			if (threads < 0)
				return main_bad_usage(_("--threads takes a number from 1 to 256"));
			break;
		case OPT_MAX_CONNECTIONS:
			connections = main_seconds(optarg, 1, 100000);
			if (connections < 0)
				return main_bad_usage(
				        _("--max-connections takes a number from 1 to 100000"));
			break;
		case OPT_APPLICATION_DELAY:
			bff.application_delay_ms = main_seconds(optarg, 0, 60000);
			if (bff.application_delay_ms < 0)
				return main_bad_usage(_("--test-application-delay takes "
				                        "milliseconds, up to 60000"));
			break;
		case OPT_LIST_ROUTES:
			main_list_routes();
			return 0;
		case OPT_AGENCY_KEYS:
			agency_keys = optarg;
			break;
		case OPT_HELP:
			main_usage(stdout);
			return 0;
		case OPT_VERSION:
			printf("myna-bff %s\n", MYNA_VERSION);
			return 0;
		default:
			/* getopt has said what was wrong. */
			fprintf(stderr, "%s", _("Try 'myna-bff --help'.\n"));
			return 2;
		}
	}
	if (optind < argc)
		return main_bad_usage(_("unexpected argument; every option starts with --"));
	if (listen_arg == NULL)
		return main_bad_usage(_("--listen HOST:PORT is required"));
	if (db_path == NULL)
		return main_bad_usage(_("--db PATH is required"));
	if (public_url != NULL &&
	    ((strncmp(public_url, "http://", 7) != 0 && strncmp(public_url, "https://", 8) != 0) ||
	     strpbrk(public_url, " \t\"<>\\?#") != NULL))
		return main_bad_usage(
		        _("--public-url takes an http:// or https:// URL without query"));
	if (main_split_listen(listen_arg, &host, &port) != 0)
		return main_bad_usage(
		        _("--listen takes HOST:PORT, such as 127.0.0.1:8080 or [::1]:0"));
	if (throttle_rate_parse(rate_address, &ra) != 0 ||
	    throttle_rate_parse(rate_token, &rt) != 0) {
		free(host);
		free(port);
		return main_bad_usage(_("--rate-address and --rate-token take RATE/BURST (requests "
		                        "per second and how many at once, such as 100/1000) or "
		                        "off"));
	}

	/* The token file wins over the environment. */
	env = getenv("MYNA_BFF_ADMIN_TOKEN");
	if (token_file != NULL) {
		token = main_read_token(token_file, &cause);
		if (token == NULL)
			goto fail;
		if (*token == '\0') {
			cause = xasprintf(_("the admin token file %s is empty"), token_file);
			goto fail;
		}
	} else if (env != NULL && *env != '\0') {
		token = xstrdup(env);
	}
	if (token != NULL) {
		if (!main_token_ok(token)) {
			cause = xstrdup(_("the admin token must be 1 to 512 characters of "
			                  "A-Z a-z 0-9 - . _ ~ + / (then any =)"));
			goto fail;
		}
		if (strlen(token) < 16)
			log_warn("the admin token is shorter than 16 characters; use a long random "
			         "one");
		if (token_hash(token, strlen(token), bff.admin_hash) != 0) {
			cause = xstrdup(_("cannot hash the admin token"));
			goto fail;
		}
		bff.admin_set = 1;
	} else {
		log_warn("no admin token: operator endpoints are disabled "
		         "(use --admin-token-file or MYNA_BFF_ADMIN_TOKEN)");
	}

	if (agency_keys != NULL) {
		bff.keyring = sig_keyring_new();
		if (sig_keyring_add_path(bff.keyring, agency_keys, &cause) != 0)
			goto fail;
		if (sig_keyring_count(bff.keyring) == 0) {
			cause = xasprintf(_("--agency-keys %s holds no key (AGENCY.pem files)"),
			                  agency_keys);
			goto fail;
		}
		log_info("checking signed notices with %zu agency keys", sig_keyring_count(bff.keyring));
	}
	if (storage_open(db_path, &bff.storage, &cause) != 0)
		goto fail;
	bff.metrics = metrics_new(http_route_count());
	bff.per_address = throttle_new(ra, 65536);
	bff.per_token = throttle_new(rt, 65536);
	bff.waitlist = waitlist_new();
	if (bff.waitlist == NULL) {
		cause = xstrdup(_("cannot start the thread of the long polls"));
		goto fail;
	}
	bff.tips = feed_tips_new(FEED_TIPS_SLOTS);
	bff.tokens = auth_cache_new(AUTH_CACHE_SLOTS);
	storage_listen(bff.storage, main_changed, &bff);
	if (bff.demo && demo_load(bff.storage, time(NULL), &cause) != 0)
		goto fail;
	if (feed_tips_load(bff.tips, bff.storage) != 0) {
		cause = xstrdup(_("cannot read the feed"));
		goto fail;
	}
	{
		long long removed = 0;

		if (admin_maintain(&bff, &removed) != 0)
			log_warn("maintenance failed at start; the server goes on");
	}
	if (http_listen(host, port, &fd, &bound, &cause) != 0)
		goto fail;
	if (public_url != NULL) {
		bff.base_url = xstrdup(public_url);
		while (strlen(bff.base_url) > 8 && bff.base_url[strlen(bff.base_url) - 1] == '/')
			bff.base_url[strlen(bff.base_url) - 1] = '\0';
	} else {
		bff.base_url = xasprintf(
		        strchr(host, ':') != NULL ? "http://[%s]:%d" : "http://%s:%d", host, bound);
	}

	/* Signals are taken by sigwait below, never by the server's threads. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (http_start(&bff, fd, (unsigned int)threads, (unsigned int)connections, &http, &cause) !=
	    0)
		goto fail;
	fd = -1;
	if (strchr(host, ':') != NULL)
		fprintf(stderr, "listening on http://[%s]:%d\n", host, bound);
	else
		fprintf(stderr, "listening on http://%s:%d\n", host, bound);
	fflush(stderr);

	/* Between signals, the maintenance runs every so often. */
	for (;;) {
		struct timespec ts = {BFF_MAINTENANCE_INTERVAL, 0};
		long long removed = 0;

		sig = sigtimedwait(&sigs, NULL, &ts);
		if (sig == SIGTERM || sig == SIGINT)
			break;
		if (sig < 0 && errno == EAGAIN && admin_maintain(&bff, &removed) != 0)
			log_warn("maintenance failed; trying again later");
	}
	log_info("%s: stopping", sig == SIGINT ? "SIGINT" : "SIGTERM");
	http_stop(http);
	status = 0;
	goto out;
fail:
	fprintf(stderr, "myna-bff: %s\n", cause != NULL ? cause : _("failed"));
out:
	if (fd >= 0)
		close(fd);
	if (bff.storage != NULL)
		storage_listen(bff.storage, NULL, NULL);
	waitlist_free(bff.waitlist);
	storage_close(bff.storage);
	feed_tips_free(bff.tips);
	auth_cache_free(bff.tokens);
	metrics_free(bff.metrics);
	throttle_free(bff.per_address);
	throttle_free(bff.per_token);
	free(bff.base_url);
	sig_keyring_free(bff.keyring);
	free(host);
	free(port);
	if (token != NULL) {
		memset(token, 0, strlen(token));
		free(token);
	}
	free(cause);
	return status;
}
