/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-authd-flow"

#include "config.h"

#include <glib/gi18n.h>

#include "tl-authd-audit.h"
#include "tl-authd-clock.h"
#include "tl-authd-flow.h"
#include "tl-authd-lockout.h"
#include "tl-authd-server.h"
#include "tl-authd-sessions.h"
#include "tl-message.h"
#include "tl-session.h"

const char *
tl_authd_flow_get_string (TlAuthdRequest *req,
                          const char     *member)
{
  g_autoptr(GError) error = NULL;
  const char *value = tl_message_get_string (req->body, member, &error);

  if (value == NULL)
    tl_authd_request_reply_gerror (req, error);

  return value;
}

TlAuthdLogin *
tl_authd_flow_get_login (TlAuthdRequest *req,
                         gint64          now)
{
  TlAuthdDb *db = tl_authd_server_get_db (req->server);
  g_autoptr(GError) error = NULL;
  const char *id = tl_authd_flow_get_string (req, "login_id");
  TlAuthdLogin *login;

  if (id == NULL)
    return NULL;

  login = tl_authd_login_lookup (db, req->mode, id, now, &error);
  if (login == NULL && error != NULL)
    tl_authd_request_reply_gerror (req, error);
  else if (login == NULL)
    tl_authd_request_reply_error (req, TL_AUTH_ERROR_LOGIN_EXPIRED,
                                  _("This login expired or is unknown. Log in again."), NULL, 0);

  return login;
}

TlAuthdLogin *
tl_authd_flow_get_verified (TlAuthdRequest  *req,
                            gint64           now,
                            TlAuthdUser    **out_user)
{
  TlAuthdDb *db = tl_authd_server_get_db (req->server);
  g_autoptr(TlAuthdLogin) login = tl_authd_flow_get_login (req, now);
  g_autoptr(GError) error = NULL;
  TlAuthdUser *user;

  if (login == NULL)
    return NULL;

  switch (login->state)
    {
    case TL_AUTHD_LOGIN_SECOND_FACTOR:
      break;

    case TL_AUTHD_LOGIN_DENIED:
      tl_authd_request_reply_error (req, TL_AUTH_ERROR_LOGIN_EXPIRED,
                                    _("The login was denied on your device. Log in again."), NULL, 0);
      return NULL;

    case TL_AUTHD_LOGIN_APPROVED:
      tl_authd_request_reply_error (req, TL_AUTH_ERROR_BAD_REQUEST,
                                    _("The login was approved already; fetch the session with v1/login/push/wait."),
                                    NULL, 0);
      return NULL;

    case TL_AUTHD_LOGIN_PASSWORD:
    default:
      tl_authd_request_reply_error (req, TL_AUTH_ERROR_BAD_REQUEST,
                                    _("Prove the password with v1/login/verify first."), NULL, 0);
      return NULL;
    }

  user = tl_authd_user_lookup_id (db, login->user_id, &error);
  if (user == NULL)
    {
      if (error != NULL)
        tl_authd_request_reply_gerror (req, error);
      else
        tl_authd_request_reply_error (req, TL_AUTH_ERROR_LOGIN_EXPIRED, NULL, NULL, 0);
      return NULL;
    }

  *out_user = user;
  return g_steal_pointer (&login);
}

JsonObject *
tl_authd_flow_session_json (TlAuthdUser *user,
                            const char  *token,
                            gboolean     read_only,
                            gint64       expires_at)
{
  g_autoptr(GDateTime) expires = g_date_time_new_from_unix_utc (expires_at);
  TlSession session = {
    .token = (char *) token,
    .username = user->username,
    .mode = user->mode,
    .account = user->account,
    .read_only = read_only,
    .expires_at = expires,
  };

  return tl_session_to_json (&session, token != NULL);
}

JsonObject *
tl_authd_flow_make_session (TlAuthdRequest *req,
                            TlAuthdLogin   *login,
                            TlAuthdUser    *user,
                            gboolean        read_only,
                            const char     *how)
{
  TlAuthdDb *db = tl_authd_server_get_db (req->server);
  const TlAuthdConfig *config = tl_authd_server_get_config (req->server);
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  gint64 now = tl_authd_clock_now ();
  gint64 expires_at = 0;
  JsonObject *session;

  if (!tl_authd_db_begin (db, &error))
    goto fail;

  token = tl_authd_session_create (db, user->id, login->client, login->ip, read_only, now,
                                   config->session_seconds, &expires_at, &error);
  if (token == NULL ||
      !tl_authd_lockout_reset (db, user, &error) ||
      !tl_authd_login_delete (db, login->id, &error))
    {
      tl_authd_db_rollback (db);
      goto fail;
    }

  tl_authd_audit (db, user->mode, user->username, "session", "ok", login->ip, how);

  if (!tl_authd_db_commit (db, &error))
    goto fail;

  session = tl_authd_flow_session_json (user, token, read_only, expires_at);
  return session;

fail:
  tl_authd_request_reply_gerror (req, error);
  return NULL;
}

void
tl_authd_flow_wrong_answer (TlAuthdRequest *req,
                            TlAuthdLogin   *login,
                            TlAuthdUser    *user,
                            const char     *message)
{
  TlAuthdDb *db = tl_authd_server_get_db (req->server);
  g_autoptr(GError) error = NULL;
  gint64 failures;
  gint64 attempts_left;

  if (!tl_authd_db_begin (db, &error))
    goto fail;

  failures = tl_authd_login_count_failure (db, login->id, &error);
  if (failures < 0)
    {
      tl_authd_db_rollback (db);
      goto fail;
    }

  attempts_left = MAX (0, TL_AUTHD_MAX_ANSWER_FAILURES - failures);
  if (attempts_left == 0)
    {
      gboolean counted = FALSE;
      gint64 login_attempts_left = 0;

      /* The third wrong answer ends the login and is one failed login. */
      if (!tl_authd_lockout_fail (db, user, tl_authd_clock_now (), &counted, &login_attempts_left, &error) ||
          !tl_authd_login_delete (db, login->id, &error))
        {
          tl_authd_db_rollback (db);
          goto fail;
        }
      tl_authd_audit (db, user->mode, user->username, "second_factor", "failed", login->ip,
                      "third wrong answer: login ended");
    }
  else
    {
      tl_authd_audit (db, user->mode, user->username, "second_factor", "wrong", login->ip, NULL);
    }

  if (!tl_authd_db_commit (db, &error))
    goto fail;

  if (attempts_left == 0)
    message = _("The code was not accepted three times. Log in again.");

  tl_authd_request_reply_error (req, TL_AUTH_ERROR_SECOND_FACTOR_FAILED, message,
                                "attempts_left", attempts_left);
  return;

fail:
  tl_authd_request_reply_gerror (req, error);
}
