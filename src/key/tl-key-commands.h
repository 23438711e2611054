/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Each takes the arguments after "trading-key" (argv[0] is the command
 * name) and returns the exit status. */
int tl_key_cmd_activate (int argc, char **argv);
int tl_key_cmd_list     (int argc, char **argv);
int tl_key_cmd_remove   (int argc, char **argv);
int tl_key_cmd_watch    (int argc, char **argv);
int tl_key_cmd_respond  (int argc, char **argv);
int tl_key_cmd_code     (int argc, char **argv);

G_END_DECLS
