/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bench-load"

#include "config.h"

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "bench-common.h"
#include "bench-tls-database.h"
#include "tl-srp.h"

/* Server throughput: CONCURRENCY logins at a time, each v1/login/start
 * then v1/login/verify with a correct proof, against trading-authd.
 *
 *   bench-load DEMO_JSON MODE CONCURRENCY SECONDS [SERVER_PID]
 *
 * The generator must not be the bottleneck on a 2-core machine, so its
 * SRP client keeps one private value a for the whole run: A = g^a and
 * k*g^x are computed once, and each login costs the client a single
 * modular exponentiation, S = (B - k g^x)^(a + u x) (512-bit exponent),
 * against the server's three (g^b, v^u, (A v^u)^b; 256-bit exponents).
 * The server still sees a valid, full login each time. Its answers are
 * checked (M2), and the result was checked against libtlauth's client
 * at start-up.
 *
 * With SERVER_PID, also reports the server's CPU time in the window, so
 * that logins per server CPU second can be told apart from the wall
 * clock rate. Prints one JSON object. */

#define WARMUP_SECONDS 0.5
#define PAD_LENGTH 384

typedef struct
{
  const char *username;
  const char *password;
  char       *start_url;
  char       *verify_url;
  SoupSession *session;

  BN_CTX     *ctx;
  BIGNUM     *N;
  BIGNUM     *a;
  BIGNUM     *x;
  BIGNUM     *kgx;          /* k * g^x mod N, for this user's salt */
  guint8      pad_A[PAD_LENGTH];
  char       *A_b64;
  guint8      hn_xor_hg[32];
  guint8      h_i[32];
  GBytes     *salt;

  guint       concurrency;
  double      window_start;
  double      window_end;
  gboolean    stopping;
  guint       in_flight;
  guint       logins;
  guint       errors;
  GArray     *latencies;
  GError     *first_error;
} Load;

typedef struct
{
  Load   *load;
  double  started;
  guint8  M1[32];
  guint8  K[32];
} Login;

static void start_login (Load *load);

static void
sha256 (const guint8 * const *chunks,
        const gsize          *lengths,
        guint                 n_chunks,
        guint8                out[32])
{
  EVP_MD_CTX *md = EVP_MD_CTX_new ();
  unsigned int length = 0;

  if (md == NULL || !EVP_DigestInit_ex (md, EVP_sha256 (), NULL))
    g_error ("SHA-256 unavailable");
  for (guint i = 0; i < n_chunks; i++)
    EVP_DigestUpdate (md, chunks[i], lengths[i]);
  EVP_DigestFinal_ex (md, out, &length);
  EVP_MD_CTX_free (md);
}

static BIGNUM *
bn_from_gbytes (GBytes *bytes)
{
  gsize length;
  const guint8 *data = g_bytes_get_data (bytes, &length);

  return BN_bin2bn (data, (int) length, NULL);
}

/* The per-user constants, from the salt of the first start. */
static void
prepare_user (Load   *load,
              GBytes *salt)
{
  g_autoptr(GBytes) x = tl_srp_compute_x (TL_SRP_HASH_SHA256, load->username, load->password, salt);
  g_autoptr(GBytes) k_bytes = tl_srp_compute_k (TL_SRP_GROUP_3072, TL_SRP_HASH_SHA256);
  BIGNUM *g = BN_new ();
  BIGNUM *k = bn_from_gbytes (k_bytes);

  load->salt = g_bytes_ref (salt);
  load->x = bn_from_gbytes (x);
  load->kgx = BN_new ();
  BN_set_word (g, 5);
  if (!BN_mod_exp (load->kgx, g, load->x, load->N, load->ctx) ||
      !BN_mod_mul (load->kgx, load->kgx, k, load->N, load->ctx))
    g_error ("k g^x failed");

  BN_free (g);
  BN_free (k);
}

/* S, K, M1 for one B; returns FALSE for an unusable B. */
static gboolean
client_proof (Load         *load,
              GBytes       *B_bytes,
              Login        *login)
{
  g_autoptr(GBytes) A_bytes = g_bytes_new_static (load->pad_A, PAD_LENGTH);
  g_autoptr(GBytes) u_bytes = NULL;
  guint8 pad_B[PAD_LENGTH], pad_S[PAD_LENGTH];
  BIGNUM *B = bn_from_gbytes (B_bytes);
  BIGNUM *u = NULL, *e = BN_new (), *base = BN_new (), *S = BN_new ();
  gsize salt_length;
  const guint8 *salt = g_bytes_get_data (load->salt, &salt_length);
  gboolean ok = FALSE;

  if (B == NULL || BN_is_zero (B) || g_bytes_get_size (B_bytes) != PAD_LENGTH)
    goto out;

  u_bytes = tl_srp_compute_u (TL_SRP_GROUP_3072, TL_SRP_HASH_SHA256, A_bytes, B_bytes);
  u = bn_from_gbytes (u_bytes);

  /* S = (B - k g^x) ^ (a + u x) mod N */
  if (!BN_mul (e, u, load->x, load->ctx) ||
      !BN_add (e, e, load->a) ||
      !BN_mod_sub (base, B, load->kgx, load->N, load->ctx) ||
      !BN_mod_exp (S, base, e, load->N, load->ctx) ||
      BN_bn2binpad (S, pad_S, PAD_LENGTH) != PAD_LENGTH ||
      BN_bn2binpad (B, pad_B, PAD_LENGTH) != PAD_LENGTH)
    goto out;

  {
    const guint8 *k_chunks[] = { pad_S };
    const gsize k_lengths[] = { PAD_LENGTH };
    sha256 (k_chunks, k_lengths, 1, login->K);
  }
  {
    const guint8 *chunks[] = { load->hn_xor_hg, load->h_i, salt, load->pad_A, pad_B, login->K };
    const gsize lengths[] = { 32, 32, salt_length, PAD_LENGTH, PAD_LENGTH, 32 };
    sha256 (chunks, lengths, G_N_ELEMENTS (chunks), login->M1);
  }
  ok = TRUE;

out:
  OPENSSL_cleanse (pad_S, sizeof pad_S);
  BN_free (B);
  BN_free (u);
  BN_free (e);
  BN_free (base);
  BN_clear_free (S);
  return ok;
}

static void
fail (Load         *load,
      const char   *what,
      const GError *error,
      guint         status)
{
  load->errors++;
  if (load->first_error == NULL)
    load->first_error = g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED, "%s: HTTP %u %s", what, status,
                                     error != NULL ? error->message : "");
}

static void
login_done (Login   *login,
            gboolean ok)
{
  Load *load = login->load;
  double now = bench_now_ms ();

  if (ok && now >= load->window_start && now <= load->window_end)
    {
      double latency = now - login->started;

      load->logins++;
      g_array_append_val (load->latencies, latency);
    }

  load->in_flight--;
  g_free (login);

  if (now > load->window_end)
    load->stopping = TRUE;
  if (!load->stopping)
    start_login (load);
}

static void
verified_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Login *login = user_data;
  Load *load = login->load;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) answer = NULL;
  guint8 M2[32];
  guint status = 0;
  gsize length = 0;
  g_autofree guchar *got = NULL;

  answer = bench_post_finish (SOUP_SESSION (object), result, &status, &error);
  if (answer == NULL || status != 200 || !json_object_has_member (answer, "M2"))
    {
      fail (load, "verify", error, status);
      login_done (login, FALSE);
      return;
    }

  {
    const guint8 *chunks[] = { load->pad_A, login->M1, login->K };
    const gsize lengths[] = { PAD_LENGTH, 32, 32 };
    sha256 (chunks, lengths, G_N_ELEMENTS (chunks), M2);
  }
  got = g_base64_decode (json_object_get_string_member (answer, "M2"), &length);
  if (length != 32 || CRYPTO_memcmp (got, M2, 32) != 0)
    {
      fail (load, "M2 mismatch", NULL, status);
      login_done (login, FALSE);
      return;
    }

  login_done (login, TRUE);
}

static void
started_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Login *login = user_data;
  Load *load = login->load;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(GBytes) salt = NULL;
  g_autoptr(GBytes) B = NULL;
  g_autofree char *M1_b64 = NULL;
  JsonObject *srp, *body;
  guchar *data;
  gsize length;
  guint status = 0;

  answer = bench_post_finish (SOUP_SESSION (object), result, &status, &error);
  if (answer == NULL || status != 200 || (srp = json_object_get_object_member (answer, "srp")) == NULL)
    {
      fail (load, "start", error, status);
      login_done (login, FALSE);
      return;
    }

  data = g_base64_decode (json_object_get_string_member (srp, "salt"), &length);
  salt = g_bytes_new_take (data, length);
  data = g_base64_decode (json_object_get_string_member (srp, "B"), &length);
  B = g_bytes_new_take (data, length);

  if (load->salt == NULL)
    prepare_user (load, salt);

  if (!client_proof (load, B, login))
    {
      fail (load, "bad B", NULL, status);
      login_done (login, FALSE);
      return;
    }

  M1_b64 = g_base64_encode (login->M1, 32);
  body = json_object_new ();
  json_object_set_string_member (body, "login_id", json_object_get_string_member (answer, "login_id"));
  json_object_set_string_member (body, "A", load->A_b64);
  json_object_set_string_member (body, "M1", M1_b64);
  bench_post_async (load->session, load->verify_url, body, verified_cb, login);
}

static void
start_login (Load *load)
{
  Login *login = g_new0 (Login, 1);
  JsonObject *body = json_object_new ();
  JsonObject *client = json_object_new ();

  login->load = load;
  login->started = bench_now_ms ();
  load->in_flight++;

  json_object_set_string_member (client, "name", "bench-load");
  json_object_set_string_member (client, "version", PACKAGE_VERSION);
  json_object_set_string_member (body, "username", load->username);
  json_object_set_object_member (body, "client", client);
  bench_post_async (load->session, load->start_url, body, started_cb, login);
}

/* The client's fixed a and A, and the hashes M1 shares between logins. */
static void
prepare_client (Load *load)
{
  BIGNUM *g = BN_new ();
  BIGNUM *A = BN_new ();
  guint8 h_n[32], h_g[32];
  guint8 g_byte = 5;
  int n_length = BN_num_bytes (load->N);
  g_autofree guint8 *n_bytes = g_malloc (n_length);

  load->a = BN_secure_new ();
  BN_set_word (g, 5);
  if (!BN_rand (load->a, 256, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) ||
      !BN_mod_exp (A, g, load->a, load->N, load->ctx) ||
      BN_bn2binpad (A, load->pad_A, PAD_LENGTH) != PAD_LENGTH)
    g_error ("A failed");
  load->A_b64 = g_base64_encode (load->pad_A, PAD_LENGTH);

  BN_bn2bin (load->N, n_bytes);
  {
    const guint8 *chunks[] = { n_bytes };
    const gsize lengths[] = { (gsize) n_length };
    sha256 (chunks, lengths, 1, h_n);
  }
  {
    const guint8 *chunks[] = { &g_byte };
    const gsize lengths[] = { 1 };
    sha256 (chunks, lengths, 1, h_g);
  }
  for (guint i = 0; i < 32; i++)
    load->hn_xor_hg[i] = h_n[i] ^ h_g[i];
  {
    const guint8 *chunks[] = { (const guint8 *) load->username };
    const gsize lengths[] = { strlen (load->username) };
    sha256 (chunks, lengths, 1, load->h_i);
  }

  BN_free (g);
  BN_free (A);
}

/* The shortcut must agree with libtlauth's client for the same a and B. */
static void
self_check (Load *load)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) salt = tl_srp_random_salt (&error);
  g_autoptr(GBytes) verifier = NULL;
  g_autoptr(TlSrpServer) server = NULL;
  g_autoptr(TlSrpClient) client = NULL;
  g_autoptr(GBytes) B = NULL;
  g_autoptr(GBytes) a = NULL;
  g_autoptr(GBytes) M1 = NULL;
  guint8 a_bytes[32];
  Load check = *load;
  Login login = { 0 };

  check.salt = NULL;
  verifier = tl_srp_compute_verifier (TL_SRP_GROUP_3072, TL_SRP_HASH_SHA256, load->username,
                                      load->password, salt, &error);
  g_assert_no_error (error);
  server = tl_srp_server_new (TL_SRP_GROUP_3072, TL_SRP_HASH_SHA256, load->username, salt, verifier, &error);
  g_assert_no_error (error);
  B = tl_srp_server_get_B (server);

  BN_bn2binpad (load->a, a_bytes, sizeof a_bytes);
  a = g_bytes_new (a_bytes, sizeof a_bytes);
  client = tl_srp_client_new_with_a (TL_SRP_GROUP_3072, TL_SRP_HASH_SHA256, load->username,
                                     load->password, salt, B, a, &error);
  g_assert_no_error (error);
  M1 = tl_srp_client_get_M1 (client);

  prepare_user (&check, salt);
  if (!client_proof (&check, B, &login) ||
      memcmp (g_bytes_get_data (M1, NULL), login.M1, 32) != 0)
    g_error ("The load generator's SRP client disagrees with libtlauth");

  BN_clear_free (check.x);
  BN_free (check.kgx);
  g_bytes_unref (check.salt);
  OPENSSL_cleanse (a_bytes, sizeof a_bytes);
}

static double
process_cpu_seconds (int pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", pid);
  g_autofree char *text = NULL;
  g_auto(GStrv) fields = NULL;
  char *end;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return -1;

  /* Fields after the command name, which may hold spaces: state is
   * field 3, utime 14, stime 15. */
  end = strrchr (text, ')');
  if (end == NULL)
    return -1;
  fields = g_strsplit (end + 2, " ", -1);
  if (g_strv_length (fields) < 13)
    return -1;

  return (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL)) / sysconf (_SC_CLK_TCK);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(JsonObject) demo = NULL;
  Load load = { 0 };
  JsonObject *user;
  const char *base_url;
  double seconds, server_cpu_start = -1, server_cpu = -1;
  int server_pid = 0;
  struct rusage usage;

  if (argc < 5 || argc > 6)
    {
      g_printerr ("Usage: bench-load DEMO_JSON live|paper CONCURRENCY SECONDS [SERVER_PID]\n");
      return 2;
    }

  demo = bench_read_json (argv[1]);
  user = bench_demo_user (demo, argv[2]);
  load.username = json_object_get_string_member (user, "username");
  load.password = json_object_get_string_member (user, "password");
  base_url = bench_demo_base_url (demo, argv[2]);
  load.start_url = g_strconcat (base_url, "v1/login/start", NULL);
  load.verify_url = g_strconcat (base_url, "v1/login/verify", NULL);
  load.concurrency = MAX (1, atoi (argv[3]));
  seconds = MAX (0.5, g_ascii_strtod (argv[4], NULL));
  if (argc == 6)
    server_pid = atoi (argv[5]);

  bench_tls_database_install ();
  load.session = bench_session_new (json_object_get_string_member (demo, "cert_sha256"), load.concurrency);
  load.latencies = g_array_new (FALSE, FALSE, sizeof (double));
  load.ctx = BN_CTX_new ();
  load.N = BN_get_rfc3526_prime_3072 (NULL);
  prepare_client (&load);
  self_check (&load);

  load.window_start = bench_now_ms () + WARMUP_SECONDS * 1000;
  load.window_end = load.window_start + seconds * 1000;

  for (guint i = 0; i < load.concurrency; i++)
    start_login (&load);

  while (bench_now_ms () < load.window_start)
    g_main_context_iteration (NULL, TRUE);
  if (server_pid > 0)
    server_cpu_start = process_cpu_seconds (server_pid);

  while (bench_now_ms () < load.window_end)
    g_main_context_iteration (NULL, TRUE);
  if (server_pid > 0 && server_cpu_start >= 0)
    server_cpu = process_cpu_seconds (server_pid) - server_cpu_start;

  load.stopping = TRUE;
  while (load.in_flight > 0)
    g_main_context_iteration (NULL, TRUE);

  getrusage (RUSAGE_SELF, &usage);
  g_print ("{\"concurrency\": %u, \"logins\": %u, \"seconds\": %.3f, \"per_second\": %.3f, "
           "\"errors\": %u, \"latency_median_ms\": %.3f, \"server_cpu_s\": %.3f, "
           "\"per_server_cpu_second\": %.3f, \"generator_cpu_s\": %.3f",
           load.concurrency, load.logins, seconds, load.logins / seconds, load.errors,
           bench_median (load.latencies), server_cpu,
           server_cpu > 0 ? load.logins / server_cpu : 0,
           usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 +
           usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6);
  if (load.first_error != NULL)
    {
      g_autofree char *message = g_strescape (load.first_error->message, NULL);
      g_print (", \"first_error\": \"%s\"", message);
    }
  g_print ("}\n");

  g_clear_error (&load.first_error);
  g_array_unref (load.latencies);
  g_object_unref (load.session);
  BN_clear_free (load.a);
  BN_clear_free (load.x);
  BN_free (load.kgx);
  BN_free (load.N);
  BN_CTX_free (load.ctx);
  g_clear_pointer (&load.salt, g_bytes_unref);
  g_free (load.A_b64);
  g_free (load.start_url);
  g_free (load.verify_url);

  return load.errors > 0 && load.logins == 0 ? 1 : 0;
}
