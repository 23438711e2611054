/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-test-cert"

#include "config.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "tl-test-cert.h"

static char *
bio_to_string (BIO *bio)
{
  char *data = NULL;
  long length = BIO_get_mem_data (bio, &data);

  return g_strndup (data, (gsize) length);
}

GTlsCertificate *
tl_test_cert_new (char **out_sha256)
{
  EVP_PKEY *key = EVP_EC_gen ("P-256");
  X509 *x509 = X509_new ();
  X509_NAME *name;
  X509_EXTENSION *san;
  X509V3_CTX ctx;
  BIO *bio = BIO_new (BIO_s_mem ());
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int md_length = 0;
  g_autofree char *pem = NULL;
  g_autoptr(GError) error = NULL;
  GTlsCertificate *certificate;

  g_assert_nonnull (key);
  g_assert_nonnull (x509);

  g_assert_cmpint (X509_set_version (x509, 2), ==, 1);
  g_assert_cmpint (ASN1_INTEGER_set (X509_get_serialNumber (x509), g_random_int_range (1, G_MAXINT32)), ==, 1);
  g_assert_nonnull (X509_gmtime_adj (X509_getm_notBefore (x509), -3600));
  g_assert_nonnull (X509_gmtime_adj (X509_getm_notAfter (x509), 24 * 3600));
  g_assert_cmpint (X509_set_pubkey (x509, key), ==, 1);

  name = X509_get_subject_name (x509);
  g_assert_cmpint (X509_NAME_add_entry_by_txt (name, "CN", MBSTRING_ASC,
                                               (const unsigned char *) "127.0.0.1", -1, -1, 0), ==, 1);
  g_assert_cmpint (X509_set_issuer_name (x509, name), ==, 1);

  X509V3_set_ctx (&ctx, x509, x509, NULL, NULL, 0);
  san = X509V3_EXT_conf_nid (NULL, &ctx, NID_subject_alt_name, "IP:127.0.0.1");
  g_assert_nonnull (san);
  g_assert_cmpint (X509_add_ext (x509, san, -1), ==, 1);
  X509_EXTENSION_free (san);

  g_assert_cmpint (X509_sign (x509, key, EVP_sha256 ()), >, 0);

  g_assert_cmpint (PEM_write_bio_X509 (bio, x509), ==, 1);
  g_assert_cmpint (PEM_write_bio_PrivateKey (bio, key, NULL, NULL, 0, NULL, NULL), ==, 1);
  pem = bio_to_string (bio);

  g_assert_cmpint (X509_digest (x509, EVP_sha256 (), md, &md_length), ==, 1);
  if (out_sha256 != NULL)
    {
      GString *hex = g_string_new (NULL);

      for (guint i = 0; i < md_length; i++)
        g_string_append_printf (hex, "%02x", md[i]);
      *out_sha256 = g_string_free (hex, FALSE);
    }

  BIO_free (bio);
  X509_free (x509);
  EVP_PKEY_free (key);

  certificate = g_tls_certificate_new_from_pem (pem, -1, &error);
  g_assert_no_error (error);
  return certificate;
}
