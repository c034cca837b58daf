/*
 * signtool: `myna-bff sign-notice`, which signs a notice with an agency's
 * Ed25519 private key before an operator posts it (docs/api.md, "Signed
 * notices").  It reads the notice through the server's own field checks,
 * so that the text signed is the text the server keeps and clients check.
 */
#ifndef MYNA_SIGNTOOL_H
#define MYNA_SIGNTOOL_H

/* Runs the sub-command; argv[0] is "sign-notice".  Returns the exit
 * status: 0, 1 for a failure, 2 for a wrong command line. */
int signtool_main(int argc, char **argv);

#endif
