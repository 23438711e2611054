/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tl-session.h"

G_BEGIN_DECLS

#define TL_TYPE_LAUNCHER (tl_launcher_get_type ())

G_DECLARE_FINAL_TYPE (TlLauncher, tl_launcher, TL, LAUNCHER, GObject)

/* Runs the trading command after a login. The child gets TL_SERVER_URL,
 * TL_MODE and TL_USERNAME in its environment and the session (with its
 * token) as one JSON line on an inherited pipe whose descriptor number is
 * in TL_SESSION_FD: never in argv, the environment or a file.
 *
 * Properties: "running" (gboolean), "program" (basename of argv[0]).
 * Signal "exited" (const char *message): a sentence saying how it ended. */
TlLauncher *tl_launcher_new          (void);
gboolean    tl_launcher_launch       (TlLauncher         *self,
                                      const char * const *argv,
                                      const char         *server_url,
                                      const TlSession    *session,
                                      GError            **error);
gboolean    tl_launcher_get_running  (TlLauncher         *self);
const char *tl_launcher_get_program  (TlLauncher         *self);

/* The descriptor number the session pipe has in the child. */
#define TL_LAUNCHER_SESSION_FD 3

G_END_DECLS
