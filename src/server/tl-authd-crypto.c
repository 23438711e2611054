/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-authd-crypto"

#include "config.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "tl-authd-crypto.h"

static void
random_fill (guint8 *buffer,
             gsize   length)
{
  /* Without entropy nothing the server hands out would be safe. */
  if (RAND_bytes (buffer, (int) length) != 1)
    g_error ("The system random number generator failed");
}

GBytes *
tl_authd_random_bytes (gsize length)
{
  guint8 *buffer = g_malloc (length);

  random_fill (buffer, length);
  return g_bytes_new_take (buffer, length);
}

char *
tl_authd_random_token (gsize n_bytes)
{
  g_autoptr(GBytes) bytes = tl_authd_random_bytes (n_bytes);
  char *text = g_base64_encode (g_bytes_get_data (bytes, NULL), n_bytes);
  char *end;

  for (char *p = text; *p != '\0'; p++)
    {
      if (*p == '+')
        *p = '-';
      else if (*p == '/')
        *p = '_';
    }

  end = strchr (text, '=');
  if (end != NULL)
    *end = '\0';

  return text;
}

guint32
tl_authd_random_uniform (guint32 bound)
{
  guint32 value, limit;

  g_return_val_if_fail (bound > 0, 0);

  /* Rejection sampling: no modulo bias. */
  limit = G_MAXUINT32 - (G_MAXUINT32 % bound);
  do
    random_fill ((guint8 *) &value, sizeof value);
  while (value >= limit);

  return value % bound;
}

char *
tl_authd_random_code (guint       length,
                      const char *alphabet)
{
  guint32 n = (guint32) strlen (alphabet);
  char *code = g_malloc (length + 1);

  for (guint i = 0; i < length; i++)
    code[i] = alphabet[tl_authd_random_uniform (n)];
  code[length] = '\0';

  return code;
}

GBytes *
tl_authd_sha256 (const void *data,
                 gsize       length)
{
  guint8 digest[32];
  unsigned int digest_length = 0;

  if (!EVP_Digest (data, length, digest, &digest_length, EVP_sha256 (), NULL))
    g_error ("SHA-256 failed");

  return g_bytes_new (digest, digest_length);
}

GBytes *
tl_authd_hmac_sha256 (GBytes     *key,
                      const void *data,
                      gsize       length)
{
  guint8 digest[EVP_MAX_MD_SIZE];
  unsigned int digest_length = 0;
  gsize key_length;
  const guint8 *key_data = g_bytes_get_data (key, &key_length);

  if (HMAC (EVP_sha256 (), key_data, (int) key_length, data, length,
            digest, &digest_length) == NULL)
    g_error ("HMAC-SHA-256 failed");

  return g_bytes_new (digest, digest_length);
}

gboolean
tl_authd_bytes_equal (GBytes *a,
                      GBytes *b)
{
  gsize a_length, b_length;
  const guint8 *a_data, *b_data;

  if (a == NULL || b == NULL)
    return FALSE;

  a_data = g_bytes_get_data (a, &a_length);
  b_data = g_bytes_get_data (b, &b_length);

  return a_length == b_length && CRYPTO_memcmp (a_data, b_data, a_length) == 0;
}

gboolean
tl_authd_str_equal (const char *a,
                    const char *b)
{
  gsize length;

  if (a == NULL || b == NULL)
    return FALSE;

  length = strlen (a);
  return length == strlen (b) && CRYPTO_memcmp (a, b, length) == 0;
}
