/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Whether the app runs inside a Flatpak sandbox, told the way GLib, GTK
 * and libsecret tell it: /.flatpak-info exists. Inside, only programs in
 * the sandbox can be started, and files outside it are reached through
 * portals only. Not cached: it is asked seldom, and a test may change it.
 *
 * Compiled into each program rather than libtlapp (src/app/meson.build),
 * so that test-app-flatpak can build it with a marker file of its own. */
gboolean tl_sandbox_is_flatpak (void);

G_END_DECLS
