/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fuzz-srp"

#include "config.h"

#include "fuzz-common.h"
#include "tl-auth-error.h"
#include "tl-srp.h"

/* SRP values from the other side. The first byte picks:
 *
 *   bit 0  the side under attack: 0 = a client fed a server's salt, B
 *          and M2; 1 = a server fed a client's A and M1
 *   bit 1  the group: 0 = RFC 5054 1024-bit with SHA-1 (fast, so the
 *          fuzzer gets far), 1 = the protocol's 3072-bit with SHA-256
 *
 * then binary fields, each a two-byte big-endian length and its bytes:
 * client: salt, B, M2; server: A, M1. The private values a and b are
 * fixed so that a run is reproducible. */

static const char username[] = "alice";
static const char password[] = "correct horse battery staple";
static const guint8 fixed_salt[16] = {
  0xbe, 0xb2, 0x53, 0x79, 0xd1, 0xa8, 0x58, 0x1e,
  0xb5, 0xa7, 0x27, 0x67, 0x3a, 0x24, 0x41, 0xee,
};
static const guint8 fixed_a[32] = {
  0x60, 0x97, 0x55, 0x27, 0x03, 0x5c, 0xf2, 0xad, 0x19, 0x89, 0x80, 0x6f,
  0x04, 0x07, 0x21, 0x0b, 0xc8, 0x1e, 0xdc, 0x04, 0xe2, 0x76, 0x2a, 0x56,
  0xaf, 0xd5, 0x29, 0xdd, 0xda, 0x2d, 0x43, 0x93,
};
static const guint8 fixed_b[32] = {
  0xe4, 0x87, 0xcb, 0x59, 0xd3, 0x1a, 0xc5, 0x50, 0x47, 0x1e, 0x81, 0xf0,
  0x0f, 0x69, 0x28, 0xe0, 0x1d, 0xda, 0x08, 0xe9, 0x74, 0xa0, 0x04, 0xf4,
  0x9e, 0x61, 0xf5, 0xd1, 0x05, 0x28, 0x4d, 0x20,
};

static void
fuzz_client (TlSrpGroup     group,
             TlSrpHash      hash,
             const uint8_t *data,
             size_t         size)
{
  g_autoptr(GBytes) salt = fuzz_take_bytes (&data, &size);
  g_autoptr(GBytes) B = fuzz_take_bytes (&data, &size);
  g_autoptr(GBytes) M2 = fuzz_take_bytes (&data, &size);
  g_autoptr(GBytes) a = g_bytes_new_static (fixed_a, sizeof fixed_a);
  g_autoptr(TlSrpClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) A = NULL;
  g_autoptr(GBytes) M1 = NULL;
  g_autoptr(GBytes) K = NULL;

  client = tl_srp_client_new_with_a (group, hash, username, password, salt, B, a, &error);
  if (client == NULL)
    {
      /* A bad server value is the server's fault, never a crash. */
      g_assert (error != NULL);
      return;
    }

  A = tl_srp_client_get_A (client);
  M1 = tl_srp_client_get_M1 (client);
  K = tl_srp_client_get_K (client);
  g_assert_cmpuint (g_bytes_get_size (A), ==, tl_srp_group_length (group));
  g_assert_cmpuint (g_bytes_get_size (M1), ==, g_bytes_get_size (K));

  if (!tl_srp_client_verify_M2 (client, M2, &error))
    g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_SERVER_IDENTITY);
  else
    g_assert_cmpuint (g_bytes_get_size (M2), ==, g_bytes_get_size (K));
}

static void
fuzz_server (TlSrpGroup     group,
             TlSrpHash      hash,
             const uint8_t *data,
             size_t         size)
{
  static GBytes *verifiers[2];
  g_autoptr(GBytes) A = fuzz_take_bytes (&data, &size);
  g_autoptr(GBytes) M1 = fuzz_take_bytes (&data, &size);
  g_autoptr(GBytes) salt = g_bytes_new_static (fixed_salt, sizeof fixed_salt);
  g_autoptr(GBytes) b = g_bytes_new_static (fixed_b, sizeof fixed_b);
  g_autoptr(TlSrpServer) server = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) B = NULL;
  guint slot = group == TL_SRP_GROUP_3072;

  /* The verifier costs a modular exponentiation; make it once per group.
   * Kept for the whole run on purpose (not a leak per input). */
  if (verifiers[slot] == NULL)
    {
      verifiers[slot] = tl_srp_compute_verifier (group, hash, username, password, salt, &error);
      g_assert_no_error (error);
    }

  server = tl_srp_server_new_with_b (group, hash, username, salt, verifiers[slot], b, &error);
  g_assert_no_error (error);
  B = tl_srp_server_get_B (server);
  g_assert_cmpuint (g_bytes_get_size (B), ==, tl_srp_group_length (group));

  if (tl_srp_server_verify (server, A, M1, &error))
    {
      g_autoptr(GBytes) M2 = tl_srp_server_get_M2 (server);

      g_assert_nonnull (M2);
      return;
    }

  g_assert (g_error_matches (error, TL_AUTH_ERROR, TL_AUTH_ERROR_BAD_REQUEST) ||
            g_error_matches (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_CREDENTIALS));
  g_assert_null (tl_srp_server_get_M2 (server));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  TlSrpGroup group;
  TlSrpHash hash;

  fuzz_init ();

  if (size < 1)
    return 0;

  if (data[0] & 2)
    {
      group = TL_SRP_GROUP_3072;
      hash = TL_SRP_HASH_SHA256;
    }
  else
    {
      group = TL_SRP_GROUP_1024;
      hash = TL_SRP_HASH_SHA1;
    }

  if (data[0] & 1)
    fuzz_server (group, hash, data + 1, size - 1);
  else
    fuzz_client (group, hash, data + 1, size - 1);

  return 0;
}
