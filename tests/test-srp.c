/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-srp"

#include "config.h"

#include <string.h>

#include <openssl/bn.h>

#include "tl-auth-error.h"
#include "tl-srp.h"

/* RFC 5054 appendix A, 1024-bit group. */
#define RFC_N \
  "EEAF0AB9 ADB38DD6 9C33F80A FA8FC5E8 60726187 75FF3C0B 9EA2314C" \
  "9C256576 D674DF74 96EA81D3 383B4813 D692C6E0 E0D5D8E2 50B98BE4" \
  "8E495C1D 6089DAD1 5DC7D7B4 6154D6B6 CE8EF4AD 69B15D49 82559B29" \
  "7BCF1885 C529F566 660E57EC 68EDBC3C 05726CC0 2FD4CBF4 976EAA9A" \
  "FD5138FE 8376435B 9FC61D2F C0EB06E3"

/* RFC 5054 appendix A, 2048-bit group (SRP's own, not RFC 3526's). */
#define RFC_N_2048 \
  "AC6BDB41 324A9A9B F166DE5E 1389582F AF72B665 1987EE07 FC319294" \
  "3DB56050 A37329CB B4A099ED 8193E075 7767A13D D52312AB 4B03310D" \
  "CD7F48A9 DA04FD50 E8083969 EDB767B0 CF609517 9A163AB3 661A05FB" \
  "D5FAAAE8 2918A996 2F0B93B8 55F97993 EC975EEA A80D740A DBF4FF74" \
  "7359D041 D5C33EA7 1D281E44 6B14773B CA97B43A 23FB8016 76BD207A" \
  "436C6481 F1D2B907 8717461A 5B9D32E6 88F87748 544523B5 24B0D57D" \
  "5EA77A27 75D2ECFA 032CFBDB F52FB378 61602790 04E57AE6 AF874E73" \
  "03CE5329 9CCC041C 7BC308D8 2A5698F3 A8D0C382 71AE35F8 E9DBFBB6" \
  "94B5C803 D89F7AE4 35DE236D 525F5475 9B65E372 FCD68EF2 0FA7111F" \
  "9E4AFF73"

/* RFC 5054 appendix B. */
#define RFC_I "alice"
#define RFC_P "password123"
#define RFC_s "BEB25379 D1A8581E B5A72767 3A2441EE"
#define RFC_k "7556AA04 5AEF2CDD 07ABAF0F 665C3E81 8913186F"
#define RFC_x "94B7555A ABE9127C C58CCF49 93DB6CF8 4D16C124"
#define RFC_v \
  "7E273DE8 696FFC4F 4E337D05 B4B375BE B0DDE156 9E8FA00A 9886D812" \
  "9BADA1F1 822223CA 1A605B53 0E379BA4 729FDC59 F105B478 7E5186F5" \
  "C671085A 1447B52A 48CF1970 B4FB6F84 00BBF4CE BFBB1681 52E08AB5" \
  "EA53D15C 1AFF87B2 B9DA6E04 E058AD51 CC72BFC9 033B564E 26480D78" \
  "E955A5E2 9E7AB245 DB2BE315 E2099AFB"
#define RFC_a \
  "60975527 035CF2AD 1989806F 0407210B C81EDC04 E2762A56 AFD529DD" \
  "DA2D4393"
#define RFC_b \
  "E487CB59 D31AC550 471E81F0 0F6928E0 1DDA08E9 74A004F4 9E61F5D1" \
  "05284D20"
#define RFC_A \
  "61D5E490 F6F1B795 47B0704C 436F523D D0E560F0 C64115BB 72557EC4" \
  "4352E890 3211C046 92272D8B 2D1A5358 A2CF1B6E 0BFCF99F 921530EC" \
  "8E393561 79EAE45E 42BA92AE ACED8251 71E1E8B9 AF6D9C03 E1327F44" \
  "BE087EF0 6530E69F 66615261 EEF54073 CA11CF58 58F0EDFD FE15EFEA" \
  "B349EF5D 76988A36 72FAC47B 0769447B"
#define RFC_B \
  "BD0C6151 2C692C0C B6D041FA 01BB152D 4916A1E7 7AF46AE1 05393011" \
  "BAF38964 DC46A067 0DD125B9 5A981652 236F99D9 B681CBF8 7837EC99" \
  "6C6DA044 53728610 D0C6DDB5 8B318885 D7D82C7F 8DEB75CE 7BD4FBAA" \
  "37089E6F 9C6059F3 88838E7A 00030B33 1EB76840 910440B1 B27AAEAE" \
  "EB4012B7 D7665238 A8E3FB00 4B117B58"
#define RFC_u "CE38B959 3487DA98 554ED47D 70A7AE5F 462EF019"
#define RFC_S \
  "B0DC82BA BCF30674 AE450C02 87745E79 90A3381F 63B387AA F271A10D" \
  "233861E3 59B48220 F7C4693C 9AE12B0A 6F67809F 0876E2D0 13800D6C" \
  "41BB59B6 D5979B5C 00A172B4 A2A5903A 0BDCAF8A 709585EB 2AFAFA8F" \
  "3499B200 210DCC1F 10EB3394 3CD67FC8 8A2F39A4 BE5BEC4E C0A3212D" \
  "C346D7E4 74B29EDE 8A469FFE CA686E5A"

static GBytes *
hex_bytes (const char *hex)
{
  GByteArray *array = g_byte_array_new ();
  int high = -1;

  for (const char *p = hex; *p != '\0'; p++)
    {
      int digit;

      if (g_ascii_isspace (*p))
        continue;

      digit = g_ascii_xdigit_value (*p);
      g_assert_cmpint (digit, >=, 0);

      if (high < 0)
        {
          high = digit;
        }
      else
        {
          guint8 byte = (guint8) (high << 4 | digit);

          g_byte_array_append (array, &byte, 1);
          high = -1;
        }
    }

  g_assert_cmpint (high, ==, -1);

  return g_byte_array_free_to_bytes (array);
}

static void
assert_bytes_hex (GBytes     *bytes,
                  const char *hex)
{
  g_autoptr(GBytes) expected = hex_bytes (hex);

  g_assert_nonnull (bytes);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                   g_bytes_get_data (expected, NULL), g_bytes_get_size (expected));
}

static void
assert_bytes_equal (GBytes *a,
                    GBytes *b)
{
  g_assert_nonnull (a);
  g_assert_nonnull (b);
  g_assert_cmpmem (g_bytes_get_data (a, NULL), g_bytes_get_size (a),
                   g_bytes_get_data (b, NULL), g_bytes_get_size (b));
}

/* A copy of @bytes with one bit of byte @index flipped. */
static GBytes *
flip_bit (GBytes *bytes,
          gsize   index)
{
  gsize length;
  const guint8 *data = g_bytes_get_data (bytes, &length);
  guint8 *copy;

  g_assert_cmpuint (index, <, length);
  copy = g_memdup2 (data, length);
  copy[index] ^= 0x01;

  return g_bytes_new_take (copy, length);
}

static GBytes *
zero_bytes (gsize length)
{
  return g_bytes_new_take (g_malloc0 (length), length);
}

static GBytes *
bn_pad_bytes (const BIGNUM *bn,
              gsize         length)
{
  guint8 *buffer = g_malloc (length);

  g_assert_cmpint (BN_bn2binpad (bn, buffer, (int) length), ==, (int) length);

  return g_bytes_new_take (buffer, length);
}

/* PAD(N) of the protocol's 3072-bit group, from OpenSSL's RFC 3526 copy. */
static GBytes *
prime_3072_bytes (void)
{
  BIGNUM *N = BN_get_rfc3526_prime_3072 (NULL);
  GBytes *bytes = bn_pad_bytes (N, 384);

  BN_free (N);

  return bytes;
}

/* The server enrols @password; returns the server side of one login. */
static TlSrpServer *
server_for (TlSrpGroup  group,
            TlSrpHash   hash,
            const char *username,
            const char *password,
            GBytes    **out_salt)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) salt = NULL;
  g_autoptr(GBytes) verifier = NULL;
  TlSrpServer *server;

  salt = tl_srp_random_salt (&error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (salt), ==, TL_SRP_SALT_LENGTH);

  verifier = tl_srp_compute_verifier (group, hash, username, password, salt, &error);
  g_assert_no_error (error);
  g_assert_nonnull (verifier);

  server = tl_srp_server_new (group, hash, username, salt, verifier, &error);
  g_assert_no_error (error);
  g_assert_nonnull (server);

  *out_salt = g_steal_pointer (&salt);

  return server;
}

static void
assert_round_trip (TlSrpGroup group,
                   TlSrpHash  hash)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) salt = NULL;
  g_autoptr(TlSrpServer) server = NULL;
  g_autoptr(TlSrpClient) client = NULL;
  g_autoptr(GBytes) B = NULL;
  g_autoptr(GBytes) A = NULL;
  g_autoptr(GBytes) M1 = NULL;
  g_autoptr(GBytes) M2 = NULL;
  g_autoptr(GBytes) client_K = NULL;
  g_autoptr(GBytes) server_K = NULL;
  g_autoptr(GBytes) client_S = NULL;
  g_autoptr(GBytes) server_S = NULL;
  gsize md_length = hash == TL_SRP_HASH_SHA1 ? 20 : 32;

  server = server_for (group, hash, "alice", "correct horse battery staple", &salt);
  B = tl_srp_server_get_B (server);
  g_assert_cmpuint (g_bytes_get_size (B), ==, tl_srp_group_length (group));

  client = tl_srp_client_new (group, hash, "alice", "correct horse battery staple",
                              salt, B, &error);
  g_assert_no_error (error);
  g_assert_nonnull (client);

  A = tl_srp_client_get_A (client);
  M1 = tl_srp_client_get_M1 (client);
  g_assert_cmpuint (g_bytes_get_size (A), ==, tl_srp_group_length (group));
  g_assert_cmpuint (g_bytes_get_size (M1), ==, md_length);

  /* Nothing to hand out before the client proved itself. */
  g_assert_null (tl_srp_server_get_M2 (server));
  g_assert_null (tl_srp_server_get_K (server));

  g_assert_true (tl_srp_server_verify (server, A, M1, &error));
  g_assert_no_error (error);

  M2 = tl_srp_server_get_M2 (server);
  g_assert_cmpuint (g_bytes_get_size (M2), ==, md_length);
  g_assert_true (tl_srp_client_verify_M2 (client, M2, &error));
  g_assert_no_error (error);

  client_K = tl_srp_client_get_K (client);
  server_K = tl_srp_server_get_K (server);
  g_assert_cmpuint (g_bytes_get_size (client_K), ==, md_length);
  assert_bytes_equal (client_K, server_K);

  client_S = tl_srp_client_get_S (client);
  server_S = tl_srp_server_get_S (server);
  assert_bytes_equal (client_S, server_S);
}

static void
test_rfc5054 (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) salt = hex_bytes (RFC_s);
  g_autoptr(GBytes) a = hex_bytes (RFC_a);
  g_autoptr(GBytes) b = hex_bytes (RFC_b);
  g_autoptr(GBytes) rfc_A = hex_bytes (RFC_A);
  g_autoptr(GBytes) rfc_B = hex_bytes (RFC_B);
  g_autoptr(GBytes) rfc_v = hex_bytes (RFC_v);
  g_autoptr(GBytes) k = NULL;
  g_autoptr(GBytes) x = NULL;
  g_autoptr(GBytes) v = NULL;
  g_autoptr(GBytes) u = NULL;
  g_autoptr(GBytes) A = NULL;
  g_autoptr(GBytes) B = NULL;
  g_autoptr(GBytes) M1 = NULL;
  g_autoptr(GBytes) M2 = NULL;
  g_autoptr(GBytes) client_S = NULL;
  g_autoptr(GBytes) server_S = NULL;
  g_autoptr(GBytes) client_K = NULL;
  g_autoptr(GBytes) server_K = NULL;
  g_autoptr(TlSrpClient) client = NULL;
  g_autoptr(TlSrpServer) server = NULL;

  g_assert_cmpuint (tl_srp_group_length (TL_SRP_GROUP_1024), ==, 128);

  k = tl_srp_compute_k (TL_SRP_GROUP_1024, TL_SRP_HASH_SHA1);
  assert_bytes_hex (k, RFC_k);

  x = tl_srp_compute_x (TL_SRP_HASH_SHA1, RFC_I, RFC_P, salt);
  assert_bytes_hex (x, RFC_x);

  v = tl_srp_compute_verifier (TL_SRP_GROUP_1024, TL_SRP_HASH_SHA1,
                               RFC_I, RFC_P, salt, &error);
  g_assert_no_error (error);
  assert_bytes_hex (v, RFC_v);

  u = tl_srp_compute_u (TL_SRP_GROUP_1024, TL_SRP_HASH_SHA1, rfc_A, rfc_B);
  assert_bytes_hex (u, RFC_u);

  server = tl_srp_server_new_with_b (TL_SRP_GROUP_1024, TL_SRP_HASH_SHA1,
                                     RFC_I, salt, rfc_v, b, &error);
  g_assert_no_error (error);
  B = tl_srp_server_get_B (server);
  assert_bytes_hex (B, RFC_B);

  client = tl_srp_client_new_with_a (TL_SRP_GROUP_1024, TL_SRP_HASH_SHA1,
                                     RFC_I, RFC_P, salt, rfc_B, a, &error);
  g_assert_no_error (error);
  A = tl_srp_client_get_A (client);
  assert_bytes_hex (A, RFC_A);

  client_S = tl_srp_client_get_S (client);
  assert_bytes_hex (client_S, RFC_S);

  M1 = tl_srp_client_get_M1 (client);
  g_assert_true (tl_srp_server_verify (server, rfc_A, M1, &error));
  g_assert_no_error (error);

  server_S = tl_srp_server_get_S (server);
  assert_bytes_hex (server_S, RFC_S);

  client_K = tl_srp_client_get_K (client);
  server_K = tl_srp_server_get_K (server);
  g_assert_cmpuint (g_bytes_get_size (client_K), ==, 20);
  assert_bytes_equal (client_K, server_K);

  M2 = tl_srp_server_get_M2 (server);
  g_assert_true (tl_srp_client_verify_M2 (client, M2, &error));
  g_assert_no_error (error);
}

static void
test_round_trip_3072 (void)
{
  g_assert_cmpuint (tl_srp_group_length (TL_SRP_DEFAULT_GROUP), ==, 384);
  assert_round_trip (TL_SRP_DEFAULT_GROUP, TL_SRP_DEFAULT_HASH);
}

static gpointer
prepare_thread (gpointer data)
{
  tl_srp_prepare (TL_SRP_DEFAULT_GROUP, TL_SRP_DEFAULT_HASH);
  return NULL;
}

/* A client prepares OpenSSL and the group in a thread while the first
 * login's math may already run (tl-auth-client.c). In a new process, so
 * that all of it is a first use: several preparations at once, and a
 * round trip meanwhile, which must come out right. */
static void
test_prepare_while_computing (void)
{
  if (g_test_subprocess ())
    {
      GThread *threads[4];

      for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
        threads[i] = g_thread_new ("prepare", prepare_thread, NULL);
      assert_round_trip (TL_SRP_DEFAULT_GROUP, TL_SRP_DEFAULT_HASH);
      for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
        g_thread_join (threads[i]);
      /* Prepared already: nothing left to do, and nothing changes. */
      tl_srp_prepare (TL_SRP_DEFAULT_GROUP, TL_SRP_DEFAULT_HASH);
      assert_round_trip (TL_SRP_DEFAULT_GROUP, TL_SRP_DEFAULT_HASH);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

static void
test_groups (void)
{
  static const TlSrpGroup all_groups[] = {
    TL_SRP_GROUP_1024, TL_SRP_GROUP_2048, TL_SRP_GROUP_3072, TL_SRP_GROUP_4096,
  };
  static const gsize lengths[] = { 128, 256, 384, 512 };

  for (guint i = 0; i < G_N_ELEMENTS (all_groups); i++)
    {
      g_assert_cmpuint (tl_srp_group_length (all_groups[i]), ==, lengths[i]);
      assert_round_trip (all_groups[i], TL_SRP_HASH_SHA1);
      assert_round_trip (all_groups[i], TL_SRP_HASH_SHA256);
    }
}

/* Pins each group's prime: B = N must be refused and B = N - 1 taken.
 * A wrong prime fails one of the two, e.g. RFC 3526's group 14 (larger
 * than RFC 5054's 2048-bit prime) in place of the latter would take
 * B = N. */
static void
assert_group_prime (TlSrpGroup  group,
                    BIGNUM     *N)
{
  gsize length = tl_srp_group_length (group);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) salt = hex_bytes (RFC_s);
  g_autoptr(GBytes) N_bytes = bn_pad_bytes (N, length);
  g_autoptr(GBytes) N_minus_one = NULL;
  g_autoptr(TlSrpClient) client = NULL;

  g_assert_cmpint (BN_num_bytes (N), ==, (int) length);

  client = tl_srp_client_new (group, TL_SRP_HASH_SHA256, "alice", "pw", salt, N_bytes, &error);
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_PROTOCOL);
  g_assert_null (client);
  g_clear_error (&error);

  g_assert_true (BN_sub_word (N, 1));
  N_minus_one = bn_pad_bytes (N, length);
  client = tl_srp_client_new (group, TL_SRP_HASH_SHA256, "alice", "pw", salt, N_minus_one, &error);
  g_assert_no_error (error);
  g_assert_nonnull (client);

  BN_free (N);
}

static BIGNUM *
bn_from_hex (const char *hex)
{
  g_autoptr(GBytes) bytes = hex_bytes (hex);
  BIGNUM *bn = BN_bin2bn (g_bytes_get_data (bytes, NULL), (int) g_bytes_get_size (bytes), NULL);

  g_assert_nonnull (bn);

  return bn;
}

static void
test_group_primes (void)
{
  assert_group_prime (TL_SRP_GROUP_1024, bn_from_hex (RFC_N));
  assert_group_prime (TL_SRP_GROUP_2048, bn_from_hex (RFC_N_2048));
  assert_group_prime (TL_SRP_GROUP_3072, BN_get_rfc3526_prime_3072 (NULL));
  assert_group_prime (TL_SRP_GROUP_4096, BN_get_rfc3526_prime_4096 (NULL));
}

static void
test_wire_names (void)
{
  TlSrpGroup group;
  TlSrpHash hash;

  g_assert_cmpstr (tl_srp_group_to_string (TL_SRP_GROUP_3072), ==, "rfc5054-3072");
  g_assert_cmpstr (tl_srp_hash_to_string (TL_SRP_HASH_SHA256), ==, "sha256");
  g_assert_cmpstr (tl_srp_hash_to_string (TL_SRP_HASH_SHA1), ==, "sha1");

  for (guint i = TL_SRP_GROUP_1024; i <= TL_SRP_GROUP_4096; i++)
    {
      g_assert_true (tl_srp_group_from_string (tl_srp_group_to_string (i), &group));
      g_assert_cmpint (group, ==, i);
    }

  g_assert_true (tl_srp_hash_from_string ("sha1", &hash));
  g_assert_cmpint (hash, ==, TL_SRP_HASH_SHA1);
  g_assert_true (tl_srp_hash_from_string ("sha256", &hash));
  g_assert_cmpint (hash, ==, TL_SRP_HASH_SHA256);

  g_assert_false (tl_srp_group_from_string ("rfc5054-1536", NULL));
  g_assert_false (tl_srp_group_from_string ("RFC5054-3072", NULL));
  g_assert_false (tl_srp_group_from_string (NULL, NULL));
  g_assert_false (tl_srp_hash_from_string ("md5", NULL));
  g_assert_false (tl_srp_hash_from_string (NULL, NULL));
}

static void
test_wrong_password (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) salt = NULL;
  g_autoptr(TlSrpServer) server = NULL;
  g_autoptr(TlSrpClient) client = NULL;
  g_autoptr(GBytes) B = NULL;
  g_autoptr(GBytes) A = NULL;
  g_autoptr(GBytes) M1 = NULL;

  server = server_for (TL_SRP_DEFAULT_GROUP, TL_SRP_DEFAULT_HASH, "alice", "right", &salt);
  B = tl_srp_server_get_B (server);

  client = tl_srp_client_new (TL_SRP_DEFAULT_GROUP, TL_SRP_DEFAULT_HASH,
                              "alice", "wrong", salt, B, &error);
  g_assert_no_error (error);

  A = tl_srp_client_get_A (client);
  M1 = tl_srp_client_get_M1 (client);
  g_assert_false (tl_srp_server_verify (server, A, M1, &error));
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_CREDENTIALS);
  g_assert_cmpstr (error->message, ==, "Invalid username or password.");
  g_assert_null (tl_srp_server_get_M2 (server));
  g_assert_null (tl_srp_server_get_K (server));
  g_assert_null (tl_srp_server_get_S (server));
  g_clear_error (&error);

  /* The same B cannot be used for a second guess, right or wrong. */
  g_assert_false (tl_srp_server_verify (server, A, M1, &error));
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_LOGIN_EXPIRED);
}

static void
test_wrong_username (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) salt = NULL;
  g_autoptr(TlSrpServer) server = NULL;
  g_autoptr(TlSrpClient) client = NULL;
  g_autoptr(GBytes) B = NULL;
  g_autoptr(GBytes) A = NULL;
  g_autoptr(GBytes) M1 = NULL;

  server = server_for (TL_SRP_DEFAULT_GROUP, TL_SRP_DEFAULT_HASH, "alice", "pw", &salt);
  B = tl_srp_server_get_B (server);

  client = tl_srp_client_new (TL_SRP_DEFAULT_GROUP, TL_SRP_DEFAULT_HASH,
                              "mallory", "pw", salt, B, &error);
  g_assert_no_error (error);

  A = tl_srp_client_get_A (client);
  M1 = tl_srp_client_get_M1 (client);
  g_assert_false (tl_srp_server_verify (server, A, M1, &error));
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_CREDENTIALS);
}

static void
test_tampered_B (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) salt = NULL;
  g_autoptr(TlSrpServer) server = NULL;
  g_autoptr(TlSrpClient) client = NULL;
  g_autoptr(GBytes) B = NULL;
  g_autoptr(GBytes) tampered = NULL;
  g_autoptr(GBytes) A = NULL;
  g_autoptr(GBytes) M1 = NULL;

  server = server_for (TL_SRP_DEFAULT_GROUP, TL_SRP_DEFAULT_HASH, "alice", "pw", &salt);
  B = tl_srp_server_get_B (server);
  tampered = flip_bit (B, g_bytes_get_size (B) - 1);

  client = tl_srp_client_new (TL_SRP_DEFAULT_GROUP, TL_SRP_DEFAULT_HASH,
                              "alice", "pw", salt, tampered, &error);
  g_assert_no_error (error);

  A = tl_srp_client_get_A (client);
  M1 = tl_srp_client_get_M1 (client);
  g_assert_false (tl_srp_server_verify (server, A, M1, &error));
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_CREDENTIALS);
  g_assert_null (tl_srp_server_get_M2 (server));
}

static void
assert_server_rejects_A (GBytes *bad_A)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) salt = NULL;
  g_autoptr(TlSrpServer) server = NULL;
  g_autoptr(TlSrpClient) client = NULL;
  g_autoptr(GBytes) B = NULL;
  g_autoptr(GBytes) M1 = NULL;

  server = server_for (TL_SRP_DEFAULT_GROUP, TL_SRP_DEFAULT_HASH, "alice", "pw", &salt);
  B = tl_srp_server_get_B (server);
  client = tl_srp_client_new (TL_SRP_DEFAULT_GROUP, TL_SRP_DEFAULT_HASH,
                              "alice", "pw", salt, B, &error);
  g_assert_no_error (error);
  M1 = tl_srp_client_get_M1 (client);

  g_assert_false (tl_srp_server_verify (server, bad_A, M1, &error));
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_BAD_REQUEST);
  g_assert_nonnull (strstr (error->message, "invalid SRP value"));
  g_assert_null (tl_srp_server_get_M2 (server));
  g_assert_null (tl_srp_server_get_K (server));
}

static void
test_A_zero (void)
{
  g_autoptr(GBytes) padded_zero = zero_bytes (384);
  g_autoptr(GBytes) one_zero = zero_bytes (1);

  assert_server_rejects_A (padded_zero);
  assert_server_rejects_A (one_zero);
}

static void
test_A_equals_N (void)
{
  g_autoptr(GBytes) N = prime_3072_bytes ();
  BIGNUM *N_bn = BN_get_rfc3526_prime_3072 (NULL);
  g_autoptr(GBytes) N_plus_one = NULL;

  assert_server_rejects_A (N);

  /* N + 1 is 1 mod N: in range of PAD, but not a reduced value. */
  g_assert_true (BN_add_word (N_bn, 1));
  N_plus_one = bn_pad_bytes (N_bn, 384);
  assert_server_rejects_A (N_plus_one);

  BN_free (N_bn);
}

static void
assert_client_rejects_B (GBytes *bad_B)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) salt = hex_bytes (RFC_s);
  g_autoptr(TlSrpClient) client = NULL;

  client = tl_srp_client_new (TL_SRP_DEFAULT_GROUP, TL_SRP_DEFAULT_HASH,
                              "alice", "pw", salt, bad_B, &error);
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "The server sent an invalid SRP value"));
  g_assert_null (client);
}

static void
test_B_zero (void)
{
  g_autoptr(GBytes) padded_zero = zero_bytes (384);
  g_autoptr(GBytes) one_zero = zero_bytes (1);

  assert_client_rejects_B (padded_zero);
  assert_client_rejects_B (one_zero);
}

static void
test_B_equals_N (void)
{
  g_autoptr(GBytes) N = prime_3072_bytes ();

  assert_client_rejects_B (N);
}

static void
test_wrong_M2 (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) salt = NULL;
  g_autoptr(TlSrpServer) server = NULL;
  g_autoptr(TlSrpServer) fake = NULL;
  g_autoptr(TlSrpClient) client = NULL;
  g_autoptr(GBytes) B = NULL;
  g_autoptr(GBytes) A = NULL;
  g_autoptr(GBytes) M1 = NULL;
  g_autoptr(GBytes) M2 = NULL;
  g_autoptr(GBytes) bad_M2 = NULL;
  g_autoptr(GBytes) short_M2 = NULL;
  g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);
  g_autoptr(GBytes) fake_salt = NULL;
  g_autoptr(GBytes) fake_B = NULL;
  g_autoptr(TlSrpClient) fooled = NULL;

  server = server_for (TL_SRP_DEFAULT_GROUP, TL_SRP_DEFAULT_HASH, "alice", "pw", &salt);
  B = tl_srp_server_get_B (server);
  client = tl_srp_client_new (TL_SRP_DEFAULT_GROUP, TL_SRP_DEFAULT_HASH,
                              "alice", "pw", salt, B, &error);
  g_assert_no_error (error);
  A = tl_srp_client_get_A (client);
  M1 = tl_srp_client_get_M1 (client);
  g_assert_true (tl_srp_server_verify (server, A, M1, &error));
  g_assert_no_error (error);
  M2 = tl_srp_server_get_M2 (server);

  bad_M2 = flip_bit (M2, 0);
  g_assert_false (tl_srp_client_verify_M2 (client, bad_M2, &error));
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_SERVER_IDENTITY);
  g_assert_nonnull (strstr (error->message, "The server could not prove its identity"));
  g_clear_error (&error);

  short_M2 = g_bytes_new_from_bytes (M2, 0, g_bytes_get_size (M2) - 1);
  g_assert_false (tl_srp_client_verify_M2 (client, short_M2, &error));
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_SERVER_IDENTITY);
  g_clear_error (&error);

  g_assert_false (tl_srp_client_verify_M2 (client, empty, &error));
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_SERVER_IDENTITY);
  g_clear_error (&error);

  g_assert_false (tl_srp_client_verify_M2 (client, NULL, &error));
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_SERVER_IDENTITY);
  g_clear_error (&error);

  /* A fake server that does not know alice's verifier replays the real
   * server's M2 from another login: useless, since A and K differ. */
  fake = server_for (TL_SRP_DEFAULT_GROUP, TL_SRP_DEFAULT_HASH, "alice", "guess", &fake_salt);
  fake_B = tl_srp_server_get_B (fake);
  fooled = tl_srp_client_new (TL_SRP_DEFAULT_GROUP, TL_SRP_DEFAULT_HASH,
                              "alice", "pw", fake_salt, fake_B, &error);
  g_assert_no_error (error);
  g_assert_false (tl_srp_client_verify_M2 (fooled, M2, &error));
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_SERVER_IDENTITY);
}

static void
test_bad_input (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) salt = NULL;
  g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);
  g_autoptr(GBytes) oversize = zero_bytes (385);
  g_autoptr(GBytes) oversize_one = NULL;
  g_autoptr(GBytes) verifier = NULL;
  g_autoptr(GBytes) N = prime_3072_bytes ();
  g_autoptr(GBytes) zero = zero_bytes (1);
  g_autoptr(GBytes) salt_b = NULL;
  g_autoptr(TlSrpServer) server = NULL;
  g_autoptr(TlSrpClient) client = NULL;
  g_autoptr(GBytes) B = NULL;
  g_autoptr(GBytes) A = NULL;
  g_autoptr(GBytes) M1 = NULL;
  g_autoptr(GBytes) short_M1 = NULL;
  guint8 *one = g_malloc0 (385);

  one[384] = 1;
  oversize_one = g_bytes_new_take (one, 385);

  /* The client, fed a bad B or salt by the server. */
  salt = hex_bytes (RFC_s);
  assert_client_rejects_B (empty);
  assert_client_rejects_B (oversize);
  assert_client_rejects_B (oversize_one);
  assert_client_rejects_B (NULL);

  client = tl_srp_client_new (TL_SRP_DEFAULT_GROUP, TL_SRP_DEFAULT_HASH,
                              "alice", "pw", empty, N, &error);
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_PROTOCOL);
  g_assert_null (client);
  g_clear_error (&error);

  client = tl_srp_client_new (TL_SRP_DEFAULT_GROUP, TL_SRP_DEFAULT_HASH,
                              "alice", "pw", NULL, N, &error);
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_PROTOCOL);
  g_clear_error (&error);

  /* Local mistakes. */
  client = tl_srp_client_new (TL_SRP_DEFAULT_GROUP, TL_SRP_DEFAULT_HASH,
                              NULL, "pw", salt, zero, &error);
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT);
  g_assert_null (client);
  g_clear_error (&error);

  client = tl_srp_client_new (TL_SRP_DEFAULT_GROUP, TL_SRP_DEFAULT_HASH,
                              "", "pw", salt, zero, &error);
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  client = tl_srp_client_new (TL_SRP_DEFAULT_GROUP, TL_SRP_DEFAULT_HASH,
                              "alice", NULL, salt, zero, &error);
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  verifier = tl_srp_compute_verifier (TL_SRP_DEFAULT_GROUP, TL_SRP_DEFAULT_HASH,
                                      NULL, "pw", salt, &error);
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT);
  g_assert_null (verifier);
  g_clear_error (&error);

  verifier = tl_srp_compute_verifier (TL_SRP_DEFAULT_GROUP, TL_SRP_DEFAULT_HASH,
                                      "alice", "pw", empty, &error);
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT);
  g_assert_null (verifier);
  g_clear_error (&error);

  /* The server, fed bad stored values. */
  server = tl_srp_server_new (TL_SRP_DEFAULT_GROUP, TL_SRP_DEFAULT_HASH,
                              NULL, salt, N, &error);
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT);
  g_assert_null (server);
  g_clear_error (&error);

  server = tl_srp_server_new (TL_SRP_DEFAULT_GROUP, TL_SRP_DEFAULT_HASH,
                              "alice", empty, N, &error);
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT);
  g_assert_null (server);
  g_clear_error (&error);

  server = tl_srp_server_new (TL_SRP_DEFAULT_GROUP, TL_SRP_DEFAULT_HASH,
                              "alice", salt, zero, &error);
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT);
  g_assert_null (server);
  g_clear_error (&error);

  server = tl_srp_server_new (TL_SRP_DEFAULT_GROUP, TL_SRP_DEFAULT_HASH,
                              "alice", salt, oversize_one, &error);
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT);
  g_assert_null (server);
  g_clear_error (&error);

  server = tl_srp_server_new (TL_SRP_DEFAULT_GROUP, TL_SRP_DEFAULT_HASH,
                              "alice", salt, empty, &error);
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT);
  g_assert_null (server);
  g_clear_error (&error);

  server = tl_srp_server_new_with_b (TL_SRP_GROUP_1024, TL_SRP_HASH_SHA1,
                                     "alice", salt, zero, zero, &error);
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT);
  g_assert_null (server);
  g_clear_error (&error);

  /* The server, fed a bad A or M1 by a client. */
  server = server_for (TL_SRP_DEFAULT_GROUP, TL_SRP_DEFAULT_HASH, "alice", "pw", &salt_b);
  B = tl_srp_server_get_B (server);
  client = tl_srp_client_new (TL_SRP_DEFAULT_GROUP, TL_SRP_DEFAULT_HASH,
                              "alice", "pw", salt_b, B, &error);
  g_assert_no_error (error);
  A = tl_srp_client_get_A (client);
  M1 = tl_srp_client_get_M1 (client);
  short_M1 = g_bytes_new_from_bytes (M1, 1, g_bytes_get_size (M1) - 1);

  assert_server_rejects_A (empty);
  assert_server_rejects_A (oversize);
  assert_server_rejects_A (oversize_one);
  assert_server_rejects_A (NULL);

  g_assert_false (tl_srp_server_verify (server, A, short_M1, &error));
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_BAD_REQUEST);
  g_clear_error (&error);
  g_clear_pointer (&server, tl_srp_server_free);

  /* Building blocks on garbage give NULL, not a crash. */
  g_assert_null (tl_srp_compute_u (TL_SRP_DEFAULT_GROUP, TL_SRP_DEFAULT_HASH, oversize, B));
  g_assert_null (tl_srp_compute_u (TL_SRP_DEFAULT_GROUP, TL_SRP_DEFAULT_HASH, A, empty));

  /* Freeing nothing is fine. */
  tl_srp_client_free (NULL);
  tl_srp_server_free (NULL);
}

/* The server side restored from b and the stored PAD(B), as
 * trading-authd does between v1/login/start and v1/login/verify, must do
 * exactly what the server that computed B does. */
static void
test_restored_server (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) salt = NULL;
  g_autoptr(GBytes) verifier = NULL;
  g_autoptr(GBytes) b = hex_bytes ("0123456789ABCDEF FEDCBA9876543210 0F1E2D3C4B5A6978 8796A5B4C3D2E1F0");
  g_autoptr(TlSrpServer) started = NULL;
  g_autoptr(TlSrpServer) normal = NULL;
  g_autoptr(TlSrpServer) restored = NULL;
  g_autoptr(TlSrpClient) client = NULL;
  g_autoptr(GBytes) B = NULL;
  g_autoptr(GBytes) restored_B = NULL;
  g_autoptr(GBytes) A = NULL;
  g_autoptr(GBytes) M1 = NULL;
  g_autoptr(GBytes) normal_M2 = NULL;
  g_autoptr(GBytes) restored_M2 = NULL;
  g_autoptr(GBytes) normal_K = NULL;
  g_autoptr(GBytes) restored_K = NULL;
  g_autoptr(GBytes) normal_S = NULL;
  g_autoptr(GBytes) restored_S = NULL;
  g_autoptr(GBytes) client_K = NULL;

  salt = tl_srp_random_salt (&error);
  g_assert_no_error (error);
  verifier = tl_srp_compute_verifier (TL_SRP_DEFAULT_GROUP, TL_SRP_DEFAULT_HASH,
                                      "alice", "correct horse", salt, &error);
  g_assert_no_error (error);

  /* v1/login/start: B goes to the client and, with b, into the store. */
  started = tl_srp_server_new_with_b (TL_SRP_DEFAULT_GROUP, TL_SRP_DEFAULT_HASH,
                                      "alice", salt, verifier, b, &error);
  g_assert_no_error (error);
  B = tl_srp_server_get_B (started);
  g_assert_cmpuint (g_bytes_get_size (B), ==, 384);

  client = tl_srp_client_new (TL_SRP_DEFAULT_GROUP, TL_SRP_DEFAULT_HASH,
                              "alice", "correct horse", salt, B, &error);
  g_assert_no_error (error);
  A = tl_srp_client_get_A (client);
  M1 = tl_srp_client_get_M1 (client);

  /* v1/login/verify, both ways. */
  normal = tl_srp_server_new_with_b (TL_SRP_DEFAULT_GROUP, TL_SRP_DEFAULT_HASH,
                                     "alice", salt, verifier, b, &error);
  g_assert_no_error (error);
  restored = tl_srp_server_new_with_b_and_B (TL_SRP_DEFAULT_GROUP, TL_SRP_DEFAULT_HASH,
                                             "alice", salt, verifier, b, B, &error);
  g_assert_no_error (error);
  g_assert_nonnull (restored);

  restored_B = tl_srp_server_get_B (restored);
  assert_bytes_equal (restored_B, B);
  g_assert_null (tl_srp_server_get_M2 (restored));
  g_assert_null (tl_srp_server_get_K (restored));

  g_assert_true (tl_srp_server_verify (normal, A, M1, &error));
  g_assert_no_error (error);
  g_assert_true (tl_srp_server_verify (restored, A, M1, &error));
  g_assert_no_error (error);

  normal_M2 = tl_srp_server_get_M2 (normal);
  restored_M2 = tl_srp_server_get_M2 (restored);
  assert_bytes_equal (restored_M2, normal_M2);
  normal_K = tl_srp_server_get_K (normal);
  restored_K = tl_srp_server_get_K (restored);
  assert_bytes_equal (restored_K, normal_K);
  normal_S = tl_srp_server_get_S (normal);
  restored_S = tl_srp_server_get_S (restored);
  assert_bytes_equal (restored_S, normal_S);

  g_assert_true (tl_srp_client_verify_M2 (client, restored_M2, &error));
  g_assert_no_error (error);
  client_K = tl_srp_client_get_K (client);
  assert_bytes_equal (client_K, restored_K);

  /* Still one proof per B. */
  g_assert_false (tl_srp_server_verify (restored, A, M1, &error));
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_LOGIN_EXPIRED);
}

/* RFC 5054 appendix B through the restoring constructor. */
static void
test_restored_server_rfc5054 (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) salt = hex_bytes (RFC_s);
  g_autoptr(GBytes) a = hex_bytes (RFC_a);
  g_autoptr(GBytes) b = hex_bytes (RFC_b);
  g_autoptr(GBytes) rfc_A = hex_bytes (RFC_A);
  g_autoptr(GBytes) rfc_B = hex_bytes (RFC_B);
  g_autoptr(GBytes) rfc_v = hex_bytes (RFC_v);
  g_autoptr(TlSrpServer) server = NULL;
  g_autoptr(TlSrpClient) client = NULL;
  g_autoptr(GBytes) M1 = NULL;
  g_autoptr(GBytes) M2 = NULL;
  g_autoptr(GBytes) S = NULL;

  g_assert_cmpuint (g_bytes_get_size (rfc_B), ==, 128);

  server = tl_srp_server_new_with_b_and_B (TL_SRP_GROUP_1024, TL_SRP_HASH_SHA1,
                                           RFC_I, salt, rfc_v, b, rfc_B, &error);
  g_assert_no_error (error);
  client = tl_srp_client_new_with_a (TL_SRP_GROUP_1024, TL_SRP_HASH_SHA1,
                                     RFC_I, RFC_P, salt, rfc_B, a, &error);
  g_assert_no_error (error);
  M1 = tl_srp_client_get_M1 (client);

  g_assert_true (tl_srp_server_verify (server, rfc_A, M1, &error));
  g_assert_no_error (error);
  S = tl_srp_server_get_S (server);
  assert_bytes_hex (S, RFC_S);
  M2 = tl_srp_server_get_M2 (server);
  g_assert_true (tl_srp_client_verify_M2 (client, M2, &error));
  g_assert_no_error (error);
}

static void
assert_restore_refused (GBytes     *salt,
                        GBytes     *verifier,
                        GBytes     *b,
                        GBytes     *stored_B,
                        const char *message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TlSrpServer) server = NULL;

  server = tl_srp_server_new_with_b_and_B (TL_SRP_DEFAULT_GROUP, TL_SRP_DEFAULT_HASH,
                                           "alice", salt, verifier, b, stored_B, &error);
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, message));
  g_assert_null (server);
}

static void
test_restored_server_bad_B (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) salt = NULL;
  g_autoptr(GBytes) verifier = NULL;
  g_autoptr(GBytes) b = hex_bytes ("1111111111111111 2222222222222222 3333333333333333 4444444444444444");
  g_autoptr(GBytes) zero_b = zero_bytes (32);
  g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);
  g_autoptr(GBytes) N = prime_3072_bytes ();
  g_autoptr(GBytes) padded_zero = zero_bytes (384);
  g_autoptr(GBytes) oversize = NULL;
  g_autoptr(GBytes) unpadded = NULL;
  g_autoptr(GBytes) N_plus_one = NULL;
  g_autoptr(GBytes) all_ones = NULL;
  g_autoptr(GBytes) small_padded = NULL;
  g_autoptr(GBytes) small = NULL;
  g_autoptr(GBytes) B = NULL;
  g_autoptr(GBytes) wrong_B = NULL;
  g_autoptr(TlSrpServer) started = NULL;
  g_autoptr(TlSrpServer) server = NULL;
  g_autoptr(TlSrpClient) client = NULL;
  g_autoptr(GBytes) A = NULL;
  g_autoptr(GBytes) M1 = NULL;
  BIGNUM *bn = BN_get_rfc3526_prime_3072 (NULL);
  guint8 *ones = g_malloc (384);
  guint8 *small_data = g_malloc0 (384);
  guint8 *big = g_malloc0 (385);

  memset (ones, 0xff, 384);
  all_ones = g_bytes_new_take (ones, 384);
  small_data[383] = 2;
  small_padded = g_bytes_new_take (small_data, 384);
  small = g_bytes_new_from_bytes (small_padded, 383, 1);
  big[384] = 2;
  oversize = g_bytes_new_take (big, 385);
  g_assert_true (BN_add_word (bn, 1));
  N_plus_one = bn_pad_bytes (bn, 384);
  BN_free (bn);

  salt = tl_srp_random_salt (&error);
  g_assert_no_error (error);
  verifier = tl_srp_compute_verifier (TL_SRP_DEFAULT_GROUP, TL_SRP_DEFAULT_HASH,
                                      "alice", "pw", salt, &error);
  g_assert_no_error (error);
  started = tl_srp_server_new_with_b (TL_SRP_DEFAULT_GROUP, TL_SRP_DEFAULT_HASH,
                                      "alice", salt, verifier, b, &error);
  g_assert_no_error (error);
  B = tl_srp_server_get_B (started);
  unpadded = g_bytes_new_from_bytes (B, 1, g_bytes_get_size (B) - 1);

  /* Not a group element, or not PAD(B): refused before any math. */
  assert_restore_refused (salt, verifier, b, NULL, "stored SRP value B");
  assert_restore_refused (salt, verifier, b, empty, "stored SRP value B");
  assert_restore_refused (salt, verifier, b, padded_zero, "stored SRP value B");
  assert_restore_refused (salt, verifier, b, N, "stored SRP value B");
  assert_restore_refused (salt, verifier, b, N_plus_one, "stored SRP value B");
  assert_restore_refused (salt, verifier, b, all_ones, "stored SRP value B");
  assert_restore_refused (salt, verifier, b, oversize, "stored SRP value B");
  assert_restore_refused (salt, verifier, b, unpadded, "stored SRP value B");
  /* 2 is in range, but PAD(2) is what the client would have hashed. */
  assert_restore_refused (salt, verifier, b, small, "stored SRP value B");

  /* b is required and is checked as by tl_srp_server_new_with_b(). */
  assert_restore_refused (salt, verifier, NULL, B, "private value");
  assert_restore_refused (salt, verifier, empty, B, "private value");
  assert_restore_refused (salt, verifier, zero_b, B, "private value");

  /* So are the user's stored values. */
  assert_restore_refused (salt, empty, b, B, "verifier");
  assert_restore_refused (salt, N, b, B, "verifier");
  assert_restore_refused (empty, verifier, b, B, "salt");

  /* A well-formed B that is not this login's passes the checks (telling
   * would need the exponentiation this constructor exists to skip), and
   * the honest client's proof then fails. */
  client = tl_srp_client_new (TL_SRP_DEFAULT_GROUP, TL_SRP_DEFAULT_HASH,
                              "alice", "pw", salt, B, &error);
  g_assert_no_error (error);
  A = tl_srp_client_get_A (client);
  M1 = tl_srp_client_get_M1 (client);
  wrong_B = flip_bit (B, g_bytes_get_size (B) - 1);
  server = tl_srp_server_new_with_b_and_B (TL_SRP_DEFAULT_GROUP, TL_SRP_DEFAULT_HASH,
                                           "alice", salt, verifier, b, wrong_B, &error);
  g_assert_no_error (error);
  g_assert_false (tl_srp_server_verify (server, A, M1, &error));
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_CREDENTIALS);
  g_assert_null (tl_srp_server_get_M2 (server));
  g_clear_error (&error);
  g_clear_pointer (&server, tl_srp_server_free);

  /* The right B with the same client works: the refusal above was B's. */
  server = tl_srp_server_new_with_b_and_B (TL_SRP_DEFAULT_GROUP, TL_SRP_DEFAULT_HASH,
                                           "alice", salt, verifier, b, B, &error);
  g_assert_no_error (error);
  g_assert_true (tl_srp_server_verify (server, A, M1, &error));
  g_assert_no_error (error);
}

static void
test_random_values (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) salt1 = tl_srp_random_salt (&error);
  g_autoptr(GBytes) salt2 = tl_srp_random_salt (&error);
  g_autoptr(GBytes) s = hex_bytes (RFC_s);
  g_autoptr(GBytes) rfc_B = hex_bytes (RFC_B);
  g_autoptr(TlSrpClient) client1 = NULL;
  g_autoptr(TlSrpClient) client2 = NULL;
  g_autoptr(GBytes) A1 = NULL;
  g_autoptr(GBytes) A2 = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (salt1), ==, TL_SRP_SALT_LENGTH);
  g_assert_false (g_bytes_equal (salt1, salt2));

  /* Without a given a, each client draws its own. */
  client1 = tl_srp_client_new (TL_SRP_GROUP_1024, TL_SRP_HASH_SHA1, RFC_I, RFC_P,
                               s, rfc_B, &error);
  g_assert_no_error (error);
  client2 = tl_srp_client_new (TL_SRP_GROUP_1024, TL_SRP_HASH_SHA1, RFC_I, RFC_P,
                               s, rfc_B, &error);
  g_assert_no_error (error);
  A1 = tl_srp_client_get_A (client1);
  A2 = tl_srp_client_get_A (client2);
  g_assert_false (g_bytes_equal (A1, A2));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/tl/srp/rfc5054", test_rfc5054);
  g_test_add_func ("/tl/srp/round-trip-3072", test_round_trip_3072);
  g_test_add_func ("/tl/srp/prepare-while-computing", test_prepare_while_computing);
  g_test_add_func ("/tl/srp/groups", test_groups);
  g_test_add_func ("/tl/srp/group-primes", test_group_primes);
  g_test_add_func ("/tl/srp/wire-names", test_wire_names);
  g_test_add_func ("/tl/srp/wrong-password", test_wrong_password);
  g_test_add_func ("/tl/srp/wrong-username", test_wrong_username);
  g_test_add_func ("/tl/srp/tampered-B", test_tampered_B);
  g_test_add_func ("/tl/srp/A-zero", test_A_zero);
  g_test_add_func ("/tl/srp/A-equals-N", test_A_equals_N);
  g_test_add_func ("/tl/srp/B-zero", test_B_zero);
  g_test_add_func ("/tl/srp/B-equals-N", test_B_equals_N);
  g_test_add_func ("/tl/srp/wrong-M2", test_wrong_M2);
  g_test_add_func ("/tl/srp/bad-input", test_bad_input);
  g_test_add_func ("/tl/srp/random-values", test_random_values);
  g_test_add_func ("/tl/srp/restored-server", test_restored_server);
  g_test_add_func ("/tl/srp/restored-server-rfc5054", test_restored_server_rfc5054);
  g_test_add_func ("/tl/srp/restored-server-bad-B", test_restored_server_bad_B);

  return g_test_run ();
}
