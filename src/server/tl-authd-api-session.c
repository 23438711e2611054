/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-authd-api-session"

#include "config.h"

#include <glib/gi18n.h>

#include "tl-authd-api.h"
#include "tl-authd-audit.h"
#include "tl-authd-clock.h"
#include "tl-authd-flow.h"
#include "tl-authd-server.h"
#include "tl-authd-sessions.h"
#include "tl-message.h"

/* A tickled session lives session-hours from the tickle, but never more
 * than this after its login (or session-hours, when that is longer): a
 * day's trading, then a fresh login. */
#define SESSION_MAX_SECONDS (24 * 60 * 60)

/* The bearer's live session and its user (of this mode); answers
 * no_session and returns NULL otherwise. */
static TlAuthdSessionRow *
get_session (TlAuthdRequest  *req,
             gint64           now,
             TlAuthdUser    **out_user)
{
  TlAuthdDb *db = tl_authd_server_get_db (req->server);
  g_autoptr(GError) error = NULL;
  g_autoptr(TlAuthdSessionRow) row = NULL;
  g_autoptr(TlAuthdUser) user = NULL;
  const char *token = tl_authd_request_get_bearer (req);

  if (token != NULL)
    row = tl_authd_session_lookup (db, token, now, &error);
  if (row != NULL)
    user = tl_authd_user_lookup_id (db, row->user_id, &error);

  if (error != NULL)
    {
      tl_authd_request_reply_gerror (req, error);
      return NULL;
    }

  if (row == NULL || user == NULL || user->mode != req->mode)
    {
      tl_authd_request_reply_error (req, TL_AUTH_ERROR_NO_SESSION, NULL, NULL, 0);
      return NULL;
    }

  *out_user = g_steal_pointer (&user);
  return g_steal_pointer (&row);
}

static void
reply_session (TlAuthdRequest    *req,
               TlAuthdUser       *user,
               TlAuthdSessionRow *row)
{
  g_autoptr(JsonObject) object = tl_authd_flow_session_json (user, NULL, row->read_only,
                                                             row->expires_at);
  g_autoptr(GBytes) body = tl_message_object_to_bytes (object);

  tl_authd_request_reply (req, SOUP_STATUS_OK, body);
}

void
tl_authd_api_session_get (TlAuthdRequest *req)
{
  g_autoptr(TlAuthdSessionRow) row = NULL;
  g_autoptr(TlAuthdUser) user = NULL;

  if ((row = get_session (req, tl_authd_clock_now (), &user)) != NULL)
    reply_session (req, user, row);
}

void
tl_authd_api_session_tickle (TlAuthdRequest *req)
{
  TlAuthdDb *db = tl_authd_server_get_db (req->server);
  const TlAuthdConfig *config = tl_authd_server_get_config (req->server);
  g_autoptr(TlAuthdSessionRow) row = NULL;
  g_autoptr(TlAuthdUser) user = NULL;
  g_autoptr(GError) error = NULL;
  gint64 now = tl_authd_clock_now ();
  gint64 cap, expires_at;

  if ((row = get_session (req, now, &user)) == NULL)
    return;

  cap = row->created_at + MAX (SESSION_MAX_SECONDS, config->session_seconds);
  expires_at = MAX (row->expires_at, MIN (now + config->session_seconds, cap));

  if (!tl_authd_session_touch (db, row, now, expires_at, &error))
    {
      tl_authd_request_reply_gerror (req, error);
      return;
    }

  reply_session (req, user, row);
}

void
tl_authd_api_session_logout (TlAuthdRequest *req)
{
  TlAuthdDb *db = tl_authd_server_get_db (req->server);
  g_autoptr(TlAuthdSessionRow) row = NULL;
  g_autoptr(TlAuthdUser) user = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(GError) error = NULL;

  if ((row = get_session (req, tl_authd_clock_now (), &user)) == NULL)
    return;

  if (!tl_authd_session_end (db, row->token_hash, &error))
    {
      tl_authd_request_reply_gerror (req, error);
      return;
    }

  tl_authd_audit (db, user->mode, user->username, "logout", "ok", req->ip, row->client);

  builder = json_builder_new_immutable ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, "logged_out");
  tl_authd_request_reply_builder (req, builder);
}
