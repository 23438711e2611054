/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-key-vault"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>

#include "tl-auth-error.h"
#include "tl-key-error.h"
#include "tl-key-vault.h"
#include "tl-message.h"

#define KEY_LENGTH    32
#define SALT_LENGTH   16
#define NONCE_LENGTH  12
#define TAG_LENGTH    16
#define MAX_SECRET    1024

/* OWASP's scrypt minimum. A 4-digit PIN still has only 10^4 values, so
 * the keyring's own lock is what protects against someone holding the
 * keyring file; the PIN keeps the secret from whoever can merely use the
 * unlocked session. The parameters are stored with each secret, and
 * bounded when read so that a forged item cannot make us allocate
 * gigabytes. */
#define SCRYPT_LOG2_N 17
#define SCRYPT_R      8
#define SCRYPT_P      1
#define SCRYPT_MAX_LOG2_N 20
#define SCRYPT_MAX_R  16
#define SCRYPT_MAX_P  4

static void
wipe_and_free (gpointer data)
{
  char *text = data;

  if (text != NULL)
    OPENSSL_cleanse (text, strlen (text));
  g_free (text);
}

void
tl_key_secret_free (TlKeySecret *text)
{
  wipe_and_free (text);
}

typedef struct
{
  gsize  size;
  guint8 data[];
} SecretBlock;

static void
secret_block_free (gpointer data)
{
  SecretBlock *block = data;

  OPENSSL_cleanse (block->data, block->size);
  g_free (block);
}

GBytes *
tl_key_secret_bytes_new (gconstpointer data,
                         gsize         size)
{
  SecretBlock *block = g_malloc (sizeof *block + MAX (size, 1));

  block->size = size;
  if (size > 0)
    memcpy (block->data, data, size);

  return g_bytes_new_with_free_func (block->data, size, secret_block_free, block);
}

static gboolean
crypto_failed (GError **error)
{
  g_set_error_literal (error, TL_AUTH_ERROR, TL_AUTH_ERROR_CRYPTO,
                       tl_auth_error_message (TL_AUTH_ERROR_CRYPTO));
  return FALSE;
}

static gboolean
derive_key (const char   *pin,
            const guint8 *salt,
            gsize         salt_len,
            guint         log2_n,
            guint32       r,
            guint32       p,
            guint8        key[KEY_LENGTH],
            GError      **error)
{
  g_autofree char *normalized = NULL;
  EVP_KDF *kdf;
  EVP_KDF_CTX *ctx;
  guint64 n = G_GUINT64_CONSTANT (1) << log2_n;
  /* scrypt needs 128 * r * N bytes, plus slack for p. */
  guint64 maxmem = 128 * (guint64) r * (n + p + 2);
  OSSL_PARAM params[7];
  gboolean ok;

  /* The same PIN typed on a keyboard that composes differently must
   * still open the secret. */
  normalized = g_utf8_normalize (pin, -1, G_NORMALIZE_NFC);
  if (normalized == NULL)
    normalized = g_strdup (pin);

  kdf = EVP_KDF_fetch (NULL, OSSL_KDF_NAME_SCRYPT, NULL);
  if (kdf == NULL)
    {
      OPENSSL_cleanse (normalized, strlen (normalized));
      return crypto_failed (error);
    }
  ctx = EVP_KDF_CTX_new (kdf);
  EVP_KDF_free (kdf);
  if (ctx == NULL)
    {
      OPENSSL_cleanse (normalized, strlen (normalized));
      return crypto_failed (error);
    }

  params[0] = OSSL_PARAM_construct_octet_string (OSSL_KDF_PARAM_PASSWORD,
                                                 normalized, strlen (normalized));
  params[1] = OSSL_PARAM_construct_octet_string (OSSL_KDF_PARAM_SALT,
                                                 (void *) salt, salt_len);
  params[2] = OSSL_PARAM_construct_uint64 (OSSL_KDF_PARAM_SCRYPT_N, &n);
  params[3] = OSSL_PARAM_construct_uint32 (OSSL_KDF_PARAM_SCRYPT_R, &r);
  params[4] = OSSL_PARAM_construct_uint32 (OSSL_KDF_PARAM_SCRYPT_P, &p);
  params[5] = OSSL_PARAM_construct_uint64 (OSSL_KDF_PARAM_SCRYPT_MAXMEM, &maxmem);
  params[6] = OSSL_PARAM_construct_end ();

  ok = EVP_KDF_derive (ctx, key, KEY_LENGTH, params) == 1;
  EVP_KDF_CTX_free (ctx);
  OPENSSL_cleanse (normalized, strlen (normalized));

  if (!ok)
    return crypto_failed (error);

  return TRUE;
}

/* AES-256-GCM in one direction. On decryption @tag is checked; a
 * mismatch returns FALSE without an OpenSSL error, which the caller reads
 * as a wrong PIN. */
static gboolean
gcm_crypt (gboolean      encrypt,
           const guint8  key[KEY_LENGTH],
           const guint8  nonce[NONCE_LENGTH],
           const char   *context,
           const guint8 *in,
           gsize         in_len,
           guint8       *out,
           guint8        tag[TAG_LENGTH],
           gboolean     *out_tag_mismatch)
{
  EVP_CIPHER_CTX *ctx;
  int len = 0;
  gboolean ok = FALSE;

  *out_tag_mismatch = FALSE;

  ctx = EVP_CIPHER_CTX_new ();
  if (ctx == NULL)
    return FALSE;

  if (EVP_CipherInit_ex2 (ctx, EVP_aes_256_gcm (), key, nonce, encrypt ? 1 : 0, NULL) != 1)
    goto out;
  if (EVP_CipherUpdate (ctx, NULL, &len, (const guint8 *) context, (int) strlen (context)) != 1)
    goto out;
  if (in_len > 0 && EVP_CipherUpdate (ctx, out, &len, in, (int) in_len) != 1)
    goto out;
  if (!encrypt && EVP_CIPHER_CTX_ctrl (ctx, EVP_CTRL_AEAD_SET_TAG, TAG_LENGTH, tag) != 1)
    goto out;
  if (EVP_CipherFinal_ex (ctx, out + (in_len > 0 ? (gsize) len : 0), &len) != 1)
    {
      *out_tag_mismatch = !encrypt;
      goto out;
    }
  if (encrypt && EVP_CIPHER_CTX_ctrl (ctx, EVP_CTRL_AEAD_GET_TAG, TAG_LENGTH, tag) != 1)
    goto out;

  ok = TRUE;

out:
  EVP_CIPHER_CTX_free (ctx);
  return ok;
}

static void
add_base64 (JsonBuilder  *builder,
            const char   *member,
            const guint8 *data,
            gsize         size)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data, size);

  tl_message_add_base64 (builder, member, bytes);
}

JsonObject *
tl_key_vault_seal (const char  *pin,
                   GBytes      *secret,
                   const char  *context,
                   GError     **error)
{
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) root = NULL;
  guint8 key[KEY_LENGTH];
  guint8 salt[SALT_LENGTH];
  guint8 nonce[NONCE_LENGTH];
  guint8 tag[TAG_LENGTH];
  g_autofree guint8 *ciphertext = NULL;
  const guint8 *plain;
  gsize plain_len;
  gboolean mismatch;

  g_return_val_if_fail (pin != NULL, NULL);
  g_return_val_if_fail (secret != NULL, NULL);
  g_return_val_if_fail (context != NULL, NULL);

  plain = g_bytes_get_data (secret, &plain_len);
  g_return_val_if_fail (plain_len > 0 && plain_len <= MAX_SECRET, NULL);

  if (RAND_bytes (salt, sizeof salt) != 1 || RAND_bytes (nonce, sizeof nonce) != 1)
    {
      crypto_failed (error);
      return NULL;
    }

  if (!derive_key (pin, salt, sizeof salt, SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P, key, error))
    return NULL;

  ciphertext = g_malloc (plain_len);
  if (!gcm_crypt (TRUE, key, nonce, context, plain, plain_len, ciphertext, tag, &mismatch))
    {
      OPENSSL_cleanse (key, sizeof key);
      crypto_failed (error);
      return NULL;
    }
  OPENSSL_cleanse (key, sizeof key);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "kdf");
  json_builder_add_string_value (builder, "scrypt");
  json_builder_set_member_name (builder, "log2_n");
  json_builder_add_int_value (builder, SCRYPT_LOG2_N);
  json_builder_set_member_name (builder, "r");
  json_builder_add_int_value (builder, SCRYPT_R);
  json_builder_set_member_name (builder, "p");
  json_builder_add_int_value (builder, SCRYPT_P);
  add_base64 (builder, "salt", salt, sizeof salt);
  json_builder_set_member_name (builder, "cipher");
  json_builder_add_string_value (builder, "aes-256-gcm");
  add_base64 (builder, "nonce", nonce, sizeof nonce);
  add_base64 (builder, "ciphertext", ciphertext, plain_len);
  add_base64 (builder, "tag", tag, sizeof tag);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);

  return json_object_ref (json_node_get_object (root));
}

static gboolean
damaged (GError     **error,
         const GError *cause)
{
  g_set_error (error, TL_KEY_ERROR, TL_KEY_ERROR_KEYRING,
               _("The device's secret in the keyring is damaged (%s). Remove the device and activate it again."),
               cause != NULL ? cause->message : _("unknown format"));
  return FALSE;
}

GBytes *
tl_key_vault_open (JsonObject  *sealed,
                   const char  *pin,
                   const char  *context,
                   GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GBytes) salt = NULL;
  g_autoptr(GBytes) nonce = NULL;
  g_autoptr(GBytes) ciphertext = NULL;
  g_autoptr(GBytes) tag = NULL;
  const char *kdf_name;
  const char *cipher_name;
  gint64 log2_n, r, p;
  guint8 key[KEY_LENGTH];
  guint8 tag_copy[TAG_LENGTH];
  guint8 *plain;
  gsize plain_len;
  GBytes *result;
  gboolean mismatch;

  g_return_val_if_fail (sealed != NULL, NULL);
  g_return_val_if_fail (pin != NULL, NULL);
  g_return_val_if_fail (context != NULL, NULL);

  if (!(kdf_name = tl_message_get_string (sealed, "kdf", &local_error)) ||
      !tl_message_get_int (sealed, "log2_n", 10, SCRYPT_MAX_LOG2_N, &log2_n, &local_error) ||
      !tl_message_get_int (sealed, "r", 1, SCRYPT_MAX_R, &r, &local_error) ||
      !tl_message_get_int (sealed, "p", 1, SCRYPT_MAX_P, &p, &local_error) ||
      !(cipher_name = tl_message_get_string (sealed, "cipher", &local_error)) ||
      !(salt = tl_message_get_base64 (sealed, "salt", 64, &local_error)) ||
      !(nonce = tl_message_get_base64 (sealed, "nonce", NONCE_LENGTH, &local_error)) ||
      !(ciphertext = tl_message_get_base64 (sealed, "ciphertext", MAX_SECRET, &local_error)) ||
      !(tag = tl_message_get_base64 (sealed, "tag", TAG_LENGTH, &local_error)))
    {
      damaged (error, local_error);
      return NULL;
    }

  if (!g_str_equal (kdf_name, "scrypt") || !g_str_equal (cipher_name, "aes-256-gcm") ||
      g_bytes_get_size (salt) < 8 || g_bytes_get_size (nonce) != NONCE_LENGTH ||
      g_bytes_get_size (tag) != TAG_LENGTH || g_bytes_get_size (ciphertext) == 0)
    {
      damaged (error, NULL);
      return NULL;
    }

  if (!derive_key (pin, g_bytes_get_data (salt, NULL), g_bytes_get_size (salt),
                   (guint) log2_n, (guint32) r, (guint32) p, key, error))
    return NULL;

  plain_len = g_bytes_get_size (ciphertext);
  plain = g_malloc (plain_len);
  memcpy (tag_copy, g_bytes_get_data (tag, NULL), TAG_LENGTH);

  if (!gcm_crypt (FALSE, key, g_bytes_get_data (nonce, NULL), context,
                  g_bytes_get_data (ciphertext, NULL), plain_len,
                  plain, tag_copy, &mismatch))
    {
      OPENSSL_cleanse (key, sizeof key);
      OPENSSL_cleanse (plain, plain_len);
      g_free (plain);

      if (mismatch)
        g_set_error_literal (error, TL_KEY_ERROR, TL_KEY_ERROR_WRONG_PIN,
                             _("Wrong PIN"));
      else
        crypto_failed (error);
      return NULL;
    }

  OPENSSL_cleanse (key, sizeof key);
  result = tl_key_secret_bytes_new (plain, plain_len);
  OPENSSL_cleanse (plain, plain_len);
  g_free (plain);

  return result;
}
