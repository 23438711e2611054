/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-abuse"

#include "config.h"

#include <locale.h>
#include <string.h>

#include "tl-message.h"
#include "tl-otp.h"
#include "tl-srp.h"
#include "tl-test-server.h"

/* Abuse of the real trading-authd, over TLS, by someone who talks the
 * protocol: password guessing from many connections at once, guessing
 * second factors, replaying what was used once, reaching for other
 * users' logins, pushes and sessions, and telling users apart.
 *
 * Already covered elsewhere, and not repeated: 20 concurrent wrong
 * passwords and the lock of a name nobody has, plus the timing of known
 * against unknown users (test-server-policy.c: /tl/server/policy/lockout,
 * /tl/server/policy/enumeration-timing); one TOTP code used twice in a
 * row, three wrong answers, an activation code used twice in a row, a
 * device proof two minutes old (test-server-factors.c). */

#define PASSWORD "abuse-password"

static TlTestServer *server;

/* Requests ----------------------------------------------------------------- */

/* One request on @session (each thread has its own); the body must be a
 * JSON object. */
static JsonObject *
send_on (SoupSession *session,
         TlMode       mode,
         const char  *path,
         const char  *body,
         const char  *bearer,
         guint       *out_status)
{
  g_autoptr(SoupMessage) msg = tl_test_server_new_message (server, mode, path, body, bearer);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *object;

  bytes = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  *out_status = soup_message_get_status (msg);
  object = tl_message_parse_bytes (bytes, &error);
  g_assert_no_error (error);
  return object;
}

static JsonObject *
post (TlMode       mode,
      const char  *path,
      guint       *out_status,
      const char  *format,
      ...) G_GNUC_PRINTF (4, 5);

static JsonObject *
post (TlMode       mode,
      const char  *path,
      guint       *out_status,
      const char  *format,
      ...)
{
  g_autofree char *body = NULL;
  va_list args;

  va_start (args, format);
  body = g_strdup_vprintf (format, args);
  va_end (args);

  return tl_test_server_send_json (server, mode, path, body, NULL, out_status);
}

static void
assert_error (JsonObject *body,
              guint       status,
              guint       expected_status,
              const char *expected_code)
{
  g_assert_nonnull (body);
  if (status != expected_status)
    g_test_message ("got %u %s: %s", status, json_object_get_string_member_with_default (body, "error", "?"),
                    json_object_get_string_member_with_default (body, "message", "?"));
  g_assert_cmpuint (status, ==, expected_status);
  g_assert_cmpstr (json_object_get_string_member (body, "error"), ==, expected_code);
  g_assert_nonnull (json_object_get_string_member (body, "message"));
}

static char *
b64 (GBytes *bytes)
{
  return g_base64_encode (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

/* v1/login/start on @session, and the verify request a client with
 * @password would send; NULL when the start was refused. */
static char *
prepare_verify_on (SoupSession *session,
                   TlMode       mode,
                   const char  *username,
                   const char  *password,
                   guint       *out_start_status)
{
  g_autoptr(JsonObject) start = NULL;
  g_autoptr(TlSrpClient) client = NULL;
  g_autoptr(GBytes) salt = NULL;
  g_autoptr(GBytes) B = NULL;
  g_autoptr(GBytes) A = NULL;
  g_autoptr(GBytes) M1 = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *request = g_strdup_printf ("{\"username\": \"%s\"}", username);
  g_autofree char *a64 = NULL;
  g_autofree char *m64 = NULL;
  JsonObject *srp;

  start = send_on (session, mode, "v1/login/start", request, NULL, out_start_status);
  if (*out_start_status != 200)
    return NULL;

  srp = json_object_get_object_member (start, "srp");
  salt = tl_message_get_base64 (srp, "salt", 64, &error);
  g_assert_no_error (error);
  B = tl_message_get_base64 (srp, "B", 384, &error);
  g_assert_no_error (error);
  client = tl_srp_client_new (TL_SRP_GROUP_3072, TL_SRP_HASH_SHA256, username, password, salt, B, &error);
  g_assert_no_error (error);
  A = tl_srp_client_get_A (client);
  M1 = tl_srp_client_get_M1 (client);
  a64 = b64 (A);
  m64 = b64 (M1);

  return g_strdup_printf ("{\"login_id\": \"%s\", \"A\": \"%s\", \"M1\": \"%s\"}",
                          json_object_get_string_member (start, "login_id"), a64, m64);
}

static void
add_user (TlMode      mode,
          const char *username,
          const char *password)
{
  g_autofree char *input = g_strconcat (password, "\n", NULL);

  g_free (tl_test_server_admin (server, input, "user", "add", username, "--mode", tl_mode_to_string (mode),
                                "--password-stdin", NULL));
}

/* What "trading-authd device add / temp-code" printed after @label. */
static char *
printed_value (const char *out,
               const char *label)
{
  const char *at = strstr (out, label);
  const char *end;

  g_assert_nonnull (at);
  at += strlen (label);
  end = strchr (at, '\n');
  return g_strndup (at, end != NULL ? (gsize) (end - at) : strlen (at));
}

static char *
user_list_line (const char *username)
{
  g_autofree char *list = tl_test_server_admin (server, NULL, "user", "list", NULL);
  g_auto(GStrv) lines = g_strsplit (list, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) words = g_strsplit_set (lines[i], " ", -1);

      for (guint j = 0; words[j] != NULL; j++)
        if (g_str_equal (words[j], username))
          return g_strdup (lines[i]);
    }

  return NULL;
}

static guint
count_audit (const char *username,
             const char *event,
             const char *outcome)
{
  g_autofree char *audit = tl_test_server_admin (server, NULL, "audit", "--user", username, "--limit", "100000", NULL);
  g_auto(GStrv) lines = g_strsplit (audit, "\n", -1);
  guint n = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) words = g_strsplit_set (lines[i], " ", -1);
      g_autoptr(GPtrArray) fields = g_ptr_array_new ();

      /* "when  mode  user  event  outcome  ip  detail": what follows the
       * user are the event and the outcome. */
      for (guint j = 0; words[j] != NULL; j++)
        if (*words[j] != '\0')
          g_ptr_array_add (fields, words[j]);
      for (guint j = 0; j + 2 < fields->len; j++)
        if (g_str_equal (fields->pdata[j], username))
          {
            if (g_str_equal (fields->pdata[j + 1], event) && g_str_equal (fields->pdata[j + 2], outcome))
              n++;
            break;
          }
    }

  return n;
}

/* Password guessing ------------------------------------------------------- */

typedef struct
{
  GMutex  mutex;
  guint   invalid;
  guint   locked;
  guint   other;
  guint   seen_left[10];
  guint   tries_per_thread;
  gint64  started;
  gint64  tenth_failure_at;
} Guessing;

/* One attacker connection: start + SRP + verify with a wrong password,
 * again and again, on one keep-alive connection of its own. */
static gpointer
guess_thread (gpointer user_data)
{
  Guessing *g = user_data;
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 60, "max-conns", 1,
                                                                  "max-conns-per-host", 1, NULL);

  for (guint i = 0; i < g->tries_per_thread; i++)
    {
      g_autofree char *password = g_strdup_printf ("guess %p %u", (void *) g_thread_self (), i);
      g_autofree char *request = NULL;
      g_autoptr(JsonObject) answer = NULL;
      guint status = 0;

      request = prepare_verify_on (session, TL_MODE_PAPER, "target", password, &status);
      g_assert_cmpuint (status, ==, 200);
      answer = send_on (session, TL_MODE_PAPER, "v1/login/verify", request, NULL, &status);

      g_mutex_lock (&g->mutex);
      if (status == 401 && g_strcmp0 (json_object_get_string_member (answer, "error"), "invalid_credentials") == 0)
        {
          gint64 left = json_object_get_int_member (answer, "attempts_left");

          g->invalid++;
          if (left >= 0 && left < 10)
            g->seen_left[left]++;
          if (left == 0)
            g->tenth_failure_at = g_get_monotonic_time ();
        }
      else if (status == 423 && g_strcmp0 (json_object_get_string_member (answer, "error"), "locked") == 0)
        {
          g->locked++;
        }
      else
        {
          g_test_message ("unexpected answer %u: %s", status, json_object_get_string_member (answer, "error"));
          g->other++;
        }
      g_mutex_unlock (&g->mutex);
    }

  return NULL;
}

/* 1,000 wrong passwords from 50 connections at once: exactly 10 are
 * counted, each "attempts left" from 9 to 0 is given exactly once, and
 * the other 990 find the account locked. */
static void
test_password_storm (void)
{
  enum { THREADS = 50, TRIES = 20 };
  Guessing g = { 0 };
  GThread *threads[THREADS];
  g_autofree char *line = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autofree char *right = NULL;
  g_autoptr(SoupSession) session = tl_test_server_new_soup_session (server);
  gint64 elapsed;
  guint status = 0;

  add_user (TL_MODE_PAPER, "target", PASSWORD);
  add_user (TL_MODE_PAPER, "bystander", PASSWORD);

  g_mutex_init (&g.mutex);
  g.tries_per_thread = TRIES;
  g.started = g_get_monotonic_time ();
  for (guint i = 0; i < THREADS; i++)
    threads[i] = g_thread_new ("guesser", guess_thread, &g);
  for (guint i = 0; i < THREADS; i++)
    g_thread_join (threads[i]);
  elapsed = g_get_monotonic_time () - g.started;
  g_mutex_clear (&g.mutex);

  g_test_message ("1000 wrong passwords over 50 connections in %.1f s (%.0f a second); the lock "
                  "came %.2f s in: %u counted, %u found it locked, %u other",
                  elapsed / 1e6, 1000 / (elapsed / 1e6), (g.tenth_failure_at - g.started) / 1e6,
                  g.invalid, g.locked, g.other);
  g_assert_cmpuint (g.other, ==, 0);
  g_assert_cmpuint (g.invalid, ==, 10);
  g_assert_cmpuint (g.locked, ==, THREADS * TRIES - 10);
  for (guint i = 0; i < 10; i++)
    g_assert_cmpuint (g.seen_left[i], ==, 1);

  /* The server's own books agree. */
  line = user_list_line ("target");
  g_assert_nonnull (line);
  g_assert_nonnull (strstr (line, "failures 10"));
  g_assert_nonnull (strstr (line, "locked until"));
  g_assert_cmpuint (count_audit ("target", "password", "failed"), ==, 10);
  g_assert_cmpuint (count_audit ("target", "password", "locked"), ==, THREADS * TRIES - 10);

  /* The right password waits too. */
  right = prepare_verify_on (session, TL_MODE_PAPER, "target", PASSWORD, &status);
  g_assert_nonnull (right);
  body = tl_test_server_send_json (server, TL_MODE_PAPER, "v1/login/verify", right, NULL, &status);
  assert_error (body, status, 423, "locked");
  g_clear_pointer (&body, json_object_unref);

  /* Nobody else was locked out by the storm. */
  body = tl_test_server_login_password (server, TL_MODE_PAPER, "bystander", PASSWORD, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_clear_pointer (&line, g_free);
  line = user_list_line ("bystander");
  g_assert_nonnull (strstr (line, "failures 0"));
}

/* Second-factor guessing ------------------------------------------------- */

static const char *
demo (TlMode      mode,
      const char *member)
{
  return json_object_get_string_member (tl_test_server_get_user (server, mode), member);
}

static const char *
device (TlMode      mode,
        const char *kind,
        const char *member)
{
  return json_object_get_string_member (tl_test_server_get_device (server, mode, kind), member);
}

static char *
password_step (TlMode      mode,
               const char *username,
               const char *password)
{
  g_autoptr(JsonObject) verify = NULL;
  char *login_id = NULL;
  guint status = 0;

  verify = tl_test_server_login_password (server, mode, username, password, &login_id, &status);
  if (status != 200)
    g_test_message ("verify: %u %s", status, json_object_get_string_member (verify, "error"));
  g_assert_cmpuint (status, ==, 200);
  return login_id;
}

static JsonObject *
choose (TlMode      mode,
        const char *login_id,
        const char *device_id,
        guint      *out_status)
{
  return post (mode, "v1/login/second-factor", out_status,
               "{\"login_id\": \"%s\", \"device_id\": \"%s\"}", login_id, device_id);
}

static JsonObject *
answer (TlMode      mode,
        const char *login_id,
        const char *response,
        guint      *out_status)
{
  return post (mode, "v1/login/answer", out_status,
               "{\"login_id\": \"%s\", \"response\": \"%s\"}", login_id, response);
}

/* Switching devices does not buy more guesses: three wrong answers per
 * login, whatever device they were for. */
static void
test_switching_devices (void)
{
  g_autofree char *login_id = password_step (TL_MODE_PAPER, demo (TL_MODE_PAPER, "username"),
                                             demo (TL_MODE_PAPER, "password"));
  g_autoptr(JsonObject) body = NULL;
  guint status = 0;

  body = choose (TL_MODE_PAPER, login_id, device (TL_MODE_PAPER, "temp", "id"), &status);
  g_assert_cmpuint (status, ==, 200);
  g_clear_pointer (&body, json_object_unref);
  for (int left = 2; left >= 1; left--)
    {
      body = answer (TL_MODE_PAPER, login_id, "WRONG123", &status);
      assert_error (body, status, 401, "second_factor_failed");
      g_assert_cmpint (json_object_get_int_member (body, "attempts_left"), ==, left);
      g_clear_pointer (&body, json_object_unref);
    }

  /* A fresh device, the same count. */
  body = choose (TL_MODE_PAPER, login_id, device (TL_MODE_PAPER, "card", "id"), &status);
  g_assert_cmpuint (status, ==, 200);
  g_clear_pointer (&body, json_object_unref);
  body = answer (TL_MODE_PAPER, login_id, "000000", &status);
  assert_error (body, status, 401, "second_factor_failed");
  g_assert_cmpint (json_object_get_int_member (body, "attempts_left"), ==, 0);
  g_clear_pointer (&body, json_object_unref);

  /* The login is dead for every step. */
  body = choose (TL_MODE_PAPER, login_id, device (TL_MODE_PAPER, "totp", "id"), &status);
  assert_error (body, status, 410, "login_expired");
  g_clear_pointer (&body, json_object_unref);
  body = answer (TL_MODE_PAPER, login_id, device (TL_MODE_PAPER, "temp", "temp_code"), &status);
  assert_error (body, status, 410, "login_expired");
  g_clear_pointer (&body, json_object_unref);
  body = post (TL_MODE_PAPER, "v1/login/read-only", &status, "{\"login_id\": \"%s\"}", login_id);
  assert_error (body, status, 410, "login_expired");
  g_clear_pointer (&body, json_object_unref);
  body = post (TL_MODE_PAPER, "v1/login/challenge", &status, "{\"login_id\": \"%s\", \"device_id\": \"%s\"}",
               login_id, device (TL_MODE_PAPER, "ibkey", "id"));
  assert_error (body, status, 410, "login_expired");
  g_clear_pointer (&body, json_object_unref);
  body = post (TL_MODE_PAPER, "v1/login/resend", &status, "{\"login_id\": \"%s\", \"channel\": \"sms\"}", login_id);
  assert_error (body, status, 410, "login_expired");

  g_free (tl_test_server_admin (server, NULL, "user", "unlock", demo (TL_MODE_PAPER, "username"),
                                "--mode", "paper", NULL));
}

typedef struct
{
  const char *login_id;
  guint       status;
  gint64      attempts_left;
  char       *error;
} Shot;

static gpointer
answer_thread (gpointer user_data)
{
  Shot *shot = user_data;
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 60, NULL);
  g_autofree char *body = g_strdup_printf ("{\"login_id\": \"%s\", \"response\": \"ZZZZZZZZ\"}", shot->login_id);
  g_autoptr(JsonObject) reply = send_on (session, TL_MODE_PAPER, "v1/login/answer", body, NULL, &shot->status);

  shot->error = g_strdup (json_object_get_string_member (reply, "error"));
  shot->attempts_left = json_object_get_int_member_with_default (reply, "attempts_left", -1);
  return NULL;
}

/* Twenty wrong answers at once to one login: three are counted (2, 1
 * and 0 left, once each), the rest find the login over. */
static void
test_concurrent_answers (void)
{
  enum { N = 20 };
  g_autofree char *login_id = password_step (TL_MODE_PAPER, demo (TL_MODE_PAPER, "username"),
                                             demo (TL_MODE_PAPER, "password"));
  g_autoptr(JsonObject) body = NULL;
  Shot shots[N] = { { 0 } };
  GThread *threads[N];
  guint counted = 0, over = 0;
  guint seen_left[3] = { 0 };
  guint status = 0;

  body = choose (TL_MODE_PAPER, login_id, device (TL_MODE_PAPER, "temp", "id"), &status);
  g_assert_cmpuint (status, ==, 200);

  for (guint i = 0; i < N; i++)
    {
      shots[i].login_id = login_id;
      threads[i] = g_thread_new ("answer", answer_thread, &shots[i]);
    }
  for (guint i = 0; i < N; i++)
    g_thread_join (threads[i]);

  for (guint i = 0; i < N; i++)
    {
      if (shots[i].status == 401 && g_strcmp0 (shots[i].error, "second_factor_failed") == 0)
        {
          g_assert_cmpint (shots[i].attempts_left, >=, 0);
          g_assert_cmpint (shots[i].attempts_left, <=, 2);
          seen_left[shots[i].attempts_left]++;
          counted++;
        }
      else
        {
          g_assert_cmpuint (shots[i].status, ==, 410);
          g_assert_cmpstr (shots[i].error, ==, "login_expired");
          over++;
        }
      g_free (shots[i].error);
    }

  g_test_message ("%u wrong answers at once: %u counted, %u found the login over", N, counted, over);
  g_assert_cmpuint (counted, ==, 3);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpuint (seen_left[i], ==, 1);

  g_free (tl_test_server_admin (server, NULL, "user", "unlock", demo (TL_MODE_PAPER, "username"),
                                "--mode", "paper", NULL));
}

/* The budget for guessing a code: each dead login counts as one failed
 * login, so after 10 of them (30 guesses) the account is locked, and
 * the right password and code no longer help. */
static void
test_guessing_budget (void)
{
  g_autofree char *out = NULL;
  g_autofree char *temp_code = NULL;
  g_autofree char *line = NULL;
  g_autoptr(JsonObject) body = NULL;
  guint status = 0;
  guint guesses = 0;

  add_user (TL_MODE_PAPER, "guesser", PASSWORD);
  out = tl_test_server_admin (server, NULL, "temp-code", "guesser", "--mode", "paper", NULL);
  temp_code = printed_value (out, "temporary passcode: ");

  for (guint round = 0; round < 10; round++)
    {
      g_autofree char *login_id = NULL;
      g_autoptr(JsonObject) verify = NULL;
      JsonArray *list;

      verify = tl_test_server_login_password (server, TL_MODE_PAPER, "guesser", PASSWORD, &login_id, &status);
      g_assert_cmpuint (status, ==, 200);
      list = json_object_get_array_member (json_object_get_object_member (verify, "second_factor"), "devices");
      g_assert_cmpuint (json_array_get_length (list), ==, 1);

      g_clear_pointer (&body, json_object_unref);
      body = choose (TL_MODE_PAPER, login_id,
                     json_object_get_string_member (json_array_get_object_element (list, 0), "id"), &status);
      g_assert_cmpuint (status, ==, 200);
      for (guint i = 0; i < 3; i++)
        {
          g_autofree char *guess = g_strdup_printf ("GUESS%03u", guesses++);

          g_clear_pointer (&body, json_object_unref);
          body = answer (TL_MODE_PAPER, login_id, guess, &status);
          assert_error (body, status, 401, "second_factor_failed");
        }
    }

  g_test_message ("%u second-factor guesses before the lock", guesses);
  line = user_list_line ("guesser");
  g_assert_nonnull (strstr (line, "failures 10"));
  g_assert_nonnull (strstr (line, "locked until"));

  /* The right password, then (if it got that far) the right code: no. */
  {
    g_autoptr(JsonObject) verify = tl_test_server_login_password (server, TL_MODE_PAPER, "guesser", PASSWORD,
                                                                  NULL, &status);

    assert_error (verify, status, 423, "locked");
  }
}

/* Replays ------------------------------------------------------------------ */

typedef struct
{
  const char *login_id;
  const char *code;
  guint       status;
  char       *error;
  GMutex     *gate;
} Race;

static gpointer
race_thread (gpointer user_data)
{
  Race *race = user_data;
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 60, NULL);
  g_autofree char *body = g_strdup_printf ("{\"login_id\": \"%s\", \"response\": \"%s\"}", race->login_id, race->code);
  g_autoptr(JsonObject) reply = NULL;

  /* All start together. */
  g_mutex_lock (race->gate);
  g_mutex_unlock (race->gate);
  reply = send_on (session, TL_MODE_PAPER, "v1/login/answer", body, NULL, &race->status);
  race->error = g_strdup (json_object_get_string_member_with_default (reply, "error", ""));
  return NULL;
}

/* One TOTP code sent to four logins at the same moment: one login gets a
 * session, the other three are told it was used. */
static void
test_totp_race (void)
{
  enum { N = 4 };
  g_autofree char *code = NULL;
  char *login_ids[N];
  Race races[N] = { { 0 } };
  GThread *threads[N];
  GMutex gate;
  guint won = 0;

  for (guint i = 0; i < N; i++)
    {
      g_autoptr(JsonObject) chosen = NULL;
      guint status = 0;

      login_ids[i] = password_step (TL_MODE_PAPER, demo (TL_MODE_PAPER, "username"), demo (TL_MODE_PAPER, "password"));
      chosen = choose (TL_MODE_PAPER, login_ids[i], device (TL_MODE_PAPER, "totp", "id"), &status);
      g_assert_cmpuint (status, ==, 200);
    }

  /* A step far from any other test's: two steps ahead is outside the
   * window, so use the next one, which nobody has used yet. */
  code = tl_test_server_totp_code (server, TL_MODE_PAPER, tl_test_server_now (server) + 30);

  g_mutex_init (&gate);
  g_mutex_lock (&gate);
  for (guint i = 0; i < N; i++)
    {
      races[i].login_id = login_ids[i];
      races[i].code = code;
      races[i].gate = &gate;
      threads[i] = g_thread_new ("race", race_thread, &races[i]);
    }
  g_usleep (100 * 1000);
  g_mutex_unlock (&gate);
  for (guint i = 0; i < N; i++)
    g_thread_join (threads[i]);
  g_mutex_clear (&gate);

  for (guint i = 0; i < N; i++)
    {
      if (races[i].status == 200)
        won++;
      else
        {
          g_assert_cmpuint (races[i].status, ==, 401);
          g_assert_cmpstr (races[i].error, ==, "second_factor_failed");
        }
      g_free (races[i].error);
      g_free (login_ids[i]);
    }

  g_assert_cmpuint (won, ==, 1);
}

static char *ibkey_id;
static GBytes *ibkey_secret;

static void
ensure_ibkey (void)
{
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;
  guint status = 0;

  if (ibkey_id != NULL)
    return;

  body = post (TL_MODE_PAPER, "v1/device/activate", &status,
               "{\"username\": \"%s\", \"activation_code\": \"%s\", \"name\": \"Abuse phone\"}",
               demo (TL_MODE_PAPER, "username"), device (TL_MODE_PAPER, "ibkey", "activation_code"));
  g_assert_cmpuint (status, ==, 200);
  ibkey_id = g_strdup (json_object_get_string_member (body, "device_id"));
  ibkey_secret = tl_message_get_base64 (body, "secret", 64, &error);
  g_assert_no_error (error);
}

static char *
ocra (const char *suite_text,
      GBytes     *key,
      const char *challenge,
      const char *pin)
{
  g_autoptr(TlOcraSuite) suite = NULL;
  g_autoptr(GError) error = NULL;
  TlOcraInput input = { 0 };
  char *response;

  suite = tl_ocra_suite_parse (suite_text, &error);
  g_assert_no_error (error);
  input.question = challenge;
  input.password = pin;
  response = tl_ocra_compute (suite, g_bytes_get_data (key, NULL), g_bytes_get_size (key), &input, &error);
  g_assert_no_error (error);
  return response;
}

/* "I did not receive the notification": a response works once, for its
 * own challenge, in its own login. */
static void
test_challenge_replay (void)
{
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *response = NULL;
  g_autofree char *old_response = NULL;
  g_autofree char *new_response = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autofree char *suite = NULL;
  guint status = 0;

  ensure_ibkey ();

  /* A login with the challenge. */
  first = password_step (TL_MODE_PAPER, demo (TL_MODE_PAPER, "username"), demo (TL_MODE_PAPER, "password"));
  body = choose (TL_MODE_PAPER, first, ibkey_id, &status);
  g_assert_cmpuint (status, ==, 200);
  g_clear_pointer (&body, json_object_unref);
  body = post (TL_MODE_PAPER, "v1/login/challenge", &status, "{\"login_id\": \"%s\", \"device_id\": \"%s\"}",
               first, ibkey_id);
  g_assert_cmpuint (status, ==, 200);
  suite = g_strdup (json_object_get_string_member (body, "suite"));
  response = ocra (suite, ibkey_secret, json_object_get_string_member (body, "challenge"), NULL);
  g_clear_pointer (&body, json_object_unref);
  body = answer (TL_MODE_PAPER, first, response, &status);
  g_assert_cmpuint (status, ==, 200);
  g_clear_pointer (&body, json_object_unref);

  /* The same response again, to the finished login... */
  body = answer (TL_MODE_PAPER, first, response, &status);
  assert_error (body, status, 410, "login_expired");
  g_clear_pointer (&body, json_object_unref);

  /* ...and to a new login, whose challenge is another. */
  second = password_step (TL_MODE_PAPER, demo (TL_MODE_PAPER, "username"), demo (TL_MODE_PAPER, "password"));
  body = choose (TL_MODE_PAPER, second, ibkey_id, &status);
  g_assert_cmpuint (status, ==, 200);
  g_clear_pointer (&body, json_object_unref);
  body = post (TL_MODE_PAPER, "v1/login/challenge", &status, "{\"login_id\": \"%s\", \"device_id\": \"%s\"}",
               second, ibkey_id);
  g_assert_cmpuint (status, ==, 200);
  old_response = ocra (suite, ibkey_secret, json_object_get_string_member (body, "challenge"), NULL);
  g_clear_pointer (&body, json_object_unref);
  if (!g_str_equal (old_response, response))
    {
      body = answer (TL_MODE_PAPER, second, response, &status);
      assert_error (body, status, 401, "second_factor_failed");
      g_clear_pointer (&body, json_object_unref);
    }

  /* A challenge asked for again replaces the first: its response is
   * dead, the new one works. */
  body = post (TL_MODE_PAPER, "v1/login/challenge", &status, "{\"login_id\": \"%s\", \"device_id\": \"%s\"}",
               second, ibkey_id);
  g_assert_cmpuint (status, ==, 200);
  new_response = ocra (suite, ibkey_secret, json_object_get_string_member (body, "challenge"), NULL);
  g_clear_pointer (&body, json_object_unref);
  if (!g_str_equal (old_response, new_response))
    {
      body = answer (TL_MODE_PAPER, second, old_response, &status);
      assert_error (body, status, 401, "second_factor_failed");
      g_clear_pointer (&body, json_object_unref);
    }
  body = answer (TL_MODE_PAPER, second, new_response, &status);
  g_assert_cmpuint (status, ==, 200);
}

/* The card reader (dsc): a response is bound to its login's challenge. */
static void
test_dsc_replay (void)
{
  g_autofree char *first = password_step (TL_MODE_LIVE, demo (TL_MODE_LIVE, "username"), demo (TL_MODE_LIVE, "password"));
  g_autofree char *second = NULL;
  g_autofree char *response = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GBytes) key = NULL;
  g_autoptr(GError) error = NULL;
  guint status = 0;

  key = tl_base64_decode_strict (device (TL_MODE_LIVE, "dsc", "secret"), 128, &error);
  g_assert_no_error (error);

  body = choose (TL_MODE_LIVE, first, device (TL_MODE_LIVE, "dsc", "id"), &status);
  g_assert_cmpuint (status, ==, 200);
  response = ocra (json_object_get_string_member (body, "suite"), key,
                   json_object_get_string_member (body, "challenge"), device (TL_MODE_LIVE, "dsc", "pin"));
  g_clear_pointer (&body, json_object_unref);
  body = answer (TL_MODE_LIVE, first, response, &status);
  g_assert_cmpuint (status, ==, 200);
  g_clear_pointer (&body, json_object_unref);

  second = password_step (TL_MODE_LIVE, demo (TL_MODE_LIVE, "username"), demo (TL_MODE_LIVE, "password"));
  body = choose (TL_MODE_LIVE, second, device (TL_MODE_LIVE, "dsc", "id"), &status);
  g_assert_cmpuint (status, ==, 200);
  {
    g_autofree char *fresh = ocra (json_object_get_string_member (body, "suite"), key,
                                   json_object_get_string_member (body, "challenge"),
                                   device (TL_MODE_LIVE, "dsc", "pin"));

    g_clear_pointer (&body, json_object_unref);
    if (!g_str_equal (fresh, response))
      {
        body = answer (TL_MODE_LIVE, second, response, &status);
        assert_error (body, status, 401, "second_factor_failed");
      }
  }
}

typedef struct
{
  const char *code;
  guint       status;
  char       *error;
  GMutex     *gate;
} Activation;

static gpointer
activate_thread (gpointer user_data)
{
  Activation *a = user_data;
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 60, NULL);
  g_autofree char *body = g_strdup_printf ("{\"username\": \"%s\", \"activation_code\": \"%s\", \"name\": \"Racer\"}",
                                           demo (TL_MODE_LIVE, "username"), a->code);
  g_autoptr(JsonObject) reply = NULL;

  g_mutex_lock (a->gate);
  g_mutex_unlock (a->gate);
  reply = send_on (session, TL_MODE_LIVE, "v1/device/activate", body, NULL, &a->status);
  a->error = g_strdup (json_object_get_string_member_with_default (reply, "error", ""));
  return NULL;
}

/* A new activation code sent by ten phones at once: one device. The
 * spent code stays spent after a restart. */
static void
test_activation_race (void)
{
  enum { N = 10 };
  g_autofree char *out = tl_test_server_admin (server, NULL, "device", "add", demo (TL_MODE_LIVE, "username"),
                                               "--kind", "ibkey", "--mode", "live", NULL);
  g_autofree char *code = printed_value (out, "one-time activation code: ");
  g_autoptr(JsonObject) body = NULL;
  Activation activations[N] = { { 0 } };
  GThread *threads[N];
  GMutex gate;
  guint won = 0;
  guint status = 0;

  g_mutex_init (&gate);
  g_mutex_lock (&gate);
  for (guint i = 0; i < N; i++)
    {
      activations[i].code = code;
      activations[i].gate = &gate;
      threads[i] = g_thread_new ("activate", activate_thread, &activations[i]);
    }
  g_usleep (100 * 1000);
  g_mutex_unlock (&gate);
  for (guint i = 0; i < N; i++)
    g_thread_join (threads[i]);
  g_mutex_clear (&gate);

  for (guint i = 0; i < N; i++)
    {
      if (activations[i].status == 200)
        won++;
      else
        {
          g_assert_cmpuint (activations[i].status, ==, 401);
          g_assert_cmpstr (activations[i].error, ==, "invalid_credentials");
        }
      g_free (activations[i].error);
    }
  g_assert_cmpuint (won, ==, 1);

  tl_test_server_restart (server);
  body = post (TL_MODE_LIVE, "v1/device/activate", &status,
               "{\"username\": \"%s\", \"activation_code\": \"%s\", \"name\": \"Late\"}",
               demo (TL_MODE_LIVE, "username"), code);
  assert_error (body, status, 401, "invalid_credentials");
}

static JsonObject *
session_call (TlMode      mode,
              const char *path,
              const char *token,
              guint      *out_status)
{
  return tl_test_server_send_json (server, mode, path, g_str_equal (path, "v1/session") ? NULL : "{}",
                                   token, out_status);
}

/* A token after logout is dead for every call, also after a restart; so
 * is a token ended by a newer login, and one a character off. */
static void
test_dead_tokens (void)
{
  static const char * const paths[] = { "v1/session", "v1/session/tickle", "v1/session/logout" };
  g_autoptr(JsonObject) first = tl_test_server_login_totp (server, TL_MODE_LIVE, -1);
  g_autoptr(JsonObject) second = NULL;
  g_autoptr(JsonObject) third = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autofree char *first_token = g_strdup (json_object_get_string_member (first, "token"));
  g_autofree char *second_token = NULL;
  g_autofree char *typo = NULL;
  guint status = 0;

  /* A newer login ends the older session. */
  second = tl_test_server_login_totp (server, TL_MODE_LIVE, 0);
  second_token = g_strdup (json_object_get_string_member (second, "token"));
  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      body = session_call (TL_MODE_LIVE, paths[i], first_token, &status);
      assert_error (body, status, 401, "no_session");
      g_clear_pointer (&body, json_object_unref);
    }

  /* One character off. */
  typo = g_strdup (second_token);
  typo[10] = typo[10] == 'A' ? 'B' : 'A';
  body = session_call (TL_MODE_LIVE, "v1/session", typo, &status);
  assert_error (body, status, 401, "no_session");
  g_clear_pointer (&body, json_object_unref);

  /* The right token in the other mode. */
  body = session_call (TL_MODE_PAPER, "v1/session", second_token, &status);
  assert_error (body, status, 401, "no_session");
  g_clear_pointer (&body, json_object_unref);

  body = session_call (TL_MODE_LIVE, "v1/session/logout", second_token, &status);
  g_assert_cmpuint (status, ==, 200);
  g_clear_pointer (&body, json_object_unref);
  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      body = session_call (TL_MODE_LIVE, paths[i], second_token, &status);
      assert_error (body, status, 401, "no_session");
      g_clear_pointer (&body, json_object_unref);
    }

  tl_test_server_restart (server);
  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      body = session_call (TL_MODE_LIVE, paths[i], second_token, &status);
      assert_error (body, status, 401, "no_session");
      g_clear_pointer (&body, json_object_unref);
    }

  /* Logged out, nobody is asked about an existing session. */
  third = tl_test_server_login_password (server, TL_MODE_LIVE, demo (TL_MODE_LIVE, "username"),
                                         demo (TL_MODE_LIVE, "password"), NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_true (json_object_get_null_member (third, "existing_session"));
}

static char *
proof_with (GBytes     *secret,
            const char *action,
            const char *device_id,
            const char *push_id,
            gint64      time)
{
  g_autoptr(GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA256, g_bytes_get_data (secret, NULL), g_bytes_get_size (secret));
  g_autofree char *message = g_strdup_printf ("%s:%s:%s:%" G_GINT64_FORMAT, action, device_id,
                                              push_id != NULL ? push_id : "", time);
  guint8 digest[32];
  gsize length = sizeof digest;

  g_hmac_update (hmac, (const guchar *) message, -1);
  g_hmac_get_digest (hmac, digest, &length);
  return g_base64_encode (digest, length);
}

static char *
respond_body (GBytes     *secret,
              const char *device_id,
              const char *push_id,
              const char *decision,
              gint64      time)
{
  g_autofree char *proof = proof_with (secret, "respond", device_id, push_id, time);

  return g_strdup_printf ("{\"device_id\": \"%s\", \"push_id\": \"%s\", \"decision\": \"%s\", "
                          "\"time\": %" G_GINT64_FORMAT ", \"proof\": \"%s\"}",
                          device_id, push_id, decision, time, proof);
}

/* Starts a push for the demo paper user; returns the login id and the
 * push id. */
static char *
start_push (char **out_push_id)
{
  char *login_id = password_step (TL_MODE_PAPER, demo (TL_MODE_PAPER, "username"), demo (TL_MODE_PAPER, "password"));
  g_autoptr(JsonObject) body = NULL;
  guint status = 0;

  body = choose (TL_MODE_PAPER, login_id, ibkey_id, &status);
  g_assert_cmpuint (status, ==, 200);
  *out_push_id = g_strdup (json_object_get_string_member (body, "push_id"));
  return login_id;
}

/* Whether the phone's list of pending requests holds @push_id (the list
 * comes at once when it is not empty). */
static gboolean
phone_sees_push (GBytes     *secret,
                 const char *device_id,
                 const char *push_id)
{
  gint64 now = tl_test_server_now (server);
  g_autofree char *proof = proof_with (secret, "pending", device_id, NULL, now);
  g_autoptr(JsonObject) body = NULL;
  JsonArray *requests;
  guint status = 0;

  body = post (TL_MODE_PAPER, "v1/device/pending", &status,
               "{\"device_id\": \"%s\", \"time\": %" G_GINT64_FORMAT ", \"proof\": \"%s\"}",
               device_id, now, proof);
  g_assert_cmpuint (status, ==, 200);
  requests = json_object_get_array_member (body, "requests");
  for (guint i = 0; i < json_array_get_length (requests); i++)
    if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (requests, i), "push_id"),
                   push_id) == 0)
      return TRUE;

  return FALSE;
}

/* v1/login/push/wait: at once when the push is decided, else a long poll. */
static JsonObject *
push_status (const char *login_id,
             const char *push_id,
             guint      *out_status)
{
  return post (TL_MODE_PAPER, "v1/login/push/wait", out_status,
               "{\"login_id\": \"%s\", \"push_id\": \"%s\"}", login_id, push_id);
}

/* Device proofs: 61 s old or 62 s ahead is refused, 55 s is fine; a proof
 * for one push does not decide another; a decided push stays decided. */
static void
test_device_proof_replay (void)
{
  g_autofree char *login_id = NULL;
  g_autofree char *push_id = NULL;
  g_autofree char *other_login = NULL;
  g_autofree char *other_push = NULL;
  g_autofree char *request = NULL;
  g_autoptr(JsonObject) body = NULL;
  gint64 now;
  guint status = 0;

  ensure_ibkey ();
  login_id = start_push (&push_id);
  now = tl_test_server_now (server);

  request = respond_body (ibkey_secret, ibkey_id, push_id, "approve", now - 61);
  /* (61 s or more by the time it arrives.) */
  body = tl_test_server_send_json (server, TL_MODE_PAPER, "v1/device/respond", request, NULL, &status);
  assert_error (body, status, 401, "bad_proof");
  g_clear_pointer (&body, json_object_unref);
  g_free (request);

  now = tl_test_server_now (server);
  request = respond_body (ibkey_secret, ibkey_id, push_id, "approve", now + 62);
  body = tl_test_server_send_json (server, TL_MODE_PAPER, "v1/device/respond", request, NULL, &status);
  assert_error (body, status, 401, "bad_proof");
  g_clear_pointer (&body, json_object_unref);

  /* Still pending: nothing above decided it. */
  g_assert_true (phone_sees_push (ibkey_secret, ibkey_id, push_id));

  /* A proof made for this push, sent for another one. */
  other_login = start_push (&other_push);
  now = tl_test_server_now (server);
  {
    g_autofree char *proof = proof_with (ibkey_secret, "respond", ibkey_id, push_id, now);

    body = post (TL_MODE_PAPER, "v1/device/respond", &status,
                 "{\"device_id\": \"%s\", \"push_id\": \"%s\", \"decision\": \"approve\", "
                 "\"time\": %" G_GINT64_FORMAT ", \"proof\": \"%s\"}", ibkey_id, other_push, now, proof);
    assert_error (body, status, 401, "bad_proof");
    g_clear_pointer (&body, json_object_unref);
  }

  /* 55 s old is within the minute: the phone's "deny" counts. */
  g_free (request);
  now = tl_test_server_now (server);
  request = respond_body (ibkey_secret, ibkey_id, other_push, "deny", now - 55);
  body = tl_test_server_send_json (server, TL_MODE_PAPER, "v1/device/respond", request, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_clear_pointer (&body, json_object_unref);

  /* Replayed, or turned into "approve" with the same proof: the push was
   * decided once and stays denied. */
  body = tl_test_server_send_json (server, TL_MODE_PAPER, "v1/device/respond", request, NULL, &status);
  g_assert_cmpuint (status, !=, 500);
  g_clear_pointer (&body, json_object_unref);
  g_free (request);
  request = respond_body (ibkey_secret, ibkey_id, other_push, "approve", now - 55);
  body = tl_test_server_send_json (server, TL_MODE_PAPER, "v1/device/respond", request, NULL, &status);
  g_assert_cmpuint (status, !=, 500);
  g_clear_pointer (&body, json_object_unref);
  body = push_status (other_login, other_push, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (body, "status"), ==, "denied");
  g_assert_false (json_object_has_member (body, "session"));
}

/* Other users ----------------------------------------------------------------- */

/* Mallory has an account, a phone and a login of her own, and Alice's
 * login id and push id (say she read them off a shared screen): none of
 * it gets her into Alice's login. */
static void
test_other_users (void)
{
  g_autofree char *out = NULL;
  g_autofree char *code = NULL;
  g_autofree char *alice_login = NULL;
  g_autofree char *alice_push = NULL;
  g_autofree char *mallory_login = NULL;
  g_autofree char *mallory_device = NULL;
  g_autoptr(GBytes) mallory_secret = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *request = NULL;
  gint64 now;
  guint status = 0;

  ensure_ibkey ();
  add_user (TL_MODE_PAPER, "mallory", PASSWORD);
  out = tl_test_server_admin (server, NULL, "device", "add", "mallory", "--kind", "ibkey", "--mode", "paper", NULL);
  code = printed_value (out, "one-time activation code: ");
  body = post (TL_MODE_PAPER, "v1/device/activate", &status,
               "{\"username\": \"mallory\", \"activation_code\": \"%s\", \"name\": \"Mallory\"}", code);
  g_assert_cmpuint (status, ==, 200);
  mallory_device = g_strdup (json_object_get_string_member (body, "device_id"));
  mallory_secret = tl_message_get_base64 (body, "secret", 64, &error);
  g_assert_no_error (error);
  g_clear_pointer (&body, json_object_unref);

  alice_login = start_push (&alice_push);
  mallory_login = password_step (TL_MODE_PAPER, "mallory", PASSWORD);

  /* Her own device for Alice's login. */
  body = choose (TL_MODE_PAPER, alice_login, mallory_device, &status);
  g_assert_cmpuint (status, >=, 400);
  g_assert_cmpuint (status, <, 500);
  g_clear_pointer (&body, json_object_unref);

  /* Her phone approving Alice's push, with a proof her phone can make. */
  now = tl_test_server_now (server);
  request = respond_body (mallory_secret, mallory_device, alice_push, "approve", now);
  body = tl_test_server_send_json (server, TL_MODE_PAPER, "v1/device/respond", request, NULL, &status);
  g_assert_cmpuint (status, >=, 400);
  g_assert_cmpuint (status, <, 500);
  g_clear_pointer (&body, json_object_unref);

  /* Alice's push id under Mallory's login. */
  body = push_status (mallory_login, alice_push, &status);
  g_assert_cmpuint (status, >=, 400);
  g_assert_cmpuint (status, <, 500);
  g_assert_false (json_object_has_member (body, "session"));
  g_clear_pointer (&body, json_object_unref);

  /* Alice's login id in the other mode. */
  body = post (TL_MODE_LIVE, "v1/login/read-only", &status, "{\"login_id\": \"%s\"}", alice_login);
  g_assert_cmpuint (status, >=, 400);
  g_assert_false (json_object_has_member (body, "session"));
  g_clear_pointer (&body, json_object_unref);

  /* Mallory's phone sees only Mallory's requests: start one so that the
   * long poll answers at once. */
  {
    g_autofree char *her_login = NULL;
    g_autofree char *proof = NULL;
    JsonArray *requests;
    g_autoptr(JsonObject) chosen = NULL;

    her_login = password_step (TL_MODE_PAPER, "mallory", PASSWORD);
    chosen = choose (TL_MODE_PAPER, her_login, mallory_device, &status);
    g_assert_cmpuint (status, ==, 200);
    proof = proof_with (mallory_secret, "pending", mallory_device, NULL, now);
    body = post (TL_MODE_PAPER, "v1/device/pending", &status,
                 "{\"device_id\": \"%s\", \"time\": %" G_GINT64_FORMAT ", \"proof\": \"%s\"}",
                 mallory_device, now, proof);
    g_assert_cmpuint (status, ==, 200);
    requests = json_object_get_array_member (body, "requests");
    for (guint i = 0; i < json_array_get_length (requests); i++)
      {
        JsonObject *r = json_array_get_object_element (requests, i);

        g_assert_cmpstr (json_object_get_string_member (r, "username"), ==, "mallory");
        g_assert_cmpstr (json_object_get_string_member (r, "push_id"), !=, alice_push);
      }
    g_clear_pointer (&body, json_object_unref);
  }

  /* And after all that, Alice's push is still hers to decide. */
  g_assert_true (phone_sees_push (ibkey_secret, ibkey_id, alice_push));
}

/* Login ids are capabilities: long, random, never repeated. */
static void
test_login_ids (void)
{
  enum { N = 200 };
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(SoupSession) session = tl_test_server_new_soup_session (server);
  gsize min_length = G_MAXSIZE;
  guint longest_prefix = 0;
  g_autofree char *previous = NULL;

  for (guint i = 0; i < N; i++)
    {
      g_autoptr(JsonObject) start = NULL;
      const char *id;
      guint status = 0;
      guint common = 0;

      start = send_on (session, i % 2 ? TL_MODE_LIVE : TL_MODE_PAPER, "v1/login/start",
                       i % 3 ? "{\"username\": \"demo\"}" : "{\"username\": \"nobodyatall\"}", NULL, &status);
      g_assert_cmpuint (status, ==, 200);
      id = json_object_get_string_member (start, "login_id");
      g_assert_false (g_hash_table_contains (seen, id));
      g_hash_table_add (seen, g_strdup (id));
      min_length = MIN (min_length, strlen (id));
      for (const char *p = id; *p != '\0'; p++)
        g_assert_true (g_ascii_isalnum (*p) || *p == '-' || *p == '_');

      while (previous != NULL && previous[common] != '\0' && previous[common] == id[common])
        common++;
      longest_prefix = MAX (longest_prefix, common);
      g_free (previous);
      previous = g_strdup (id);
    }

  g_test_message ("%u login ids: all different, at least %" G_GSIZE_FORMAT " characters, "
                  "consecutive ones share at most %u leading characters", N, min_length, longest_prefix);
  /* 128 bits or more in base64url. */
  g_assert_cmpuint (min_length, >=, 22);
  g_assert_cmpuint (longest_prefix, <, 6);
}

/* Known and unknown users ----------------------------------------------------- */

/* The names of @object's members and the JSON type of each, recursively:
 * the shape of an answer. */
static void
describe_shape (JsonNode *node,
                GString  *out)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      g_autoptr(GList) names = g_list_sort (json_object_get_members (object), (GCompareFunc) g_strcmp0);

      g_string_append_c (out, '{');
      for (GList *l = names; l != NULL; l = l->next)
        {
          g_string_append_printf (out, "%s:", (const char *) l->data);
          describe_shape (json_object_get_member (object, l->data), out);
          g_string_append_c (out, ',');
        }
      g_string_append_c (out, '}');
    }
  else if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      /* Strings by length too: a salt or B of another size would tell. */
      g_string_append_printf (out, "s%" G_GSIZE_FORMAT, strlen (json_node_get_string (node)));
    }
  else
    {
      g_string_append (out, json_node_type_name (node));
    }
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

typedef struct
{
  guint  status;
  char  *shape;
  char  *headers;
  char  *salt;
  gint64 expires_in;
} StartSeen;

static void
start_seen_clear (StartSeen *s)
{
  g_free (s->shape);
  g_free (s->headers);
  g_free (s->salt);
}

static void
look_at_start (const char *username,
               StartSeen  *seen)
{
  g_autofree char *request = g_strdup_printf ("{\"username\": \"%s\", \"client\": {\"name\": \"x\", \"version\": \"1\"}}",
                                              username);
  g_autoptr(SoupMessage) msg = tl_test_server_new_message (server, TL_MODE_PAPER, "v1/login/start", request, NULL);
  g_autoptr(SoupSession) session = tl_test_server_new_soup_session (server);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) shape = g_string_new (NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  SoupMessageHeadersIter iter;
  const char *name, *value;
  JsonObject *root;

  bytes = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  seen->status = soup_message_get_status (msg);
  json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL), (gssize) g_bytes_get_size (bytes), &error);
  g_assert_no_error (error);
  describe_shape (json_parser_get_root (parser), shape);
  seen->shape = g_strdup (shape->str);

  /* Every header and its value, but the date. */
  soup_message_headers_iter_init (&iter, soup_message_get_response_headers (msg));
  while (soup_message_headers_iter_next (&iter, &name, &value))
    {
      g_autofree char *lower = g_ascii_strdown (name, -1);

      g_ptr_array_add (names, g_str_equal (lower, "date") ? g_strdup (lower)
                                                          : g_strdup_printf ("%s=%s", lower, value));
    }
  g_ptr_array_sort (names, compare_strings);
  g_ptr_array_add (names, NULL);
  seen->headers = g_strjoinv ("\n", (char **) names->pdata);

  root = json_node_get_object (json_parser_get_root (parser));
  seen->salt = g_strdup (json_object_get_string_member (json_object_get_object_member (root, "srp"), "salt"));
  seen->expires_in = json_object_get_int_member (root, "expires_in");
}

static void
test_unknown_like_known (void)
{
  StartSeen known = { 0 }, unknown = { 0 }, unknown_again = { 0 }, other_unknown = { 0 }, live_only = { 0 };
  StartSeen after_restart = { 0 };
  g_autoptr(JsonObject) known_verify = NULL;
  g_autoptr(JsonObject) unknown_verify = NULL;
  g_autoptr(JsonObject) known_activate = NULL;
  g_autoptr(JsonObject) unknown_activate = NULL;
  guint known_status = 0, unknown_status = 0;

  add_user (TL_MODE_PAPER, "realtrader", PASSWORD);

  look_at_start ("realtrader", &known);
  look_at_start ("ghosttrader", &unknown);
  look_at_start ("ghosttrader", &unknown_again);
  look_at_start ("othertrader", &other_unknown);
  /* A name that exists, but in live only. */
  look_at_start (demo (TL_MODE_LIVE, "username"), &live_only);

  g_test_message ("start answer shape: %s", known.shape);
  g_assert_cmpuint (known.status, ==, 200);
  g_assert_cmpuint (unknown.status, ==, known.status);
  g_assert_cmpstr (unknown.shape, ==, known.shape);
  g_assert_cmpstr (live_only.shape, ==, known.shape);
  g_assert_cmpstr (unknown.headers, ==, known.headers);
  g_assert_cmpint (unknown.expires_in, ==, known.expires_in);

  /* A stable salt per name (a real user's never changes either), and
   * another for another name. */
  g_assert_cmpstr (unknown_again.salt, ==, unknown.salt);
  g_assert_cmpstr (other_unknown.salt, !=, unknown.salt);

  tl_test_server_restart (server);
  look_at_start ("ghosttrader", &after_restart);
  g_assert_cmpstr (after_restart.salt, ==, unknown.salt);

  /* A wrong password: the same words, the same count. */
  known_verify = tl_test_server_login_password (server, TL_MODE_PAPER, "realtrader", "wrong", NULL, &known_status);
  unknown_verify = tl_test_server_login_password (server, TL_MODE_PAPER, "ghosttrader", "wrong", NULL, &unknown_status);
  g_assert_cmpuint (known_status, ==, 401);
  g_assert_cmpuint (unknown_status, ==, known_status);
  g_assert_cmpuint (json_object_get_size (unknown_verify), ==, json_object_get_size (known_verify));
  g_assert_cmpstr (json_object_get_string_member (unknown_verify, "error"), ==,
                   json_object_get_string_member (known_verify, "error"));
  g_assert_cmpstr (json_object_get_string_member (unknown_verify, "message"), ==,
                   json_object_get_string_member (known_verify, "message"));
  g_assert_cmpint (json_object_get_int_member (unknown_verify, "attempts_left"), ==,
                   json_object_get_int_member (known_verify, "attempts_left"));

  /* Activating a phone: a user without that code looks like no user. */
  known_activate = post (TL_MODE_PAPER, "v1/device/activate", &known_status,
                         "{\"username\": \"realtrader\", \"activation_code\": \"ABCDEFGH2345\"}");
  unknown_activate = post (TL_MODE_PAPER, "v1/device/activate", &unknown_status,
                           "{\"username\": \"ghosttrader\", \"activation_code\": \"ABCDEFGH2345\"}");
  g_assert_cmpuint (unknown_status, ==, known_status);
  g_assert_cmpstr (json_object_get_string_member (unknown_activate, "error"), ==,
                   json_object_get_string_member (known_activate, "error"));
  g_assert_cmpstr (json_object_get_string_member (unknown_activate, "message"), ==,
                   json_object_get_string_member (known_activate, "message"));

  start_seen_clear (&known);
  start_seen_clear (&unknown);
  start_seen_clear (&unknown_again);
  start_seen_clear (&other_unknown);
  start_seen_clear (&live_only);
  start_seen_clear (&after_restart);
}

/* What a push shows on the phone ---------------------------------------------- */

static gboolean
has_control_characters (const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      /* C0 and C1 controls (U+009B is a terminal's CSI), and the
       * direction overrides that make text read otherwise than it is. */
      if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x200e || c == 0x200f ||
          (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069))
        return TRUE;
    }

  return FALSE;
}

/* Anyone with the password chooses the "client" name the phone shows
 * with the push (and trading-key prints on a terminal): escapes and
 * direction overrides must not get there. */
static void
test_push_client_name (void)
{
  static const char * const names[] = {
    "\\u001b]0;owned\\u0007\\u001b[2J",   /* ESC: terminal title, clear screen */
    "Trading Login\\u009b2J",               /* C1 CSI */
    "trading-login \\u202eniamod ruoy\\u202c", /* right-to-left override */
  };

  ensure_ibkey ();
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(JsonObject) start = NULL;
      g_autoptr(JsonObject) chosen = NULL;
      g_autoptr(JsonObject) pending = NULL;
      g_autoptr(TlSrpClient) client = NULL;
      g_autoptr(GBytes) salt = NULL;
      g_autoptr(GBytes) B = NULL;
      g_autoptr(GBytes) A = NULL;
      g_autoptr(GBytes) M1 = NULL;
      g_autoptr(JsonObject) verify = NULL;
      g_autofree char *a64 = NULL;
      g_autofree char *m64 = NULL;
      g_autofree char *proof = NULL;
      const char *login_id;
      JsonObject *srp;
      JsonArray *requests;
      gint64 now;
      guint status = 0;
      gboolean found = FALSE;

      start = post (TL_MODE_PAPER, "v1/login/start", &status,
                    "{\"username\": \"%s\", \"client\": {\"name\": \"%s\", \"version\": \"1\"}}",
                    demo (TL_MODE_PAPER, "username"), names[i]);
      g_assert_cmpuint (status, ==, 200);
      login_id = json_object_get_string_member (start, "login_id");
      srp = json_object_get_object_member (start, "srp");
      salt = tl_message_get_base64 (srp, "salt", 64, NULL);
      B = tl_message_get_base64 (srp, "B", 384, NULL);
      client = tl_srp_client_new (TL_SRP_GROUP_3072, TL_SRP_HASH_SHA256, demo (TL_MODE_PAPER, "username"),
                                  demo (TL_MODE_PAPER, "password"), salt, B, NULL);
      g_assert_nonnull (client);
      A = tl_srp_client_get_A (client);
      M1 = tl_srp_client_get_M1 (client);
      a64 = b64 (A);
      m64 = b64 (M1);
      verify = post (TL_MODE_PAPER, "v1/login/verify", &status,
                     "{\"login_id\": \"%s\", \"A\": \"%s\", \"M1\": \"%s\"}", login_id, a64, m64);
      g_assert_cmpuint (status, ==, 200);
      chosen = choose (TL_MODE_PAPER, login_id, ibkey_id, &status);
      g_assert_cmpuint (status, ==, 200);

      now = tl_test_server_now (server);
      proof = proof_with (ibkey_secret, "pending", ibkey_id, NULL, now);
      pending = post (TL_MODE_PAPER, "v1/device/pending", &status,
                      "{\"device_id\": \"%s\", \"time\": %" G_GINT64_FORMAT ", \"proof\": \"%s\"}",
                      ibkey_id, now, proof);
      g_assert_cmpuint (status, ==, 200);
      requests = json_object_get_array_member (pending, "requests");
      for (guint j = 0; j < json_array_get_length (requests); j++)
        {
          JsonObject *r = json_array_get_object_element (requests, j);
          const char *shown = json_object_get_string_member (r, "client");

          if (g_strcmp0 (json_object_get_string_member (r, "push_id"),
                         json_object_get_string_member (chosen, "push_id")) != 0)
            continue;
          found = TRUE;
          g_test_message ("client name %u is shown as “%s”", i, shown);
          g_assert_false (has_control_characters (shown));
        }
      g_assert_true (found);
    }
}

int
main (int   argc,
      char *argv[])
{
  int status;

  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  /* Enough login starts for the storm from one address. */
  server = tl_test_server_new_with_args ("--start-burst", "100000", NULL);
  /* The attackers' own sessions pin the certificate too. */
  tl_test_use_pin_database ();

  g_test_add_func ("/tl/abuse/password/storm", test_password_storm);
  g_test_add_func ("/tl/abuse/second-factor/switching-devices", test_switching_devices);
  g_test_add_func ("/tl/abuse/second-factor/concurrent-answers", test_concurrent_answers);
  g_test_add_func ("/tl/abuse/second-factor/guessing-budget", test_guessing_budget);
  g_test_add_func ("/tl/abuse/replay/totp-race", test_totp_race);
  g_test_add_func ("/tl/abuse/replay/challenge-response", test_challenge_replay);
  g_test_add_func ("/tl/abuse/replay/dsc-response", test_dsc_replay);
  g_test_add_func ("/tl/abuse/replay/activation-race", test_activation_race);
  g_test_add_func ("/tl/abuse/replay/dead-tokens", test_dead_tokens);
  g_test_add_func ("/tl/abuse/replay/device-proofs", test_device_proof_replay);
  g_test_add_func ("/tl/abuse/other-users/ids", test_other_users);
  g_test_add_func ("/tl/abuse/other-users/login-ids", test_login_ids);
  g_test_add_func ("/tl/abuse/enumeration/unknown-like-known", test_unknown_like_known);
  g_test_add_func ("/tl/abuse/push/client-name", test_push_client_name);

  status = g_test_run ();

  tl_test_server_free (server);
  g_free (ibkey_id);
  g_clear_pointer (&ibkey_secret, g_bytes_unref);
  return status;
}
