/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-authd-api-push"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "tl-authd-api.h"
#include "tl-authd-audit.h"
#include "tl-authd-clock.h"
#include "tl-authd-crypto.h"
#include "tl-authd-devices.h"
#include "tl-authd-flow.h"
#include "tl-authd-server.h"
#include "tl-message.h"

#define IBKEY_SECRET_LENGTH 32
#define DEVICE_NAME_MAX 64

typedef struct
{
  char *login_id;
  char *push_id;
} PushWait;

static void
push_wait_free (PushWait *wait)
{
  g_free (wait->login_id);
  g_free (wait->push_id);
  g_free (wait);
}

static void
reply_status (TlAuthdRequest *req,
              const char     *status,
              JsonObject     *session)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, status);
  if (session != NULL)
    {
      json_builder_set_member_name (builder, "session");
      json_builder_add_value (builder, json_node_init_object (json_node_alloc (), session));
    }
  tl_authd_request_reply_builder (req, builder);
}

static void evaluate_push (TlAuthdRequest *req,
                           const char     *login_id,
                           const char     *push_id,
                           gboolean        may_wait);

static void
on_push_woken (TlAuthdRequest *req,
               gboolean        woken,
               gpointer        data)
{
  PushWait *wait = data;

  /* Nobody to hand a session to: leave the approval for the client's
   * next poll. */
  if (req->gone)
    return;

  evaluate_push (req, wait->login_id, wait->push_id, FALSE);
}

static void
evaluate_push (TlAuthdRequest *req,
               const char     *login_id,
               const char     *push_id,
               gboolean        may_wait)
{
  TlAuthdDb *db = tl_authd_server_get_db (req->server);
  g_autoptr(GError) error = NULL;
  g_autoptr(TlAuthdLogin) login = NULL;
  g_autoptr(TlAuthdPush) push = NULL;
  gint64 now = tl_authd_clock_now ();

  login = tl_authd_login_lookup (db, req->mode, login_id, now, &error);
  if (login == NULL)
    {
      if (error != NULL)
        tl_authd_request_reply_gerror (req, error);
      else
        tl_authd_request_reply_error (req, TL_AUTH_ERROR_LOGIN_EXPIRED,
                                      _("This login expired or is unknown. Log in again."), NULL, 0);
      return;
    }

  push = tl_authd_push_lookup (db, push_id, &error);
  if (push == NULL || !g_str_equal (push->login_id, login->id))
    {
      if (error != NULL)
        tl_authd_request_reply_gerror (req, error);
      else
        tl_authd_request_reply_error (req, TL_AUTH_ERROR_BAD_REQUEST,
                                      _("This login has no such push."), NULL, 0);
      return;
    }

  switch (push->status)
    {
    case TL_AUTHD_PUSH_APPROVED:
      {
        g_autoptr(TlAuthdUser) user = tl_authd_user_lookup_id (db, login->user_id, &error);
        g_autoptr(JsonObject) session = NULL;

        if (user == NULL || login->state != TL_AUTHD_LOGIN_APPROVED)
          {
            if (error != NULL)
              tl_authd_request_reply_gerror (req, error);
            else
              tl_authd_request_reply_error (req, TL_AUTH_ERROR_LOGIN_EXPIRED, NULL, NULL, 0);
            return;
          }

        if ((session = tl_authd_flow_make_session (req, login, user, FALSE, "push approved")) != NULL)
          reply_status (req, "approved", session);
      }
      return;

    case TL_AUTHD_PUSH_DENIED:
      tl_authd_login_delete (db, login->id, NULL);
      reply_status (req, "denied", NULL);
      return;

    case TL_AUTHD_PUSH_CANCELLED:
      reply_status (req, "expired", NULL);
      return;

    case TL_AUTHD_PUSH_PENDING:
    default:
      break;
    }

  if (push->expires_at <= now)
    {
      reply_status (req, "expired", NULL);
      return;
    }

  if (!may_wait)
    {
      reply_status (req, "pending", NULL);
      return;
    }

  {
    PushWait *wait = g_new0 (PushWait, 1);
    g_autofree char *key = g_strconcat ("push:", push->id, NULL);
    gint64 timeout = MIN (TL_AUTHD_LONG_POLL_SECONDS, push->expires_at - now);

    wait->login_id = g_strdup (login->id);
    wait->push_id = g_strdup (push->id);
    tl_authd_server_wait (req->server, key, req, (guint) MAX (timeout, 1), on_push_woken, wait,
                          (GDestroyNotify) push_wait_free);
  }
}

void
tl_authd_api_push_wait (TlAuthdRequest *req)
{
  const char *login_id, *push_id;

  if ((login_id = tl_authd_flow_get_string (req, "login_id")) == NULL ||
      (push_id = tl_authd_flow_get_string (req, "push_id")) == NULL)
    return;

  evaluate_push (req, login_id, push_id, TRUE);
}

/* A signed device call: the device's key proves "<action>:<device_id>:
 * <push_id>:<time>" within a minute of the server's clock. Unknown
 * devices and wrong proofs look alike. */
static TlAuthdDevice *
authenticate_device (TlAuthdRequest *req,
                     const char     *action,
                     const char     *push_id,
                     gint64          now)
{
  TlAuthdDb *db = tl_authd_server_get_db (req->server);
  g_autoptr(GError) error = NULL;
  g_autoptr(TlAuthdDevice) device = NULL;
  g_autoptr(TlAuthdUser) user = NULL;
  g_autoptr(GBytes) proof = NULL;
  g_autoptr(GBytes) expected = NULL;
  g_autofree char *message = NULL;
  const char *device_id;
  gint64 time = 0;

  if ((device_id = tl_authd_flow_get_string (req, "device_id")) == NULL)
    return NULL;

  if (!tl_message_get_int (req->body, "time", 0, G_MAXINT64, &time, &error) ||
      (proof = tl_message_get_base64 (req->body, "proof", 64, &error)) == NULL)
    {
      tl_authd_request_reply_gerror (req, error);
      return NULL;
    }

  if (ABS (time - now) > TL_AUTHD_PROOF_WINDOW)
    {
      tl_authd_request_reply_error (req, TL_AUTH_ERROR_BAD_PROOF,
                                    _("The device's clock is off by more than a minute. Set it right and try again."),
                                    NULL, 0);
      return NULL;
    }

  device = tl_authd_device_lookup (db, device_id, &error);
  if (device != NULL)
    user = tl_authd_user_lookup_id (db, device->user_id, &error);
  if (error != NULL)
    {
      tl_authd_request_reply_gerror (req, error);
      return NULL;
    }

  if (device == NULL || user == NULL || user->mode != req->mode ||
      device->kind != TL_DEVICE_KIND_IBKEY || device->secret == NULL)
    {
      tl_authd_request_reply_error (req, TL_AUTH_ERROR_BAD_PROOF, NULL, NULL, 0);
      return NULL;
    }

  message = g_strdup_printf ("%s:%s:%s:%" G_GINT64_FORMAT, action, device->id,
                             push_id != NULL ? push_id : "", time);
  expected = tl_authd_hmac_sha256 (device->secret, message, strlen (message));
  if (!tl_authd_bytes_equal (expected, proof))
    {
      tl_authd_audit (db, user->mode, user->username, "device_proof", "bad", req->ip, device->id);
      tl_authd_request_reply_error (req, TL_AUTH_ERROR_BAD_PROOF, NULL, NULL, 0);
      return NULL;
    }

  return g_steal_pointer (&device);
}

static void
reply_pending (TlAuthdRequest *req,
               const char     *device_id)
{
  TlAuthdDb *db = tl_authd_server_get_db (req->server);
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(GError) error = NULL;
  gint64 count;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "requests");
  json_builder_begin_array (builder);
  count = tl_authd_push_build_pending (db, device_id, tl_authd_clock_now (), builder, &error);
  if (count < 0)
    {
      tl_authd_request_reply_gerror (req, error);
      return;
    }
  /* Remembered so that when those requests close (answered, expired,
   * or the login went on with a code), the next poll is answered at once
   * with the shorter list: the authenticator stops showing them rather
   * than waiting out a long poll. */
  if (count > 0)
    g_hash_table_add (tl_authd_server_get_devices_shown_requests (req->server), g_strdup (device_id));
  else
    g_hash_table_remove (tl_authd_server_get_devices_shown_requests (req->server), device_id);
  json_builder_end_array (builder);
  tl_authd_request_reply_builder (req, builder);
}

static void
on_device_woken (TlAuthdRequest *req,
                 gboolean        woken,
                 gpointer        data)
{
  reply_pending (req, data);
}

void
tl_authd_api_device_pending (TlAuthdRequest *req)
{
  TlAuthdDb *db = tl_authd_server_get_db (req->server);
  g_autoptr(TlAuthdDevice) device = NULL;
  g_autoptr(JsonBuilder) probe = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  gint64 now = tl_authd_clock_now ();
  gint64 count;

  if ((device = authenticate_device (req, "pending", NULL, now)) == NULL)
    return;

  probe = json_builder_new_immutable ();
  json_builder_begin_array (probe);
  count = tl_authd_push_build_pending (db, device->id, now, probe, &error);
  if (count < 0)
    {
      tl_authd_request_reply_gerror (req, error);
      return;
    }

  if (count > 0 || g_hash_table_contains (tl_authd_server_get_devices_shown_requests (req->server), device->id))
    {
      reply_pending (req, device->id);
      return;
    }

  key = g_strconcat ("device:", device->id, NULL);
  tl_authd_server_wait (req->server, key, req, TL_AUTHD_LONG_POLL_SECONDS, on_device_woken,
                        g_strdup (device->id), g_free);
}

void
tl_authd_api_device_respond (TlAuthdRequest *req)
{
  TlAuthdDb *db = tl_authd_server_get_db (req->server);
  g_autoptr(TlAuthdDevice) device = NULL;
  g_autoptr(TlAuthdPush) push = NULL;
  g_autoptr(TlAuthdUser) user = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  const char *push_id, *decision;
  gboolean approve, decided = FALSE;
  gint64 now = tl_authd_clock_now ();

  if ((push_id = tl_authd_flow_get_string (req, "push_id")) == NULL ||
      (decision = tl_authd_flow_get_string (req, "decision")) == NULL)
    return;

  if (!g_str_equal (decision, "approve") && !g_str_equal (decision, "deny"))
    {
      tl_authd_request_reply_error (req, TL_AUTH_ERROR_BAD_REQUEST,
                                    _("The decision must be “approve” or “deny”."), NULL, 0);
      return;
    }
  approve = g_str_equal (decision, "approve");

  if ((device = authenticate_device (req, "respond", push_id, now)) == NULL)
    return;

  push = tl_authd_push_lookup (db, push_id, &error);
  if (push == NULL || !g_str_equal (push->device_id, device->id))
    {
      if (error != NULL)
        tl_authd_request_reply_gerror (req, error);
      else
        tl_authd_request_reply_error (req, TL_AUTH_ERROR_BAD_REQUEST,
                                      _("This device has no such request."), NULL, 0);
      return;
    }

  if (!tl_authd_push_decide (db, push_id, device->id, approve, now, &decided, &error))
    {
      tl_authd_request_reply_gerror (req, error);
      return;
    }

  if (!decided)
    {
      tl_authd_request_reply_error (req, TL_AUTH_ERROR_SECOND_FACTOR_EXPIRED,
                                    _("This login request is no longer waiting: it expired or was answered."),
                                    NULL, 0);
      return;
    }

  user = tl_authd_user_lookup_id (db, device->user_id, NULL);
  if (user != NULL)
    tl_authd_audit (db, user->mode, user->username, "push", approve ? "approved" : "denied",
                    req->ip, device->id);

  key = g_strconcat ("push:", push_id, NULL);
  tl_authd_server_wake (req->server, key);

  builder = json_builder_new_immutable ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, "ok");
  tl_authd_request_reply_builder (req, builder);
}

static char *
clean_name (const char *name)
{
  g_autofree char *stripped = NULL;

  if (name == NULL || !g_utf8_validate (name, -1, NULL))
    return NULL;

  stripped = g_strstrip (g_strdup (name));
  if (*stripped == '\0' || g_utf8_strlen (stripped, -1) > DEVICE_NAME_MAX)
    return NULL;

  if (!tl_authd_text_is_printable (stripped))
    return NULL;

  return g_steal_pointer (&stripped);
}

void
tl_authd_api_device_activate (TlAuthdRequest *req)
{
  TlAuthdDb *db = tl_authd_server_get_db (req->server);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) secret = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autofree char *device_id = NULL;
  g_autofree char *name = NULL;
  const char *username, *code, *typed_name = NULL;
  gint64 retry_after = 0;
  gint64 now = tl_authd_clock_now ();

  if ((username = tl_authd_flow_get_string (req, "username")) == NULL ||
      (code = tl_authd_flow_get_string (req, "activation_code")) == NULL)
    return;

  if (!tl_message_get_optional_string (req->body, "name", &typed_name, &error))
    {
      tl_authd_request_reply_gerror (req, error);
      return;
    }

  if (!tl_username_is_valid (username))
    {
      tl_authd_request_reply_error (req, TL_AUTH_ERROR_BAD_CHARACTER, NULL, NULL, 0);
      return;
    }

  /* Guessing activation codes costs the same budget as login starts. */
  if (!tl_authd_server_allow_start (req->server, req->ip, &retry_after))
    {
      tl_authd_request_reply_error (req, TL_AUTH_ERROR_THROTTLED, NULL, "retry_after", retry_after);
      return;
    }

  name = clean_name (typed_name);
  secret = tl_authd_random_bytes (IBKEY_SECRET_LENGTH);

  if (!tl_authd_db_begin (db, &error))
    goto fail;

  device_id = tl_authd_activation_redeem (db, req->mode, username, code, now, &error);
  if (device_id == NULL)
    {
      tl_authd_db_rollback (db);
      if (error != NULL)
        goto fail;

      tl_authd_audit (db, req->mode, username, "device_activate", "failed", req->ip, NULL);
      tl_authd_request_reply_error (req, TL_AUTH_ERROR_INVALID_CREDENTIALS,
                                    _("The activation code is wrong, used or expired. Ask for a new one."),
                                    NULL, 0);
      return;
    }

  /* Activating again (a new phone) replaces the key: the old phone stops
   * working at once. */
  if (!tl_authd_db_run (db, NULL, &error,
                        "UPDATE devices SET secret = ?, label = coalesce (?, label), "
                        "ocra_suite = coalesce (ocra_suite, ?), last_totp_step = NULL WHERE id = ?",
                        "bttt", secret, name, TL_AUTHD_IBKEY_SUITE, device_id))
    {
      tl_authd_db_rollback (db);
      goto fail;
    }

  tl_authd_audit (db, req->mode, username, "device_activate", "ok", req->ip, device_id);

  if (!tl_authd_db_commit (db, &error))
    goto fail;

  builder = json_builder_new_immutable ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "device_id");
  json_builder_add_string_value (builder, device_id);
  tl_message_add_base64 (builder, "secret", secret);
  json_builder_set_member_name (builder, "ocra_suite");
  json_builder_add_string_value (builder, TL_AUTHD_IBKEY_SUITE);
  json_builder_set_member_name (builder, "totp");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "algorithm");
  json_builder_add_string_value (builder, "SHA1");
  json_builder_set_member_name (builder, "digits");
  json_builder_add_int_value (builder, 6);
  json_builder_set_member_name (builder, "period");
  json_builder_add_int_value (builder, 30);
  json_builder_end_object (builder);
  tl_authd_request_reply_builder (req, builder);
  return;

fail:
  tl_authd_request_reply_gerror (req, error);
}
