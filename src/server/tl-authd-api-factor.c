/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-authd-api-factor"

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
#include "tl-authd-sms.h"
#include "tl-otp.h"

#define SMS_DIGITS 6
#define TOTP_DIGITS 6
#define TOTP_PERIOD 30

/* Cancels the login's pending pushes and wakes whoever waits on them. */
static gboolean
cancel_pushes (TlAuthdRequest  *req,
               const char      *login_id,
               GError         **error)
{
  TlAuthdDb *db = tl_authd_server_get_db (req->server);
  g_autoptr(GPtrArray) ids = NULL;

  if (!tl_authd_push_cancel_for_login (db, login_id, &ids, error))
    return FALSE;

  for (guint i = 0; i < ids->len; i++)
    {
      g_autofree char *key = g_strconcat ("push:", (char *) ids->pdata[i], NULL);

      tl_authd_server_wake (req->server, key);
    }

  return TRUE;
}

/* The user's device named in the body; answers and returns NULL when it
 * is not one of theirs or cannot be used now. */
static TlAuthdDevice *
get_device (TlAuthdRequest *req,
            TlAuthdUser    *user,
            gint64          now)
{
  TlAuthdDb *db = tl_authd_server_get_db (req->server);
  g_autoptr(GError) error = NULL;
  g_autoptr(TlAuthdDevice) device = NULL;
  const char *device_id = tl_authd_flow_get_string (req, "device_id");

  if (device_id == NULL)
    return NULL;

  device = tl_authd_device_lookup (db, device_id, &error);
  if (error != NULL)
    {
      tl_authd_request_reply_gerror (req, error);
      return NULL;
    }

  if (device == NULL || device->user_id != user->id)
    {
      tl_authd_request_reply_error (req, TL_AUTH_ERROR_BAD_REQUEST,
                                    _("This device is not one of the user's. Choose one from the list."),
                                    NULL, 0);
      return NULL;
    }

  if (device->expires_at != 0 && device->expires_at <= now)
    {
      tl_authd_request_reply_error (req, TL_AUTH_ERROR_SECOND_FACTOR_EXPIRED,
                                    _("This second factor has expired. Choose another one, or ask for a new one."),
                                    NULL, 0);
      return NULL;
    }

  if (!tl_authd_device_is_usable (device, now))
    {
      tl_authd_request_reply_error (req, TL_AUTH_ERROR_BAD_REQUEST,
                                    _("This device has not been activated yet."), NULL, 0);
      return NULL;
    }

  return g_steal_pointer (&device);
}

static JsonBuilder *
begin_reply (const char *method)
{
  JsonBuilder *builder = json_builder_new_immutable ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "method");
  json_builder_add_string_value (builder, method);

  return builder;
}

static void
add_int (JsonBuilder *builder,
         const char  *name,
         gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

static void
add_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

typedef struct
{
  TlAuthdRequest *req;
  JsonBuilder    *builder;
  char           *what;
} SmsReply;

static void
sms_reply_free (SmsReply *reply)
{
  tl_authd_request_unref (reply->req);
  g_object_unref (reply->builder);
  g_free (reply->what);
  g_free (reply);
}

static void
on_sms_sent (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  SmsReply *reply = user_data;
  g_autoptr(GError) error = NULL;

  if (!tl_authd_sms_send_finish (result, &error))
    {
      g_message ("Could not deliver a %s: %s", reply->what, error->message);
      tl_authd_request_reply_error (reply->req, TL_AUTH_ERROR_SERVER_ERROR,
                                    _("The server could not send the code. Try again, or choose another device."),
                                    NULL, 0);
    }
  else
    {
      tl_authd_request_reply_builder (reply->req, reply->builder);
    }

  sms_reply_free (reply);
}

/* A fresh SMS code for @login: stored (as a hash), then sent; the
 * request is answered with @builder once the message is out. */
static void
send_code (TlAuthdRequest *req,
           TlAuthdLogin   *login,
           TlAuthdDevice  *device,
           const char     *channel,
           JsonBuilder    *builder,
           gint64          now)
{
  TlAuthdDb *db = tl_authd_server_get_db (req->server);
  const TlAuthdConfig *config = tl_authd_server_get_config (req->server);
  g_autoptr(GError) error = NULL;
  g_autofree char *code = tl_authd_random_code (SMS_DIGITS, TL_AUTHD_DIGITS);
  g_autoptr(GBytes) hash = tl_authd_code_hash (db, "sms", code);
  SmsReply *reply;

  if (!tl_authd_login_set_factor (db, login, device->id, "code", NULL, hash,
                                  now + TL_AUTHD_SMS_SECONDS, now + TL_AUTHD_RESEND_SECONDS,
                                  now + TL_AUTHD_LOGIN_SECONDS, &error))
    {
      tl_authd_request_reply_gerror (req, error);
      return;
    }

  tl_authd_audit (db, login->mode, login->username, "code_sent", "ok", login->ip, channel);

  reply = g_new0 (SmsReply, 1);
  reply->req = tl_authd_request_ref (req);
  reply->builder = g_object_ref (builder);
  reply->what = g_strdup (g_str_equal (channel, "voice") ? "voice call" : "text message");
  tl_authd_request_pause (req);
  tl_authd_sms_send_async (config->sms_command, config->sms_log, device->phone, code, channel,
                           on_sms_sent, reply);
}

static void
add_indices (JsonBuilder *builder,
             guint        first,
             guint        second)
{
  json_builder_set_member_name (builder, "indices");
  json_builder_begin_array (builder);
  json_builder_add_int_value (builder, first);
  json_builder_add_int_value (builder, second);
  json_builder_end_array (builder);
}

void
tl_authd_api_second_factor (TlAuthdRequest *req)
{
  TlAuthdDb *db = tl_authd_server_get_db (req->server);
  g_autoptr(GError) error = NULL;
  g_autoptr(TlAuthdLogin) login = NULL;
  g_autoptr(TlAuthdUser) user = NULL;
  g_autoptr(TlAuthdDevice) device = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  gint64 now = tl_authd_clock_now ();
  gint64 expires_at = now + TL_AUTHD_LOGIN_SECONDS;

  if ((login = tl_authd_flow_get_verified (req, now, &user)) == NULL ||
      (device = get_device (req, user, now)) == NULL)
    return;

  /* Choosing again (another device, or the same again) ends the push
   * of the previous choice. */
  if (!cancel_pushes (req, login->id, &error))
    {
      tl_authd_request_reply_gerror (req, error);
      return;
    }

  switch (device->kind)
    {
    case TL_DEVICE_KIND_IBKEY:
      {
        g_autofree char *push_id = NULL;
        g_autofree char *key = NULL;

        if (!tl_authd_db_begin (db, &error))
          break;
        push_id = tl_authd_push_create (db, login->id, device->id, now, TL_AUTHD_PUSH_SECONDS, &error);
        if (push_id == NULL ||
            !tl_authd_login_set_factor (db, login, device->id, "push", NULL, NULL, 0, 0,
                                        expires_at, &error) ||
            !tl_authd_db_commit (db, &error))
          {
            tl_authd_db_rollback (db);
            break;
          }

        key = g_strconcat ("device:", device->id, NULL);
        tl_authd_server_wake (req->server, key);

        builder = begin_reply ("push");
        add_string (builder, "push_id", push_id);
        add_int (builder, "expires_in", TL_AUTHD_PUSH_SECONDS);
      }
      break;

    case TL_DEVICE_KIND_TOTP:
    case TL_DEVICE_KIND_TEMP:
      if (!tl_authd_login_set_factor (db, login, device->id, "code", NULL, NULL, 0, 0,
                                      expires_at, &error))
        break;

      builder = begin_reply ("code");
      if (device->kind == TL_DEVICE_KIND_TOTP)
        {
          add_int (builder, "digits", TOTP_DIGITS);
          add_string (builder, "charset", "digits");
        }
      else
        {
          add_int (builder, "digits", TL_AUTHD_TEMP_CODE_LENGTH);
          add_string (builder, "charset", "upper-alnum");
        }
      break;

    case TL_DEVICE_KIND_SMS:
      {
        g_autofree char *masked = tl_authd_sms_mask (device->phone);

        builder = begin_reply ("code");
        add_int (builder, "digits", SMS_DIGITS);
        add_string (builder, "charset", "digits");
        add_string (builder, "sent_to", masked);
        add_int (builder, "resend_after", TL_AUTHD_RESEND_SECONDS);

        send_code (req, login, device, "sms", builder, now);
        return;
      }

    case TL_DEVICE_KIND_DSC:
      {
        g_autoptr(TlOcraSuite) suite = tl_ocra_suite_parse (device->ocra_suite, &error);
        g_autofree char *question = NULL;

        if (suite == NULL || (question = tl_ocra_random_question (suite, &error)) == NULL ||
            !tl_authd_login_set_factor (db, login, device->id, "challenge", question, NULL, 0, 0,
                                        expires_at, &error))
          break;

        builder = begin_reply ("challenge");
        add_string (builder, "challenge", question);
        add_string (builder, "suite", device->ocra_suite);
        add_int (builder, "response_digits", suite->digits);
      }
      break;

    case TL_DEVICE_KIND_CARD:
      {
        guint first = tl_authd_random_uniform (TL_AUTHD_CARD_CELLS) + 1;
        guint second;
        g_autofree char *indices = NULL;

        do
          second = tl_authd_random_uniform (TL_AUTHD_CARD_CELLS) + 1;
        while (second == first);

        indices = g_strdup_printf ("%u,%u", first, second);
        if (!tl_authd_login_set_factor (db, login, device->id, "card", indices, NULL, 0, 0,
                                        expires_at, &error))
          break;

        builder = begin_reply ("card");
        add_indices (builder, first, second);
        add_int (builder, "response_length", 2 * TL_AUTHD_CARD_CODE_LENGTH);
      }
      break;

    default:
      g_set_error_literal (&error, TL_AUTH_ERROR, TL_AUTH_ERROR_CRYPTO, "unknown device kind");
      break;
    }

  if (builder == NULL)
    {
      tl_authd_request_reply_gerror (req, error);
      return;
    }

  tl_authd_request_reply_builder (req, builder);
}

void
tl_authd_api_challenge (TlAuthdRequest *req)
{
  TlAuthdDb *db = tl_authd_server_get_db (req->server);
  g_autoptr(GError) error = NULL;
  g_autoptr(TlAuthdLogin) login = NULL;
  g_autoptr(TlAuthdUser) user = NULL;
  g_autoptr(TlAuthdDevice) device = NULL;
  g_autoptr(TlOcraSuite) suite = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autofree char *question = NULL;
  gint64 now = tl_authd_clock_now ();

  if ((login = tl_authd_flow_get_verified (req, now, &user)) == NULL ||
      (device = get_device (req, user, now)) == NULL)
    return;

  if (device->kind != TL_DEVICE_KIND_IBKEY)
    {
      tl_authd_request_reply_error (req, TL_AUTH_ERROR_BAD_REQUEST,
                                    _("Only an authenticator app device takes a challenge this way."),
                                    NULL, 0);
      return;
    }

  if ((suite = tl_ocra_suite_parse (device->ocra_suite, &error)) == NULL ||
      (question = tl_ocra_random_question (suite, &error)) == NULL ||
      !cancel_pushes (req, login->id, &error) ||
      !tl_authd_login_set_factor (db, login, device->id, "challenge", question, NULL, 0, 0,
                                  now + TL_AUTHD_LOGIN_SECONDS, &error))
    {
      tl_authd_request_reply_gerror (req, error);
      return;
    }

  tl_authd_audit (db, login->mode, login->username, "challenge", "issued", login->ip, device->id);

  builder = json_builder_new_immutable ();
  json_builder_begin_object (builder);
  add_string (builder, "challenge", question);
  add_string (builder, "suite", device->ocra_suite);
  add_int (builder, "response_digits", suite->digits);
  tl_authd_request_reply_builder (req, builder);
}

/* TOTP with the current step and one on each side; a step once used
 * never counts again for the device. */
static gboolean
check_totp (TlAuthdDb           *db,
            const TlAuthdDevice *device,
            const char          *response,
            gint64               now,
            gboolean            *out_reused,
            GError             **error)
{
  gsize key_length = 0;
  const guint8 *key;

  *out_reused = FALSE;
  if (device->secret == NULL || strlen (response) != TOTP_DIGITS)
    return FALSE;

  key = g_bytes_get_data (device->secret, &key_length);
  for (int delta = -1; delta <= 1; delta++)
    {
      gint64 when = now + delta * TOTP_PERIOD;
      g_autofree char *expected = tl_totp (TL_OTP_HASH_SHA1, key, key_length, when, TOTP_PERIOD,
                                           TOTP_DIGITS, NULL);
      gboolean accepted = FALSE;

      if (!tl_authd_str_equal (expected, response))
        continue;

      if (!tl_authd_device_use_step (db, device->id, (gint64) tl_totp_step (when, TOTP_PERIOD),
                                     &accepted, error))
        return FALSE;

      *out_reused = !accepted;
      return accepted;
    }

  return FALSE;
}

static gboolean
check_ocra (const TlAuthdDevice  *device,
            const char           *question,
            const char           *response,
            GError              **error)
{
  g_autoptr(TlOcraSuite) suite = tl_ocra_suite_parse (device->ocra_suite, error);
  g_autofree char *expected = NULL;
  TlOcraInput input = { 0 };
  gsize key_length = 0;
  const guint8 *key;

  if (suite == NULL || device->secret == NULL)
    return FALSE;

  input.question = question;
  input.password = device->pin;
  key = g_bytes_get_data (device->secret, &key_length);
  expected = tl_ocra_compute (suite, key, key_length, &input, error);

  return expected != NULL && tl_authd_str_equal (expected, response);
}

static gboolean
check_card (TlAuthdDb            *db,
            const TlAuthdDevice  *device,
            const char           *indices,
            const char           *response,
            GError              **error)
{
  g_auto(GStrv) parts = g_strsplit (indices != NULL ? indices : "", ",", 3);
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *expected = NULL;

  if (g_strv_length (parts) != 2)
    return FALSE;

  first = tl_authd_card_get_cell (db, device->id, g_ascii_strtoll (parts[0], NULL, 10), error);
  second = tl_authd_card_get_cell (db, device->id, g_ascii_strtoll (parts[1], NULL, 10), error);
  if (first == NULL || second == NULL)
    return FALSE;

  expected = g_strconcat (first, second, NULL);
  return tl_authd_str_equal (expected, response);
}

void
tl_authd_api_answer (TlAuthdRequest *req)
{
  TlAuthdDb *db = tl_authd_server_get_db (req->server);
  g_autoptr(GError) error = NULL;
  g_autoptr(TlAuthdLogin) login = NULL;
  g_autoptr(TlAuthdUser) user = NULL;
  g_autoptr(TlAuthdDevice) device = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonObject) session = NULL;
  g_autofree char *response = NULL;
  g_autofree char *how = NULL;
  const char *typed;
  const char *wrong_message = NULL;
  gboolean ok = FALSE;
  gboolean reused = FALSE;
  gint64 now = tl_authd_clock_now ();

  if ((login = tl_authd_flow_get_verified (req, now, &user)) == NULL ||
      (typed = tl_authd_flow_get_string (req, "response")) == NULL)
    return;

  if (login->device_id == NULL ||
      (device = tl_authd_device_lookup (db, login->device_id, &error)) == NULL)
    {
      if (error != NULL)
        tl_authd_request_reply_gerror (req, error);
      else
        tl_authd_request_reply_error (req, TL_AUTH_ERROR_BAD_REQUEST,
                                      _("Choose a device with v1/login/second-factor first."), NULL, 0);
      return;
    }

  if (device->expires_at != 0 && device->expires_at <= now)
    {
      tl_authd_request_reply_error (req, TL_AUTH_ERROR_SECOND_FACTOR_EXPIRED,
                                    _("This second factor has expired. Log in again and choose another one."),
                                    NULL, 0);
      return;
    }

  /* People type codes with spaces, and passcodes in lower case. */
  response = tl_authd_normalize_code (typed);

  if (g_strcmp0 (login->method, "challenge") == 0)
    {
      ok = check_ocra (device, login->challenge, response, &error);
    }
  else if (g_strcmp0 (login->method, "card") == 0)
    {
      ok = check_card (db, device, login->challenge, response, &error);
    }
  else if (device->kind == TL_DEVICE_KIND_TOTP || device->kind == TL_DEVICE_KIND_IBKEY)
    {
      /* The authenticator app also shows TOTP codes of its key: they
       * answer a push the phone never got, without a challenge. */
      ok = check_totp (db, device, response, now, &reused, &error);
      if (reused)
        wrong_message = _("This code was used already. Wait for the next code.");
    }
  else if (device->kind == TL_DEVICE_KIND_SMS)
    {
      g_autoptr(GBytes) hash = tl_authd_code_hash (db, "sms", response);

      if (login->code_hash == NULL || login->code_expires_at <= now)
        {
          tl_authd_request_reply_error (req, TL_AUTH_ERROR_SECOND_FACTOR_EXPIRED,
                                        _("The code has expired. Ask for a new one."), NULL, 0);
          return;
        }
      ok = tl_authd_bytes_equal (hash, login->code_hash);
    }
  else if (device->kind == TL_DEVICE_KIND_TEMP)
    {
      ok = tl_authd_temp_check (db, device->id, response, &error);
    }

  if (error != NULL)
    {
      tl_authd_request_reply_gerror (req, error);
      return;
    }

  if (!ok)
    {
      tl_authd_flow_wrong_answer (req, login, user, wrong_message);
      return;
    }

  how = g_strdup_printf ("%s %s", tl_device_kind_to_string (device->kind), device->id);
  if (!cancel_pushes (req, login->id, &error))
    {
      tl_authd_request_reply_gerror (req, error);
      return;
    }
  if ((session = tl_authd_flow_make_session (req, login, user, FALSE, how)) == NULL)
    return;

  builder = json_builder_new_immutable ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "session");
  json_builder_add_value (builder, json_node_init_object (json_node_alloc (), session));
  tl_authd_request_reply_builder (req, builder);
}

void
tl_authd_api_resend (TlAuthdRequest *req)
{
  TlAuthdDb *db = tl_authd_server_get_db (req->server);
  g_autoptr(GError) error = NULL;
  g_autoptr(TlAuthdLogin) login = NULL;
  g_autoptr(TlAuthdUser) user = NULL;
  g_autoptr(TlAuthdDevice) device = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autofree char *masked = NULL;
  const char *channel;
  gint64 now = tl_authd_clock_now ();

  if ((login = tl_authd_flow_get_verified (req, now, &user)) == NULL ||
      (channel = tl_authd_flow_get_string (req, "channel")) == NULL)
    return;

  if (!g_str_equal (channel, "sms") && !g_str_equal (channel, "voice"))
    {
      tl_authd_request_reply_error (req, TL_AUTH_ERROR_BAD_REQUEST,
                                    _("The channel must be “sms” or “voice”."), NULL, 0);
      return;
    }

  if (login->device_id != NULL)
    device = tl_authd_device_lookup (db, login->device_id, &error);
  if (error != NULL)
    {
      tl_authd_request_reply_gerror (req, error);
      return;
    }
  if (device == NULL || device->kind != TL_DEVICE_KIND_SMS)
    {
      tl_authd_request_reply_error (req, TL_AUTH_ERROR_NOT_ALLOWED,
                                    _("Codes are resent only for a text-message device."), NULL, 0);
      return;
    }

  if (login->resend_at > now)
    {
      tl_authd_request_reply_error (req, TL_AUTH_ERROR_THROTTLED,
                                    _("A code was sent a moment ago. Wait before asking again."),
                                    "retry_after", login->resend_at - now);
      return;
    }

  masked = tl_authd_sms_mask (device->phone);
  builder = json_builder_new_immutable ();
  json_builder_begin_object (builder);
  add_string (builder, "sent_to", masked);
  add_int (builder, "resend_after", TL_AUTHD_RESEND_SECONDS);

  send_code (req, login, device, channel, builder, now);
}

void
tl_authd_api_read_only (TlAuthdRequest *req)
{
  g_autoptr(TlAuthdLogin) login = NULL;
  g_autoptr(TlAuthdUser) user = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonObject) session = NULL;
  g_autoptr(GError) error = NULL;
  gint64 now = tl_authd_clock_now ();

  if ((login = tl_authd_flow_get_verified (req, now, &user)) == NULL)
    return;

  if (!user->read_only_allowed)
    {
      tl_authd_request_reply_error (req, TL_AUTH_ERROR_NOT_ALLOWED,
                                    _("Read-only access is not enabled for this user. Complete the second factor."),
                                    NULL, 0);
      return;
    }

  if (!cancel_pushes (req, login->id, &error))
    {
      tl_authd_request_reply_gerror (req, error);
      return;
    }

  if ((session = tl_authd_flow_make_session (req, login, user, TRUE, "read-only")) == NULL)
    return;

  builder = json_builder_new_immutable ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "session");
  json_builder_add_value (builder, json_node_init_object (json_node_alloc (), session));
  tl_authd_request_reply_builder (req, builder);
}
