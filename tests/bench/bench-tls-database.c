/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bench-tls-database"

#include "config.h"

#include "bench-tls-database.h"

struct _BenchTlsDatabase
{
  GTlsDatabase parent_instance;
};

G_DEFINE_FINAL_TYPE (BenchTlsDatabase, bench_tls_database, G_TYPE_TLS_DATABASE)

static GTlsCertificateFlags
bench_tls_database_verify_chain (GTlsDatabase             *database,
                                 GTlsCertificate          *chain,
                                 const char               *purpose,
                                 GSocketConnectable       *identity,
                                 GTlsInteraction          *interaction,
                                 GTlsDatabaseVerifyFlags   flags,
                                 GCancellable             *cancellable,
                                 GError                  **error)
{
  return G_TLS_CERTIFICATE_UNKNOWN_CA;
}

static GTlsCertificate *
bench_tls_database_lookup_certificate_issuer (GTlsDatabase             *database,
                                              GTlsCertificate          *certificate,
                                              GTlsInteraction          *interaction,
                                              GTlsDatabaseLookupFlags   flags,
                                              GCancellable             *cancellable,
                                              GError                  **error)
{
  return NULL;
}

static GList *
bench_tls_database_lookup_certificates_issued_by (GTlsDatabase             *database,
                                                  GByteArray               *issuer_raw_dn,
                                                  GTlsInteraction          *interaction,
                                                  GTlsDatabaseLookupFlags   flags,
                                                  GCancellable             *cancellable,
                                                  GError                  **error)
{
  return NULL;
}

static void
bench_tls_database_class_init (BenchTlsDatabaseClass *klass)
{
  GTlsDatabaseClass *database_class = G_TLS_DATABASE_CLASS (klass);

  database_class->verify_chain = bench_tls_database_verify_chain;
  database_class->lookup_certificate_issuer = bench_tls_database_lookup_certificate_issuer;
  database_class->lookup_certificates_issued_by = bench_tls_database_lookup_certificates_issued_by;
}

static void
bench_tls_database_init (BenchTlsDatabase *self)
{
}

void
bench_tls_database_install (void)
{
  g_autoptr(GTlsDatabase) database = g_object_new (BENCH_TYPE_TLS_DATABASE, NULL);

  g_tls_backend_set_default_database (g_tls_backend_get_default (), database);
}
