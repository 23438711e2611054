/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bench-srp"

#include "config.h"

#include <stdlib.h>
#include <time.h>

#include "tl-srp.h"

/* The SRP-6a math alone, as libtlauth does it, in a loop on one core:
 *
 *   bench-srp client SECONDS   what a client computes per login:
 *                              A = g^a, g^x, S = (B - k g^x)^(a + u x),
 *                              K, M1, and the check of M2
 *   bench-srp server SECONDS   what trading-authd computes per login:
 *                              B = k v + g^b at start; v^u, (A v^u)^b,
 *                              K, M1, M2 at verify
 *
 * Prints one JSON object: {"mode", "ops", "seconds", "per_second",
 * "ms_per_op", "cpu_seconds", "per_cpu_second"}: per wall second and per
 * second of this process's CPU time, which other load on a shared
 * machine does not change. The baselines of the CLI login and server
 * throughput figures. */

#define USERNAME "bench"
#define PASSWORD "bench-password"
/* Server runs cycle through this many honest logins made beforehand, so
 * every verify succeeds as in a real login, without client math in the
 * timed loop. */
#define N_PREPARED 32

typedef struct
{
  GBytes *b;
  GBytes *A;
  GBytes *M1;
} Prepared;

static GBytes *
random_bytes (gsize length)
{
  guint8 *data = g_malloc (length);

  for (gsize i = 0; i < length; i++)
    data[i] = (guint8) g_random_int_range (0, 256);

  return g_bytes_new_take (data, length);
}

static double
cpu_seconds (void)
{
  struct timespec now;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &now);
  return now.tv_sec + now.tv_nsec / 1e9;
}

static void
print_result (const char *mode,
              guint       ops,
              double      seconds,
              double      cpu)
{
  g_print ("{\"mode\": \"%s\", \"ops\": %u, \"seconds\": %.6f, \"per_second\": %.3f, "
           "\"ms_per_op\": %.4f, \"cpu_seconds\": %.6f, \"per_cpu_second\": %.3f, "
           "\"cpu_ms_per_op\": %.4f}\n",
           mode, ops, seconds, ops / seconds, seconds * 1000.0 / ops, cpu, ops / cpu,
           cpu * 1000.0 / ops);
}

static void
run_client (GBytes *salt,
            GBytes *verifier,
            double  seconds)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TlSrpServer) server = NULL;
  g_autoptr(GBytes) B = NULL;
  gint64 start, now, end;
  double cpu_start;
  guint ops = 0;

  server = tl_srp_server_new (TL_SRP_GROUP_3072, TL_SRP_HASH_SHA256, USERNAME, salt, verifier, &error);
  g_assert_no_error (error);
  B = tl_srp_server_get_B (server);

  cpu_start = cpu_seconds ();
  start = g_get_monotonic_time ();
  end = start + (gint64) (seconds * G_USEC_PER_SEC);
  do
    {
      g_autoptr(TlSrpClient) client = NULL;
      g_autoptr(GBytes) M1 = NULL;
      g_autoptr(GBytes) M2 = NULL;

      client = tl_srp_client_new (TL_SRP_GROUP_3072, TL_SRP_HASH_SHA256, USERNAME, PASSWORD,
                                  salt, B, &error);
      g_assert_no_error (error);
      M1 = tl_srp_client_get_M1 (client);
      /* A wrong M2 costs the same constant-time comparison as the right one. */
      M2 = random_bytes (32);
      g_assert_false (tl_srp_client_verify_M2 (client, M2, NULL));
      ops++;
      now = g_get_monotonic_time ();
    }
  while (now < end);

  print_result ("client", ops, (now - start) / (double) G_USEC_PER_SEC, cpu_seconds () - cpu_start);
}

static void
run_server (GBytes *salt,
            GBytes *verifier,
            double  seconds)
{
  Prepared prepared[N_PREPARED];
  gint64 start, now, end;
  double cpu_start;
  guint ops = 0;

  for (guint i = 0; i < N_PREPARED; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TlSrpServer) server = NULL;
      g_autoptr(TlSrpClient) client = NULL;
      g_autoptr(GBytes) B = NULL;

      prepared[i].b = random_bytes (32);
      server = tl_srp_server_new_with_b (TL_SRP_GROUP_3072, TL_SRP_HASH_SHA256, USERNAME,
                                         salt, verifier, prepared[i].b, &error);
      g_assert_no_error (error);
      B = tl_srp_server_get_B (server);
      client = tl_srp_client_new (TL_SRP_GROUP_3072, TL_SRP_HASH_SHA256, USERNAME, PASSWORD,
                                  salt, B, &error);
      g_assert_no_error (error);
      prepared[i].A = tl_srp_client_get_A (client);
      prepared[i].M1 = tl_srp_client_get_M1 (client);
    }

  cpu_start = cpu_seconds ();
  start = g_get_monotonic_time ();
  end = start + (gint64) (seconds * G_USEC_PER_SEC);
  do
    {
      Prepared *p = &prepared[ops % N_PREPARED];
      g_autoptr(GError) error = NULL;
      g_autoptr(TlSrpServer) server = NULL;
      g_autoptr(GBytes) B = NULL;
      g_autoptr(GBytes) M2 = NULL;

      server = tl_srp_server_new_with_b (TL_SRP_GROUP_3072, TL_SRP_HASH_SHA256, USERNAME,
                                         salt, verifier, p->b, &error);
      g_assert_no_error (error);
      B = tl_srp_server_get_B (server);
      if (!tl_srp_server_verify (server, p->A, p->M1, &error))
        g_error ("verify: %s", error->message);
      M2 = tl_srp_server_get_M2 (server);
      ops++;
      now = g_get_monotonic_time ();
    }
  while (now < end);

  print_result ("server", ops, (now - start) / (double) G_USEC_PER_SEC, cpu_seconds () - cpu_start);

  for (guint i = 0; i < N_PREPARED; i++)
    {
      g_bytes_unref (prepared[i].b);
      g_bytes_unref (prepared[i].A);
      g_bytes_unref (prepared[i].M1);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) salt = NULL;
  g_autoptr(GBytes) verifier = NULL;
  double seconds;

  if (argc != 3 || (!g_str_equal (argv[1], "client") && !g_str_equal (argv[1], "server")))
    {
      g_printerr ("Usage: bench-srp client|server SECONDS\n");
      return 2;
    }

  seconds = g_ascii_strtod (argv[2], NULL);
  if (seconds <= 0)
    seconds = 1;

  salt = tl_srp_random_salt (&error);
  g_assert_no_error (error);
  verifier = tl_srp_compute_verifier (TL_SRP_GROUP_3072, TL_SRP_HASH_SHA256, USERNAME, PASSWORD,
                                      salt, &error);
  g_assert_no_error (error);

  if (g_str_equal (argv[1], "client"))
    run_client (salt, verifier, seconds);
  else
    run_server (salt, verifier, seconds);

  return 0;
}
