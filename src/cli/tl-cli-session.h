/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tl-cli.h"

G_BEGIN_DECLS

/* "status", "tickle", "logout": the session kept in the keyring. */
void tl_cli_session_start     (TlCli *cli);

/* Tickles the client's session every --interval minutes, updating the
 * keyring, until SIGINT/SIGTERM (exit 0, the session stays) or the
 * server ends the session (exit 6). */
void tl_cli_keep_alive_start  (TlCli *cli);

G_END_DECLS
