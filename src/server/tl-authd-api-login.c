/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-authd-api-login"

#include "config.h"

#include <glib/gi18n.h>

#include "tl-authd-api.h"
#include "tl-authd-audit.h"
#include "tl-authd-clock.h"
#include "tl-authd-crypto.h"
#include "tl-authd-devices.h"
#include "tl-authd-flow.h"
#include "tl-authd-lockout.h"
#include "tl-authd-server.h"
#include "tl-authd-sessions.h"
#include "tl-message.h"
#include "tl-srp.h"

/* 256-bit private values, as the contract asks. */
#define SRP_B_LENGTH 32

void
tl_authd_api_login_start (TlAuthdRequest *req)
{
  TlAuthdDb *db = tl_authd_server_get_db (req->server);
  g_autoptr(GError) error = NULL;
  g_autoptr(TlAuthdUser) user = NULL;
  g_autoptr(TlSrpServer) srp = NULL;
  g_autoptr(GBytes) b = NULL;
  g_autoptr(GBytes) B = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autofree char *client = NULL;
  g_autofree char *login_id = NULL;
  const char *username;
  gint64 retry_after = 0;
  gint64 now = tl_authd_clock_now ();

  if ((username = tl_authd_flow_get_string (req, "username")) == NULL)
    return;

  if (!tl_username_is_valid (username))
    {
      tl_authd_request_reply_error (req, TL_AUTH_ERROR_BAD_CHARACTER, NULL, NULL, 0);
      return;
    }

  if (!tl_authd_server_allow_start (req->server, req->ip, &retry_after))
    {
      /* Not audited: a flood must not turn into a flood of writes. */
      g_debug ("Login start from %s throttled", req->ip);
      tl_authd_request_reply_error (req, TL_AUTH_ERROR_THROTTLED, NULL, "retry_after", retry_after);
      return;
    }

  /* Known and unknown names take the same path from here: a salt and a
   * verifier (the stand-in's derived from the server secret), the same
   * modular exponentiations, one row in logins. */
  user = tl_authd_user_lookup (db, req->mode, username, &error);
  if (error != NULL)
    {
      tl_authd_request_reply_gerror (req, error);
      return;
    }
  if (user == NULL)
    user = tl_authd_user_new_phantom (db, req->mode, username);

  b = tl_authd_random_bytes (SRP_B_LENGTH);
  srp = tl_srp_server_new_with_b (TL_SRP_DEFAULT_GROUP, TL_SRP_DEFAULT_HASH, username,
                                  user->salt, user->verifier, b, &error);
  if (srp == NULL)
    {
      /* INVALID_INPUT: a broken stored verifier, the server's fault
       * (answered as server_error). */
      g_prefix_error (&error, "SRP for %s/%s: ", tl_mode_to_string (req->mode), username);
      tl_authd_request_reply_gerror (req, error);
      return;
    }
  B = tl_srp_server_get_B (srp);

  client = tl_authd_request_dup_client (req);
  login_id = tl_authd_login_create (db, req->mode, username, user->id, client, req->ip, b, B, now,
                                    TL_AUTHD_LOGIN_SECONDS, &error);
  if (login_id == NULL)
    {
      tl_authd_request_reply_gerror (req, error);
      return;
    }

  builder = json_builder_new_immutable ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "login_id");
  json_builder_add_string_value (builder, login_id);
  json_builder_set_member_name (builder, "srp");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "group");
  json_builder_add_string_value (builder, tl_srp_group_to_string (TL_SRP_DEFAULT_GROUP));
  json_builder_set_member_name (builder, "hash");
  json_builder_add_string_value (builder, tl_srp_hash_to_string (TL_SRP_DEFAULT_HASH));
  tl_message_add_base64 (builder, "salt", user->salt);
  tl_message_add_base64 (builder, "B", B);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "expires_in");
  json_builder_add_int_value (builder, TL_AUTHD_LOGIN_SECONDS);

  tl_authd_request_reply_builder (req, builder);
}

static int
kind_rank (TlDeviceKind kind)
{
  /* The default second factor, strongest and easiest first. */
  switch (kind)
    {
    case TL_DEVICE_KIND_IBKEY:
      return 0;
    case TL_DEVICE_KIND_DSC:
      return 1;
    case TL_DEVICE_KIND_TOTP:
      return 2;
    case TL_DEVICE_KIND_CARD:
      return 3;
    case TL_DEVICE_KIND_SMS:
      return 4;
    case TL_DEVICE_KIND_TEMP:
    default:
      return 5;
    }
}

static void
add_second_factor (JsonBuilder *builder,
                   TlAuthdUser *user,
                   GPtrArray   *devices)
{
  const TlAuthdDevice *chosen = NULL;

  json_builder_set_member_name (builder, "second_factor");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "devices");
  json_builder_begin_array (builder);
  for (guint i = 0; i < devices->len; i++)
    {
      const TlAuthdDevice *device = devices->pdata[i];

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, device->id);
      json_builder_set_member_name (builder, "kind");
      json_builder_add_string_value (builder, tl_device_kind_to_string (device->kind));
      json_builder_set_member_name (builder, "label");
      json_builder_add_string_value (builder, device->label);
      json_builder_end_object (builder);

      if (chosen == NULL ||
          (device->is_default && !chosen->is_default) ||
          (device->is_default == chosen->is_default && kind_rank (device->kind) < kind_rank (chosen->kind)))
        chosen = device;
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "default_device");
  json_builder_add_string_value (builder, chosen->id);
  json_builder_set_member_name (builder, "read_only_allowed");
  json_builder_add_boolean_value (builder, user->read_only_allowed);
  json_builder_set_member_name (builder, "timeout");
  json_builder_add_int_value (builder, TL_AUTHD_PUSH_SECONDS);
  json_builder_end_object (builder);
}

static void
add_existing_session (JsonBuilder       *builder,
                      TlAuthdSessionRow *existing)
{
  json_builder_set_member_name (builder, "existing_session");
  if (existing == NULL)
    {
      json_builder_add_null_value (builder);
      return;
    }

  {
    g_autofree char *since = tl_authd_clock_format (existing->created_at);

    json_builder_begin_object (builder);
    json_builder_set_member_name (builder, "client");
    json_builder_add_string_value (builder, existing->client);
    json_builder_set_member_name (builder, "since");
    json_builder_add_string_value (builder, since);
    json_builder_end_object (builder);
  }
}

static void
reply_locked (TlAuthdRequest *req,
              gint64          retry_after)
{
  tl_authd_request_reply_error (req, TL_AUTH_ERROR_LOCKED, NULL, "retry_after", MAX (retry_after, 1));
}

/* The failed password: counted, the login forgotten, in one transaction
 * whichever the name. */
static void
password_failed (TlAuthdRequest *req,
                 TlAuthdLogin   *login,
                 TlAuthdUser    *user,
                 gint64          now)
{
  TlAuthdDb *db = tl_authd_server_get_db (req->server);
  g_autoptr(GError) error = NULL;
  gboolean counted = FALSE;
  gint64 attempts_left = 0;
  gint64 retry_after;

  if (!tl_authd_db_begin (db, &error))
    goto fail;

  if (!tl_authd_lockout_fail (db, user, now, &counted, &attempts_left, &error) ||
      !tl_authd_login_delete (db, login->id, &error))
    {
      tl_authd_db_rollback (db);
      goto fail;
    }

  tl_authd_audit (db, login->mode, login->username, "password", counted ? "failed" : "locked",
                  login->ip, user->id == 0 ? "unknown user" : NULL);

  if (!tl_authd_db_commit (db, &error))
    goto fail;

  if (!counted)
    {
      retry_after = tl_authd_lockout_remaining (db, user, now, NULL);
      reply_locked (req, retry_after);
      return;
    }

  tl_authd_request_reply_error (req, TL_AUTH_ERROR_INVALID_CREDENTIALS, NULL,
                                "attempts_left", attempts_left);
  return;

fail:
  tl_authd_request_reply_gerror (req, error);
}

static GPtrArray *
usable_devices (TlAuthdDb    *db,
                TlAuthdUser  *user,
                gint64        now,
                GError      **error)
{
  g_autoptr(GPtrArray) all = tl_authd_device_list (db, user->id, error);
  GPtrArray *usable;

  if (all == NULL)
    return NULL;

  usable = g_ptr_array_new_with_free_func ((GDestroyNotify) tl_authd_device_free);
  for (guint i = 0; i < all->len; i++)
    if (tl_authd_device_is_usable (all->pdata[i], now))
      g_ptr_array_add (usable, g_ptr_array_steal_index (all, i--));

  return usable;
}

void
tl_authd_api_login_verify (TlAuthdRequest *req)
{
  TlAuthdDb *db = tl_authd_server_get_db (req->server);
  g_autoptr(GError) error = NULL;
  g_autoptr(TlAuthdLogin) login = NULL;
  g_autoptr(TlAuthdUser) user = NULL;
  g_autoptr(TlSrpServer) srp = NULL;
  g_autoptr(GBytes) A = NULL;
  g_autoptr(GBytes) M1 = NULL;
  g_autoptr(GBytes) M2 = NULL;
  g_autoptr(GPtrArray) devices = NULL;
  g_autoptr(TlAuthdSessionRow) existing = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  gint64 now = tl_authd_clock_now ();
  gint64 locked_for;

  if ((login = tl_authd_flow_get_login (req, now)) == NULL)
    return;

  if ((A = tl_message_get_base64 (req->body, "A", tl_srp_group_length (TL_SRP_DEFAULT_GROUP), &error)) == NULL ||
      (M1 = tl_message_get_base64 (req->body, "M1", 64, &error)) == NULL)
    {
      tl_authd_request_reply_gerror (req, error);
      return;
    }

  if (login->state != TL_AUTHD_LOGIN_PASSWORD || login->srp_b == NULL)
    {
      /* One proof per B: a client cannot try passwords against it. */
      tl_authd_request_reply_error (req, TL_AUTH_ERROR_LOGIN_EXPIRED,
                                    _("This login checked its password already. Log in again."), NULL, 0);
      return;
    }

  if (login->user_id != 0)
    user = tl_authd_user_lookup_id (db, login->user_id, &error);
  if (error != NULL)
    {
      tl_authd_request_reply_gerror (req, error);
      return;
    }
  if (user == NULL)
    user = tl_authd_user_new_phantom (db, login->mode, login->username);

  locked_for = tl_authd_lockout_remaining (db, user, now, &error);
  if (locked_for < 0)
    {
      tl_authd_request_reply_gerror (req, error);
      return;
    }
  if (locked_for > 0)
    {
      /* One transaction: one commit, and no audit row without the
       * login's end. */
      gboolean in_transaction = tl_authd_db_begin (db, NULL);

      tl_authd_login_delete (db, login->id, NULL);
      tl_authd_audit (db, login->mode, login->username, "password", "locked", login->ip, NULL);
      if (in_transaction)
        tl_authd_db_commit (db, NULL);
      reply_locked (req, locked_for);
      return;
    }

  /* B was computed at start and stored with b: restoring it saves a
   * modular exponentiation, a quarter of the SRP math per login. Logins
   * started by a server from before schema version 2 have only b. */
  if (login->srp_B != NULL)
    srp = tl_srp_server_new_with_b_and_B (TL_SRP_DEFAULT_GROUP, TL_SRP_DEFAULT_HASH, login->username,
                                          user->salt, user->verifier, login->srp_b, login->srp_B,
                                          &error);
  else
    srp = tl_srp_server_new_with_b (TL_SRP_DEFAULT_GROUP, TL_SRP_DEFAULT_HASH, login->username,
                                    user->salt, user->verifier, login->srp_b, &error);
  if (srp == NULL)
    {
      /* Unusable stored values: this login can never succeed. */
      tl_authd_login_delete (db, login->id, NULL);
      tl_authd_request_reply_gerror (req, error);
      return;
    }

  if (!tl_srp_server_verify (srp, A, M1, &error))
    {
      if (g_error_matches (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_CREDENTIALS))
        {
          password_failed (req, login, user, now);
          return;
        }

      /* A malformed A or M1: the login is spent all the same. */
      tl_authd_login_delete (db, login->id, NULL);
      tl_authd_request_reply_gerror (req, error);
      return;
    }

  /* A stand-in verifier has no password: reaching here is impossible
   * unless HMAC-SHA-256 broke. Refuse regardless. */
  if (user->id == 0)
    {
      password_failed (req, login, user, now);
      return;
    }

  M2 = tl_srp_server_get_M2 (srp);
  devices = usable_devices (db, user, now, &error);
  if (devices == NULL)
    {
      tl_authd_request_reply_gerror (req, error);
      return;
    }
  existing = tl_authd_session_find_live (db, user->id, now, &error);
  if (error != NULL)
    {
      tl_authd_request_reply_gerror (req, error);
      return;
    }

  builder = json_builder_new_immutable ();
  json_builder_begin_object (builder);
  tl_message_add_base64 (builder, "M2", M2);
  add_existing_session (builder, existing);

  if (devices->len == 0)
    {
      g_autoptr(JsonObject) session = NULL;
      g_autoptr(JsonNode) node = NULL;

      session = tl_authd_flow_make_session (req, login, user, FALSE, "password only");
      if (session == NULL)
        return;

      node = json_node_init_object (json_node_alloc (), session);
      json_builder_set_member_name (builder, "next");
      json_builder_add_string_value (builder, "session");
      json_builder_set_member_name (builder, "session");
      json_builder_add_value (builder, g_steal_pointer (&node));
      tl_authd_request_reply_builder (req, builder);
      return;
    }

  /* The state and its audit row in one transaction: one commit instead
   * of two. */
  if (!tl_authd_db_begin (db, &error))
    {
      tl_authd_request_reply_gerror (req, error);
      return;
    }
  if (!tl_authd_login_set_state (db, login->id, TL_AUTHD_LOGIN_SECOND_FACTOR,
                                 now + TL_AUTHD_LOGIN_SECONDS, &error))
    {
      tl_authd_db_rollback (db);
      tl_authd_request_reply_gerror (req, error);
      return;
    }
  tl_authd_audit (db, login->mode, login->username, "password", "ok", login->ip, NULL);
  if (!tl_authd_db_commit (db, &error))
    {
      tl_authd_request_reply_gerror (req, error);
      return;
    }

  json_builder_set_member_name (builder, "next");
  json_builder_add_string_value (builder, "second_factor");
  add_second_factor (builder, user, devices);
  tl_authd_request_reply_builder (req, builder);
}
