/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tl-cli.h"

G_BEGIN_DECLS

/* "login": username, stored session, password, second factor, keyring. */
void tl_cli_login_start (TlCli *cli);

G_END_DECLS
