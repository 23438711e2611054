/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bench-push"

#include "config.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdlib.h>
#include <string.h>

#include "bench-common.h"
#include "bench-tls-database.h"
#include "tl-auth-client.h"

/* Push latency: how long after the authenticator sends its decision
 * (v1/device/respond) the waiting client (TlAuthClient, long-polling
 * v1/login/push/wait) is logged in.
 *
 *   bench-push DEMO_JSON MODE ROUNDS
 *
 * Plays both parts in one process, on separate connections as a phone
 * and a desktop would: activates the demo user's ibkey device, then per
 * round logs in, picks the push, lets the client's long poll reach the
 * server, approves, and times the rest. Prints one JSON object.
 *
 * The authenticator's side connects without parsing the system CA
 * bundle (bench_tls_database_install): glib-networking 2.74 parses it
 * for every new connection, tens of milliseconds that belong to the
 * phone's TLS stack, not to the push path measured here. */

#define PARK_MS 150

typedef struct
{
  SoupSession *device_session;
  char        *base_url;
  char        *device_id;
  GBytes      *secret;
} Device;

static char *
proof (Device     *device,
       const char *action,
       const char *push_id,
       gint64      time)
{
  g_autofree char *text = g_strdup_printf ("%s:%s:%s:%" G_GINT64_FORMAT, action, device->device_id,
                                           push_id != NULL ? push_id : "", time);
  guint8 mac[EVP_MAX_MD_SIZE];
  unsigned int mac_length = 0;
  gsize key_length;
  const guint8 *key = g_bytes_get_data (device->secret, &key_length);

  if (HMAC (EVP_sha256 (), key, (int) key_length, (const guint8 *) text, strlen (text),
            mac, &mac_length) == NULL)
    g_error ("HMAC failed");

  return g_base64_encode (mac, mac_length);
}

static JsonObject *
signed_body (Device     *device,
             const char *action,
             const char *push_id)
{
  JsonObject *body = json_object_new ();
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *signature = proof (device, action, push_id, now);

  json_object_set_string_member (body, "device_id", device->device_id);
  if (push_id != NULL)
    json_object_set_string_member (body, "push_id", push_id);
  json_object_set_int_member (body, "time", now);
  json_object_set_string_member (body, "proof", signature);

  return body;
}

static char *
url (Device     *device,
     const char *path)
{
  return g_strconcat (device->base_url, path, NULL);
}

static void
activate (Device     *device,
          JsonObject *user,
          JsonObject *ibkey)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) answer = NULL;
  g_autofree char *path = url (device, "v1/device/activate");
  JsonObject *body = json_object_new ();
  gsize length;
  guchar *secret;
  guint status;

  json_object_set_string_member (body, "username", json_object_get_string_member (user, "username"));
  json_object_set_string_member (body, "activation_code", json_object_get_string_member (ibkey, "activation_code"));
  json_object_set_string_member (body, "name", "bench-push");
  answer = bench_post (device->device_session, path, body, &status, &error);
  if (answer == NULL || status != 200)
    g_error ("activate: HTTP %u %s", status, error != NULL ? error->message : "");

  device->device_id = g_strdup (json_object_get_string_member (answer, "device_id"));
  secret = g_base64_decode (json_object_get_string_member (answer, "secret"), &length);
  device->secret = g_bytes_new_take (secret, length);
}

/* The push_id of the pending request for @username. */
static char *
pending_push (Device     *device,
              const char *username)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) answer = NULL;
  g_autofree char *path = url (device, "v1/device/pending");
  JsonArray *requests;
  guint status;

  answer = bench_post (device->device_session, path, signed_body (device, "pending", NULL), &status, &error);
  if (answer == NULL || status != 200)
    g_error ("pending: HTTP %u %s", status, error != NULL ? error->message : "");

  requests = json_object_get_array_member (answer, "requests");
  for (guint i = 0; requests != NULL && i < json_array_get_length (requests); i++)
    {
      JsonObject *request = json_array_get_object_element (requests, i);

      if (g_strcmp0 (json_object_get_string_member (request, "username"), username) == 0)
        return g_strdup (json_object_get_string_member (request, "push_id"));
    }

  g_error ("No pending push for %s", username);
}

typedef struct
{
  gboolean      done;
  GAsyncResult *result;
} Wait;

static void
done_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Wait *wait = user_data;

  wait->result = g_object_ref (result);
  wait->done = TRUE;
}

typedef struct
{
  gboolean seen;
  double   seen_ms;
} Seen;

static void
state_cb (TlAuthClient *client,
          GParamSpec   *pspec,
          Seen         *seen)
{
  if (tl_auth_client_get_state (client) == TL_AUTH_STATE_LOGGED_IN && !seen->seen)
    {
      seen->seen_ms = bench_now_ms ();
      seen->seen = TRUE;
    }
}

static void
check (gboolean     ok,
       GError      *error,
       const char  *what)
{
  if (!ok)
    g_error ("%s: %s", what, error != NULL ? error->message : "failed");
}

/* One login up to approval; returns the latency in ms, and the time the
 * respond call itself took in @respond_ms. */
static double
one_round (TlAuthClient *client,
           Device       *device,
           const char   *username,
           const char   *password,
           const char   *ibkey_id,
           double       *respond_ms)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *push_id = NULL;
  g_autofree char *respond_url = url (device, "v1/device/respond");
  g_autoptr(JsonObject) answer = NULL;
  Wait wait = { FALSE, NULL };
  Seen seen = { FALSE, 0 };
  JsonObject *body;
  gulong handler;
  double sent_ms;
  guint status;

  tl_auth_client_login_async (client, username, password, NULL, done_cb, &wait);
  bench_wait_flag (&wait.done, 30000, "login");
  check (tl_auth_client_login_finish (client, wait.result, &error), error, "login");
  g_clear_object (&wait.result);

  if (tl_auth_client_get_state (client) == TL_AUTH_STATE_EXISTING_SESSION)
    {
      wait.done = FALSE;
      tl_auth_client_continue_async (client, NULL, done_cb, &wait);
      bench_wait_flag (&wait.done, 30000, "continue");
      check (tl_auth_client_continue_finish (client, wait.result, &error), error, "continue");
      g_clear_object (&wait.result);
    }

  if (tl_auth_client_get_state (client) != TL_AUTH_STATE_WAITING_PUSH)
    {
      wait.done = FALSE;
      tl_auth_client_select_device_async (client, ibkey_id, NULL, done_cb, &wait);
      bench_wait_flag (&wait.done, 30000, "select device");
      check (tl_auth_client_select_device_finish (client, wait.result, &error), error, "select device");
      g_clear_object (&wait.result);
    }

  if (tl_auth_client_get_state (client) != TL_AUTH_STATE_WAITING_PUSH)
    g_error ("Expected WAITING_PUSH, state %d", tl_auth_client_get_state (client));

  push_id = pending_push (device, username);

  /* Let the client's long poll reach the server and park there: the
   * figure is the wake-up, not a poll that happens to arrive late. */
  {
    double until = bench_now_ms () + PARK_MS;

    while (bench_now_ms () < until)
      {
        g_main_context_iteration (NULL, FALSE);
        g_usleep (1000);
      }
  }

  handler = g_signal_connect (client, "notify::state", G_CALLBACK (state_cb), &seen);
  body = signed_body (device, "respond", push_id);
  json_object_set_string_member (body, "decision", "approve");

  sent_ms = bench_now_ms ();
  answer = bench_post (device->device_session, respond_url, body, &status, &error);
  *respond_ms = bench_now_ms () - sent_ms;
  if (answer == NULL || status != 200)
    g_error ("respond: HTTP %u %s", status, error != NULL ? error->message : "");

  while (!seen.seen)
    {
      if (bench_now_ms () - sent_ms > 30000)
        g_error ("The client never saw the approval (state %d)", tl_auth_client_get_state (client));
      g_main_context_iteration (NULL, TRUE);
    }
  g_signal_handler_disconnect (client, handler);

  /* Clean for the next round: no other session to replace. */
  wait.done = FALSE;
  tl_auth_client_logout_async (client, NULL, done_cb, &wait);
  bench_wait_flag (&wait.done, 30000, "logout");
  check (tl_auth_client_logout_finish (client, wait.result, &error), error, "logout");
  g_clear_object (&wait.result);

  return seen.seen_ms - sent_ms;
}

static void
print_array (const char *name,
             GArray     *values)
{
  g_print ("\"%s\": [", name);
  for (guint i = 0; i < values->len; i++)
    g_print ("%s%.3f", i > 0 ? ", " : "", g_array_index (values, double, i));
  g_print ("]");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(JsonObject) demo = NULL;
  g_autoptr(TlServerProfile) profile = NULL;
  g_autoptr(TlAuthClient) client = NULL;
  g_autoptr(GArray) latencies = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) responds = g_array_new (FALSE, FALSE, sizeof (double));
  Device device = { 0 };
  JsonObject *user, *ibkey;
  const char *pin;
  TlMode mode;
  int rounds;

  if (argc != 4 || !tl_mode_from_string (argv[2], &mode))
    {
      g_printerr ("Usage: bench-push DEMO_JSON live|paper ROUNDS\n");
      return 2;
    }
  rounds = MAX (1, atoi (argv[3]));

  bench_tls_database_install ();
  demo = bench_read_json (argv[1]);
  user = bench_demo_user (demo, argv[2]);
  ibkey = bench_user_device (user, "ibkey");
  if (ibkey == NULL)
    g_error ("The demo user has no ibkey device");
  pin = json_object_get_string_member (demo, "cert_sha256");

  device.base_url = g_strdup (bench_demo_base_url (demo, argv[2]));
  device.device_session = bench_session_new (pin, 2);
  activate (&device, user, ibkey);

  profile = tl_server_profile_new (mode, device.base_url, pin);
  client = tl_auth_client_new (profile);
  tl_auth_client_set_client_name (client, "bench-push");

  /* One round to warm up the connections, not counted. */
  for (int i = 0; i <= rounds; i++)
    {
      double respond_ms;
      double latency = one_round (client, &device,
                                  json_object_get_string_member (user, "username"),
                                  json_object_get_string_member (user, "password"),
                                  json_object_get_string_member (ibkey, "id"),
                                  &respond_ms);

      if (i == 0)
        continue;
      g_array_append_val (latencies, latency);
      g_array_append_val (responds, respond_ms);
    }

  g_print ("{");
  print_array ("latency_ms", latencies);
  g_print (", ");
  print_array ("respond_rtt_ms", responds);
  g_print (", \"median_ms\": %.3f}\n", bench_median (latencies));

  g_object_unref (device.device_session);
  g_bytes_unref (device.secret);
  g_free (device.device_id);
  g_free (device.base_url);

  return 0;
}
