/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tl-server-profile.h"

G_BEGIN_DECLS

/* Where the servers are, from GSettings: per mode a base URL and a
 * certificate pin, or the demo's demo.json ("Use demo server"). */

/* The demo-data-dir setting, or $XDG_DATA_HOME/trading-login/demo. */
char            *tl_server_settings_dup_demo_dir  (GSettings   *settings);
/* Reads @dir/demo.json as "trading-authd demo" writes it. */
gboolean         tl_server_settings_read_demo     (const char  *dir,
                                                   char       **out_live_url,
                                                   char       **out_paper_url,
                                                   char       **out_pin_sha256,
                                                   GError     **error);
/* The same, for a demo.json at @path (a file chosen in a file chooser). */
gboolean         tl_server_settings_read_demo_file (const char  *path,
                                                    char       **out_live_url,
                                                    char       **out_paper_url,
                                                    char       **out_pin_sha256,
                                                    GError     **error);
/* Copies the demo's addresses and fingerprint into the per-mode keys. */
gboolean         tl_server_settings_apply_demo    (GSettings   *settings,
                                                   GError     **error);
/* The validated profile for @mode. With use-demo, demo.json is read again
 * first: a restarted demo may listen on another port. */
TlServerProfile *tl_server_settings_dup_profile   (GSettings   *settings,
                                                   TlMode       mode,
                                                   GError     **error);
/* The launch command for @mode, NULL when none is set. */
char           **tl_server_settings_dup_command   (GSettings   *settings,
                                                   TlMode       mode);

G_END_DECLS
