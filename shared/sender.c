/*
 * sender: who sent a notice, in words (see sender.h).
 */
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "mem.h"
#include "sender.h"
#include "sig.h"

const char *
sender_agency(const struct store_notice *n)
{
	const char *name = i18n_pick(n->agency_name.ja, n->agency_name.en);

	return name[0] != '\0' ? name : n->n.agency != NULL ? n->n.agency : "";
}

const char *
sender_text(const struct store_notice *n)
{
	return i18n_pick(n->n.sender.ja, n->n.sender.en);
}

const char *
sender_claimed(const struct store_notice *n)
{
	const char *sender = sender_text(n);

	return sender[0] != '\0' ? sender : sender_agency(n);
}

const char *
sender_words(const struct store_notice *n)
{
	switch (n->trust) {
	case SIG_VERIFIED:
		return _("verified sender");
	case SIG_BAD:
		return _("bad signature");
	case SIG_UNKNOWN:
		return _("unknown signer");
	case SIG_UNSIGNED:
		break;
	}
	return _("unsigned");
}

char *
sender_check(const struct store_notice *n)
{
	switch (n->trust) {
	case SIG_VERIFIED:
		return xasprintf(_("Verified sender: %s"), sender_agency(n));
	case SIG_BAD:
		/* The agency's name from its key file, never the notice's own
		 * sender text: that is the attacker's, and could say anything
		 * inside the warning (it is shown apart, labelled). */
		if (sender_agency(n)[0] == '\0')
			return xstrdup(_("Signature does not match: this may not come from the "
					 "agency it names"));
		return xasprintf(_("Signature does not match: this may not come from %s"),
				 sender_agency(n));
	case SIG_UNKNOWN:
		if (sig_agency_valid(n->n.agency))
			return xasprintf(_("Signed with a key this computer does not trust "
					   "(agency %s): sender not verified"),
					 n->n.agency);
		return xstrdup(_("Signed with a key this computer does not trust: sender not "
				 "verified"));
	case SIG_UNSIGNED:
		break;
	}
	return xstrdup(_("Unsigned: sender not verified"));
}

char *
sender_line(const struct store_notice *n)
{
	const char *sender = sender_text(n);

	if (sender[0] == '\0')
		return NULL;
	/* A verified notice's sender is the agency's own words; said again
	 * only when they differ from the agency's name. */
	if (n->trust == SIG_VERIFIED)
		return strcmp(sender, sender_agency(n)) != 0 ? xasprintf(_("From: %s"), sender)
							     : NULL;
	return xasprintf(_("Sender (not verified): %s"), sender);
}
