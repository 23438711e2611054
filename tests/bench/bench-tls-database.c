/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bench-tls-database"

#include "config.h"

#include "bench-tls-database.h"
#include "tl-pin-database.h"

void
bench_tls_database_install (void)
{
  g_autoptr(GTlsDatabase) database = tl_pin_database_new ();

  g_tls_backend_set_default_database (g_tls_backend_get_default (), database);
}
