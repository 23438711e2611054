/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-pin-database"

#include "config.h"

#include "tl-pin-database.h"

struct _TlPinDatabase
{
  GTlsDatabase parent_instance;
};

G_DEFINE_FINAL_TYPE (TlPinDatabase, tl_pin_database, G_TYPE_TLS_DATABASE)

/* Every chain is "unknown CA": the TLS layer then asks the
 * accept-certificate handler, where the pin is compared. */
static GTlsCertificateFlags
tl_pin_database_verify_chain (GTlsDatabase             *database,
                              GTlsCertificate          *chain,
                              const char               *purpose,
                              GSocketConnectable       *identity,
                              GTlsInteraction          *interaction,
                              GTlsDatabaseVerifyFlags   flags,
                              GCancellable             *cancellable,
                              GError                  **error)
{
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return G_TLS_CERTIFICATE_GENERIC_ERROR;

  return G_TLS_CERTIFICATE_UNKNOWN_CA;
}

static GTlsCertificate *
tl_pin_database_lookup_certificate_issuer (GTlsDatabase             *database,
                                           GTlsCertificate          *certificate,
                                           GTlsInteraction          *interaction,
                                           GTlsDatabaseLookupFlags   flags,
                                           GCancellable             *cancellable,
                                           GError                  **error)
{
  g_cancellable_set_error_if_cancelled (cancellable, error);
  return NULL;
}

static GList *
tl_pin_database_lookup_certificates_issued_by (GTlsDatabase             *database,
                                               GByteArray               *issuer_raw_dn,
                                               GTlsInteraction          *interaction,
                                               GTlsDatabaseLookupFlags   flags,
                                               GCancellable             *cancellable,
                                               GError                  **error)
{
  g_cancellable_set_error_if_cancelled (cancellable, error);
  return NULL;
}

static void
tl_pin_database_class_init (TlPinDatabaseClass *klass)
{
  GTlsDatabaseClass *database_class = G_TLS_DATABASE_CLASS (klass);

  database_class->verify_chain = tl_pin_database_verify_chain;
  database_class->lookup_certificate_issuer = tl_pin_database_lookup_certificate_issuer;
  database_class->lookup_certificates_issued_by = tl_pin_database_lookup_certificates_issued_by;
}

static void
tl_pin_database_init (TlPinDatabase *self)
{
}

GTlsDatabase *
tl_pin_database_new (void)
{
  return g_object_new (TL_TYPE_PIN_DATABASE, NULL);
}
