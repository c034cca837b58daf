/*
 * sig: signed notices.  An issuing agency signs the content of a notice
 * with its Ed25519 key (RFC 8032, through OpenSSL's EVP interface); the
 * server passes the agency's id and the signature through the feed
 * unchanged, and clients check them against the agencies' public keys they
 * trust (the keyring).  The server need not be trusted for this: a notice
 * it changed, or made up, does not verify.
 *
 * The bytes signed are the notice's canonical form (docs/api.md, "Signed
 * notices"):
 *
 *   "myna-notice-v1\n"
 *   then for each of agency, sender.ja, sender.en, title.ja, title.en,
 *   body.ja, body.en and published, in this order:
 *     the length in bytes as a decimal number, ":", the bytes, "\n"
 *
 * Text is the cleaned UTF-8 the feed carries (text_clean); absent text is
 * the empty string.  published is the instant in UTC as
 * YYYY-MM-DDTHH:MM:SSZ, whatever offset the feed writes it with.
 *
 * A keyring holds public keys by agency id: PEM files named AGENCY.pem (or
 * AGENCY.ANYTHING.pem, for a second key while an agency rotates), which
 * may start with the agency's names ("name.ja: 国税庁", "name.en: National
 * Tax Agency") and comment lines before the PEM block.
 */
#ifndef MYNA_SIG_H
#define MYNA_SIG_H

#include <stddef.h>

#include "wire.h"

struct buf;
struct config;

#define SIG_AGENCY_MAX	  64	/* bytes in an agency id */
#define SIG_AGENCY_CHARS  "abcdefghijklmnopqrstuvwxyz0123456789-"
#define SIG_BYTES	  64	/* an Ed25519 signature */
#define SIG_BASE64_LEN	  88	/* the same in base64, with its padding */
#define SIG_NAME_MAX	  256	/* bytes in an agency's name */
#define SIG_KEY_FILE_MAX  (64 * 1024)
#define SIG_CANONICAL_TAG "myna-notice-v1\n"

/* What a client knows about who wrote a notice.  The numbers are kept in
 * the store: never change one. */
enum sig_trust {
	SIG_UNSIGNED = 0,	/* no agency and no signature */
	SIG_VERIFIED = 1,	/* signed by a trusted key of its agency */
	SIG_BAD = 2,		/* its agency is trusted here, but the signature is
				   missing, malformed or does not match the content */
	SIG_UNKNOWN = 3,	/* signed, but by an agency with no trusted key here */
};

/* The trust as JSON and logs name it: verified, unsigned, bad_signature,
 * unknown_signer. */
const char *sig_trust_name(enum sig_trust t);

/* Returns 1 if s is an agency id: 1 to SIG_AGENCY_MAX characters of
 * SIG_AGENCY_CHARS, not starting with "-". */
int sig_agency_valid(const char *s);

/* Decodes a signature: exactly SIG_BASE64_LEN characters of standard
 * base64 with its padding, nothing else, unused bits zero.  Returns 0, or
 * -1 when s is not one. */
int sig_decode(const char *s, unsigned char out[SIG_BYTES]);

/* Appends the canonical form of n to out.  Returns 0, or -1 (nothing
 * appended) when n->published is missing or not an RFC 3339 time. */
int sig_canonical(const struct wire_notice *n, struct buf *out);

/* --- the keyring ------------------------------------------------------- */

struct sig_keyring;

struct sig_keyring *sig_keyring_new(void);
void sig_keyring_free(struct sig_keyring *kr);

/* Adds the key in text[0..len), a key file's contents, for agency; source
 * names it in messages.  Returns 0, or -1 with *cause (newly allocated):
 * not an agency id, a line that is neither a comment nor a name, no PEM
 * public key, a key that is not Ed25519.  The same key twice is kept once. */
int sig_keyring_add_pem(struct sig_keyring *kr, const char *agency, const char *text, size_t len,
			const char *source, char **cause);
/* Adds the key file path (its agency is its name up to the first ".") or
 * every *.pem file of the directory path (others are left alone).  Returns
 * the number of files that could not be used, each said in *warnings (one
 * line each, newly allocated, NULL when there is none), or -1 with
 * *warnings when path cannot be read at all. */
int sig_keyring_add_path(struct sig_keyring *kr, const char *path, char **warnings);

/* The directory of the agency keys that come with myna: $MYNA_KEYDIR, else
 * keys/agencies next to the running program's build tree (so that bin/myna
 * works before it is installed), else the installed one.  Newly allocated. */
char *sig_keyring_shipped_dir(void);

/* The keyring a client uses: the shipped keys, then those of the setting
 * agency_keys (a key file or a directory of them) in c, which may be NULL.
 * Files that cannot be used are logged as warnings and left out; never
 * NULL. */
struct sig_keyring *sig_keyring_load(const struct config *c);

size_t sig_keyring_count(const struct sig_keyring *kr);
/* Returns 1 if kr holds a key of agency. */
int sig_keyring_has(const struct sig_keyring *kr, const char *agency);
/* The agency's names from its key files (either may be NULL), or NULL when
 * kr has no key of agency. */
const struct wire_text *sig_keyring_names(const struct sig_keyring *kr, const char *agency);
/* SHA-256 of the agencies and their keys, as 64 hex digits: equal for two
 * keyrings that trust the same keys.  Owned by kr. */
const char *sig_keyring_fingerprint(struct sig_keyring *kr);

/* Checks n against kr (NULL: an empty keyring). */
enum sig_trust sig_verify(const struct sig_keyring *kr, const struct wire_notice *n);

/* --- signing, for operators and the demo ------------------------------- */

struct sig_key;

/* Reads an Ed25519 private key (PEM, PKCS #8, as `openssl genpkey
 * -algorithm ed25519` writes it) from text[0..len) or from a file.
 * Returns NULL with *cause otherwise. */
struct sig_key *sig_key_from_pem(const char *text, size_t len, char **cause);
struct sig_key *sig_key_read(const char *path, char **cause);
void sig_key_free(struct sig_key *k);
/* The public half as a PEM block ("-----BEGIN PUBLIC KEY-----..."), newly
 * allocated. */
char *sig_key_public_pem(const struct sig_key *k);

/* Signs the canonical form of n (its agency must be set).  Returns the
 * signature in base64 (newly allocated), or NULL with *cause. */
char *sig_sign(const struct sig_key *k, const struct wire_notice *n, char **cause);

#endif
