/*
 * sender: who sent a notice, in words, for everything that shows or says
 * one (myna's screens, lists and speech, and mynad's messages).  The
 * words come from what checking the notice's signature found (sig.h,
 * store_notice.trust): only a verified notice is ever said to come from
 * an agency, and then under the name its trusted key gives; any other is
 * said to be unsigned, not matching its signature, or signed by an
 * unknown signer, and its sender is only "Sender (not verified): ...".
 * Never a mark or a colour alone (docs/accessibility.md).
 */
#ifndef MYNA_SENDER_H
#define MYNA_SENDER_H

#include "store.h"

/* The verified agency's name in the language in use (from its key file),
 * else the agency id the notice names; "" when none. */
const char *sender_agency(const struct store_notice *n);
/* The sender the notice gives, in the language in use; "" when none. */
const char *sender_text(const struct store_notice *n);
/* Who an unverified notice claims to be from: its sender, else the agency
 * it names; "" when neither. */
const char *sender_claimed(const struct store_notice *n);
/* A few words for lists: "verified sender", "unsigned", "bad signature",
 * "unknown signer". */
const char *sender_words(const struct store_notice *n);
/* The sentence: "Verified sender: National Tax Agency", "Unsigned: sender
 * not verified", "Signature does not match: this may not come from ...",
 * "Signed with a key this computer does not trust (agency ...): sender
 * not verified".  Newly allocated. */
char *sender_check(const struct store_notice *n);
/* "Sender (not verified): ..." for a notice that is not verified; "From:
 * ..." for a verified one whose sender is not just its agency's name (an
 * office of it); NULL when there is nothing to add.  Newly allocated. */
char *sender_line(const struct store_notice *n);

#endif
