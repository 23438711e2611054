/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-srp"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "tl-auth-error.h"
#include "tl-srp.h"

/* RFC 5054 appendix A. The 1024- and 2048-bit primes are SRP's own and
 * appear nowhere in OpenSSL (the 2048-bit one is NOT RFC 3526 group 14);
 * the 3072- and 4096-bit primes are RFC 3526's, which OpenSSL carries. */
static const char prime_1024_hex[] =
  "EEAF0AB9ADB38DD69C33F80AFA8FC5E86072618775FF3C0B9EA2314C"
  "9C256576D674DF7496EA81D3383B4813D692C6E0E0D5D8E250B98BE4"
  "8E495C1D6089DAD15DC7D7B46154D6B6CE8EF4AD69B15D4982559B29"
  "7BCF1885C529F566660E57EC68EDBC3C05726CC02FD4CBF4976EAA9A"
  "FD5138FE8376435B9FC61D2FC0EB06E3";

static const char prime_2048_hex[] =
  "AC6BDB41324A9A9BF166DE5E1389582FAF72B6651987EE07FC319294"
  "3DB56050A37329CBB4A099ED8193E0757767A13DD52312AB4B03310D"
  "CD7F48A9DA04FD50E8083969EDB767B0CF6095179A163AB3661A05FB"
  "D5FAAAE82918A9962F0B93B855F97993EC975EEAA80D740ADBF4FF74"
  "7359D041D5C33EA71D281E446B14773BCA97B43A23FB801676BD207A"
  "436C6481F1D2B9078717461A5B9D32E688F87748544523B524B0D57D"
  "5EA77A2775D2ECFA032CFBDBF52FB3786160279004E57AE6AF874E73"
  "03CE53299CCC041C7BC308D82A5698F3A8D0C38271AE35F8E9DBFBB6"
  "94B5C803D89F7AE435DE236D525F54759B65E372FCD68EF20FA7111F"
  "9E4AFF73";

/* 4096 bits. */
#define MAX_PAD_LENGTH 512
/* a and b: the contract asks for at least 256 random bits. */
#define EPHEMERAL_BITS 256

typedef struct
{
  const char *name;
  gsize       length;
  unsigned    generator;
} GroupInfo;

static const GroupInfo groups[] = {
  [TL_SRP_GROUP_1024] = { "rfc5054-1024", 128, 2 },
  [TL_SRP_GROUP_2048] = { "rfc5054-2048", 256, 2 },
  [TL_SRP_GROUP_3072] = { "rfc5054-3072", 384, 5 },
  [TL_SRP_GROUP_4096] = { "rfc5054-4096", 512, 5 },
};

static const char * const hash_names[] = {
  [TL_SRP_HASH_SHA1] = "sha1",
  [TL_SRP_HASH_SHA256] = "sha256",
};

#define GROUP_IS_VALID(group) ((guint) (group) < G_N_ELEMENTS (groups))
#define HASH_IS_VALID(hash)   ((guint) (hash) < G_N_ELEMENTS (hash_names))

/* The group's numbers in BIGNUM form; both sides need them for every
 * step, so they travel together. */
typedef struct
{
  EVP_MD       *md;
  gsize         length;
  BIGNUM       *N;
  BIGNUM       *g;
  BIGNUM       *k;
} Params;

typedef struct
{
  const void *data;
  gsize       length;
} Chunk;

/* Secrets (x, v, S, K) leave this file as GBytes whose memory is wiped
 * when the last reference goes, whoever holds it then. */
typedef struct
{
  gsize  length;
  guint8 data[];
} SecretBuffer;

static void
secret_buffer_free (gpointer data)
{
  SecretBuffer *buffer = data;

  OPENSSL_cleanse (buffer, sizeof *buffer + buffer->length);
  g_free (buffer);
}

static GBytes *
secret_bytes_new (const guint8 *data,
                  gsize         length)
{
  SecretBuffer *buffer = g_malloc (sizeof *buffer + length);

  buffer->length = length;
  if (length > 0)
    memcpy (buffer->data, data, length);

  return g_bytes_new_with_free_func (buffer->data, length, secret_buffer_free, buffer);
}

static void
set_crypto_error (GError **error)
{
  g_set_error_literal (error, TL_AUTH_ERROR, TL_AUTH_ERROR_CRYPTO,
                       tl_auth_error_message (TL_AUTH_ERROR_CRYPTO));
}

static void
set_invalid_server_value (GError **error)
{
  g_set_error_literal (error, TL_AUTH_ERROR, TL_AUTH_ERROR_PROTOCOL,
                       _("The server sent an invalid SRP value. Check the server address, or update the app."));
}

static void
set_invalid_client_value (GError **error)
{
  g_set_error_literal (error, TL_AUTH_ERROR, TL_AUTH_ERROR_BAD_REQUEST,
                       _("The client sent an invalid SRP value. Update the app and try again."));
}

static gboolean
check_username (const char  *username,
                GError     **error)
{
  if (username != NULL && username[0] != '\0')
    return TRUE;

  g_set_error_literal (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT,
                       _("Enter a username."));
  return FALSE;
}

static const EVP_MD *
hash_md (TlSrpHash hash)
{
  return hash == TL_SRP_HASH_SHA1 ? EVP_sha1 () : EVP_sha256 ();
}

static gboolean
hash_chunks (const EVP_MD *md,
             const Chunk  *chunks,
             gsize         n_chunks,
             guint8       *out,
             gsize        *out_length)
{
  EVP_MD_CTX *ctx = EVP_MD_CTX_new ();
  unsigned int length = 0;
  gboolean ok;

  ok = ctx != NULL && EVP_DigestInit_ex (ctx, md, NULL);
  for (gsize i = 0; ok && i < n_chunks; i++)
    ok = EVP_DigestUpdate (ctx, chunks[i].data, chunks[i].length);
  ok = ok && EVP_DigestFinal_ex (ctx, out, &length);

  /* Frees and wipes the digest state, which held secret input. */
  EVP_MD_CTX_free (ctx);

  if (out_length != NULL)
    *out_length = length;

  return ok;
}

static gboolean
bn_pad (const BIGNUM *bn,
        gsize         length,
        guint8       *out)
{
  return BN_bn2binpad (bn, out, (int) length) == (int) length;
}

/* Minimal big-endian bytes, as the RFC prints its values. */
static GBytes *
bn_to_bytes (const BIGNUM *bn,
             gboolean      secret)
{
  guint8 buffer[MAX_PAD_LENGTH];
  int length = BN_num_bytes (bn);
  GBytes *bytes;

  if (length < 0 || length > MAX_PAD_LENGTH || BN_bn2bin (bn, buffer) != length)
    return NULL;

  if (secret)
    bytes = secret_bytes_new (buffer, (gsize) length);
  else
    bytes = g_bytes_new (buffer, (gsize) length);

  OPENSSL_cleanse (buffer, sizeof buffer);

  return bytes;
}

static GBytes *
bn_to_pad_bytes (const BIGNUM *bn,
                 gsize         length)
{
  guint8 buffer[MAX_PAD_LENGTH];

  if (!bn_pad (bn, length, buffer))
    return NULL;

  return g_bytes_new (buffer, length);
}

static BIGNUM *
bn_from_bytes (GBytes *bytes)
{
  gsize length;
  const guint8 *data = g_bytes_get_data (bytes, &length);

  return BN_bin2bn (data, (int) length, NULL);
}

/* Wire values (PAD(A), PAD(B), the stored verifier) must be non-empty, fit
 * in PAD and lie in 0 < value < N: zero or N would let a peer force a
 * known session key, and anything at or above N has two encodings. */
static BIGNUM *
bn_from_group_element (const Params *params,
                       GBytes       *bytes)
{
  gsize length;
  BIGNUM *bn;

  if (bytes == NULL)
    return NULL;

  length = g_bytes_get_size (bytes);
  if (length == 0 || length > params->length)
    return NULL;

  bn = bn_from_bytes (bytes);
  if (bn != NULL && (BN_is_zero (bn) || BN_cmp (bn, params->N) >= 0))
    g_clear_pointer (&bn, BN_clear_free);

  return bn;
}

static BIGNUM *
load_prime (TlSrpGroup group)
{
  BIGNUM *N = NULL;

  switch (group)
    {
    case TL_SRP_GROUP_1024:
      if (BN_hex2bn (&N, prime_1024_hex) == 0)
        return NULL;
      return N;

    case TL_SRP_GROUP_2048:
      if (BN_hex2bn (&N, prime_2048_hex) == 0)
        return NULL;
      return N;

    case TL_SRP_GROUP_3072:
      return BN_get_rfc3526_prime_3072 (NULL);

    case TL_SRP_GROUP_4096:
      return BN_get_rfc3526_prime_4096 (NULL);

    default:
      g_assert_not_reached ();
    }
}

static void
params_clear (Params *params)
{
  g_clear_pointer (&params->md, EVP_MD_free);
  g_clear_pointer (&params->N, BN_free);
  g_clear_pointer (&params->g, BN_free);
  g_clear_pointer (&params->k, BN_free);
}

/* k = H(PAD(N) | PAD(g)) */
static BIGNUM *
compute_k_bn (const Params *params)
{
  guint8 pad_N[MAX_PAD_LENGTH];
  guint8 pad_g[MAX_PAD_LENGTH];
  guint8 digest[EVP_MAX_MD_SIZE];
  gsize digest_length;
  Chunk chunks[2];

  if (!bn_pad (params->N, params->length, pad_N) ||
      !bn_pad (params->g, params->length, pad_g))
    return NULL;

  chunks[0] = (Chunk) { pad_N, params->length };
  chunks[1] = (Chunk) { pad_g, params->length };
  if (!hash_chunks (params->md, chunks, G_N_ELEMENTS (chunks), digest, &digest_length))
    return NULL;

  return BN_bin2bn (digest, (int) digest_length, NULL);
}

static gboolean
params_init (Params     *params,
             TlSrpGroup  group,
             TlSrpHash   hash)
{
  /* Fetched explicitly: the EVP_sha256() of old makes OpenSSL 3 fetch
   * the implementation again on every EVP_DigestInit_ex(), which costs
   * more than hashing the few hundred bytes of a step. */
  params->md = EVP_MD_fetch (NULL, hash == TL_SRP_HASH_SHA1 ? "SHA1" : "SHA256", NULL);
  params->length = groups[group].length;
  params->N = load_prime (group);
  params->g = BN_new ();
  params->k = NULL;

  if (params->md == NULL || params->N == NULL || params->g == NULL ||
      !BN_set_word (params->g, groups[group].generator))
    goto fail;

  g_assert ((gsize) BN_num_bytes (params->N) == params->length);

  params->k = compute_k_bn (params);
  if (params->k == NULL)
    goto fail;

  return TRUE;

fail:
  params_clear (params);
  return FALSE;
}

/* The group's numbers and the digest are the same for every login: made
 * once per group and hash, then shared read-only (OpenSSL only reads
 * them), by clients' SRP threads too. A failed attempt is not
 * remembered. */
static const Params *
params_get (TlSrpGroup group,
            TlSrpHash  hash)
{
  static gpointer cache[G_N_ELEMENTS (groups)][G_N_ELEMENTS (hash_names)];
  static GMutex lock;
  Params *params = g_atomic_pointer_get (&cache[group][hash]);

  if (G_LIKELY (params != NULL))
    return params;

  g_mutex_lock (&lock);
  params = cache[group][hash];
  if (params == NULL)
    {
      Params *fresh = g_new0 (Params, 1);

      if (params_init (fresh, group, hash))
        {
          params = fresh;
          g_atomic_pointer_set (&cache[group][hash], fresh);
        }
      else
        {
          g_free (fresh);
        }
    }
  g_mutex_unlock (&lock);

  return params;
}

/* x = H(s | H(I | ":" | P)); out holds a secret. */
static gboolean
compute_x_digest (const EVP_MD *md,
                  const char   *username,
                  const char   *password,
                  GBytes       *salt,
                  guint8       *out,
                  gsize        *out_length)
{
  guint8 inner[EVP_MAX_MD_SIZE];
  gsize inner_length;
  gsize salt_length;
  const guint8 *salt_data = g_bytes_get_data (salt, &salt_length);
  Chunk identity[3] = {
    { username, strlen (username) },
    { ":", 1 },
    { password, strlen (password) },
  };
  Chunk outer[2];
  gboolean ok;

  ok = hash_chunks (md, identity, G_N_ELEMENTS (identity), inner, &inner_length);
  if (ok)
    {
      outer[0] = (Chunk) { salt_data, salt_length };
      outer[1] = (Chunk) { inner, inner_length };
      ok = hash_chunks (md, outer, G_N_ELEMENTS (outer), out, out_length);
    }

  OPENSSL_cleanse (inner, sizeof inner);

  return ok;
}

static BIGNUM *
compute_x_bn (const EVP_MD *md,
              const char   *username,
              const char   *password,
              GBytes       *salt)
{
  guint8 digest[EVP_MAX_MD_SIZE];
  gsize digest_length;
  BIGNUM *x = NULL;

  if (compute_x_digest (md, username, password, salt, digest, &digest_length))
    {
      x = BN_secure_new ();
      if (x != NULL && BN_bin2bn (digest, (int) digest_length, x) == NULL)
        g_clear_pointer (&x, BN_clear_free);
    }

  OPENSSL_cleanse (digest, sizeof digest);

  return x;
}

/* u = H(PAD(A) | PAD(B)) */
static BIGNUM *
compute_u_bn (const Params *params,
              const BIGNUM *A,
              const BIGNUM *B)
{
  guint8 pad_A[MAX_PAD_LENGTH];
  guint8 pad_B[MAX_PAD_LENGTH];
  guint8 digest[EVP_MAX_MD_SIZE];
  gsize digest_length;
  Chunk chunks[2];

  if (!bn_pad (A, params->length, pad_A) || !bn_pad (B, params->length, pad_B))
    return NULL;

  chunks[0] = (Chunk) { pad_A, params->length };
  chunks[1] = (Chunk) { pad_B, params->length };
  if (!hash_chunks (params->md, chunks, G_N_ELEMENTS (chunks), digest, &digest_length))
    return NULL;

  return BN_bin2bn (digest, (int) digest_length, NULL);
}

/* The private exponent: the one given (tests) or EPHEMERAL_BITS fresh
 * random bits, in secure memory and flagged for constant-time use. */
static BIGNUM *
ephemeral_new (GBytes  *given,
               GError **error)
{
  BIGNUM *e = BN_secure_new ();

  if (e == NULL)
    {
      set_crypto_error (error);
      return NULL;
    }

  BN_set_flags (e, BN_FLG_CONSTTIME);

  if (given != NULL)
    {
      gsize length;
      const guint8 *data = g_bytes_get_data (given, &length);

      if (BN_bin2bn (data, (int) length, e) == NULL)
        {
          BN_clear_free (e);
          set_crypto_error (error);
          return NULL;
        }

      if (BN_is_zero (e))
        {
          BN_clear_free (e);
          g_set_error_literal (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT,
                               _("The SRP private value must not be zero."));
          return NULL;
        }

      return e;
    }

  /* A zero draw has probability 2^-256; drawing again is cheaper than
   * explaining the failure. */
  do
    {
      if (!BN_priv_rand_ex (e, EPHEMERAL_BITS, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY, 0, NULL))
        {
          BN_clear_free (e);
          set_crypto_error (error);
          return NULL;
        }
    }
  while (BN_is_zero (e));

  return e;
}

/* K = H(PAD(S)), M1 = H((H(N) XOR H(g)) | H(I) | s | PAD(A) | PAD(B) | K),
 * M2 = H(PAD(A) | M1 | K): the part both sides share once S is known. */
typedef struct
{
  GBytes *K;
  GBytes *M1;
  GBytes *M2;
} Proofs;

static void
proofs_clear (Proofs *proofs)
{
  g_clear_pointer (&proofs->K, g_bytes_unref);
  g_clear_pointer (&proofs->M1, g_bytes_unref);
  g_clear_pointer (&proofs->M2, g_bytes_unref);
}

static gboolean
compute_proofs (const Params *params,
                const char   *username,
                GBytes       *salt,
                const BIGNUM *A,
                const BIGNUM *B,
                const BIGNUM *S,
                Proofs       *out)
{
  guint8 pad_A[MAX_PAD_LENGTH];
  guint8 pad_B[MAX_PAD_LENGTH];
  guint8 pad_S[MAX_PAD_LENGTH];
  guint8 min_N[MAX_PAD_LENGTH];
  guint8 min_g[MAX_PAD_LENGTH];
  guint8 K[EVP_MAX_MD_SIZE];
  guint8 H_N[EVP_MAX_MD_SIZE];
  guint8 H_g[EVP_MAX_MD_SIZE];
  guint8 H_I[EVP_MAX_MD_SIZE];
  guint8 M1[EVP_MAX_MD_SIZE];
  guint8 M2[EVP_MAX_MD_SIZE];
  gsize md_length = 0;
  gsize salt_length;
  const guint8 *salt_data = g_bytes_get_data (salt, &salt_length);
  int N_length = BN_num_bytes (params->N);
  int g_length = BN_num_bytes (params->g);
  gboolean ok;

  memset (out, 0, sizeof *out);

  ok = bn_pad (A, params->length, pad_A) &&
       bn_pad (B, params->length, pad_B) &&
       bn_pad (S, params->length, pad_S) &&
       BN_bn2bin (params->N, min_N) == N_length &&
       BN_bn2bin (params->g, min_g) == g_length;

  if (ok)
    {
      Chunk chunk = { pad_S, params->length };

      ok = hash_chunks (params->md, &chunk, 1, K, &md_length);
    }

  if (ok)
    {
      Chunk chunk_N = { min_N, (gsize) N_length };
      Chunk chunk_g = { min_g, (gsize) g_length };
      Chunk chunk_I = { username, strlen (username) };

      ok = hash_chunks (params->md, &chunk_N, 1, H_N, NULL) &&
           hash_chunks (params->md, &chunk_g, 1, H_g, NULL) &&
           hash_chunks (params->md, &chunk_I, 1, H_I, NULL);
    }

  if (ok)
    {
      Chunk chunks[6];

      for (gsize i = 0; i < md_length; i++)
        H_N[i] ^= H_g[i];

      chunks[0] = (Chunk) { H_N, md_length };
      chunks[1] = (Chunk) { H_I, md_length };
      chunks[2] = (Chunk) { salt_data, salt_length };
      chunks[3] = (Chunk) { pad_A, params->length };
      chunks[4] = (Chunk) { pad_B, params->length };
      chunks[5] = (Chunk) { K, md_length };
      ok = hash_chunks (params->md, chunks, G_N_ELEMENTS (chunks), M1, NULL);
    }

  if (ok)
    {
      Chunk chunks[3] = {
        { pad_A, params->length },
        { M1, md_length },
        { K, md_length },
      };

      ok = hash_chunks (params->md, chunks, G_N_ELEMENTS (chunks), M2, NULL);
    }

  if (ok)
    {
      out->K = secret_bytes_new (K, md_length);
      out->M1 = g_bytes_new (M1, md_length);
      out->M2 = g_bytes_new (M2, md_length);
    }

  OPENSSL_cleanse (pad_S, sizeof pad_S);
  OPENSSL_cleanse (K, sizeof K);

  return ok;
}

static gboolean
bytes_equal_const_time (GBytes *a,
                        GBytes *b)
{
  gsize a_length;
  gsize b_length;
  const guint8 *a_data = g_bytes_get_data (a, &a_length);
  const guint8 *b_data = g_bytes_get_data (b, &b_length);

  /* The length is public (it is the hash's), only the contents are not. */
  if (a_length != b_length || a_length == 0)
    return FALSE;

  return CRYPTO_memcmp (a_data, b_data, a_length) == 0;
}

/**
 * tl_srp_group_to_string:
 *
 * Returns: the group's wire name, such as "rfc5054-3072".
 */
const char *
tl_srp_group_to_string (TlSrpGroup group)
{
  g_return_val_if_fail (GROUP_IS_VALID (group), NULL);

  return groups[group].name;
}

/**
 * tl_srp_group_from_string:
 * @name: (nullable): a wire name, as sent by the server
 * @out_group: (out) (optional): the group
 *
 * Returns: %TRUE if @name is one of the supported groups
 */
gboolean
tl_srp_group_from_string (const char *name,
                          TlSrpGroup *out_group)
{
  if (name == NULL)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (groups); i++)
    {
      if (g_str_equal (name, groups[i].name))
        {
          if (out_group != NULL)
            *out_group = (TlSrpGroup) i;
          return TRUE;
        }
    }

  return FALSE;
}

/**
 * tl_srp_hash_to_string:
 *
 * Returns: the hash's wire name, "sha1" or "sha256".
 */
const char *
tl_srp_hash_to_string (TlSrpHash hash)
{
  g_return_val_if_fail (HASH_IS_VALID (hash), NULL);

  return hash_names[hash];
}

/**
 * tl_srp_hash_from_string:
 * @name: (nullable): a wire name, as sent by the server
 * @out_hash: (out) (optional): the hash
 *
 * Returns: %TRUE if @name is one of the supported hashes
 */
gboolean
tl_srp_hash_from_string (const char *name,
                         TlSrpHash  *out_hash)
{
  if (name == NULL)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (hash_names); i++)
    {
      if (g_str_equal (name, hash_names[i]))
        {
          if (out_hash != NULL)
            *out_hash = (TlSrpHash) i;
          return TRUE;
        }
    }

  return FALSE;
}

gsize
tl_srp_group_length (TlSrpGroup group)
{
  g_return_val_if_fail (GROUP_IS_VALID (group), 0);

  return groups[group].length;
}

/**
 * tl_srp_compute_x:
 *
 * x = H(s | H(I | ":" | P)). The result is a secret; its memory is wiped
 * when the last reference is dropped.
 *
 * Returns: (transfer full) (nullable): x in minimal big-endian bytes, or
 *   %NULL if OpenSSL failed
 */
GBytes *
tl_srp_compute_x (TlSrpHash   hash,
                  const char *username,
                  const char *password,
                  GBytes     *salt)
{
  BIGNUM *x;
  GBytes *bytes;

  g_return_val_if_fail (HASH_IS_VALID (hash), NULL);
  g_return_val_if_fail (username != NULL, NULL);
  g_return_val_if_fail (password != NULL, NULL);
  g_return_val_if_fail (salt != NULL, NULL);

  x = compute_x_bn (hash_md (hash), username, password, salt);
  if (x == NULL)
    return NULL;

  bytes = bn_to_bytes (x, TRUE);
  BN_clear_free (x);

  return bytes;
}

/**
 * tl_srp_compute_verifier:
 *
 * v = g^x mod N, what the server stores with the salt instead of the
 * password.
 *
 * Returns: (transfer full) (nullable): v in minimal big-endian bytes, or
 *   %NULL with @error set (empty username or salt, OpenSSL failure)
 */
GBytes *
tl_srp_compute_verifier (TlSrpGroup   group,
                         TlSrpHash    hash,
                         const char  *username,
                         const char  *password,
                         GBytes      *salt,
                         GError     **error)
{
  const Params *params;
  BN_CTX *ctx = NULL;
  BIGNUM *x = NULL;
  BIGNUM *v = NULL;
  GBytes *result = NULL;

  g_return_val_if_fail (GROUP_IS_VALID (group), NULL);
  g_return_val_if_fail (HASH_IS_VALID (hash), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_username (username, error))
    return NULL;

  if (password == NULL)
    {
      g_set_error_literal (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT,
                           _("Enter a password."));
      return NULL;
    }

  if (salt == NULL || g_bytes_get_size (salt) == 0)
    {
      g_set_error_literal (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT,
                           _("The SRP salt is empty."));
      return NULL;
    }

  if ((params = params_get (group, hash)) == NULL)
    {
      set_crypto_error (error);
      return NULL;
    }

  ctx = BN_CTX_secure_new ();
  x = compute_x_bn (params->md, username, password, salt);
  v = BN_new ();

  if (ctx != NULL && x != NULL && v != NULL)
    {
      BN_set_flags (x, BN_FLG_CONSTTIME);
      if (BN_mod_exp (v, params->g, x, params->N, ctx))
        result = bn_to_bytes (v, TRUE);
    }

  if (result == NULL)
    set_crypto_error (error);

  BN_clear_free (x);
  BN_clear_free (v);
  BN_CTX_free (ctx);

  return result;
}

/**
 * tl_srp_compute_k:
 *
 * Returns: (transfer full) (nullable): k = H(PAD(N) | PAD(g)) in minimal
 *   big-endian bytes, or %NULL if OpenSSL failed
 */
GBytes *
tl_srp_compute_k (TlSrpGroup group,
                  TlSrpHash  hash)
{
  const Params *params;
  GBytes *bytes;

  g_return_val_if_fail (GROUP_IS_VALID (group), NULL);
  g_return_val_if_fail (HASH_IS_VALID (hash), NULL);

  if ((params = params_get (group, hash)) == NULL)
    return NULL;

  bytes = bn_to_bytes (params->k, FALSE);

  return bytes;
}

/**
 * tl_srp_compute_u:
 * @A: the client's public value, padded or not
 * @B: the server's public value, padded or not
 *
 * Returns: (transfer full) (nullable): u = H(PAD(A) | PAD(B)) in minimal
 *   big-endian bytes, or %NULL if @A or @B is empty or longer than PAD
 */
GBytes *
tl_srp_compute_u (TlSrpGroup  group,
                  TlSrpHash   hash,
                  GBytes     *A,
                  GBytes     *B)
{
  const Params *params;
  BIGNUM *A_bn = NULL;
  BIGNUM *B_bn = NULL;
  BIGNUM *u = NULL;
  GBytes *bytes = NULL;

  g_return_val_if_fail (GROUP_IS_VALID (group), NULL);
  g_return_val_if_fail (HASH_IS_VALID (hash), NULL);
  g_return_val_if_fail (A != NULL, NULL);
  g_return_val_if_fail (B != NULL, NULL);

  if ((params = params_get (group, hash)) == NULL)
    return NULL;

  if (g_bytes_get_size (A) > 0 && g_bytes_get_size (A) <= params->length &&
      g_bytes_get_size (B) > 0 && g_bytes_get_size (B) <= params->length)
    {
      A_bn = bn_from_bytes (A);
      B_bn = bn_from_bytes (B);
    }

  if (A_bn != NULL && B_bn != NULL)
    u = compute_u_bn (params, A_bn, B_bn);
  if (u != NULL)
    bytes = bn_to_bytes (u, FALSE);

  BN_free (A_bn);
  BN_free (B_bn);
  BN_free (u);

  return bytes;
}

void
tl_srp_prepare (TlSrpGroup group,
                TlSrpHash  hash)
{
  guint8 byte;

  g_return_if_fail (GROUP_IS_VALID (group));
  g_return_if_fail (HASH_IS_VALID (hash));

  params_get (group, hash);
  /* Sets up the primary generator, which the threads' own ones draw on.
   * A failure is the computation's to report, not this thread's. */
  if (RAND_priv_bytes (&byte, 1) == 1)
    OPENSSL_cleanse (&byte, 1);
  ERR_clear_error ();
}

/**
 * tl_srp_random_salt:
 *
 * Returns: (transfer full) (nullable): %TL_SRP_SALT_LENGTH random bytes,
 *   or %NULL with @error set if the system has no randomness to give
 */
GBytes *
tl_srp_random_salt (GError **error)
{
  guint8 salt[TL_SRP_SALT_LENGTH];

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (RAND_bytes (salt, sizeof salt) != 1)
    {
      set_crypto_error (error);
      return NULL;
    }

  return g_bytes_new (salt, sizeof salt);
}

/* Everything is computed in tl_srp_client_new(): a and x are wiped before
 * it returns, and only what the later steps need stays. */
struct _TlSrpClient
{
  GBytes *A;
  GBytes *S;
  Proofs  proofs;
};

/**
 * tl_srp_client_new:
 *
 * Like tl_srp_client_new_with_a() with a fresh random a.
 */
TlSrpClient *
tl_srp_client_new (TlSrpGroup   group,
                   TlSrpHash    hash,
                   const char  *username,
                   const char  *password,
                   GBytes      *salt,
                   GBytes      *B,
                   GError     **error)
{
  return tl_srp_client_new_with_a (group, hash, username, password, salt, B, NULL, error);
}

/**
 * tl_srp_client_new_with_a:
 * @salt: the salt the server sent
 * @B: PAD(B) as the server sent it
 * @a: (nullable): the private value, big-endian; %NULL draws 256 random bits
 *
 * Computes A, S, K and M1 from the server's salt and B.
 *
 * Returns: (transfer full) (nullable): the client, or %NULL with @error
 *   set: %TL_AUTH_ERROR_PROTOCOL when the server's salt or B is invalid
 *   (empty, too long, B mod N == 0) or u == 0, %TL_AUTH_ERROR_INVALID_INPUT
 *   when @username is missing
 */
TlSrpClient *
tl_srp_client_new_with_a (TlSrpGroup   group,
                          TlSrpHash    hash,
                          const char  *username,
                          const char  *password,
                          GBytes      *salt,
                          GBytes      *B,
                          GBytes      *a,
                          GError     **error)
{
  g_autoptr(TlSrpClient) client = NULL;
  const Params *params;
  BN_CTX *ctx = NULL;
  BIGNUM *B_bn = NULL;
  BIGNUM *a_bn = NULL;
  BIGNUM *x = NULL;
  BIGNUM *A_bn = NULL;
  BIGNUM *u = NULL;
  BIGNUM *base = NULL;
  BIGNUM *exponent = NULL;
  BIGNUM *S = NULL;
  gboolean ok = FALSE;

  g_return_val_if_fail (GROUP_IS_VALID (group), NULL);
  g_return_val_if_fail (HASH_IS_VALID (hash), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_username (username, error))
    return NULL;

  if (password == NULL)
    {
      g_set_error_literal (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT,
                           _("Enter a password."));
      return NULL;
    }

  if (salt == NULL || g_bytes_get_size (salt) == 0)
    {
      set_invalid_server_value (error);
      return NULL;
    }

  if ((params = params_get (group, hash)) == NULL)
    {
      set_crypto_error (error);
      return NULL;
    }

  B_bn = bn_from_group_element (params, B);
  if (B_bn == NULL)
    {
      set_invalid_server_value (error);
      goto out;
    }

  a_bn = ephemeral_new (a, error);
  if (a_bn == NULL)
    goto out;

  ctx = BN_CTX_secure_new ();
  A_bn = BN_new ();
  base = BN_secure_new ();
  exponent = BN_secure_new ();
  S = BN_secure_new ();
  x = compute_x_bn (params->md, username, password, salt);
  if (ctx == NULL || A_bn == NULL || base == NULL || exponent == NULL ||
      S == NULL || x == NULL)
    {
      set_crypto_error (error);
      goto out;
    }

  BN_set_flags (x, BN_FLG_CONSTTIME);
  BN_set_flags (exponent, BN_FLG_CONSTTIME);

  /* A = g^a */
  if (!BN_mod_exp (A_bn, params->g, a_bn, params->N, ctx))
    {
      set_crypto_error (error);
      goto out;
    }

  u = compute_u_bn (params, A_bn, B_bn);
  if (u == NULL)
    {
      set_crypto_error (error);
      goto out;
    }

  if (BN_is_zero (u))
    {
      set_invalid_server_value (error);
      goto out;
    }

  /* S = (B - k * g^x) ^ (a + u * x) */
  if (!BN_mod_exp (base, params->g, x, params->N, ctx) ||
      !BN_mod_mul (base, params->k, base, params->N, ctx) ||
      !BN_mod_sub (base, B_bn, base, params->N, ctx) ||
      !BN_mul (exponent, u, x, ctx) ||
      !BN_add (exponent, exponent, a_bn) ||
      !BN_mod_exp (S, base, exponent, params->N, ctx))
    {
      set_crypto_error (error);
      goto out;
    }

  client = g_new0 (TlSrpClient, 1);
  client->A = bn_to_pad_bytes (A_bn, params->length);
  client->S = bn_to_bytes (S, TRUE);
  if (client->A == NULL || client->S == NULL ||
      !compute_proofs (params, username, salt, A_bn, B_bn, S, &client->proofs))
    {
      set_crypto_error (error);
      goto out;
    }

  ok = TRUE;

out:
  BN_free (B_bn);
  BN_clear_free (a_bn);
  BN_clear_free (x);
  BN_free (A_bn);
  BN_free (u);
  BN_clear_free (base);
  BN_clear_free (exponent);
  BN_clear_free (S);
  BN_CTX_free (ctx);

  return ok ? g_steal_pointer (&client) : NULL;
}

/**
 * tl_srp_client_get_A:
 *
 * Returns: (transfer full): PAD(A), as sent to the server
 */
GBytes *
tl_srp_client_get_A (TlSrpClient *client)
{
  g_return_val_if_fail (client != NULL, NULL);

  return g_bytes_ref (client->A);
}

/**
 * tl_srp_client_get_M1:
 *
 * Returns: (transfer full): the client's proof M1
 */
GBytes *
tl_srp_client_get_M1 (TlSrpClient *client)
{
  g_return_val_if_fail (client != NULL, NULL);

  return g_bytes_ref (client->proofs.M1);
}

/**
 * tl_srp_client_get_K:
 *
 * The session key. Only trust it after tl_srp_client_verify_M2() succeeded.
 *
 * Returns: (transfer full): K = H(PAD(S)), wiped when the last reference goes
 */
GBytes *
tl_srp_client_get_K (TlSrpClient *client)
{
  g_return_val_if_fail (client != NULL, NULL);

  return g_bytes_ref (client->proofs.K);
}

/**
 * tl_srp_client_get_S:
 *
 * Returns: (transfer full): the premaster secret S in minimal bytes, for
 *   tests; wiped when the last reference goes
 */
GBytes *
tl_srp_client_get_S (TlSrpClient *client)
{
  g_return_val_if_fail (client != NULL, NULL);

  return g_bytes_ref (client->S);
}

/**
 * tl_srp_client_verify_M2:
 * @M2: the server's proof
 *
 * Compares @M2 with the expected H(PAD(A) | M1 | K) in constant time.
 *
 * Returns: %TRUE if the server knew the verifier, or %FALSE with @error
 *   set to %TL_AUTH_ERROR_SERVER_IDENTITY
 */
gboolean
tl_srp_client_verify_M2 (TlSrpClient  *client,
                         GBytes       *M2,
                         GError      **error)
{
  g_return_val_if_fail (client != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (M2 == NULL || !bytes_equal_const_time (client->proofs.M2, M2))
    {
      g_set_error_literal (error, TL_AUTH_ERROR, TL_AUTH_ERROR_SERVER_IDENTITY,
                           tl_auth_error_message (TL_AUTH_ERROR_SERVER_IDENTITY));
      return FALSE;
    }

  return TRUE;
}

void
tl_srp_client_free (TlSrpClient *client)
{
  if (client == NULL)
    return;

  g_clear_pointer (&client->A, g_bytes_unref);
  g_clear_pointer (&client->S, g_bytes_unref);
  proofs_clear (&client->proofs);
  g_free (client);
}

struct _TlSrpServer
{
  const Params *params;   /* shared, see params_get() */
  char         *username;
  GBytes       *salt;
  BIGNUM       *v;
  BIGNUM       *b;
  BIGNUM       *B;
  GBytes       *B_bytes;
  gboolean      used;
  GBytes       *S;
  Proofs        proofs;
};

/**
 * tl_srp_server_new:
 *
 * Like tl_srp_server_new_with_b() with a fresh random b.
 */
TlSrpServer *
tl_srp_server_new (TlSrpGroup   group,
                   TlSrpHash    hash,
                   const char  *username,
                   GBytes      *salt,
                   GBytes      *verifier,
                   GError     **error)
{
  return tl_srp_server_new_with_b (group, hash, username, salt, verifier, NULL, error);
}

/* What both server constructors check and keep: the username, salt, v
 * and b. B is left to the caller. */
static TlSrpServer *
server_new_common (TlSrpGroup   group,
                   TlSrpHash    hash,
                   const char  *username,
                   GBytes      *salt,
                   GBytes      *verifier,
                   GBytes      *b,
                   GError     **error)
{
  g_autoptr(TlSrpServer) server = NULL;

  if (!check_username (username, error))
    return NULL;

  if (salt == NULL || g_bytes_get_size (salt) == 0)
    {
      g_set_error_literal (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT,
                           _("The stored SRP salt is empty. Set the password again."));
      return NULL;
    }

  server = g_new0 (TlSrpServer, 1);
  server->params = params_get (group, hash);
  if (server->params == NULL)
    {
      set_crypto_error (error);
      return NULL;
    }

  server->username = g_strdup (username);
  server->salt = g_bytes_ref (salt);

  server->v = bn_from_group_element (server->params, verifier);
  if (server->v == NULL)
    {
      g_set_error_literal (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT,
                           _("The stored SRP verifier is invalid. Set the password again."));
      return NULL;
    }

  server->b = ephemeral_new (b, error);
  if (server->b == NULL)
    return NULL;

  return g_steal_pointer (&server);
}

/**
 * tl_srp_server_new_with_b:
 * @salt: the user's stored salt
 * @verifier: the user's stored verifier v
 * @b: (nullable): the private value, big-endian; %NULL draws 256 random bits
 *
 * Computes B = (k*v + g^b) mod N.
 *
 * Returns: (transfer full) (nullable): the server side of one login, or
 *   %NULL with @error set to %TL_AUTH_ERROR_INVALID_INPUT when the stored
 *   values are unusable
 */
TlSrpServer *
tl_srp_server_new_with_b (TlSrpGroup   group,
                          TlSrpHash    hash,
                          const char  *username,
                          GBytes      *salt,
                          GBytes      *verifier,
                          GBytes      *b,
                          GError     **error)
{
  g_autoptr(TlSrpServer) server = NULL;
  BN_CTX *ctx = NULL;
  BIGNUM *g_b = NULL;

  g_return_val_if_fail (GROUP_IS_VALID (group), NULL);
  g_return_val_if_fail (HASH_IS_VALID (hash), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  server = server_new_common (group, hash, username, salt, verifier, b, error);
  if (server == NULL)
    return NULL;

  ctx = BN_CTX_secure_new ();
  g_b = BN_secure_new ();
  server->B = BN_new ();

  /* B = (k*v + g^b) mod N */
  if (ctx == NULL || g_b == NULL || server->B == NULL ||
      !BN_mod_exp (g_b, server->params->g, server->b, server->params->N, ctx) ||
      !BN_mod_mul (server->B, server->params->k, server->v, server->params->N, ctx) ||
      !BN_mod_add (server->B, server->B, g_b, server->params->N, ctx) ||
      BN_is_zero (server->B) ||
      (server->B_bytes = bn_to_pad_bytes (server->B, server->params->length)) == NULL)
    {
      set_crypto_error (error);
      g_clear_pointer (&server, tl_srp_server_free);
    }

  BN_clear_free (g_b);
  BN_CTX_free (ctx);

  return g_steal_pointer (&server);
}

/**
 * tl_srp_server_new_with_b_and_B:
 * @salt: the user's stored salt
 * @verifier: the user's stored verifier v
 * @b: the private value, big-endian, as given to tl_srp_server_new_with_b()
 * @B: PAD(B) as tl_srp_server_get_B() returned it for that @b and @verifier
 *
 * Restores the server side of a login between its two requests without
 * computing B = k*v + g^b again: that exponentiation was a quarter of a
 * server's work per login. @B is only checked to be a group element of
 * the padded length, not recomputed: one that does not belong to @b and
 * @verifier (a corrupted store) gives a different u and M1 than the
 * client's, so the proof fails as with a wrong password.
 *
 * Returns: (transfer full) (nullable): the server side of one login, or
 *   %NULL with @error set to %TL_AUTH_ERROR_INVALID_INPUT when the stored
 *   values are unusable (including @B not PAD(B) of a value in 0 < B < N)
 */
TlSrpServer *
tl_srp_server_new_with_b_and_B (TlSrpGroup   group,
                                TlSrpHash    hash,
                                const char  *username,
                                GBytes      *salt,
                                GBytes      *verifier,
                                GBytes      *b,
                                GBytes      *B,
                                GError     **error)
{
  g_autoptr(TlSrpServer) server = NULL;

  g_return_val_if_fail (GROUP_IS_VALID (group), NULL);
  g_return_val_if_fail (HASH_IS_VALID (hash), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* Without b this would be a fresh login whose B nobody has seen. */
  if (b == NULL || g_bytes_get_size (b) == 0)
    {
      g_set_error_literal (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT,
                           _("The stored SRP private value is missing. Log in again."));
      return NULL;
    }

  server = server_new_common (group, hash, username, salt, verifier, b, error);
  if (server == NULL)
    return NULL;

  /* Exactly PAD(B): the client hashed these bytes into u and M1. */
  if (B == NULL || g_bytes_get_size (B) != server->params->length ||
      (server->B = bn_from_group_element (server->params, B)) == NULL)
    {
      g_set_error_literal (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT,
                           _("The stored SRP value B is invalid. Log in again."));
      return NULL;
    }

  server->B_bytes = g_bytes_ref (B);

  return g_steal_pointer (&server);
}

/**
 * tl_srp_server_get_B:
 *
 * Returns: (transfer full): PAD(B), to send to the client
 */
GBytes *
tl_srp_server_get_B (TlSrpServer *server)
{
  g_return_val_if_fail (server != NULL, NULL);

  return g_bytes_ref (server->B_bytes);
}

/**
 * tl_srp_server_verify:
 * @A: PAD(A) as the client sent it
 * @M1: the client's proof
 *
 * Checks the client's proof. One server object checks one proof: b is
 * wiped after the first call, whatever its outcome, so a second call
 * fails with %TL_AUTH_ERROR_LOGIN_EXPIRED and a client cannot try many
 * passwords against one B.
 *
 * Returns: %TRUE if the client knew the password; %FALSE with @error set
 *   to %TL_AUTH_ERROR_BAD_REQUEST (A empty, too long, or A mod N == 0; M1
 *   of the wrong length) or %TL_AUTH_ERROR_INVALID_CREDENTIALS (M1 wrong)
 */
gboolean
tl_srp_server_verify (TlSrpServer  *server,
                      GBytes       *A,
                      GBytes       *M1,
                      GError      **error)
{
  const Params *params;
  BN_CTX *ctx = NULL;
  BIGNUM *A_bn = NULL;
  BIGNUM *u = NULL;
  BIGNUM *base = NULL;
  BIGNUM *S = NULL;
  Proofs proofs = { NULL, NULL, NULL };
  gboolean ok = FALSE;

  g_return_val_if_fail (server != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  params = server->params;

  if (server->used)
    {
      g_set_error_literal (error, TL_AUTH_ERROR, TL_AUTH_ERROR_LOGIN_EXPIRED,
                           _("This login was already used. Log in again."));
      return FALSE;
    }

  server->used = TRUE;

  A_bn = bn_from_group_element (params, A);
  if (A_bn == NULL || M1 == NULL ||
      g_bytes_get_size (M1) != (gsize) EVP_MD_get_size (params->md))
    {
      set_invalid_client_value (error);
      goto out;
    }

  ctx = BN_CTX_secure_new ();
  base = BN_secure_new ();
  S = BN_secure_new ();
  u = compute_u_bn (params, A_bn, server->B);
  if (ctx == NULL || base == NULL || S == NULL || u == NULL)
    {
      set_crypto_error (error);
      goto out;
    }

  /* Unreachable for an honest client; a zero u would drop v from S. */
  if (BN_is_zero (u))
    {
      set_invalid_client_value (error);
      goto out;
    }

  /* S = (A * v^u) ^ b */
  if (!BN_mod_exp (base, server->v, u, params->N, ctx) ||
      !BN_mod_mul (base, A_bn, base, params->N, ctx) ||
      !BN_mod_exp (S, base, server->b, params->N, ctx) ||
      !compute_proofs (params, server->username, server->salt, A_bn, server->B, S, &proofs))
    {
      set_crypto_error (error);
      goto out;
    }

  if (!bytes_equal_const_time (proofs.M1, M1))
    {
      g_set_error_literal (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_CREDENTIALS,
                           tl_auth_error_message (TL_AUTH_ERROR_INVALID_CREDENTIALS));
      goto out;
    }

  server->S = bn_to_bytes (S, TRUE);
  if (server->S == NULL)
    {
      set_crypto_error (error);
      goto out;
    }

  server->proofs = proofs;
  memset (&proofs, 0, sizeof proofs);
  ok = TRUE;

out:
  g_clear_pointer (&server->b, BN_clear_free);
  proofs_clear (&proofs);
  BN_free (A_bn);
  BN_free (u);
  BN_clear_free (base);
  BN_clear_free (S);
  BN_CTX_free (ctx);

  return ok;
}

/**
 * tl_srp_server_get_M2:
 *
 * Returns: (transfer full) (nullable): the server's proof M2, or %NULL
 *   unless tl_srp_server_verify() succeeded
 */
GBytes *
tl_srp_server_get_M2 (TlSrpServer *server)
{
  g_return_val_if_fail (server != NULL, NULL);

  return server->proofs.M2 != NULL ? g_bytes_ref (server->proofs.M2) : NULL;
}

/**
 * tl_srp_server_get_K:
 *
 * Returns: (transfer full) (nullable): the session key, or %NULL unless
 *   tl_srp_server_verify() succeeded; wiped when the last reference goes
 */
GBytes *
tl_srp_server_get_K (TlSrpServer *server)
{
  g_return_val_if_fail (server != NULL, NULL);

  return server->proofs.K != NULL ? g_bytes_ref (server->proofs.K) : NULL;
}

/**
 * tl_srp_server_get_S:
 *
 * Returns: (transfer full) (nullable): the premaster secret S in minimal
 *   bytes, for tests, or %NULL unless tl_srp_server_verify() succeeded
 */
GBytes *
tl_srp_server_get_S (TlSrpServer *server)
{
  g_return_val_if_fail (server != NULL, NULL);

  return server->S != NULL ? g_bytes_ref (server->S) : NULL;
}

void
tl_srp_server_free (TlSrpServer *server)
{
  if (server == NULL)
    return;

  g_clear_pointer (&server->username, g_free);
  g_clear_pointer (&server->salt, g_bytes_unref);
  g_clear_pointer (&server->v, BN_clear_free);
  g_clear_pointer (&server->b, BN_clear_free);
  g_clear_pointer (&server->B, BN_free);
  g_clear_pointer (&server->B_bytes, g_bytes_unref);
  g_clear_pointer (&server->S, g_bytes_unref);
  proofs_clear (&server->proofs);
  g_free (server);
}
