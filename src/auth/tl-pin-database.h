/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Private to libtlauth: a certificate database that trusts nothing, for
 * connections where a pinned fingerprint alone decides (in
 * accept-certificate). Unlike glib-networking's own databases it builds
 * no GnuTLS trust list, so a new connection does not parse the system's
 * CA bundle. */

#define TL_TYPE_PIN_DATABASE (tl_pin_database_get_type ())

G_DECLARE_FINAL_TYPE (TlPinDatabase, tl_pin_database, TL, PIN_DATABASE, GTlsDatabase)

GTlsDatabase *tl_pin_database_new (void);

G_END_DECLS
