/*
 * Unit tests for shared/sig.c: the canonical form of a notice (against a
 * known answer that OpenSSL's own command line also gives), signing and
 * verifying (good, each field changed, another key, an unknown agency,
 * malformed and wrong-length signatures), key files and keyrings, and the
 * demo keys (the server's private halves against keys/demo/).  Run from
 * the top of the tree (tests/run does), where keys/ is.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "log.h"
#include "mem.h"
#include "sig.h"
#include "wire.h"
#include "../../server/demo_keys.h"
#include "sigtest.h"

/* The known answer (docs/api.md gives the same example). */
#define KA_CANONICAL                                                                               \
	"myna-notice-v1\n8:demo-nta\n9:国税庁\n19:National Tax Agency\n12:お知らせ\n6:Notice\n"    \
	"19:一行目\n二行目\n0:\n20:2026-11-20T01:00:00Z\n"
#define KA_SIGNATURE                                                                               \
	"wr04utPtf38GU+hzB1xunJA20C5Hk7JXp8fnLLTCR5M6R8JOCF5I/WSF+XWslCUd0FjkuXLPXwuBBYq7KskXAQ=="

static struct wire_notice
ka_notice(void)
{
	struct wire_notice n = {
		.id = "n-1",
		.title = { "お知らせ", "Notice" },
		.body = { "一行目\n二行目", NULL },
		.sender = { "国税庁", "National Tax Agency" },
		.published = "2026-11-20T10:00:00+09:00",
		.agency = "demo-nta",
	};
	return n;
}

/* The demo key of agency, from server/demo_keys.c. */
static struct sig_key *
demo_key(const char *agency)
{
	char *cause = NULL;
	size_t i;

	for (i = 0; i < demo_nkeys; i++) {
		if (strcmp(demo_keys[i].agency, agency) == 0) {
			struct sig_key *k = sig_key_from_pem(demo_keys[i].pem,
							     strlen(demo_keys[i].pem), &cause);
			if (k == NULL)
				fail_msg("%s: %s", agency, cause);
			return k;
		}
	}
	fail_msg("no demo key %s", agency);
	return NULL;
}

static char tmpdir[] = "/tmp/myna-test-sig-XXXXXX";

static int
rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static char *
tmp_path(const char *name)
{
	return xasprintf("%s/%s", tmpdir, name);
}

static void
write_file(const char *name, const char *text)
{
	char *path = tmp_path(name);
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
	free(path);
}

static int
setup(void **state)
{
	(void)state;
	setenv("TZ", "Asia/Tokyo", 1);
	tzset();
	log_set_level(LOG_ERROR);
	return mkdtemp(tmpdir) != NULL ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}

/* The canonical form, byte for byte; the time in UTC whatever its offset. */
static void
test_canonical(void **state)
{
	struct wire_notice n = ka_notice();
	struct buf b;

	(void)state;
	buf_init(&b, 0);
	assert_int_equal(sig_canonical(&n, &b), 0);
	assert_int_equal(b.len, strlen(KA_CANONICAL));
	assert_memory_equal(b.data, KA_CANONICAL, b.len);

	/* The same instant written otherwise gives the same bytes. */
	buf_reset(&b);
	n.published = "2026-11-20T01:00:00Z";
	assert_int_equal(sig_canonical(&n, &b), 0);
	assert_memory_equal(b.data, KA_CANONICAL, b.len);

	/* Lengths keep fields apart: moving a byte from one field to the next
	 * changes the bytes. */
	buf_reset(&b);
	n.title.ja = "お知らせ6:Notic";
	n.title.en = "e";
	assert_int_equal(sig_canonical(&n, &b), 0);
	assert_true(b.len != strlen(KA_CANONICAL) || memcmp(b.data, KA_CANONICAL, b.len) != 0);

	/* No time, or one that does not parse: nothing to sign. */
	buf_reset(&b);
	n.published = NULL;
	assert_int_equal(sig_canonical(&n, &b), -1);
	n.published = "yesterday";
	assert_int_equal(sig_canonical(&n, &b), -1);
	assert_int_equal(b.len, 0);
	buf_release(&b);
}

/* Ed25519 is deterministic: the demo key gives the known signature, and
 * the known signature verifies. */
static void
test_known_answer(void **state)
{
	struct wire_notice n = ka_notice();
	struct sig_key *k = demo_key("demo-nta");
	struct sig_keyring *kr = sig_keyring_new();
	char *sig, *cause = NULL, *warnings = NULL;

	(void)state;
	sig = sig_sign(k, &n, &cause);
	assert_non_null(sig);
	assert_string_equal(sig, KA_SIGNATURE);
	assert_int_equal(sig_keyring_add_path(kr, "keys/demo/demo-nta.pem", &warnings), 0);
	n.signature = KA_SIGNATURE;
	assert_int_equal(sig_verify(kr, &n), SIG_VERIFIED);
	free(sig);
	sig_key_free(k);
	sig_keyring_free(kr);
}

/* Every part of the content is covered: changing any one of them, or
 * checking with another key, fails. */
static void
test_verify(void **state)
{
	struct sig_key *k = sigtest_key(), *other = sigtest_key();
	struct sig_keyring *kr = sig_keyring_new(), *wrong = sig_keyring_new();
	struct wire_notice n = ka_notice(), t;
	char *sig;

	(void)state;
	sigtest_trust(kr, "demo-nta", k, "国税庁", "National Tax Agency");
	sigtest_trust(wrong, "demo-nta", other, NULL, NULL);
	sigtest_sign(k, &n, "demo-nta");
	sig = n.signature;
	assert_int_equal(sig_verify(kr, &n), SIG_VERIFIED);
	assert_int_equal(sig_verify(wrong, &n), SIG_BAD);
	assert_int_equal(sig_verify(NULL, &n), SIG_UNKNOWN);

#define TAMPERED(field, value)                                                                     \
	do {                                                                                       \
		t = n;                                                                             \
		t.field = value;                                                                   \
		assert_int_equal(sig_verify(kr, &t), SIG_BAD);                                     \
	} while (0)
	TAMPERED(title.ja, "至急のお知らせ");
	TAMPERED(title.en, "Urgent notice");
	TAMPERED(title.en, NULL);
	TAMPERED(body.ja, "一行目\n二行目\n振込先：…");
	TAMPERED(body.en, "Pay here");
	TAMPERED(sender.ja, "国税庁 徴収部");
	TAMPERED(sender.en, NULL);
	TAMPERED(published, "2026-11-21T10:00:00+09:00");
	TAMPERED(published, "not a time");
	TAMPERED(published, NULL);
#undef TAMPERED
	/* Absent and empty text are the same (clients show neither). */
	t = n;
	t.body.en = "";
	assert_int_equal(sig_verify(kr, &t), SIG_VERIFIED);
	/* The id and the audience are not signed: the same content under
	 * another id verifies (docs/security.md says why). */
	t.id = "n-99";
	assert_int_equal(sig_verify(kr, &t), SIG_VERIFIED);

	/* Another agency's name on the same signature: unknown, or bad when
	 * that agency is known. */
	t = n;
	t.agency = "demo-chiyoda";
	assert_int_equal(sig_verify(kr, &t), SIG_UNKNOWN);
	sigtest_trust(kr, "demo-chiyoda", other, NULL, NULL);
	assert_int_equal(sig_verify(kr, &t), SIG_BAD);

	/* Malformed signatures. */
	t = n;
	t.signature = "";
	assert_int_equal(sig_verify(kr, &t), SIG_BAD);
	t.signature = "AAAA";
	assert_int_equal(sig_verify(kr, &t), SIG_BAD);
	t.signature = NULL;
	assert_int_equal(sig_verify(kr, &t), SIG_BAD);
	{
		char buf[SIG_BASE64_LEN + 8];

		/* One character short, one too many, a character outside
		 * base64, and the padding missing. */
		snprintf(buf, sizeof buf, "%.*s==", SIG_BASE64_LEN - 3, sig);
		t.signature = buf;
		assert_int_equal(sig_verify(kr, &t), SIG_BAD);
		snprintf(buf, sizeof buf, "A%s", sig);
		assert_int_equal(sig_verify(kr, &t), SIG_BAD);
		snprintf(buf, sizeof buf, "%s", sig);
		buf[10] = '!';
		assert_int_equal(sig_verify(kr, &t), SIG_BAD);
		snprintf(buf, sizeof buf, "%.*sAA", SIG_BASE64_LEN - 2, sig);
		assert_int_equal(sig_verify(kr, &t), SIG_BAD);
		/* A flipped bit. */
		snprintf(buf, sizeof buf, "%s", sig);
		buf[0] = buf[0] == 'A' ? 'B' : 'A';
		assert_int_equal(sig_verify(kr, &t), SIG_BAD);
	}

	/* No agency: unsigned without a signature, an unknown signer with
	 * one; an agency id that is not one. */
	t = n;
	t.agency = NULL;
	t.signature = NULL;
	assert_int_equal(sig_verify(kr, &t), SIG_UNSIGNED);
	t.signature = sig;
	assert_int_equal(sig_verify(kr, &t), SIG_UNKNOWN);
	t.agency = "../demo-nta";
	assert_int_equal(sig_verify(kr, &t), SIG_UNKNOWN);

	free(sig);
	sig_key_free(k);
	sig_key_free(other);
	sig_keyring_free(kr);
	sig_keyring_free(wrong);
}

/* Base64 is read strictly: one spelling of each signature. */
static void
test_decode(void **state)
{
	unsigned char raw[SIG_BYTES], again[SIG_BYTES];
	char text[SIG_BASE64_LEN + 1];

	(void)state;
	assert_int_equal(sig_decode(KA_SIGNATURE, raw), 0);
	EVP_EncodeBlock((unsigned char *)text, raw, SIG_BYTES);
	assert_string_equal(text, KA_SIGNATURE);
	/* The unused low bits of the last digit must be zero: "Q" and "R"
	 * would give the same bytes. */
	snprintf(text, sizeof text, "%s", KA_SIGNATURE);
	text[SIG_BASE64_LEN - 3] = 'R';
	assert_int_equal(sig_decode(text, again), -1);
	assert_int_equal(sig_decode(NULL, again), -1);
	assert_int_equal(sig_decode("", again), -1);
	assert_int_equal(sig_decode(KA_SIGNATURE "\n", again), -1);
}

static void
test_agency_ids(void **state)
{
	(void)state;
	assert_true(sig_agency_valid("nta"));
	assert_true(sig_agency_valid("demo-chiyoda"));
	assert_true(sig_agency_valid("131016"));
	assert_false(sig_agency_valid(""));
	assert_false(sig_agency_valid(NULL));
	assert_false(sig_agency_valid("-nta"));
	assert_false(sig_agency_valid("NTA"));
	assert_false(sig_agency_valid("nta.old"));
	assert_false(sig_agency_valid("../nta"));
	assert_false(sig_agency_valid("nta\n"));
	assert_true(sig_agency_valid("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
	assert_false(sig_agency_valid("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
}

/* A public key of another algorithm, as a PEM block; newly allocated. */
static char *
ec_public_pem(void)
{
	EVP_PKEY *pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	BIO *bio = BIO_new(BIO_s_mem());
	char *data = NULL, *pem;
	long len;

	assert_non_null(pkey);
	assert_int_equal(PEM_write_bio_PUBKEY(bio, pkey), 1);
	len = BIO_get_mem_data(bio, &data);
	pem = xstrndup(data, (size_t)len);
	BIO_free(bio);
	EVP_PKEY_free(pkey);
	return pem;
}

/* Key files: names, comments, what is refused; a folder of them. */
static void
test_key_files(void **state)
{
	struct sig_key *k1 = sigtest_key(), *k2 = sigtest_key(), *k3 = sigtest_key();
	struct sig_keyring *kr = sig_keyring_new();
	const struct wire_text *names;
	char *text, *pub, *ec, *warnings = NULL, *cause = NULL, *dir;
	struct wire_notice n = ka_notice();

	(void)state;
	text = sigtest_key_file(k1, "国税庁", "National Tax Agency");
	assert_int_equal(sig_keyring_add_pem(kr, "nta", text, strlen(text), "t", &cause), 0);
	/* The same key twice is one key. */
	assert_int_equal(sig_keyring_add_pem(kr, "nta", text, strlen(text), "t", &cause), 0);
	assert_int_equal(sig_keyring_count(kr), 1);
	names = sig_keyring_names(kr, "nta");
	assert_non_null(names);
	assert_string_equal(names->ja, "国税庁");
	assert_string_equal(names->en, "National Tax Agency");
	assert_null(sig_keyring_names(kr, "other"));
	free(text);

	/* Refused: an id that is not one, a stray line, no key, a key of
	 * another algorithm, a private key where the public one belongs. */
	pub = sig_key_public_pem(k2);
	assert_int_equal(sig_keyring_add_pem(kr, "NTA", pub, strlen(pub), "t", &cause), -1);
	free(cause);
	text = xasprintf("name.ja: 市\nowner: me\n%s", pub);
	assert_int_equal(sig_keyring_add_pem(kr, "city", text, strlen(text), "t", &cause), -1);
	assert_non_null(strstr(cause, "line 2"));
	free(cause);
	free(text);
	assert_int_equal(sig_keyring_add_pem(kr, "city", "name.ja: 市\n", 13, "t", &cause), -1);
	free(cause);
	ec = ec_public_pem();
	assert_int_equal(sig_keyring_add_pem(kr, "city", ec, strlen(ec), "t", &cause), -1);
	assert_non_null(strstr(cause, "not an Ed25519"));
	free(cause);
	text = sigtest_private_pem();
	assert_int_equal(sig_keyring_add_pem(kr, "city", text, strlen(text), "t", &cause), -1);
	free(cause);
	free(text);
	assert_int_equal(sig_keyring_count(kr), 1);
	sig_keyring_free(kr);

	/* A folder: *.pem files by name, the agency from the name up to the
	 * first dot (a second key of an agency that is changing keys), other
	 * files left alone, bad ones said and skipped. */
	dir = tmp_path("keys");
	assert_int_equal(mkdir(dir, 0700), 0);
	text = sigtest_key_file(k1, "国税庁", "National Tax Agency");
	write_file("keys/nta.pem", text);
	free(text);
	text = sigtest_key_file(k2, NULL, NULL);
	write_file("keys/nta.2027.pem", text);
	free(text);
	text = sigtest_key_file(k3, NULL, "Chiyoda City");
	write_file("keys/chiyoda.pem", text);
	write_file("keys/README", "not a key");
	write_file("keys/.hidden.pem", "not a key");
	write_file("keys/Bad_Name.pem", text);
	write_file("keys/broken.pem", ec);
	free(text);
	kr = sig_keyring_new();
	assert_int_equal(sig_keyring_add_path(kr, dir, &warnings), 2);
	assert_non_null(strstr(warnings, "Bad_Name.pem"));
	assert_non_null(strstr(warnings, "broken.pem"));
	assert_null(strstr(warnings, "README"));
	free(warnings);
	assert_int_equal(sig_keyring_count(kr), 3);
	assert_string_equal(sig_keyring_names(kr, "nta")->en, "National Tax Agency");
	assert_string_equal(sig_keyring_names(kr, "chiyoda")->en, "Chiyoda City");
	/* Both keys of nta verify. */
	n.agency = "nta";
	sigtest_sign(k1, &n, "nta");
	assert_int_equal(sig_verify(kr, &n), SIG_VERIFIED);
	free(n.signature);
	sigtest_sign(k2, &n, "nta");
	assert_int_equal(sig_verify(kr, &n), SIG_VERIFIED);
	free(n.signature);
	sigtest_sign(k3, &n, "nta");
	assert_int_equal(sig_verify(kr, &n), SIG_BAD);
	free(n.signature);
	sig_keyring_free(kr);

	/* A single file; a path that is not there. */
	kr = sig_keyring_new();
	text = tmp_path("keys/chiyoda.pem");
	assert_int_equal(sig_keyring_add_path(kr, text, &warnings), 0);
	assert_int_equal(sig_keyring_count(kr), 1);
	assert_true(sig_keyring_has(kr, "chiyoda"));
	free(text);
	text = tmp_path("nowhere");
	assert_int_equal(sig_keyring_add_path(kr, text, &warnings), -1);
	assert_non_null(warnings);
	free(warnings);
	free(text);
	sig_keyring_free(kr);

	free(dir);
	free(pub);
	free(ec);
	sig_key_free(k1);
	sig_key_free(k2);
	sig_key_free(k3);
}

/* The fingerprint tells keyrings apart by their keys only. */
static void
test_fingerprint(void **state)
{
	struct sig_key *k1 = sigtest_key(), *k2 = sigtest_key();
	struct sig_keyring *a = sig_keyring_new(), *b = sig_keyring_new(), *c = sig_keyring_new();
	char *fa;

	(void)state;
	sigtest_trust(a, "nta", k1, "国税庁", NULL);
	sigtest_trust(a, "city", k2, NULL, NULL);
	/* The same keys in another order, with other names. */
	sigtest_trust(b, "city", k2, "市", NULL);
	sigtest_trust(b, "nta", k1, NULL, NULL);
	/* The same keys under other agencies. */
	sigtest_trust(c, "nta", k2, NULL, NULL);
	sigtest_trust(c, "city", k1, NULL, NULL);
	fa = xstrdup(sig_keyring_fingerprint(a));
	assert_int_equal(strlen(fa), 64);
	assert_string_equal(fa, sig_keyring_fingerprint(b));
	assert_string_not_equal(fa, sig_keyring_fingerprint(c));
	/* Adding a key changes it. */
	sigtest_trust(b, "other", k1, NULL, NULL);
	assert_string_not_equal(fa, sig_keyring_fingerprint(b));
	free(fa);
	sig_keyring_free(a);
	sig_keyring_free(b);
	sig_keyring_free(c);
	sig_key_free(k1);
	sig_key_free(k2);
}

/* What a client trusts: the shipped keys and the setting's, never the demo
 * keys unless the setting names them. */
static void
test_load(void **state)
{
	struct sig_key *k = sigtest_key();
	struct config *c = config_new();
	struct sig_keyring *kr;
	char *dir = tmp_path("shipped"), *text, *shipped, *absolute, cwd[4096];

	(void)state;
	assert_int_equal(mkdir(dir, 0700), 0);
	text = sigtest_key_file(k, "デジタル庁", "Digital Agency");
	write_file("shipped/digital.pem", text);
	free(text);
	setenv("MYNA_KEYDIR", dir, 1);
	shipped = sig_keyring_shipped_dir();
	assert_string_equal(shipped, dir);
	free(shipped);

	kr = sig_keyring_load(NULL);
	assert_int_equal(sig_keyring_count(kr), 1);
	assert_true(sig_keyring_has(kr, "digital"));
	assert_false(sig_keyring_has(kr, "demo-nta"));
	sig_keyring_free(kr);

	/* Relative, it is left out: it would name other keys in each folder. */
	assert_int_equal(config_set(c, "agency_keys", "keys/demo"), 0);
	kr = sig_keyring_load(c);
	assert_int_equal(sig_keyring_count(kr), 1);
	sig_keyring_free(kr);
	assert_non_null(getcwd(cwd, sizeof cwd));
	absolute = xasprintf("%s/keys/demo", cwd);
	assert_int_equal(config_set(c, "agency_keys", absolute), 0);
	free(absolute);
	kr = sig_keyring_load(c);
	assert_int_equal(sig_keyring_count(kr), 1 + demo_nkeys);
	assert_true(sig_keyring_has(kr, "digital"));
	assert_true(sig_keyring_has(kr, "demo-nta"));
	assert_string_equal(sig_keyring_names(kr, "demo-nta")->en, "National Tax Agency (demo key)");
	sig_keyring_free(kr);

	/* A setting that names nothing leaves the shipped keys. */
	assert_int_equal(config_set(c, "agency_keys", "/nonexistent/keys"), 0);
	kr = sig_keyring_load(c);
	assert_int_equal(sig_keyring_count(kr), 1);
	sig_keyring_free(kr);

	/* No shipped folder at all is no fault. */
	setenv("MYNA_KEYDIR", "/nonexistent/shipped", 1);
	kr = sig_keyring_load(NULL);
	assert_int_equal(sig_keyring_count(kr), 0);
	sig_keyring_free(kr);
	unsetenv("MYNA_KEYDIR");

	config_free(c);
	free(dir);
	sig_key_free(k);
}

/* The server's demo keys are the private halves of keys/demo/, and the
 * files in keys/demo/private/ are the same keys. */
static void
test_demo_keys(void **state)
{
	struct sig_keyring *kr = sig_keyring_new();
	struct wire_notice n = ka_notice();
	char *warnings = NULL, *cause = NULL, *path;
	struct sig_key *k;
	size_t i;

	(void)state;
	assert_int_equal(sig_keyring_add_path(kr, "keys/demo", &warnings), 0);
	assert_int_equal(sig_keyring_count(kr), demo_nkeys);
	for (i = 0; i < demo_nkeys; i++) {
		k = demo_key(demo_keys[i].agency);
		sigtest_sign(k, &n, demo_keys[i].agency);
		assert_int_equal(sig_verify(kr, &n), SIG_VERIFIED);
		free(n.signature);
		sig_key_free(k);

		path = xasprintf("keys/demo/private/%s.key", demo_keys[i].agency);
		k = sig_key_read(path, &cause);
		if (k == NULL)
			fail_msg("%s: %s", path, cause);
		sigtest_sign(k, &n, demo_keys[i].agency);
		assert_int_equal(sig_verify(kr, &n), SIG_VERIFIED);
		free(n.signature);
		sig_key_free(k);
		free(path);
		/* Each demo key's names say that it is one. */
		assert_non_null(strstr(sig_keyring_names(kr, demo_keys[i].agency)->en, "(demo key)"));
	}
	/* None of them is in the keys that come with myna. */
	for (i = 0; i < demo_nkeys; i++) {
		path = xasprintf("keys/agencies/%s.pem", demo_keys[i].agency);
		assert_int_not_equal(access(path, F_OK), 0);
		free(path);
	}
	sig_keyring_free(kr);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_canonical),
		cmocka_unit_test(test_known_answer),
		cmocka_unit_test(test_verify),
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_agency_ids),
		cmocka_unit_test(test_key_files),
		cmocka_unit_test(test_fingerprint),
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_demo_keys),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
