/*
 * login: `myna login [--server URL]` (the OAuth 2.0 device authorization
 * grant, RFC 8628) and `myna logout`.  Sign-in prints a web address and a
 * code for the person to approve elsewhere, then polls the token endpoint
 * at the interval the server asks for; on success the server address goes
 * into the config (key "server") and the tokens into the credentials file
 * (mode 0600) through session.
 */
#ifndef MYNA_LOGIN_H
#define MYNA_LOGIN_H

#include "cmd.h"

int login_cmd(struct cmd_ctx *ctx, int argc, char **argv);
int login_logout_cmd(struct cmd_ctx *ctx, int argc, char **argv);

#endif
