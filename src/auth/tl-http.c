/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-http"

#include "config.h"

#include <glib/gi18n.h>
#include <gmodule.h>
#include <string.h>

#include "tl-auth-error.h"
#include "tl-http.h"
#include "tl-message.h"
#include "tl-pin-database.h"
#include "tl-worker.h"

/* Above the longest request, so libsoup's own I/O timeout never cuts a
 * long poll short; our timers below decide. */
#define SESSION_IO_TIMEOUT   (TL_HTTP_LONG_POLL_TIMEOUT + 5)
#define SESSION_IDLE_TIMEOUT 60
#define READ_CHUNK           16384

typedef struct
{
  SoupMessage  *msg;
  char         *host;
  char         *pin;
  GDateTime    *rejected_expiry;
  guint         timeout_seconds;

  GCancellable *cancellable;
  GCancellable *parent;
  GCancellable *scope;
  gulong        parent_handler;
  gulong        scope_handler;

  GSource      *timeout_source;
  GSource      *connect_source;
  gboolean      timed_out;
  gboolean      connect_timed_out;

  char         *rejected_fingerprint;

  GInputStream *stream;
  GByteArray   *body;
} Request;

typedef struct
{
  guint       status;
  JsonObject *body;
  GError     *parse_error;
} Response;

static void
response_free (Response *response)
{
  g_clear_pointer (&response->body, json_object_unref);
  g_clear_error (&response->parse_error);
  g_free (response);
}

static void
clear_source (GSource **source)
{
  if (*source != NULL)
    {
      g_source_destroy (*source);
      g_clear_pointer (source, g_source_unref);
    }
}

static void
request_free (Request *request)
{
  clear_source (&request->timeout_source);
  clear_source (&request->connect_source);

  if (request->parent_handler != 0)
    g_cancellable_disconnect (request->parent, request->parent_handler);
  if (request->scope_handler != 0)
    g_cancellable_disconnect (request->scope, request->scope_handler);
  g_clear_object (&request->parent);
  g_clear_object (&request->scope);

  if (request->msg != NULL)
    g_signal_handlers_disconnect_by_data (request->msg, request);
  g_clear_object (&request->msg);
  g_clear_object (&request->stream);
  g_clear_object (&request->cancellable);
  g_clear_pointer (&request->body, g_byte_array_unref);
  g_free (request->host);
  g_free (request->pin);
  g_clear_pointer (&request->rejected_expiry, g_date_time_unref);
  g_free (request->rejected_fingerprint);
  g_free (request);
}

/* Set once g_tls_backend_get_default() has returned in this process. */
static gint tls_backend_loaded;

static GTlsBackend *
tls_backend (void)
{
  GTlsBackend *backend = g_tls_backend_get_default ();

  g_atomic_int_set (&tls_backend_loaded, TRUE);
  return backend;
}

/* glib-networking before 2.80 builds a GnuTLS trust list from the
 * system's CA bundle for every new connection (about 20 ms of CPU), and
 * libsoup 3.2 creates each connection on the backend's default database
 * before it applies the session's. Pinned profiles need no CA at all, so
 * once one is used the process default becomes a database that trusts
 * nothing and parses nothing. Returns (transfer full). */
static GTlsDatabase *
pin_database (void)
{
  static GTlsDatabase *database;

  if (g_once_init_enter (&database))
    {
      GTlsDatabase *created = tl_pin_database_new ();

      g_tls_backend_set_default_database (tls_backend (), created);
      g_once_init_leave (&database, created);
    }

  return g_object_ref (database);
}

/* The backend's own system database, even after pin_database() replaced
 * the process default: unpinned profiles are verified against the
 * system's CAs by GnuTLS, as before. Returns (transfer full) (nullable). */
static GTlsDatabase *
system_database (void)
{
  GTlsBackend *backend = tls_backend ();
  GTlsBackendInterface *iface = G_TLS_BACKEND_GET_INTERFACE (backend);

  if (iface->get_default_database == NULL)
    return NULL;

  return iface->get_default_database (backend);
}

/* A proxy would reach its own loopback, never ours (GNOME's default
 * proxy settings ignore these hosts too). */
static gboolean
is_loopback (TlServerProfile *profile)
{
  g_autoptr(GUri) uri = g_uri_parse (tl_server_profile_get_base_url (profile), G_URI_FLAGS_NONE, NULL);
  g_autoptr(GInetAddress) address = NULL;
  const char *host;

  if (uri == NULL || (host = g_uri_get_host (uri)) == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;

  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

SoupSession *
tl_http_session_new (TlServerProfile *profile)
{
  g_autofree char *user_agent = g_strdup_printf ("%s/%s", PACKAGE_NAME, PACKAGE_VERSION);
  SoupSession *session;

  session = soup_session_new_with_options ("timeout", SESSION_IO_TIMEOUT,
                                           "idle-timeout", SESSION_IDLE_TIMEOUT,
                                           "user-agent", user_agent,
                                           "max-conns-per-host", 4,
                                           NULL);

  /* Looking up the system's proxy settings loads GIO's proxy modules and
   * libproxy: tens of milliseconds of a command-line login, for nothing
   * when the server is on this machine. */
  if (is_loopback (profile))
    soup_session_set_proxy_resolver (session, NULL);

  /* The trust database waits for the first connection: it needs the TLS
   * backend, which tl_http_preconnect() loads in a thread. */
  return session;
}

static G_DEFINE_QUARK (tl-http-trust-applied, trust_applied)

void
tl_http_session_abort (SoupSession *session)
{
  if (session != NULL)
    soup_session_abort (session);
}

void
tl_http_session_apply_trust (SoupSession     *session,
                             TlServerProfile *profile)
{
  g_autoptr(GTlsDatabase) database = NULL;

  g_return_if_fail (SOUP_IS_SESSION (session));
  g_return_if_fail (TL_IS_SERVER_PROFILE (profile));

  if (g_object_get_qdata (G_OBJECT (session), trust_applied_quark ()) != NULL)
    return;

  /* With the pin database every certificate fails validation, so each
   * one reaches our accept-certificate handler and the pin alone decides:
   * a CA-signed certificate that is not the pinned one is refused too. */
  if (tl_server_profile_get_pin_sha256 (profile) != NULL)
    database = pin_database ();
  else
    database = system_database ();
  soup_session_set_tls_database (session, database);
  g_object_set_qdata (G_OBJECT (session), trust_applied_quark (), GINT_TO_POINTER (TRUE));
}

char *
tl_http_format_fingerprint (const char *hex)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (gsize i = 0; hex != NULL && hex[i] != '\0'; i += 2)
    {
      if (i > 0)
        g_string_append_c (text, ':');
      g_string_append_len (text, hex + i, hex[i + 1] != '\0' ? 2 : 1);
      if (hex[i + 1] == '\0')
        break;
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
on_parent_cancelled (GCancellable *parent,
                     GCancellable *own)
{
  g_cancellable_cancel (own);
}

static gboolean
on_timeout (gpointer user_data)
{
  Request *request = user_data;

  request->timed_out = TRUE;
  g_cancellable_cancel (request->cancellable);
  g_clear_pointer (&request->timeout_source, g_source_unref);
  return G_SOURCE_REMOVE;
}

static gboolean
on_connect_timeout (gpointer user_data)
{
  Request *request = user_data;

  request->connect_timed_out = TRUE;
  g_cancellable_cancel (request->cancellable);
  g_clear_pointer (&request->connect_source, g_source_unref);
  return G_SOURCE_REMOVE;
}

/* Headers go out only on an open (and, for https, verified) connection,
 * so from here on the request timeout alone applies. */
static void
on_wrote_headers (SoupMessage *msg,
                  Request     *request)
{
  clear_source (&request->connect_source);
}

/* A pin names a key, not a time span: an expired certificate stays
 * refused even when pinned, or whoever holds a retired key could relay
 * the login to the real server and take the session. Returns (nullable)
 * (transfer full): the expiry when @certificate has expired. */
static GDateTime *
certificate_expired (GTlsCertificate *certificate)
{
  g_autoptr(GDateTime) not_after = g_tls_certificate_get_not_valid_after (certificate);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  if (not_after != NULL && g_date_time_compare (not_after, now) < 0)
    return g_steal_pointer (&not_after);

  return NULL;
}

/* The trust rule of a pinned profile: exactly the pinned certificate,
 * and not expired. Why not, for the error message: the certificate's
 * fingerprint, and its expiry date if it is the pinned one but expired
 * (both optional, transfer full). */
static gboolean
pinned_certificate_accepted (GTlsCertificate  *certificate,
                             const char       *pin,
                             char            **out_fingerprint,
                             GDateTime       **out_expired)
{
  g_autofree char *fingerprint = tl_certificate_sha256 (certificate);
  g_autoptr(GDateTime) expired = NULL;
  gboolean accepted = FALSE;

  if (fingerprint != NULL && pin != NULL && g_str_equal (fingerprint, pin))
    {
      expired = certificate_expired (certificate);
      accepted = expired == NULL;
    }

  if (out_fingerprint != NULL)
    *out_fingerprint = g_steal_pointer (&fingerprint);
  if (out_expired != NULL)
    *out_expired = g_steal_pointer (&expired);
  return accepted;
}

static gboolean
on_accept_certificate (SoupMessage          *msg,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors,
                       Request              *request)
{
  g_autofree char *fingerprint = NULL;

  g_clear_pointer (&request->rejected_expiry, g_date_time_unref);
  if (pinned_certificate_accepted (certificate, request->pin, &fingerprint, &request->rejected_expiry))
    return TRUE;

  g_free (request->rejected_fingerprint);
  request->rejected_fingerprint = g_steal_pointer (&fingerprint);
  return FALSE;
}

static GSource *
attach_timeout (guint        seconds,
                GSourceFunc  func,
                Request     *request)
{
  GSource *source = g_timeout_source_new_seconds (seconds);

  g_source_set_callback (source, func, request, NULL);
  g_source_set_name (source, "[tl-http] timeout");
  g_source_attach (source, g_main_context_get_thread_default ());
  return source;
}

static void
set_certificate_error (GError     **error,
                       Request     *request,
                       const char  *fingerprint)
{
  g_autofree char *pretty = tl_http_format_fingerprint (fingerprint);

  if (request->rejected_expiry != NULL)
    {
      g_autofree char *date = g_date_time_format (request->rejected_expiry, "%Y-%m-%d");

      g_set_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_CERTIFICATE,
                   _("The server's certificate expired on %s (SHA-256 fingerprint %s). "
                     "Ask the server's operator to renew it, then pin the new fingerprint in Servers."),
                   date, pretty);
    }
  else if (request->pin != NULL)
    g_set_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_CERTIFICATE,
                 _("The server's certificate is not the pinned one (SHA-256 fingerprint %s). "
                   "If the server changed its certificate and you trust it, pin this fingerprint in Servers."),
                 pretty);
  else
    g_set_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_CERTIFICATE,
                 _("The server's certificate is not trusted (SHA-256 fingerprint %s). "
                   "If you expected this server, pin this fingerprint in Servers."),
                 pretty);
}

/* Turns what went wrong below HTTP into something a person can act on. */
static void
set_transport_error (GError  **error,
                     Request  *request,
                     GError   *cause)
{
  if (request->timed_out || request->connect_timed_out)
    {
      g_set_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_NETWORK,
                   _("The server at %s did not answer in time. Check your network connection, or try again later."),
                   request->host);
      return;
    }

  if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_propagate_error (error, g_error_copy (cause));
      return;
    }

  if (request->rejected_fingerprint != NULL)
    {
      set_certificate_error (error, request, request->rejected_fingerprint);
      return;
    }

  g_debug ("Request to %s failed: %s", request->host, cause->message);

  if (g_error_matches (cause, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE))
    g_set_error_literal (error, TL_AUTH_ERROR, TL_AUTH_ERROR_CERTIFICATE,
                         tl_auth_error_message (TL_AUTH_ERROR_CERTIFICATE));
  else if (g_error_matches (cause, G_TLS_ERROR, G_TLS_ERROR_NOT_TLS))
    g_set_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_NETWORK,
                 _("The server at %s does not speak https. Check the server address."),
                 request->host);
  else if (cause->domain == G_TLS_ERROR)
    g_set_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_NETWORK,
                 _("Could not make a secure connection to the server at %s (%s). Check the server address."),
                 request->host, cause->message);
  else if (cause->domain == SOUP_SESSION_ERROR &&
           cause->code != SOUP_SESSION_ERROR_MESSAGE_ALREADY_IN_QUEUE)
    tl_auth_error_set_protocol (error, cause->message);
  else if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    g_set_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_NETWORK,
                 _("The server at %s refused the connection. Check the server address, or try again later."),
                 request->host);
  else if (cause->domain == G_RESOLVER_ERROR)
    g_set_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_NETWORK,
                 _("The server name in %s could not be found. Check the server address and your network connection."),
                 request->host);
  else if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE) ||
           g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE))
    g_set_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_NETWORK,
                 _("The server at %s cannot be reached. Check your network connection."),
                 request->host);
  else
    g_set_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_NETWORK,
                 _("Could not reach the server at %s (%s). Check your network connection and the server address."),
                 request->host, cause->message);
}

static void
finish_body (GTask *task)
{
  Request *request = g_task_get_task_data (task);
  Response *response = g_new0 (Response, 1);

  response->status = soup_message_get_status (request->msg);
  response->body = tl_message_parse ((const char *) request->body->data,
                                     request->body->len,
                                     &response->parse_error);

  g_task_return_pointer (task, response, (GDestroyNotify) response_free);
}

static void
on_read (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Request *request = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) chunk = NULL;
  GError *mapped = NULL;

  chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, &error);
  if (chunk == NULL)
    {
      set_transport_error (&mapped, request, error);
      g_task_return_error (task, mapped);
      return;
    }

  if (g_bytes_get_size (chunk) == 0)
    {
      finish_body (task);
      return;
    }

  g_byte_array_append (request->body,
                       g_bytes_get_data (chunk, NULL),
                       g_bytes_get_size (chunk));
  if (request->body->len > TL_MESSAGE_MAX_BODY)
    {
      /* Dropping the stream unread closes the connection: the rest of a
       * huge body is never downloaded. */
      tl_auth_error_set_protocol (&mapped, _("the answer is larger than 64 KiB"));
      g_task_return_error (task, mapped);
      return;
    }

  g_input_stream_read_bytes_async (request->stream, READ_CHUNK, G_PRIORITY_DEFAULT,
                                   request->cancellable, on_read,
                                   g_steal_pointer (&task));
}

static void
on_sent (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Request *request = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  SoupMessageHeaders *headers;
  GTlsCertificate *peer;
  GError *mapped = NULL;
  guint status;

  request->stream = soup_session_send_finish (SOUP_SESSION (object), result, &error);
  if (request->stream == NULL)
    {
      set_transport_error (&mapped, request, error);
      g_task_return_error (task, mapped);
      return;
    }

  clear_source (&request->connect_source);

  /* Belt and braces: whatever libsoup decided, a pinned profile talks
   * only to the pinned certificate. */
  peer = soup_message_get_tls_peer_certificate (request->msg);
  if (request->pin != NULL && peer != NULL)
    {
      g_autofree char *fingerprint = tl_certificate_sha256 (peer);

      g_clear_pointer (&request->rejected_expiry, g_date_time_unref);
      request->rejected_expiry = certificate_expired (peer);
      if (g_strcmp0 (fingerprint, request->pin) != 0 || request->rejected_expiry != NULL)
        {
          set_certificate_error (&mapped, request, fingerprint);
          g_task_return_error (task, mapped);
          return;
        }
    }

  status = soup_message_get_status (request->msg);
  g_debug ("%s %s: %u", soup_message_get_method (request->msg),
           g_uri_get_path (soup_message_get_uri (request->msg)), status);

  if (SOUP_STATUS_IS_REDIRECTION (status))
    {
      tl_auth_error_set_protocol (&mapped, _("the server redirected to another address"));
      g_task_return_error (task, mapped);
      return;
    }

  headers = soup_message_get_response_headers (request->msg);
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      soup_message_headers_get_content_length (headers) > TL_MESSAGE_MAX_BODY)
    {
      tl_auth_error_set_protocol (&mapped, _("the answer is larger than 64 KiB"));
      g_task_return_error (task, mapped);
      return;
    }

  request->body = g_byte_array_new ();
  g_input_stream_read_bytes_async (request->stream, READ_CHUNK, G_PRIORITY_DEFAULT,
                                   request->cancellable, on_read,
                                   g_steal_pointer (&task));
}

void
tl_http_request_async (SoupSession         *session,
                       TlServerProfile     *profile,
                       const char          *method,
                       const char          *path,
                       GBytes              *body,
                       const char          *bearer,
                       guint                timeout_seconds,
                       GCancellable        *cancellable,
                       GCancellable        *scope,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  SoupMessageHeaders *headers;
  Request *request;
  GUri *uri;

  g_return_if_fail (SOUP_IS_SESSION (session));
  g_return_if_fail (TL_IS_SERVER_PROFILE (profile));

  task = g_task_new (NULL, NULL, callback, user_data);
  g_task_set_source_tag (task, tl_http_request_async);

  if (!tl_server_profile_validate (profile, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  tl_http_session_apply_trust (session, profile);

  url = tl_server_profile_build_url (profile, path);
  request = g_new0 (Request, 1);
  g_task_set_task_data (task, request, (GDestroyNotify) request_free);

  request->msg = soup_message_new (method, url);
  if (request->msg == NULL)
    {
      g_task_return_new_error (task, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT,
                               _("“%s” is not a server address."), url);
      return;
    }

  /* With the auth manager on, libsoup reads a whole 401 body into memory
   * (to retry with HTTP authentication) before our size limit applies. The
   * protocol answers wrong passwords with 401, so a hostile server could
   * make us buffer without end. We never use HTTP authentication. */
  soup_message_disable_feature (request->msg, SOUP_TYPE_AUTH_MANAGER);

  uri = soup_message_get_uri (request->msg);
  if (g_uri_get_port (uri) > 0)
    request->host = g_strdup_printf ("%s:%d", g_uri_get_host (uri), g_uri_get_port (uri));
  else
    request->host = g_strdup (g_uri_get_host (uri));
  request->pin = g_strdup (tl_server_profile_get_pin_sha256 (profile));
  request->timeout_seconds = timeout_seconds;
  request->cancellable = g_cancellable_new ();

  if (g_cancellable_is_cancelled (cancellable) || g_cancellable_is_cancelled (scope))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               "Operation was cancelled");
      return;
    }

  if (cancellable != NULL)
    {
      request->parent = g_object_ref (cancellable);
      request->parent_handler = g_cancellable_connect (cancellable,
                                                       G_CALLBACK (on_parent_cancelled),
                                                       request->cancellable, NULL);
    }
  if (scope != NULL)
    {
      request->scope = g_object_ref (scope);
      request->scope_handler = g_cancellable_connect (scope,
                                                      G_CALLBACK (on_parent_cancelled),
                                                      request->cancellable, NULL);
    }

  /* Idempotent lets libsoup send a POST on a kept-alive connection (it
   * opens a new one for each otherwise). libsoup may then resend a
   * request once when the connection turns out to be closed; the
   * protocol makes that harmless, since login ids, codes and responses
   * are single-use and a duplicate is refused. */
  soup_message_set_flags (request->msg, SOUP_MESSAGE_NO_REDIRECT | SOUP_MESSAGE_IDEMPOTENT);
  headers = soup_message_get_request_headers (request->msg);
  soup_message_headers_replace (headers, "Accept", "application/json");
  if (bearer != NULL)
    {
      g_autofree char *authorization = g_strdup_printf ("Bearer %s", bearer);

      soup_message_headers_replace (headers, "Authorization", authorization);
    }
  if (body != NULL)
    soup_message_set_request_body_from_bytes (request->msg, "application/json", body);

  g_signal_connect (request->msg, "accept-certificate",
                    G_CALLBACK (on_accept_certificate), request);
  g_signal_connect (request->msg, "wrote-headers",
                    G_CALLBACK (on_wrote_headers), request);

  request->timeout_source = attach_timeout (timeout_seconds, on_timeout, request);
  request->connect_source = attach_timeout (MIN (timeout_seconds, TL_HTTP_CONNECT_TIMEOUT),
                                            on_connect_timeout, request);

  soup_session_send_async (session, request->msg, G_PRIORITY_DEFAULT,
                           request->cancellable, on_sent, g_steal_pointer (&task));
}

/* For a connection that carries no request yet: the first request says
 * what was wrong. */
static gboolean
on_preconnect_accept_certificate (SoupMessage          *msg,
                                  GTlsCertificate      *certificate,
                                  GTlsCertificateFlags  errors,
                                  const char           *pin)
{
  return pinned_certificate_accepted (certificate, pin, NULL, NULL);
}

static void
on_preconnected (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* The first request reports whatever is wrong, in its own words. */
  if (!soup_session_preconnect_finish (SOUP_SESSION (object), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("Could not connect ahead: %s", error->message);
}

static void
preconnect_now (SoupSession     *session,
                TlServerProfile *profile,
                GCancellable    *cancellable)
{
  g_autoptr(SoupMessage) msg = NULL;
  g_autofree char *url = NULL;

  tl_http_session_apply_trust (session, profile);

  url = tl_server_profile_build_url (profile, "");
  msg = soup_message_new ("GET", url);
  if (msg == NULL)
    return;

  soup_message_set_flags (msg, SOUP_MESSAGE_NO_REDIRECT | SOUP_MESSAGE_IDEMPOTENT);
  g_signal_connect_data (msg, "accept-certificate",
                         G_CALLBACK (on_preconnect_accept_certificate),
                         g_strdup (tl_server_profile_get_pin_sha256 (profile)),
                         (GClosureNotify) g_free, 0);
  soup_session_preconnect_async (session, msg, G_PRIORITY_DEFAULT, cancellable,
                                 on_preconnected, NULL);
}

/* GIO loads a TLS module, unloads it and loads it again when its type is
 * first used, and that second load runs under GObject's process-wide
 * class lock: every other thread's first use of a class (the keyring's
 * D-Bus set-up, say) waits for it. Holding GnuTLS open across the two
 * (glib-networking's module is built on it, here and in the GNOME
 * runtime) keeps it from being unloaded, so the locked part is short.
 * Where the module uses something else, the open fails or goes unused. */
static void
hold_tls_library (void)
{
  static gsize held;

  if (g_once_init_enter (&held))
    {
      GModule *library = g_module_open ("libgnutls.so.30", G_MODULE_BIND_LAZY | G_MODULE_BIND_LOCAL);

      if (library != NULL)
        g_module_make_resident (library);
      g_once_init_leave (&held, 1);
    }
}

static void
load_tls_backend_thread (GTask        *task,
                         gpointer      source_object,
                         gpointer      task_data,
                         GCancellable *cancellable)
{
  hold_tls_library ();
  tls_backend ();
  g_task_return_boolean (task, TRUE);
}

void
tl_http_load_tls_backend (void)
{
  static gsize started;

  if (!g_atomic_int_get (&tls_backend_loaded))
    tl_worker_run_once (&started, load_tls_backend_thread);
}

static void
on_tls_backend_loaded (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  TlServerProfile *profile = g_task_get_task_data (G_TASK (result));
  GCancellable *cancellable = g_task_get_cancellable (G_TASK (result));

  if (!g_cancellable_is_cancelled (cancellable))
    preconnect_now (SOUP_SESSION (object), profile, cancellable);
}

void
tl_http_preconnect (SoupSession     *session,
                    TlServerProfile *profile,
                    GCancellable    *cancellable)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SOUP_IS_SESSION (session));
  g_return_if_fail (TL_IS_SERVER_PROFILE (profile));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  if (!tl_server_profile_validate (profile, NULL))
    return;

  if (g_atomic_int_get (&tls_backend_loaded))
    {
      preconnect_now (session, profile, cancellable);
      return;
    }

  /* The first connection of the process loads glib-networking's TLS
   * module: a dlopen of GnuTLS and its libraries, several milliseconds
   * that would otherwise hold up whatever the caller does next (the
   * keyring lookup, the prompts). */
  task = g_task_new (session, cancellable, on_tls_backend_loaded, NULL);
  g_task_set_source_tag (task, tl_http_preconnect);
  g_task_set_task_data (task, g_object_ref (profile), g_object_unref);
  tl_worker_run_in_thread (task, load_tls_backend_thread);
}

JsonObject *
tl_http_request_finish (GAsyncResult  *result,
                        JsonObject   **out_error_body,
                        GError       **error)
{
  Response *response;
  const char *code = NULL;
  TlAuthError auth_code;
  JsonObject *body;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  if (out_error_body != NULL)
    *out_error_body = NULL;

  response = g_task_propagate_pointer (G_TASK (result), error);
  if (response == NULL)
    return NULL;

  if (SOUP_STATUS_IS_SUCCESSFUL (response->status))
    {
      if (response->body == NULL)
        {
          tl_auth_error_set_protocol (error, response->parse_error->message);
          response_free (response);
          return NULL;
        }

      body = g_steal_pointer (&response->body);
      response_free (response);
      return body;
    }

  if (response->body != NULL)
    {
      JsonNode *node = json_object_get_member (response->body, "error");

      if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
          json_node_get_value_type (node) == G_TYPE_STRING)
        code = json_node_get_string (node);
    }

  if (code != NULL && response->status >= 400 && tl_auth_error_from_code (code, &auth_code))
    {
      /* The caller writes the sentence; this one is only a fallback. */
      g_set_error_literal (error, TL_AUTH_ERROR, auth_code, tl_auth_error_message (auth_code));
      if (out_error_body != NULL)
        *out_error_body = json_object_ref (response->body);
    }
  else if (response->status >= 500)
    {
      g_set_error_literal (error, TL_AUTH_ERROR, TL_AUTH_ERROR_SERVER_ERROR,
                           tl_auth_error_message (TL_AUTH_ERROR_SERVER_ERROR));
    }
  else
    {
      g_autofree char *detail = g_strdup_printf (_("unexpected HTTP status %u"), response->status);

      tl_auth_error_set_protocol (error, detail);
    }

  response_free (response);
  return NULL;
}
