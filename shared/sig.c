/*
 * sig: signed notices (see sig.h, docs/api.md and docs/security.md).
 *
 * Every OpenSSL call that fails leaves errors on the thread's error queue;
 * they are cleared here, so that they cannot be taken later for an error
 * of another user of the library (libcurl).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "buf.h"
#include "config.h"
#include "date.h"
#include "i18n.h"
#include "log.h"
#include "mem.h"
#include "paths.h"
#include "sig.h"
#include "text.h"

#ifndef MYNA_KEYDIR
#define MYNA_KEYDIR "/usr/local/share/myna/keys"
#endif

#define SIG_RAW_KEY 32	/* bytes of an Ed25519 public key */

const char *
sig_trust_name(enum sig_trust t)
{
	switch (t) {
	case SIG_VERIFIED:
		return "verified";
	case SIG_BAD:
		return "bad_signature";
	case SIG_UNKNOWN:
		return "unknown_signer";
	case SIG_UNSIGNED:
		break;
	}
	return "unsigned";
}

int
sig_agency_valid(const char *s)
{
	size_t len;

	if (s == NULL)
		return 0;
	len = strlen(s);
	return len > 0 && len <= SIG_AGENCY_MAX && s[0] != '-' &&
	       strspn(s, SIG_AGENCY_CHARS) == len;
}

/* The value of a base64 digit, or -1. */
static int
sig_b64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

int
sig_decode(const char *s, unsigned char out[SIG_BYTES])
{
	unsigned int acc = 0;
	size_t i, bits = 0, n = 0;
	int v;

	/* 64 bytes are 86 digits (516 bits, the last 4 unused) and "==". */
	if (s == NULL || strlen(s) != SIG_BASE64_LEN || strcmp(s + SIG_BASE64_LEN - 2, "==") != 0)
		return -1;
	for (i = 0; i < SIG_BASE64_LEN - 2; i++) {
		if ((v = sig_b64_value(s[i])) < 0)
			return -1;
		acc = (acc << 6) | (unsigned int)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[n++] = (unsigned char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	/* One spelling only: the unused bits are zero. */
	return n == SIG_BYTES && acc == 0 ? 0 : -1;
}

/* Appends one length-prefixed field. */
static void
sig_field(struct buf *b, const char *s)
{
	size_t len = s != NULL ? strlen(s) : 0;

	buf_printf(b, "%zu:", len);
	buf_add(b, s != NULL ? s : "", len);
	buf_addch(b, '\n');
}

int
sig_canonical(const struct wire_notice *n, struct buf *out)
{
	char utc[32];
	struct tm tm;
	time_t t;

	if (n->published == NULL || date_parse(n->published, &t) < 0 || gmtime_r(&t, &tm) == NULL ||
	    strftime(utc, sizeof utc, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		return -1;
	buf_addstr(out, SIG_CANONICAL_TAG);
	sig_field(out, n->agency);
	sig_field(out, n->sender.ja);
	sig_field(out, n->sender.en);
	sig_field(out, n->title.ja);
	sig_field(out, n->title.en);
	sig_field(out, n->body.ja);
	sig_field(out, n->body.en);
	sig_field(out, utc);
	return 0;
}

/* --- the keyring ------------------------------------------------------- */

struct sig_entry {
	char		*agency;
	unsigned char	 raw[SIG_RAW_KEY];
	EVP_PKEY	*pkey;
	struct wire_text names;	/* of the agency, on its first entry */
};

struct sig_keyring {
	struct sig_entry *v;
	size_t		  n;
	char		  fingerprint[2 * 32 + 1];
	int		  fingerprint_valid;
};

struct sig_keyring *
sig_keyring_new(void)
{
	return xcalloc(1, sizeof(struct sig_keyring));
}

void
sig_keyring_free(struct sig_keyring *kr)
{
	size_t i;

	if (kr == NULL)
		return;
	for (i = 0; i < kr->n; i++) {
		free(kr->v[i].agency);
		EVP_PKEY_free(kr->v[i].pkey);
		wire_text_release(&kr->v[i].names);
	}
	free(kr->v);
	free(kr);
}

size_t
sig_keyring_count(const struct sig_keyring *kr)
{
	return kr != NULL ? kr->n : 0;
}

/* The first entry of agency, or NULL. */
static struct sig_entry *
sig_keyring_first(const struct sig_keyring *kr, const char *agency)
{
	size_t i;

	if (kr == NULL || agency == NULL)
		return NULL;
	for (i = 0; i < kr->n; i++) {
		if (strcmp(kr->v[i].agency, agency) == 0)
			return &kr->v[i];
	}
	return NULL;
}

int
sig_keyring_has(const struct sig_keyring *kr, const char *agency)
{
	return sig_keyring_first(kr, agency) != NULL;
}

const struct wire_text *
sig_keyring_names(const struct sig_keyring *kr, const char *agency)
{
	struct sig_entry *e = sig_keyring_first(kr, agency);

	return e != NULL ? &e->names : NULL;
}

/* Reads the name lines before the PEM block of text; *pem is set to where
 * the block starts.  Returns 0, or -1 with *cause. */
static int
sig_key_header(const char *text, size_t len, struct wire_text *names, const char **pem,
	       const char *source, char **cause)
{
	const char *p = text, *end = text + len, *eol, *v;
	size_t line = 0, vlen;
	char **slot;

	while (p < end) {
		line++;
		eol = memchr(p, '\n', (size_t)(end - p));
		if (eol == NULL)
			eol = end;
		if ((size_t)(eol - p) >= 10 && strncmp(p, "-----BEGIN", 10) == 0) {
			*pem = p;
			return 0;
		}
		v = p;
		while (v < eol && (*v == ' ' || *v == '\t' || *v == '\r'))
			v++;
		if (v == eol || *v == '#') {
			p = eol + 1;
			continue;
		}
		if ((size_t)(eol - v) >= 8 && strncmp(v, "name.ja:", 8) == 0)
			slot = &names->ja;
		else if ((size_t)(eol - v) >= 8 && strncmp(v, "name.en:", 8) == 0)
			slot = &names->en;
		else {
			*cause = xasprintf(_("%s, line %zu: neither a comment, a name (name.ja:, "
					     "name.en:) nor the key"),
					   source, line);
			return -1;
		}
		v += 8;
		while (v < eol && (*v == ' ' || *v == '\t'))
			v++;
		vlen = (size_t)(eol - v);
		while (vlen > 0 && strchr(" \t\r", v[vlen - 1]) != NULL)
			vlen--;
		free(*slot);
		*slot = vlen > 0 ? text_clean(v, vlen, 0) : NULL;
		if (*slot != NULL && strlen(*slot) > SIG_NAME_MAX) {
			*cause = xasprintf(_("%s, line %zu: the name is longer than %d bytes"),
					   source, line, SIG_NAME_MAX);
			return -1;
		}
		p = eol + 1;
	}
	*cause = xasprintf(_("%s: no public key (-----BEGIN PUBLIC KEY-----)"), source);
	return -1;
}

int
sig_keyring_add_pem(struct sig_keyring *kr, const char *agency, const char *text, size_t len,
		    const char *source, char **cause)
{
	struct wire_text names = { NULL, NULL };
	struct sig_entry *e, *first;
	const char *pem = NULL;
	EVP_PKEY *pkey = NULL;
	BIO *bio = NULL;
	unsigned char raw[SIG_RAW_KEY];
	size_t rawlen = sizeof raw, i;

	if (!sig_agency_valid(agency)) {
		*cause = xasprintf(_("%s: \"%s\" is not an agency id (1 to %d characters of a-z, "
				     "0-9 and -)"),
				   source, agency != NULL ? agency : "", SIG_AGENCY_MAX);
		return -1;
	}
	if (len > SIG_KEY_FILE_MAX || len > INT_MAX) {
		*cause = xasprintf(_("%s: larger than a key file can be"), source);
		return -1;
	}
	if (sig_key_header(text, len, &names, &pem, source, cause) < 0)
		goto fail;
	bio = BIO_new_mem_buf(pem, (int)(text + len - pem));
	if (bio == NULL || (pkey = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL)) == NULL) {
		*cause = xasprintf(_("%s: no public key that can be read"), source);
		goto fail;
	}
	if (!EVP_PKEY_is_a(pkey, "ED25519") ||
	    EVP_PKEY_get_raw_public_key(pkey, raw, &rawlen) != 1 || rawlen != sizeof raw) {
		*cause = xasprintf(_("%s: not an Ed25519 public key"), source);
		goto fail;
	}
	BIO_free(bio);
	for (i = 0; i < kr->n; i++) {
		if (strcmp(kr->v[i].agency, agency) == 0 &&
		    memcmp(kr->v[i].raw, raw, sizeof raw) == 0) {
			EVP_PKEY_free(pkey);
			wire_text_release(&names);
			return 0;
		}
	}
	/* Names given by any file of the agency are kept on its first entry. */
	first = sig_keyring_first(kr, agency);
	if (first != NULL) {
		if (first->names.ja == NULL)
			first->names.ja = xstrdup(names.ja);
		if (first->names.en == NULL)
			first->names.en = xstrdup(names.en);
		wire_text_release(&names);
	}
	kr->v = xreallocarray(kr->v, kr->n + 1, sizeof *kr->v);
	e = &kr->v[kr->n++];
	memset(e, 0, sizeof *e);
	e->agency = xstrdup(agency);
	memcpy(e->raw, raw, sizeof raw);
	e->pkey = pkey;
	e->names = names;
	kr->fingerprint_valid = 0;
	return 0;
fail:
	ERR_clear_error();
	BIO_free(bio);
	EVP_PKEY_free(pkey);
	wire_text_release(&names);
	return -1;
}

/* Reads a key file whole into *out.  Returns 0, or -1 with *cause. */
static int
sig_read_file(const char *path, struct buf *out, char **cause)
{
	char chunk[4096];
	struct stat sb;
	ssize_t got;
	/* O_NONBLOCK: opening a FIFO or a device must not wait; what is not a
	 * regular file is refused below. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

	buf_init(out, SIG_KEY_FILE_MAX);
	if (fd < 0) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		*cause = xasprintf(_("%s: not a regular file"), path);
		close(fd);
		return -1;
	}
	while ((got = read(fd, chunk, sizeof chunk)) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0 || buf_add(out, chunk, (size_t)got) < 0) {
			*cause = got < 0 ? xasprintf("%s: %s", path, strerror(errno))
					 : xasprintf(_("%s: larger than a key file can be"), path);
			close(fd);
			buf_release(out);
			return -1;
		}
	}
	close(fd);
	return 0;
}

/* Adds the key file path, whose agency is its base name up to the first
 * ".". */
static int
sig_keyring_add_file(struct sig_keyring *kr, const char *path, char **cause)
{
	const char *base = strrchr(path, '/');
	char *agency;
	struct buf b;
	int rc;

	base = base != NULL ? base + 1 : path;
	agency = xstrndup(base, strcspn(base, "."));
	if (!sig_agency_valid(agency)) {
		*cause = xasprintf(_("%s: the file name does not start with an agency id "
				     "(1 to %d characters of a-z, 0-9 and -, then .pem)"),
				   path, SIG_AGENCY_MAX);
		free(agency);
		return -1;
	}
	if (sig_read_file(path, &b, cause) < 0) {
		free(agency);
		return -1;
	}
	rc = sig_keyring_add_pem(kr, agency, b.data, b.len, path, cause);
	buf_release(&b);
	free(agency);
	return rc;
}

static int
sig_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds one warning line to *warnings. */
static void
sig_warn(char **warnings, char *line)
{
	char *all;

	if (*warnings == NULL) {
		*warnings = line;
		return;
	}
	all = xasprintf("%s\n%s", *warnings, line);
	free(*warnings);
	free(line);
	*warnings = all;
}

int
sig_keyring_add_path(struct sig_keyring *kr, const char *path, char **warnings)
{
	struct dirent *de;
	struct stat sb;
	char **names = NULL, *file, *cause = NULL;
	size_t n = 0, i, len;
	int failed = 0;
	DIR *d;

	*warnings = NULL;
	if (stat(path, &sb) != 0) {
		*warnings = xasprintf("%s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(sb.st_mode)) {
		if (sig_keyring_add_file(kr, path, &cause) < 0) {
			*warnings = cause;
			return 1;
		}
		return 0;
	}
	if ((d = opendir(path)) == NULL) {
		*warnings = xasprintf("%s: %s", path, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len < 5 || strcmp(de->d_name + len - 4, ".pem") != 0)
			continue;
		names = xreallocarray(names, n + 1, sizeof *names);
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	/* In name order, so that the same files always give the same names. */
	if (n > 0)
		qsort(names, n, sizeof *names, sig_name_cmp);
	for (i = 0; i < n; i++) {
		file = xasprintf("%s/%s", path, names[i]);
		if (sig_keyring_add_file(kr, file, &cause) < 0) {
			sig_warn(warnings, cause);
			cause = NULL;
			failed++;
		}
		free(file);
		free(names[i]);
	}
	free(names);
	return failed;
}

char *
sig_keyring_shipped_dir(void)
{
	return paths_find("MYNA_KEYDIR", "../keys/agencies", paths_is_dir, MYNA_KEYDIR);
}

/* Adds path to kr, logging what could not be used. */
static void
sig_keyring_load_path(struct sig_keyring *kr, const char *path, int missing_ok)
{
	char *warnings = NULL, *line, *save = NULL;
	struct stat sb;

	if (missing_ok && stat(path, &sb) != 0 && errno == ENOENT)
		return;
	if (sig_keyring_add_path(kr, path, &warnings) != 0 && warnings != NULL) {
		for (line = strtok_r(warnings, "\n", &save); line != NULL;
		     line = strtok_r(NULL, "\n", &save))
			log_warn(_("agency key left out: %s"), line);
	}
	free(warnings);
}

struct sig_keyring *
sig_keyring_load(const struct config *c)
{
	struct sig_keyring *kr = sig_keyring_new();
	char *shipped = sig_keyring_shipped_dir();
	const char *extra = c != NULL ? config_get(c, "agency_keys") : NULL;

	/* A system without shipped keys is not a fault; a setting that names
	 * nothing is. */
	sig_keyring_load_path(kr, shipped, 1);
	/* Relative, it would name different keys from each folder myna is
	 * started in: an unpacked archive could bring its own "trusted" keys. */
	if (extra != NULL && extra[0] != '\0' && extra[0] != '/')
		log_warn(_("agency_keys must be an absolute path; \"%s\" is left out"), extra);
	else if (extra != NULL && extra[0] != '\0')
		sig_keyring_load_path(kr, extra, 0);
	free(shipped);
	return kr;
}

/* Orders entries by agency, then key. */
static int
sig_entry_cmp(const void *a, const void *b)
{
	const struct sig_entry *x = *(const struct sig_entry *const *)a;
	const struct sig_entry *y = *(const struct sig_entry *const *)b;
	int c = strcmp(x->agency, y->agency);

	return c != 0 ? c : memcmp(x->raw, y->raw, sizeof x->raw);
}

const char *
sig_keyring_fingerprint(struct sig_keyring *kr)
{
	const struct sig_entry **order;
	unsigned char md[32];
	unsigned int mdlen = 0;
	EVP_MD_CTX *ctx;
	size_t i;

	if (kr->fingerprint_valid)
		return kr->fingerprint;
	order = xcalloc(kr->n ? kr->n : 1, sizeof *order);
	for (i = 0; i < kr->n; i++)
		order[i] = &kr->v[i];
	if (kr->n > 0)
		qsort(order, kr->n, sizeof *order, sig_entry_cmp);
	ctx = EVP_MD_CTX_new();
	if (ctx == NULL || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1)
		goto fail;
	for (i = 0; i < kr->n; i++) {
		if (EVP_DigestUpdate(ctx, order[i]->agency, strlen(order[i]->agency) + 1) != 1 ||
		    EVP_DigestUpdate(ctx, order[i]->raw, sizeof order[i]->raw) != 1)
			goto fail;
	}
	if (EVP_DigestFinal_ex(ctx, md, &mdlen) != 1 || mdlen != sizeof md)
		goto fail;
	for (i = 0; i < sizeof md; i++)
		snprintf(kr->fingerprint + 2 * i, 3, "%02x", md[i]);
	kr->fingerprint_valid = 1;
	EVP_MD_CTX_free(ctx);
	free(order);
	return kr->fingerprint;
fail:
	/* Only when memory runs out: a fingerprint that matches nothing, so
	 * that every notice is checked again. */
	ERR_clear_error();
	EVP_MD_CTX_free(ctx);
	free(order);
	snprintf(kr->fingerprint, sizeof kr->fingerprint, "none");
	return kr->fingerprint;
}

/* Returns 1 if sig over msg verifies with pkey. */
static int
sig_check(EVP_PKEY *pkey, const unsigned char *sig, const struct buf *msg)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok = ctx != NULL && EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, pkey) == 1 &&
		 EVP_DigestVerify(ctx, sig, SIG_BYTES, (const unsigned char *)msg->data,
				  msg->len) == 1;

	EVP_MD_CTX_free(ctx);
	if (!ok)
		ERR_clear_error();
	return ok;
}

enum sig_trust
sig_verify(const struct sig_keyring *kr, const struct wire_notice *n)
{
	unsigned char sig[SIG_BYTES];
	enum sig_trust t = SIG_BAD;
	struct buf msg;
	size_t i;

	if (n->agency == NULL && n->signature == NULL)
		return SIG_UNSIGNED;
	if (!sig_agency_valid(n->agency) || !sig_keyring_has(kr, n->agency))
		return SIG_UNKNOWN;
	if (sig_decode(n->signature, sig) < 0)
		return SIG_BAD;
	buf_init(&msg, 0);
	if (sig_canonical(n, &msg) == 0) {
		/* Any key of the agency: it may hold an old and a new one. */
		for (i = 0; i < kr->n && t != SIG_VERIFIED; i++) {
			if (strcmp(kr->v[i].agency, n->agency) == 0 &&
			    sig_check(kr->v[i].pkey, sig, &msg))
				t = SIG_VERIFIED;
		}
	}
	buf_release(&msg);
	return t;
}

/* --- signing ----------------------------------------------------------- */

struct sig_key {
	EVP_PKEY *pkey;
};

/* Refuses to ask for a passphrase (keys given as text have none). */
static int
sig_no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return -1;
}

/* Reads a private key from bio; cb asks for a passphrase (NULL: OpenSSL's
 * prompt on the terminal). */
static struct sig_key *
sig_key_bio(BIO *bio, pem_password_cb *cb, const char *source, char **cause)
{
	EVP_PKEY *pkey = bio != NULL ? PEM_read_bio_PrivateKey(bio, NULL, cb, NULL) : NULL;
	struct sig_key *k;

	if (pkey == NULL) {
		*cause = xasprintf(_("%s: no private key that can be read"), source);
		ERR_clear_error();
		return NULL;
	}
	if (!EVP_PKEY_is_a(pkey, "ED25519")) {
		*cause = xasprintf(_("%s: not an Ed25519 private key"), source);
		EVP_PKEY_free(pkey);
		return NULL;
	}
	k = xcalloc(1, sizeof *k);
	k->pkey = pkey;
	return k;
}

struct sig_key *
sig_key_from_pem(const char *text, size_t len, char **cause)
{
	BIO *bio = len <= INT_MAX ? BIO_new_mem_buf(text, (int)len) : NULL;
	struct sig_key *k = sig_key_bio(bio, sig_no_passphrase, _("the key"), cause);

	BIO_free(bio);
	return k;
}

struct sig_key *
sig_key_read(const char *path, char **cause)
{
	struct sig_key *k;
	struct buf b;
	BIO *bio;

	if (sig_read_file(path, &b, cause) < 0)
		return NULL;
	bio = BIO_new_mem_buf(b.data, (int)b.len);
	k = sig_key_bio(bio, NULL, path, cause);
	BIO_free(bio);
	OPENSSL_cleanse(b.data, b.len);
	buf_release(&b);
	return k;
}

void
sig_key_free(struct sig_key *k)
{
	if (k == NULL)
		return;
	EVP_PKEY_free(k->pkey);
	free(k);
}

char *
sig_key_public_pem(const struct sig_key *k)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *data = NULL, *r = NULL;
	long len;

	if (bio != NULL && PEM_write_bio_PUBKEY(bio, k->pkey) == 1 &&
	    (len = BIO_get_mem_data(bio, &data)) > 0)
		r = xstrndup(data, (size_t)len);
	ERR_clear_error();
	BIO_free(bio);
	return r;
}

char *
sig_sign(const struct sig_key *k, const struct wire_notice *n, char **cause)
{
	unsigned char sig[SIG_BYTES];
	unsigned char b64[SIG_BASE64_LEN + 1];
	size_t siglen = sizeof sig;
	EVP_MD_CTX *ctx = NULL;
	struct buf msg;
	char *r = NULL;

	buf_init(&msg, 0);
	if (!sig_agency_valid(n->agency)) {
		*cause = xstrdup(_("the notice names no agency, or not a valid agency id"));
		goto out;
	}
	if (sig_canonical(n, &msg) < 0) {
		*cause = xstrdup(_("the notice has no RFC 3339 publication time"));
		goto out;
	}
	ctx = EVP_MD_CTX_new();
	if (ctx == NULL || EVP_DigestSignInit(ctx, NULL, NULL, NULL, k->pkey) != 1 ||
	    EVP_DigestSign(ctx, sig, &siglen, (const unsigned char *)msg.data, msg.len) != 1 ||
	    siglen != sizeof sig) {
		*cause = xstrdup(_("OpenSSL could not sign the notice"));
		ERR_clear_error();
		goto out;
	}
	if (EVP_EncodeBlock(b64, sig, (int)sizeof sig) != SIG_BASE64_LEN) {
		*cause = xstrdup(_("OpenSSL could not encode the signature"));
		goto out;
	}
	r = xstrdup((const char *)b64);
out:
	EVP_MD_CTX_free(ctx);
	buf_release(&msg);
	return r;
}
