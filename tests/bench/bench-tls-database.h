/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define BENCH_TYPE_TLS_DATABASE (bench_tls_database_get_type ())

G_DECLARE_FINAL_TYPE (BenchTlsDatabase, bench_tls_database, BENCH, TLS_DATABASE, GTlsDatabase)

/* A certificate database that trusts nothing: every chain is
 * G_TLS_CERTIFICATE_UNKNOWN_CA, so only an accept-certificate handler
 * (the pin) lets a connection through.
 *
 * Why the load generator uses it: with glib-networking 2.74 every TLS
 * connection built on the default (GnuTLS) database parses the whole
 * system CA bundle again, tens of milliseconds of CPU, and libsoup 3.2
 * builds each connection on the default database before applying the
 * session's. Made the process default, this keeps the load generator's
 * core for the load. */
void bench_tls_database_install (void);

G_END_DECLS
