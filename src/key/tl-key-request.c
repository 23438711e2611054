/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-key-request"

#include "config.h"

#include <glib/gi18n.h>

#include "tl-auth-error.h"
#include "tl-key-request.h"
#include "tl-message.h"

G_DEFINE_BOXED_TYPE (TlKeyRequest, tl_key_request, tl_key_request_copy, tl_key_request_free)

/* Servers may send the client as a string or as the {"name", "version"}
 * object that login/start carries; both read the same to a person. */
static char *
client_text (JsonObject *object)
{
  JsonNode *node = json_object_get_member (object, "client");

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;

  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));

  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *client = json_node_get_object (node);
      const char *name = NULL;
      const char *version = NULL;

      if (!tl_message_get_optional_string (client, "name", &name, NULL) ||
          !tl_message_get_optional_string (client, "version", &version, NULL) ||
          name == NULL)
        return NULL;

      return version != NULL ? g_strdup_printf ("%s %s", name, version) : g_strdup (name);
    }

  return NULL;
}

static GDateTime *
created_at (JsonObject *object)
{
  JsonNode *node = json_object_get_member (object, "created_at");

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NULL;

  if (json_node_get_value_type (node) == G_TYPE_STRING)
    return g_date_time_new_from_iso8601 (json_node_get_string (node), NULL);

  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return g_date_time_new_from_unix_utc (json_node_get_int (node));

  return NULL;
}

static gboolean
printable (const char *text)
{
  if (text == NULL)
    return TRUE;

  if (!g_utf8_validate (text, -1, NULL))
    return FALSE;

  /* A terminal would obey escape sequences a hostile client put in its
   * name. */
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      return FALSE;

  return TRUE;
}

TlKeyRequest *
tl_key_request_new_from_json (JsonObject  *object,
                              GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(TlKeyRequest) request = g_new0 (TlKeyRequest, 1);
  const char *push_id, *username, *mode = NULL, *ip = NULL;

  if (!(push_id = tl_message_get_string (object, "push_id", &local_error)) ||
      !(username = tl_message_get_string (object, "username", &local_error)) ||
      !tl_message_get_optional_string (object, "mode", &mode, &local_error) ||
      !tl_message_get_optional_string (object, "ip", &ip, &local_error))
    {
      g_set_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_PROTOCOL,
                   _("The server listed a login request this device does not understand: %s"),
                   local_error->message);
      return NULL;
    }

  request->push_id = g_strdup (push_id);
  request->username = g_strdup (username);
  request->mode = g_strdup (mode);
  request->client = client_text (object);
  request->ip = g_strdup (ip);
  request->created_at = created_at (object);

  if (*push_id == '\0' || !printable (push_id) || !printable (username) ||
      !printable (mode) || !printable (request->client) || !printable (ip))
    {
      g_set_error_literal (error, TL_AUTH_ERROR, TL_AUTH_ERROR_PROTOCOL,
                           _("The server listed a login request with unprintable text; it was ignored."));
      return NULL;
    }

  return g_steal_pointer (&request);
}

TlKeyRequest *
tl_key_request_copy (const TlKeyRequest *request)
{
  TlKeyRequest *copy = g_new0 (TlKeyRequest, 1);

  copy->push_id = g_strdup (request->push_id);
  copy->username = g_strdup (request->username);
  copy->mode = g_strdup (request->mode);
  copy->client = g_strdup (request->client);
  copy->ip = g_strdup (request->ip);
  copy->created_at = request->created_at != NULL ? g_date_time_ref (request->created_at) : NULL;

  return copy;
}

void
tl_key_request_free (TlKeyRequest *request)
{
  if (request == NULL)
    return;

  g_free (request->push_id);
  g_free (request->username);
  g_free (request->mode);
  g_free (request->client);
  g_free (request->ip);
  g_clear_pointer (&request->created_at, g_date_time_unref);
  g_free (request);
}

char *
tl_key_request_describe (const TlKeyRequest *request)
{
  GString *text = g_string_new (NULL);
  const char *unknown = _("unknown");
  g_autofree char *when = NULL;

  if (request->created_at != NULL)
    {
      g_autoptr(GDateTime) local = g_date_time_to_local (request->created_at);
      when = g_date_time_format (local, "%Y-%m-%d %H:%M:%S %Z");
    }

  g_string_append_printf (text, _("  User:    %s\n"), request->username);
  g_string_append_printf (text, _("  Mode:    %s\n"),
                          g_strcmp0 (request->mode, "paper") == 0 ? _("paper trading") :
                          g_strcmp0 (request->mode, "live") == 0 ? _("live trading") :
                          request->mode != NULL ? request->mode : unknown);
  g_string_append_printf (text, _("  Client:  %s\n"), request->client != NULL ? request->client : unknown);
  g_string_append_printf (text, _("  From:    %s\n"), request->ip != NULL ? request->ip : unknown);
  g_string_append_printf (text, _("  When:    %s\n"), when != NULL ? when : unknown);

  return g_string_free (text, FALSE);
}
