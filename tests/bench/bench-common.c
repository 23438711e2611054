/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bench-common"

#include "config.h"

#include <string.h>

#include "bench-common.h"
#include "tl-server-profile.h"

JsonObject *
bench_read_json (const char *path)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonNode *root;

  if (!json_parser_load_from_file (parser, path, &error))
    g_error ("Cannot read %s: %s", path, error->message);

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    g_error ("%s is not a JSON object", path);

  return json_object_ref (json_node_get_object (root));
}

JsonObject *
bench_demo_user (JsonObject *demo,
                 const char *mode)
{
  JsonArray *users = json_object_get_array_member (demo, "users");

  for (guint i = 0; i < json_array_get_length (users); i++)
    {
      JsonObject *user = json_array_get_object_element (users, i);

      if (g_strcmp0 (json_object_get_string_member (user, "mode"), mode) == 0)
        return user;
    }

  g_error ("No %s user in the demo data", mode);
}

JsonObject *
bench_user_device (JsonObject *user,
                   const char *kind)
{
  JsonArray *devices = json_object_get_array_member (user, "devices");

  for (guint i = 0; i < json_array_get_length (devices); i++)
    {
      JsonObject *device = json_array_get_object_element (devices, i);

      if (g_strcmp0 (json_object_get_string_member (device, "kind"), kind) == 0)
        return device;
    }

  return NULL;
}

const char *
bench_demo_base_url (JsonObject *demo,
                     const char *mode)
{
  return json_object_get_string_member (json_object_get_object_member (demo, "base_urls"), mode);
}

SoupSession *
bench_session_new (const char *pin,
                   guint       max_connections)
{
  SoupSession *session = soup_session_new_with_options ("max-conns", (int) max_connections + 2,
                                                        "max-conns-per-host", (int) max_connections,
                                                        "timeout", 60,
                                                        NULL);

  /* As libtlauth does for a pinned profile: no CA database, so the pin
   * alone decides. (libsoup 3.2 applies this only after building each
   * connection on the default database: see bench-tls-database.h.) */
  soup_session_set_tls_database (session, NULL);
  g_object_set_data_full (G_OBJECT (session), "bench-pin", g_strdup (pin), g_free);
  return session;
}

static gboolean
accept_certificate_cb (SoupMessage          *message,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors,
                       const char           *pin)
{
  g_autofree char *seen = tl_certificate_sha256 (certificate);

  return g_ascii_strcasecmp (seen, pin) == 0;
}

static void
sent_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  SoupMessage *message = g_task_get_task_data (task);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  gsize length;
  const char *data;

  bytes = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  if (bytes == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  data = g_bytes_get_data (bytes, &length);
  if (!json_parser_load_from_data (parser, data, (gssize) length, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                               "HTTP %u without a JSON object", soup_message_get_status (message));
      return;
    }

  g_task_return_pointer (task, json_object_ref (json_node_get_object (root)),
                         (GDestroyNotify) json_object_unref);
}

void
bench_post_async (SoupSession        *session,
                  const char         *url,
                  JsonObject         *body,
                  GAsyncReadyCallback callback,
                  gpointer            user_data)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(SoupMessage) message = soup_message_new (SOUP_METHOD_POST, url);
  g_autoptr(GBytes) bytes = NULL;
  GTask *task;
  char *text;
  gsize length;

  g_assert (message != NULL);
  /* libsoup opens a new connection for every POST unless told that it
   * may reuse one: the bench is a client that keeps its connection. */
  soup_message_set_flags (message, SOUP_MESSAGE_IDEMPOTENT);
  json_node_take_object (node, body);
  text = json_to_string (node, FALSE);
  length = strlen (text);
  bytes = g_bytes_new_take (text, length);
  soup_message_set_request_body_from_bytes (message, "application/json", bytes);
  g_signal_connect (message, "accept-certificate", G_CALLBACK (accept_certificate_cb),
                    g_object_get_data (G_OBJECT (session), "bench-pin"));

  task = g_task_new (session, NULL, callback, user_data);
  g_task_set_source_tag (task, bench_post_async);
  g_task_set_task_data (task, g_object_ref (message), g_object_unref);
  soup_session_send_and_read_async (session, message, G_PRIORITY_DEFAULT, NULL, sent_cb, task);
}

JsonObject *
bench_post_finish (SoupSession  *session,
                   GAsyncResult *result,
                   guint        *status,
                   GError      **error)
{
  SoupMessage *message = g_task_get_task_data (G_TASK (result));

  if (status != NULL)
    *status = soup_message_get_status (message);

  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct
{
  gboolean      done;
  GAsyncResult *result;
} SyncData;

static void
sync_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  SyncData *data = user_data;

  data->result = g_object_ref (result);
  data->done = TRUE;
}

JsonObject *
bench_post (SoupSession *session,
            const char  *url,
            JsonObject  *body,
            guint       *status,
            GError     **error)
{
  SyncData data = { FALSE, NULL };
  JsonObject *answer;

  bench_post_async (session, url, body, sync_cb, &data);
  bench_wait_flag (&data.done, 60000, url);
  answer = bench_post_finish (session, data.result, status, error);
  g_object_unref (data.result);

  return answer;
}

void
bench_wait_flag (gboolean   *flag,
                 guint       timeout_ms,
                 const char *what)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!*flag)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out after %u ms waiting for %s", timeout_ms, what);
      g_main_context_iteration (NULL, TRUE);
    }
}

double
bench_now_ms (void)
{
  return g_get_monotonic_time () / 1000.0;
}

int
bench_compare_doubles (gconstpointer a,
                       gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

double
bench_median (GArray *values)
{
  g_autoptr(GArray) sorted = NULL;
  guint n = values->len;

  if (n == 0)
    return 0;

  sorted = g_array_copy (values);
  g_array_sort (sorted, bench_compare_doubles);

  if (n % 2 == 1)
    return g_array_index (sorted, double, n / 2);

  return (g_array_index (sorted, double, n / 2 - 1) + g_array_index (sorted, double, n / 2)) / 2;
}
