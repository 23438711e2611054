/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-crash"

#include "config.h"

#include <locale.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>

#include "tl-message.h"
#include "tl-srp.h"
#include "tl-test-server.h"

/* Crash safety of trading-authd: a stream of logins (and some logouts)
 * runs against it, and at a random moment it is killed with SIGKILL, as
 * a power cut or the OOM killer would. Then, before it starts again, its
 * database must pass PRAGMA integrity_check (opened read-only, as found);
 * after the restart every session the server reported as made (and not
 * since replaced or ended) must still work, and every session it
 * reported as logged out must stay dead. 50 rounds, each killed after
 * 20 to 900 ms. */

#define ROUNDS   50
#define WORKERS  6
#define USERS    40
#define PASSWORD "crash-password"

typedef struct
{
  char      *username;
  char      *live_token;    /* reported made, nothing since: must work */
  GPtrArray *dead_tokens;   /* reported logged out: must not work */
  gboolean   busy;
} User;

typedef struct _Stream Stream;

typedef struct
{
  Stream      *stream;
  User        *user;
  SoupMessage *msg;
  TlSrpClient *srp;
  char        *token;
  gboolean     idle;
} Worker;

struct _Stream
{
  TlTestServer *server;
  SoupSession  *session;
  User          users[USERS];
  guint         next_user;
  Worker        workers[WORKERS];
  gboolean      stopping;

  /* Figures for the report. */
  guint         made;
  guint         logged_out;
  guint         cut_short;
  guint         checked_live;
  guint         checked_dead;
};

static void worker_next (Worker *w);

static void
worker_stop (Worker *w)
{
  g_clear_object (&w->msg);
  g_clear_pointer (&w->srp, tl_srp_client_free);
  g_clear_pointer (&w->token, g_free);
  if (w->user != NULL)
    w->user->busy = FALSE;
  w->user = NULL;
  w->idle = TRUE;
}

/* The answer to the last request, or NULL when the server is gone (the
 * outcome of that request is then unknown). */
static JsonObject *
finish (Worker       *w,
        GAsyncResult *result,
        guint        *out_status)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  bytes = soup_session_send_and_read_finish (w->stream->session, result, &error);
  if (bytes == NULL)
    {
      w->stream->cut_short++;
      return NULL;
    }

  *out_status = soup_message_get_status (w->msg);
  return tl_message_parse_bytes (bytes, NULL);
}

static void
send_request (Worker              *w,
              const char          *path,
              const char          *body,
              const char          *bearer,
              GAsyncReadyCallback  callback)
{
  g_clear_object (&w->msg);
  w->msg = tl_test_server_new_message (w->stream->server, TL_MODE_PAPER, path, body, bearer);
  soup_session_send_and_read_async (w->stream->session, w->msg, G_PRIORITY_DEFAULT, NULL, callback, w);
}

static void
on_logout (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Worker *w = user_data;
  g_autoptr(JsonObject) answer = NULL;
  guint status = 0;

  answer = finish (w, result, &status);
  if (answer == NULL)
    {
      worker_stop (w);
      return;
    }

  g_assert_cmpuint (status, ==, 200);
  g_ptr_array_add (w->user->dead_tokens, g_steal_pointer (&w->token));
  w->stream->logged_out++;
  worker_next (w);
}

static void
on_verify (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Worker *w = user_data;
  g_autoptr(JsonObject) answer = NULL;
  JsonObject *session;
  guint status = 0;

  answer = finish (w, result, &status);
  if (answer == NULL)
    {
      worker_stop (w);
      return;
    }

  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (answer, "next"), ==, "session");
  session = json_object_get_object_member (answer, "session");
  g_assert_nonnull (session);

  /* Reported made: from here on it must survive any crash. */
  g_free (w->user->live_token);
  w->user->live_token = g_strdup (json_object_get_string_member (session, "token"));
  w->stream->made++;

  /* Every third session is ended again at once. */
  if (w->stream->made % 3 == 0 && !w->stream->stopping)
    {
      w->token = g_steal_pointer (&w->user->live_token);
      send_request (w, "v1/session/logout", "{}", w->token, on_logout);
      return;
    }

  worker_next (w);
}

static char *
b64 (GBytes *bytes)
{
  return g_base64_encode (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

static void
on_start (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Worker *w = user_data;
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(GBytes) salt = NULL;
  g_autoptr(GBytes) B = NULL;
  g_autoptr(GBytes) A = NULL;
  g_autoptr(GBytes) M1 = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *a64 = NULL;
  g_autofree char *m64 = NULL;
  g_autofree char *body = NULL;
  JsonObject *srp;
  guint status = 0;

  answer = finish (w, result, &status);
  if (answer == NULL || w->stream->stopping)
    {
      worker_stop (w);
      return;
    }

  g_assert_cmpuint (status, ==, 200);
  srp = json_object_get_object_member (answer, "srp");
  salt = tl_message_get_base64 (srp, "salt", 64, &error);
  g_assert_no_error (error);
  B = tl_message_get_base64 (srp, "B", 384, &error);
  g_assert_no_error (error);
  g_clear_pointer (&w->srp, tl_srp_client_free);
  w->srp = tl_srp_client_new (TL_SRP_GROUP_3072, TL_SRP_HASH_SHA256, w->user->username, PASSWORD, salt, B, &error);
  g_assert_no_error (error);
  A = tl_srp_client_get_A (w->srp);
  M1 = tl_srp_client_get_M1 (w->srp);
  a64 = b64 (A);
  m64 = b64 (M1);

  body = g_strdup_printf ("{\"login_id\": \"%s\", \"A\": \"%s\", \"M1\": \"%s\"}",
                          json_object_get_string_member (answer, "login_id"), a64, m64);
  send_request (w, "v1/login/verify", body, NULL, on_verify);
}

/* The next login, for a user nobody else is logging in right now. */
static void
worker_next (Worker *w)
{
  Stream *s = w->stream;
  g_autofree char *body = NULL;

  if (w->user != NULL)
    w->user->busy = FALSE;
  w->user = NULL;

  if (s->stopping)
    {
      worker_stop (w);
      return;
    }

  do
    w->user = &s->users[s->next_user++ % USERS];
  while (w->user->busy);
  w->user->busy = TRUE;

  /* The new session will end the old one: from now on the old token's
   * fate is unknown. */
  g_clear_pointer (&w->user->live_token, g_free);

  body = g_strdup_printf ("{\"username\": \"%s\", \"client\": {\"name\": \"test-crash\", \"version\": \"1\"}}",
                          w->user->username);
  send_request (w, "v1/login/start", body, NULL, on_start);
}

static void
check_integrity (const char *path,
                 guint       round)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  g_autoptr(GString) result = g_string_new (NULL);
  int rc;

  rc = sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL);
  if (rc != SQLITE_OK)
    g_error ("round %u: cannot open %s read-only: %s", round, path, sqlite3_errmsg (db));

  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL), ==, SQLITE_OK);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_string_append_printf (result, "%s%s", result->len > 0 ? "; " : "",
                            (const char *) sqlite3_column_text (stmt, 0));
  if (rc != SQLITE_DONE)
    g_error ("round %u: integrity_check failed to run: %s", round, sqlite3_errmsg (db));
  sqlite3_finalize (stmt);

  if (!g_str_equal (result->str, "ok"))
    g_error ("round %u: PRAGMA integrity_check: %s", round, result->str);

  /* And the references between tables hold. */
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA foreign_key_check", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);

  sqlite3_close (db);
}

static guint
session_status (Stream     *s,
                const char *token)
{
  g_autoptr(JsonObject) body = NULL;
  guint status = 0;

  body = tl_test_server_send_json (s->server, TL_MODE_PAPER, "v1/session", NULL, token, &status);
  return status;
}

static gboolean
all_idle (Stream *s)
{
  for (guint i = 0; i < WORKERS; i++)
    if (!s->workers[i].idle)
      return FALSE;
  return TRUE;
}

static void
test_kill_during_logins (void)
{
  Stream s = { 0 };
  g_autofree char *db_path = NULL;
  gint64 started = g_get_monotonic_time ();

  s.server = tl_test_server_new_with_args ("--start-burst", "100000", NULL);
  db_path = g_build_filename (tl_test_server_get_data_dir (s.server), "authd.sqlite3", NULL);
  g_assert_true (g_file_test (db_path, G_FILE_TEST_EXISTS));

  for (guint i = 0; i < USERS; i++)
    {
      s.users[i].username = g_strdup_printf ("crash%u", i);
      s.users[i].dead_tokens = g_ptr_array_new_with_free_func (g_free);
      g_free (tl_test_server_admin (s.server, PASSWORD "\n", "user", "add", s.users[i].username,
                                    "--mode", "paper", "--password-stdin", NULL));
    }

  for (guint round = 0; round < ROUNDS; round++)
    {
      guint kill_after_ms = (guint) g_random_int_range (20, 900);
      gint64 kill_at;

      s.session = tl_test_server_new_soup_session (s.server);
      s.stopping = FALSE;
      for (guint i = 0; i < WORKERS; i++)
        {
          s.workers[i].stream = &s;
          s.workers[i].idle = FALSE;
          worker_next (&s.workers[i]);
        }

      /* Logins run until the kill. */
      kill_at = g_get_monotonic_time () + kill_after_ms * 1000;
      while (g_get_monotonic_time () < kill_at)
        {
          g_main_context_iteration (NULL, FALSE);
          g_usleep (500);
        }
      tl_test_server_kill (s.server, SIGKILL);

      /* What was on its way fails; nothing new is started. */
      s.stopping = TRUE;
      while (!all_idle (&s))
        g_main_context_iteration (NULL, TRUE);
      g_clear_object (&s.session);

      check_integrity (db_path, round);
      tl_test_server_restart (s.server);

      for (guint i = 0; i < USERS; i++)
        {
          User *u = &s.users[i];

          if (u->live_token != NULL)
            {
              if (session_status (&s, u->live_token) != 200)
                g_error ("round %u: the session of %s, reported made, is gone after the crash",
                         round, u->username);
              s.checked_live++;
            }
          for (guint j = 0; j < u->dead_tokens->len; j++)
            {
              if (session_status (&s, u->dead_tokens->pdata[j]) != 401)
                g_error ("round %u: a session of %s, reported logged out, works again after the crash",
                         round, u->username);
              s.checked_dead++;
            }
          /* Checked dead after a crash: enough; keep the rounds short. */
          g_ptr_array_set_size (u->dead_tokens, 0);
        }
    }

  g_test_message ("%u kills in %.0f s: %u sessions made, %u logged out, %u requests cut short; "
                  "%u checks of live sessions and %u of ended ones, all as reported",
                  ROUNDS, (g_get_monotonic_time () - started) / 1e6, s.made, s.logged_out, s.cut_short,
                  s.checked_live, s.checked_dead);
  g_assert_cmpuint (s.made, >, ROUNDS);

  for (guint i = 0; i < USERS; i++)
    {
      g_free (s.users[i].username);
      g_free (s.users[i].live_token);
      g_ptr_array_unref (s.users[i].dead_tokens);
    }
  tl_test_server_free (s.server);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/tl/crash/kill-during-logins", test_kill_during_logins);

  return g_test_run ();
}
