/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-authd-server"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "tl-authd-api.h"
#include "tl-authd-clock.h"
#include "tl-authd-idle.h"
#include "tl-authd-ratelimit.h"
#include "tl-authd-server.h"
#include "tl-message.h"

#define GC_INTERVAL_SECONDS 60

struct _TlAuthdServer
{
  GObject           parent_instance;

  TlAuthdDb        *db;
  TlAuthdConfig     config;
  SoupServer       *soup;
  GHashTable       *waiters;     /* key -> GList of Waiter */
  GHashTable       *devices_shown_requests;  /* device id set */
  TlAuthdRateLimit *start_limit;
  TlAuthdIdle      *idle;
  guint             gc_id;
};

G_DEFINE_FINAL_TYPE (TlAuthdServer, tl_authd_server, G_TYPE_OBJECT)

typedef struct
{
  TlAuthdServer   *server;
  char            *key;
  TlAuthdRequest  *req;
  TlAuthdWakeFunc  func;
  gpointer         data;
  GDestroyNotify   data_free;
  guint            timeout_id;
} Waiter;

typedef void (*Handler) (TlAuthdRequest *req);

static const struct
{
  const char *method;
  const char *path;
  Handler     handler;
} routes[] = {
  { "POST", "v1/login/start", tl_authd_api_login_start },
  { "POST", "v1/login/verify", tl_authd_api_login_verify },
  { "POST", "v1/login/second-factor", tl_authd_api_second_factor },
  { "POST", "v1/login/push/wait", tl_authd_api_push_wait },
  { "POST", "v1/login/challenge", tl_authd_api_challenge },
  { "POST", "v1/login/answer", tl_authd_api_answer },
  { "POST", "v1/login/resend", tl_authd_api_resend },
  { "POST", "v1/login/read-only", tl_authd_api_read_only },
  { "GET", "v1/session", tl_authd_api_session_get },
  { "POST", "v1/session/tickle", tl_authd_api_session_tickle },
  { "POST", "v1/session/logout", tl_authd_api_session_logout },
  { "POST", "v1/device/activate", tl_authd_api_device_activate },
  { "POST", "v1/device/pending", tl_authd_api_device_pending },
  { "POST", "v1/device/respond", tl_authd_api_device_respond },
};

static void
waiter_free (Waiter *waiter)
{
  g_clear_handle_id (&waiter->timeout_id, g_source_remove);
  if (waiter->data_free != NULL)
    waiter->data_free (waiter->data);
  g_clear_pointer (&waiter->req, tl_authd_request_unref);
  g_free (waiter->key);
  g_free (waiter);
}

static void
waiter_fire (Waiter   *waiter,
             gboolean  woken)
{
  g_clear_handle_id (&waiter->timeout_id, g_source_remove);
  waiter->func (waiter->req, woken, waiter->data);
  waiter_free (waiter);
}

static void
waiter_detach (Waiter *waiter)
{
  GList *list = g_hash_table_lookup (waiter->server->waiters, waiter->key);

  list = g_list_remove (list, waiter);
  if (list != NULL)
    g_hash_table_insert (waiter->server->waiters, g_strdup (waiter->key), list);
  else
    g_hash_table_remove (waiter->server->waiters, waiter->key);
}

static gboolean
on_waiter_timeout (gpointer user_data)
{
  Waiter *waiter = user_data;

  waiter->timeout_id = 0;
  waiter_detach (waiter);
  waiter_fire (waiter, FALSE);

  return G_SOURCE_REMOVE;
}

void
tl_authd_server_wait (TlAuthdServer   *self,
                      const char      *key,
                      TlAuthdRequest  *req,
                      guint            timeout_seconds,
                      TlAuthdWakeFunc  func,
                      gpointer         data,
                      GDestroyNotify   data_free)
{
  Waiter *waiter = g_new0 (Waiter, 1);
  GList *list;

  waiter->server = self;
  waiter->key = g_strdup (key);
  waiter->req = tl_authd_request_ref (req);
  waiter->func = func;
  waiter->data = data;
  waiter->data_free = data_free;
  waiter->timeout_id = g_timeout_add_seconds (MAX (timeout_seconds, 1), on_waiter_timeout, waiter);

  if (!req->paused)
    tl_authd_request_pause (req);

  list = g_hash_table_lookup (self->waiters, key);
  list = g_list_append (list, waiter);
  g_hash_table_insert (self->waiters, g_strdup (key), list);
}

void
tl_authd_server_wake (TlAuthdServer *self,
                      const char    *key)
{
  gpointer stolen_key = NULL;
  gpointer stolen_list = NULL;

  if (!g_hash_table_steal_extended (self->waiters, key, &stolen_key, &stolen_list))
    return;

  g_free (stolen_key);
  for (GList *l = stolen_list; l != NULL; l = l->next)
    waiter_fire (l->data, TRUE);
  g_list_free (stolen_list);
}

gboolean
tl_authd_server_allow_start (TlAuthdServer *self,
                             const char    *address,
                             gint64        *out_retry_after)
{
  return tl_authd_rate_limit_take (self->start_limit, address, out_retry_after);
}

static gboolean
collect_garbage (gpointer user_data)
{
  TlAuthdServer *self = user_data;
  g_autoptr(GError) error = NULL;
  gint64 now = tl_authd_clock_now ();

  /* Expired state is refused when it is read; this only keeps the
   * tables small. */
  if (!tl_authd_db_run (self->db, NULL, &error, "DELETE FROM logins WHERE expires_at <= ?", "i", now) ||
      !tl_authd_db_run (self->db, NULL, &error, "DELETE FROM pushes WHERE expires_at <= ?", "i", now) ||
      !tl_authd_db_run (self->db, NULL, &error, "DELETE FROM sessions WHERE expires_at <= ?", "i", now) ||
      !tl_authd_db_run (self->db, NULL, &error,
                        "DELETE FROM unknown_failures WHERE last_failure <= ? "
                        "AND (locked_until IS NULL OR locked_until <= ?)",
                        "ii", now - 24 * 60 * 60, now))
    g_warning ("Could not clean up expired records: %s", error->message);

  tl_authd_rate_limit_prune (self->start_limit);

  return G_SOURCE_CONTINUE;
}

static gboolean
content_type_is_json (SoupServerMessage *msg)
{
  const char *type = soup_message_headers_get_content_type (soup_server_message_get_request_headers (msg),
                                                            NULL);

  return type == NULL || g_ascii_strcasecmp (type, "application/json") == 0;
}

static void
on_request (SoupServer        *soup,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  TlAuthdServer *self = user_data;
  g_autoptr(TlAuthdRequest) req = NULL;
  g_autoptr(GError) error = NULL;
  const char *method = soup_server_message_get_method (msg);
  const char *rest = NULL;
  TlMode mode;
  gboolean path_known = FALSE;

  if (g_str_has_prefix (path, "/live/"))
    {
      mode = TL_MODE_LIVE;
      rest = path + strlen ("/live/");
    }
  else if (g_str_has_prefix (path, "/paper/"))
    {
      mode = TL_MODE_PAPER;
      rest = path + strlen ("/paper/");
    }
  else
    {
      mode = TL_MODE_LIVE;
    }

  req = tl_authd_request_new (self, msg, mode);

  for (guint i = 0; rest != NULL && i < G_N_ELEMENTS (routes); i++)
    {
      SoupMessageBody *body;
      g_autoptr(GBytes) bytes = NULL;

      if (!g_str_equal (rest, routes[i].path))
        continue;

      path_known = TRUE;
      if (!g_str_equal (method, routes[i].method))
        continue;

      if (g_str_equal (method, "POST"))
        {
          if (!content_type_is_json (msg))
            {
              g_set_error_literal (&error, TL_AUTH_ERROR, TL_AUTH_ERROR_BAD_REQUEST,
                                   _("Send the request as application/json."));
              tl_authd_request_reply_gerror (req, error);
              return;
            }

          body = soup_server_message_get_request_body (msg);
          bytes = soup_message_body_flatten (body);
          req->body = tl_message_parse_bytes (bytes, &error);
          if (req->body == NULL)
            {
              tl_authd_request_reply_gerror (req, error);
              return;
            }
        }

      routes[i].handler (req);
      return;
    }

  g_set_error_literal (&error, TL_AUTH_ERROR, TL_AUTH_ERROR_BAD_REQUEST,
                       path_known ? _("This endpoint does not take that method.")
                                  : _("There is no such endpoint. Check the server address."));
  tl_authd_request_reply_gerror (req, error);
  soup_server_message_set_status (msg, path_known ? SOUP_STATUS_METHOD_NOT_ALLOWED
                                                  : SOUP_STATUS_NOT_FOUND, NULL);
}

/* Refuses a body over the limit from its Content-Length, before it is
 * read. A chunked body is counted as it arrives (see got_chunk). */
static void
on_got_chunk (SoupServerMessage *msg,
              GBytes            *chunk,
              gpointer           user_data)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);

  if (body->length > TL_MESSAGE_MAX_BODY)
    {
      /* Stop accumulating; the handler sees an empty body and the
       * status already set. */
      soup_message_body_set_accumulate (body, FALSE);
      g_object_set_data (G_OBJECT (msg), "tl-too-large", GINT_TO_POINTER (1));
    }
}

static void
reply_too_large (SoupServerMessage *msg)
{
  g_autoptr(JsonBuilder) builder = tl_message_error_builder (tl_auth_error_to_code (TL_AUTH_ERROR_TOO_LARGE),
                                                            tl_auth_error_message (TL_AUTH_ERROR_TOO_LARGE));
  g_autoptr(GBytes) body = tl_message_builder_end (builder);
  gsize length;
  const char *data = g_bytes_get_data (body, &length);

  soup_server_message_set_status (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, data, length);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
}

static void
on_early_request (SoupServer        *soup,
                  SoupServerMessage *msg,
                  const char        *path,
                  GHashTable        *query,
                  gpointer           user_data)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      soup_message_headers_get_content_length (headers) > TL_MESSAGE_MAX_BODY)
    {
      reply_too_large (msg);
      return;
    }

  g_signal_connect (msg, "got-chunk", G_CALLBACK (on_got_chunk), NULL);
}

static void
on_request_checked (SoupServer        *soup,
                    SoupServerMessage *msg,
                    const char        *path,
                    GHashTable        *query,
                    gpointer           user_data)
{
  if (g_object_get_data (G_OBJECT (msg), "tl-too-large") != NULL)
    {
      reply_too_large (msg);
      return;
    }

  on_request (soup, msg, path, query, user_data);
}

static void
tl_authd_server_dispose (GObject *object)
{
  TlAuthdServer *self = TL_AUTHD_SERVER (object);

  tl_authd_server_shutdown (self);
  tl_authd_server_disconnect (self);
  g_clear_handle_id (&self->gc_id, g_source_remove);
  g_clear_pointer (&self->idle, tl_authd_idle_free);
  g_clear_object (&self->soup);

  G_OBJECT_CLASS (tl_authd_server_parent_class)->dispose (object);
}

static void
tl_authd_server_finalize (GObject *object)
{
  TlAuthdServer *self = TL_AUTHD_SERVER (object);

  g_clear_pointer (&self->waiters, g_hash_table_unref);
  g_clear_pointer (&self->devices_shown_requests, g_hash_table_unref);
  g_clear_pointer (&self->start_limit, tl_authd_rate_limit_free);
  g_free (self->config.sms_command);
  g_free (self->config.sms_log);

  G_OBJECT_CLASS (tl_authd_server_parent_class)->finalize (object);
}

static void
tl_authd_server_class_init (TlAuthdServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tl_authd_server_dispose;
  object_class->finalize = tl_authd_server_finalize;
}

static void
tl_authd_server_init (TlAuthdServer *self)
{
  self->waiters = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->devices_shown_requests = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

TlAuthdServer *
tl_authd_server_new (TlAuthdDb           *db,
                     GTlsCertificate     *certificate,
                     const TlAuthdConfig *config)
{
  TlAuthdServer *self = g_object_new (TL_TYPE_AUTHD_SERVER, NULL);

  self->db = db;
  self->config = *config;
  self->config.sms_command = g_strdup (config->sms_command);
  self->config.sms_log = g_strdup (config->sms_log);
  self->start_limit = tl_authd_rate_limit_new (config->start_burst, config->start_rate);

  self->soup = soup_server_new ("tls-certificate", certificate,
                                "server-header", "trading-authd/" PACKAGE_VERSION,
                                NULL);
  soup_server_add_early_handler (self->soup, NULL, on_early_request, self, NULL);
  soup_server_add_handler (self->soup, NULL, on_request_checked, self, NULL);
  self->idle = tl_authd_idle_new (self->soup, config->idle_seconds > 0 ? config->idle_seconds
                                                                       : TL_AUTHD_IDLE_SECONDS);

  self->gc_id = g_timeout_add_seconds (GC_INTERVAL_SECONDS, collect_garbage, self);

  return self;
}

gboolean
tl_authd_server_listen (TlAuthdServer  *self,
                        const char     *address,
                        guint           port,
                        GError        **error)
{
  g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (address);
  g_autoptr(GSocketAddress) socket_address = NULL;

  if (inet == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not an IP address. Listen on an address such as 127.0.0.1 or ::1."),
                   address);
      return FALSE;
    }

  socket_address = g_inet_socket_address_new (inet, (guint16) port);
  return soup_server_listen (self->soup, socket_address, SOUP_SERVER_LISTEN_HTTPS, error);
}

/* The bound address, from the listening socket itself (libsoup 3.2's
 * soup_server_get_uris() leaks one GSocketAddress per call). */
static GInetSocketAddress *
get_bound_address (TlAuthdServer *self)
{
  GSList *listeners = soup_server_get_listeners (self->soup);
  GSocketAddress *address;

  if (listeners == NULL)
    return NULL;

  address = g_socket_get_local_address (listeners->data, NULL);
  g_slist_free (listeners);

  return address != NULL ? G_INET_SOCKET_ADDRESS (address) : NULL;
}

char *
tl_authd_server_dup_url (TlAuthdServer *self)
{
  g_autoptr(GInetSocketAddress) address = get_bound_address (self);
  g_autofree char *host = NULL;
  GInetAddress *inet;

  if (address == NULL)
    return NULL;

  inet = g_inet_socket_address_get_address (address);
  host = g_inet_address_to_string (inet);

  return g_strdup_printf (g_inet_address_get_family (inet) == G_SOCKET_FAMILY_IPV6
                          ? "https://[%s]:%u/" : "https://%s:%u/",
                          host, g_inet_socket_address_get_port (address));
}

guint
tl_authd_server_get_port (TlAuthdServer *self)
{
  g_autoptr(GInetSocketAddress) address = get_bound_address (self);

  return address != NULL ? g_inet_socket_address_get_port (address) : 0;
}

void
tl_authd_server_shutdown (TlAuthdServer *self)
{
  GHashTableIter iter;
  gpointer key;
  GList *list;
  g_autoptr(GPtrArray) all = g_ptr_array_new ();

  if (self->waiters == NULL)
    return;

  /* Every long poll gets its timeout answer ("pending") now; the caller
   * lets the main loop run a moment so the answers go out. */
  g_hash_table_iter_init (&iter, self->waiters);
  while (g_hash_table_iter_next (&iter, &key, (gpointer *) &list))
    {
      for (GList *l = list; l != NULL; l = l->next)
        g_ptr_array_add (all, l->data);
      g_list_free (list);
      g_hash_table_iter_steal (&iter);
      g_free (key);
    }

  for (guint i = 0; i < all->len; i++)
    waiter_fire (all->pdata[i], FALSE);
}

void
tl_authd_server_disconnect (TlAuthdServer *self)
{
  if (self->soup != NULL)
    soup_server_disconnect (self->soup);
}

TlAuthdDb *
tl_authd_server_get_db (TlAuthdServer *self)
{
  return self->db;
}

GHashTable *
tl_authd_server_get_devices_shown_requests (TlAuthdServer *self)
{
  return self->devices_shown_requests;
}

const TlAuthdConfig *
tl_authd_server_get_config (TlAuthdServer *self)
{
  return &self->config;
}
