/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-authd-cert"

#include "config.h"

#include <glib/gi18n.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <string.h>

#include "tl-authd-cert.h"

#define VALIDITY_DAYS 730

static void
set_openssl_error (GError     **error,
                   const char  *what)
{
  char buffer[256] = "";
  unsigned long code = ERR_get_error ();

  if (code != 0)
    ERR_error_string_n (code, buffer, sizeof buffer);
  ERR_clear_error ();

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
               _("Could not make the TLS certificate (%s): %s"), what,
               *buffer != '\0' ? buffer : "unknown OpenSSL error");
}

static gboolean
add_extension (X509        *cert,
               int          nid,
               const char  *value)
{
  X509V3_CTX ctx;
  X509_EXTENSION *extension;
  gboolean ok;

  X509V3_set_ctx_nodb (&ctx);
  X509V3_set_ctx (&ctx, cert, cert, NULL, NULL, 0);
  extension = X509V3_EXT_conf_nid (NULL, &ctx, nid, value);
  if (extension == NULL)
    return FALSE;

  ok = X509_add_ext (cert, extension, -1) == 1;
  X509_EXTENSION_free (extension);
  return ok;
}

static char *
bio_to_string (BIO *bio)
{
  char *data = NULL;
  long length = BIO_get_mem_data (bio, &data);

  return length > 0 ? g_strndup (data, (gsize) length) : NULL;
}

gboolean
tl_authd_cert_generate (const char  *cert_path,
                        const char  *key_path,
                        GError     **error)
{
  EVP_PKEY *key = NULL;
  X509 *cert = NULL;
  X509_NAME *name;
  BIGNUM *serial = NULL;
  BIO *cert_bio = NULL;
  BIO *key_bio = NULL;
  g_autofree char *cert_pem = NULL;
  g_autofree char *key_pem = NULL;
  gboolean ok = FALSE;

  key = EVP_EC_gen ("P-256");
  if (key == NULL)
    {
      set_openssl_error (error, "key");
      goto out;
    }

  cert = X509_new ();
  serial = BN_new ();
  if (cert == NULL || serial == NULL ||
      !X509_set_version (cert, 2) ||
      !BN_rand (serial, 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) ||
      BN_to_ASN1_INTEGER (serial, X509_get_serialNumber (cert)) == NULL ||
      X509_gmtime_adj (X509_getm_notBefore (cert), -60 * 60) == NULL ||
      X509_gmtime_adj (X509_getm_notAfter (cert), (long) VALIDITY_DAYS * 24 * 60 * 60) == NULL ||
      !X509_set_pubkey (cert, key))
    {
      set_openssl_error (error, "fields");
      goto out;
    }

  name = X509_get_subject_name (cert);
  if (!X509_NAME_add_entry_by_txt (name, "O", MBSTRING_UTF8,
                                   (const unsigned char *) "trading-authd", -1, -1, 0) ||
      !X509_NAME_add_entry_by_txt (name, "CN", MBSTRING_UTF8,
                                   (const unsigned char *) "127.0.0.1", -1, -1, 0) ||
      !X509_set_issuer_name (cert, name) ||
      !add_extension (cert, NID_basic_constraints, "critical,CA:FALSE") ||
      !add_extension (cert, NID_key_usage, "critical,digitalSignature") ||
      !add_extension (cert, NID_ext_key_usage, "serverAuth") ||
      !add_extension (cert, NID_subject_key_identifier, "hash") ||
      !add_extension (cert, NID_subject_alt_name, "IP:127.0.0.1,IP:::1,DNS:localhost") ||
      X509_sign (cert, key, EVP_sha256 ()) == 0)
    {
      set_openssl_error (error, "sign");
      goto out;
    }

  cert_bio = BIO_new (BIO_s_mem ());
  key_bio = BIO_new (BIO_s_secmem ());
  if (cert_bio == NULL || key_bio == NULL ||
      !PEM_write_bio_X509 (cert_bio, cert) ||
      !PEM_write_bio_PrivateKey (key_bio, key, NULL, NULL, 0, NULL, NULL) ||
      (cert_pem = bio_to_string (cert_bio)) == NULL ||
      (key_pem = bio_to_string (key_bio)) == NULL)
    {
      set_openssl_error (error, "PEM");
      goto out;
    }

  ok = g_file_set_contents_full (key_path, key_pem, -1,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, error) &&
       g_file_set_contents_full (cert_path, cert_pem, -1,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0644, error);

out:
  if (key_pem != NULL)
    OPENSSL_cleanse (key_pem, strlen (key_pem));
  BIO_free (cert_bio);
  BIO_free (key_bio);
  BN_free (serial);
  X509_free (cert);
  EVP_PKEY_free (key);

  return ok;
}

gboolean
tl_authd_cert_ensure (const char  *dir,
                      gboolean    *out_created,
                      GError     **error)
{
  g_autofree char *cert_path = g_build_filename (dir, TL_AUTHD_CERT_FILE_NAME, NULL);
  g_autofree char *key_path = g_build_filename (dir, TL_AUTHD_KEY_FILE_NAME, NULL);

  *out_created = FALSE;
  if (g_file_test (cert_path, G_FILE_TEST_EXISTS) && g_file_test (key_path, G_FILE_TEST_EXISTS))
    return TRUE;

  *out_created = TRUE;
  return tl_authd_cert_generate (cert_path, key_path, error);
}

GTlsCertificate *
tl_authd_cert_load (const char  *dir,
                    GError     **error)
{
  g_autofree char *cert_path = g_build_filename (dir, TL_AUTHD_CERT_FILE_NAME, NULL);
  g_autofree char *key_path = g_build_filename (dir, TL_AUTHD_KEY_FILE_NAME, NULL);
  GTlsCertificate *certificate;

  certificate = g_tls_certificate_new_from_files (cert_path, key_path, error);
  if (certificate == NULL)
    g_prefix_error (error, _("Could not load the TLS certificate from %s (run “trading-authd init”): "),
                    dir);

  return certificate;
}

char *
tl_authd_cert_fingerprint (GTlsCertificate *certificate)
{
  g_autoptr(GByteArray) der = NULL;
  guint8 digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  GString *hex;

  g_object_get (certificate, "certificate", &der, NULL);
  if (der == NULL || !EVP_Digest (der->data, der->len, digest, &length, EVP_sha256 (), NULL))
    return NULL;

  hex = g_string_sized_new (2 * length);
  for (unsigned int i = 0; i < length; i++)
    g_string_append_printf (hex, "%02x", digest[i]);

  return g_string_free (hex, FALSE);
}
