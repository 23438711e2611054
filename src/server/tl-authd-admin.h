/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Administration subcommands; each takes the argv from its own name on
 * and returns the exit status. */
int tl_authd_admin_init      (int argc, char **argv);
int tl_authd_admin_user      (int argc, char **argv);
int tl_authd_admin_device    (int argc, char **argv);
int tl_authd_admin_temp_code (int argc, char **argv);
int tl_authd_admin_sessions  (int argc, char **argv);
int tl_authd_admin_audit     (int argc, char **argv);

G_END_DECLS
