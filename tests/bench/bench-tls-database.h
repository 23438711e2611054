/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Makes libtlauth's TlPinDatabase (trusts nothing: only an
 * accept-certificate handler, the pin, lets a connection through) the
 * process default.
 *
 * Why the load generator uses it: with glib-networking 2.74 every TLS
 * connection built on the default (GnuTLS) database parses the whole
 * system CA bundle again, tens of milliseconds of CPU, and libsoup 3.2
 * builds each connection on the default database before applying the
 * session's. Made the process default, this keeps the load generator's
 * core for the load. */
void bench_tls_database_install (void);

G_END_DECLS
