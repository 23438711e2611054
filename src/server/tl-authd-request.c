/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-authd-request"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "tl-authd-request.h"
#include "tl-message.h"

static void
on_disconnected (SoupServerMessage *msg,
                 TlAuthdRequest    *req)
{
  req->gone = TRUE;
}

TlAuthdRequest *
tl_authd_request_new (TlAuthdServer     *server,
                      SoupServerMessage *msg,
                      TlMode             mode)
{
  TlAuthdRequest *req = g_new0 (TlAuthdRequest, 1);
  const char *host = soup_server_message_get_remote_host (msg);

  req->ref_count = 1;
  req->server = server;
  req->msg = g_object_ref (msg);
  req->mode = mode;
  req->ip = g_strdup (host != NULL ? host : "unknown");
  req->disconnected_id = g_signal_connect (msg, "disconnected",
                                           G_CALLBACK (on_disconnected), req);

  return req;
}

TlAuthdRequest *
tl_authd_request_ref (TlAuthdRequest *req)
{
  req->ref_count++;
  return req;
}

void
tl_authd_request_unref (TlAuthdRequest *req)
{
  if (req == NULL || --req->ref_count > 0)
    return;

  /* A paused request nobody answered would hang its connection. */
  if (req->paused && !req->replied && !req->gone)
    tl_authd_request_reply_error (req, TL_AUTH_ERROR_SERVER_ERROR, NULL, NULL, 0);

  g_clear_signal_handler (&req->disconnected_id, req->msg);
  g_clear_object (&req->msg);
  g_clear_pointer (&req->body, json_object_unref);
  g_free (req->ip);
  g_free (req);
}

void
tl_authd_request_pause (TlAuthdRequest *req)
{
  g_return_if_fail (!req->paused && !req->replied);

  req->paused = TRUE;
  soup_server_message_pause (req->msg);
}

const char *
tl_authd_request_get_bearer (TlAuthdRequest *req)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (req->msg);
  const char *value = soup_message_headers_get_one (headers, "Authorization");

  if (value == NULL || g_ascii_strncasecmp (value, "Bearer ", 7) != 0)
    return NULL;

  value += 7;
  while (*value == ' ')
    value++;

  return value;
}

/* Names chosen by a client end up on the phone that approves the login:
 * no control characters (C0 and C1) and no format characters such as
 * direction overrides, which could make "Client:" read backwards.
 * @text must be valid UTF-8. */
gboolean
tl_authd_text_is_printable (const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c) || g_unichar_type (c) == G_UNICODE_FORMAT)
        return FALSE;
    }

  return TRUE;
}

char *
tl_authd_request_dup_client (TlAuthdRequest *req)
{
  JsonObject *client = tl_message_get_optional_object (req->body, "client");
  const char *name = NULL;
  const char *version = NULL;
  g_autofree char *text = NULL;

  if (client != NULL)
    {
      tl_message_get_optional_string (client, "name", &name, NULL);
      tl_message_get_optional_string (client, "version", &version, NULL);
    }

  if (name == NULL)
    name = soup_message_headers_get_one (soup_server_message_get_request_headers (req->msg),
                                         "User-Agent");

  if (name == NULL || *name == '\0')
    return g_strdup ("unknown client");

  text = version != NULL && *version != '\0' ? g_strdup_printf ("%s %s", name, version)
                                             : g_strdup (name);

  /* It is shown to a person and written to the log: keep it short and
   * free of control characters. */
  if (!g_utf8_validate (text, -1, NULL) || !tl_authd_text_is_printable (text))
    return g_strdup ("unknown client");
  if (g_utf8_strlen (text, -1) > 64)
    {
      char *end = g_utf8_offset_to_pointer (text, 64);

      *end = '\0';
    }

  return g_steal_pointer (&text);
}

void
tl_authd_request_reply (TlAuthdRequest *req,
                        guint           status,
                        GBytes         *body)
{
  SoupMessageHeaders *headers;
  gsize length;
  const char *data;

  g_return_if_fail (!req->replied);
  req->replied = TRUE;

  if (req->gone)
    return;

  headers = soup_server_message_get_response_headers (req->msg);
  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  soup_message_headers_replace (headers, "X-Content-Type-Options", "nosniff");

  data = g_bytes_get_data (body, &length);
  soup_server_message_set_status (req->msg, status, NULL);
  soup_server_message_set_response (req->msg, "application/json", SOUP_MEMORY_COPY, data, length);

  if (req->paused)
    soup_server_message_unpause (req->msg);
}

void
tl_authd_request_reply_builder (TlAuthdRequest *req,
                                JsonBuilder    *builder)
{
  g_autoptr(GBytes) body = tl_message_builder_end (builder);

  tl_authd_request_reply (req, SOUP_STATUS_OK, body);
}

void
tl_authd_request_reply_error (TlAuthdRequest *req,
                              TlAuthError     code,
                              const char     *message,
                              const char     *extra_name,
                              gint64          extra_value)
{
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(GBytes) body = NULL;
  guint status;

  if ((guint) code > TL_AUTH_ERROR_LAST_WIRE_CODE)
    code = TL_AUTH_ERROR_SERVER_ERROR;

  builder = tl_message_error_builder (tl_auth_error_to_code (code),
                                      message != NULL ? message : tl_auth_error_message (code));
  if (extra_name != NULL)
    {
      json_builder_set_member_name (builder, extra_name);
      json_builder_add_int_value (builder, extra_value);
    }

  body = tl_message_builder_end (builder);
  status = (guint) tl_auth_error_http_status (code);

  if (code == TL_AUTH_ERROR_THROTTLED && g_strcmp0 (extra_name, "retry_after") == 0)
    {
      g_autofree char *seconds = g_strdup_printf ("%" G_GINT64_FORMAT, extra_value);

      soup_message_headers_replace (soup_server_message_get_response_headers (req->msg),
                                    "Retry-After", seconds);
    }

  tl_authd_request_reply (req, status, body);
}

void
tl_authd_request_reply_gerror (TlAuthdRequest *req,
                               const GError   *error)
{
  if (error->domain == TL_AUTH_ERROR && error->code <= TL_AUTH_ERROR_LAST_WIRE_CODE &&
      error->code != TL_AUTH_ERROR_SERVER_ERROR)
    {
      tl_authd_request_reply_error (req, (TlAuthError) error->code, error->message, NULL, 0);
      return;
    }

  g_warning ("Request to %s failed: %s",
             g_uri_get_path (soup_server_message_get_uri (req->msg)), error->message);
  tl_authd_request_reply_error (req, TL_AUTH_ERROR_SERVER_ERROR, NULL, NULL, 0);
}
