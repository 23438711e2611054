/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-session"

#include "config.h"

#include <glib/gi18n.h>
#include <openssl/crypto.h>
#include <string.h>

#include "tl-auth-error.h"
#include "tl-message.h"
#include "tl-session.h"

G_DEFINE_BOXED_TYPE (TlSession, tl_session, tl_session_copy, tl_session_free)

TlSession *
tl_session_copy (const TlSession *session)
{
  TlSession *copy = g_new0 (TlSession, 1);

  copy->token = g_strdup (session->token);
  copy->username = g_strdup (session->username);
  copy->mode = session->mode;
  copy->account = g_strdup (session->account);
  copy->read_only = session->read_only;
  copy->expires_at = session->expires_at != NULL ? g_date_time_ref (session->expires_at) : NULL;

  return copy;
}

void
tl_session_free (TlSession *session)
{
  if (session == NULL)
    return;

  if (session->token != NULL)
    OPENSSL_cleanse (session->token, strlen (session->token));
  g_free (session->token);
  g_free (session->username);
  g_free (session->account);
  g_clear_pointer (&session->expires_at, g_date_time_unref);
  g_free (session);
}

/* 43 characters of base64url: 256 bits without padding. */
static gboolean
token_is_valid (const char *token)
{
  if (strlen (token) != 43)
    return FALSE;

  for (const char *p = token; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
      return FALSE;

  return TRUE;
}

TlSession *
tl_session_from_json (JsonObject  *object,
                      gboolean     require_token,
                      GError     **error)
{
  g_autoptr(TlSession) session = g_new0 (TlSession, 1);
  const char *token = NULL;
  const char *username, *mode, *account, *expires_at;

  if (require_token)
    {
      if ((token = tl_message_get_string (object, "token", error)) == NULL)
        return NULL;
    }
  else if (!tl_message_get_optional_string (object, "token", &token, error))
    {
      return NULL;
    }

  if (token != NULL && !token_is_valid (token))
    {
      g_set_error_literal (error, TL_AUTH_ERROR, TL_AUTH_ERROR_BAD_REQUEST,
                           _("The session token is malformed."));
      return NULL;
    }

  if ((username = tl_message_get_string (object, "username", error)) == NULL ||
      (mode = tl_message_get_string (object, "mode", error)) == NULL ||
      (account = tl_message_get_string (object, "account", error)) == NULL ||
      !tl_message_get_bool (object, "read_only", &session->read_only, error) ||
      (expires_at = tl_message_get_string (object, "expires_at", error)) == NULL)
    return NULL;

  if (!tl_username_is_valid (username))
    {
      g_set_error_literal (error, TL_AUTH_ERROR, TL_AUTH_ERROR_BAD_REQUEST,
                           _("The session names an invalid username."));
      return NULL;
    }

  if (!tl_mode_from_string (mode, &session->mode))
    {
      g_set_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_BAD_REQUEST,
                   _("The session names an unknown mode “%s”."), mode);
      return NULL;
    }

  session->expires_at = g_date_time_new_from_iso8601 (expires_at, NULL);
  if (session->expires_at != NULL)
    {
      /* Some valid RFC 3339 times have no UTC form (9999-12-31T23:00-05:00),
       * and years before 1000 would not be written back as four digits; a
       * session's expiry belongs to neither. */
      g_autoptr(GDateTime) utc = g_date_time_to_utc (session->expires_at);

      if (utc == NULL || g_date_time_get_year (utc) < 1970 || g_date_time_get_year (utc) > 9999)
        g_clear_pointer (&session->expires_at, g_date_time_unref);
    }
  if (session->expires_at == NULL)
    {
      g_set_error_literal (error, TL_AUTH_ERROR, TL_AUTH_ERROR_BAD_REQUEST,
                           _("The session's expiry time is not an RFC 3339 time."));
      return NULL;
    }

  session->token = g_strdup (token);
  session->username = g_strdup (username);
  session->account = g_strdup (account);

  return g_steal_pointer (&session);
}

JsonObject *
tl_session_to_json (const TlSession *session,
                    gboolean         include_token)
{
  JsonObject *object = json_object_new ();
  g_autofree char *expires_at = NULL;

  if (include_token && session->token != NULL)
    json_object_set_string_member (object, "token", session->token);
  json_object_set_string_member (object, "username", session->username);
  json_object_set_string_member (object, "mode", tl_mode_to_string (session->mode));
  json_object_set_string_member (object, "account", session->account);
  json_object_set_boolean_member (object, "read_only", session->read_only);
  if (session->expires_at != NULL)
    {
      g_autoptr(GDateTime) utc = g_date_time_to_utc (session->expires_at);

      expires_at = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
      json_object_set_string_member (object, "expires_at", expires_at);
    }

  return object;
}

gint64
tl_session_seconds_left (const TlSession *session)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  if (session->expires_at == NULL)
    return 0;

  return g_date_time_difference (session->expires_at, now) / G_TIME_SPAN_SECOND;
}
