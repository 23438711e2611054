/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-authd-provision"

#include "config.h"

#include <glib/gi18n.h>
#include <openssl/crypto.h>
#include <string.h>

#include "tl-auth-error.h"
#include "tl-authd-clock.h"
#include "tl-authd-crypto.h"
#include "tl-authd-provision.h"
#include "tl-otpauth.h"

void
tl_authd_provisioned_free (TlAuthdProvisioned *p)
{
  if (p == NULL)
    return;

  g_free (p->device_id);
  g_free (p->label);
  g_free (p->activation_code);
  g_free (p->otpauth_uri);
  g_strfreev (p->card);
  g_free (p->temp_code);
  g_free (p->pin);
  g_clear_pointer (&p->secret, g_bytes_unref);
  g_free (p->phone);
  g_free (p);
}

static const char *
default_label (TlDeviceKind kind)
{
  switch (kind)
    {
    case TL_DEVICE_KIND_IBKEY:
      return "Trading Key";
    case TL_DEVICE_KIND_TOTP:
      return "Authenticator app";
    case TL_DEVICE_KIND_SMS:
      return "Text message";
    case TL_DEVICE_KIND_DSC:
      return "Digital security card";
    case TL_DEVICE_KIND_CARD:
      return "Security code card";
    case TL_DEVICE_KIND_TEMP:
      return "Temporary passcode";
    default:
      g_return_val_if_reached ("Device");
    }
}

static char *
build_otpauth_uri (const TlAuthdUser  *user,
                   GBytes             *secret,
                   GError            **error)
{
  g_autofree char *account = g_strdup_printf ("%s (%s)", user->username,
                                              tl_mode_to_string (user->mode));
  TlOtpauth params = {
    .issuer = (char *) "Trading Login",
    .account = account,
    .secret = secret,
    .algorithm = TL_OTP_HASH_SHA1,
    .digits = 6,
    .period = 30,
  };

  return tl_otpauth_build (&params, error);
}

static gboolean
pin_is_valid (const char *pin)
{
  gsize length = pin != NULL ? strlen (pin) : 0;

  if (length < 4 || length > 8)
    return FALSE;

  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isdigit (pin[i]))
      return FALSE;

  return TRUE;
}

static GStrv
new_card (void)
{
  GStrv codes = g_new0 (char *, TL_AUTHD_CARD_CELLS + 1);

  for (guint i = 0; i < TL_AUTHD_CARD_CELLS; i++)
    codes[i] = tl_authd_random_code (TL_AUTHD_CARD_CODE_LENGTH, TL_AUTHD_DIGITS);

  return codes;
}

static TlAuthdProvisioned *
provision (TlAuthdDb                   *db,
           const TlAuthdUser           *user,
           TlDeviceKind                 kind,
           const TlAuthdDeviceOptions  *options,
           GError                     **error)
{
  g_autoptr(TlAuthdProvisioned) p = g_new0 (TlAuthdProvisioned, 1);
  g_autoptr(GBytes) secret = NULL;
  const char *suite = NULL;
  gint64 now = tl_authd_clock_now ();

  p->kind = kind;
  p->label = g_strdup (options->label != NULL && *options->label != '\0'
                       ? options->label : default_label (kind));

  switch (kind)
    {
    case TL_DEVICE_KIND_IBKEY:
      suite = TL_AUTHD_IBKEY_SUITE;
      break;

    case TL_DEVICE_KIND_TOTP:
      secret = tl_authd_random_bytes (20);
      if ((p->otpauth_uri = build_otpauth_uri (user, secret, error)) == NULL)
        return NULL;
      break;

    case TL_DEVICE_KIND_SMS:
      p->phone = g_strdup (options->phone != NULL ? options->phone : user->phone);
      if (p->phone == NULL || *p->phone == '\0')
        {
          g_set_error_literal (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT,
                               _("A text-message device needs a phone number: pass --phone."));
          return NULL;
        }
      break;

    case TL_DEVICE_KIND_DSC:
      if (!pin_is_valid (options->pin))
        {
          g_set_error_literal (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT,
                               _("A digital security card needs a PIN of 4 to 8 digits: pass it with --pin-stdin."));
          return NULL;
        }
      p->pin = g_strdup (options->pin);
      secret = tl_authd_random_bytes (20);
      p->secret = g_bytes_ref (secret);
      suite = TL_AUTHD_DSC_SUITE;
      break;

    case TL_DEVICE_KIND_CARD:
      p->card = new_card ();
      if (options->online_card)
        p->expires_at = now + TL_AUTHD_ONLINE_CARD_SECONDS;
      break;

    case TL_DEVICE_KIND_TEMP:
      p->expires_at = now + TL_AUTHD_TEMP_SECONDS;
      if (!tl_authd_db_run (db, NULL, error,
                            "DELETE FROM devices WHERE user_id = ? AND kind = 'temp'",
                            "i", user->id))
        return NULL;
      break;

    default:
      g_return_val_if_reached (NULL);
    }

  p->device_id = tl_authd_device_add (db, user->id, kind, p->label, secret, suite, p->pin,
                                      p->phone, p->expires_at, error);
  if (p->device_id == NULL)
    return NULL;

  if (kind == TL_DEVICE_KIND_IBKEY &&
      (p->activation_code = tl_authd_activation_issue (db, p->device_id, now, error)) == NULL)
    return NULL;

  if (kind == TL_DEVICE_KIND_CARD && !tl_authd_card_store (db, p->device_id, p->card, error))
    return NULL;

  if (kind == TL_DEVICE_KIND_TEMP && !tl_authd_provision_renew_temp (db, p, error))
    return NULL;

  return g_steal_pointer (&p);
}

TlAuthdProvisioned *
tl_authd_provision_device (TlAuthdDb                   *db,
                           const TlAuthdUser           *user,
                           TlDeviceKind                 kind,
                           const TlAuthdDeviceOptions  *options,
                           GError                     **error)
{
  TlAuthdDeviceOptions defaults = { 0 };
  TlAuthdProvisioned *p;

  if (!tl_authd_db_begin (db, error))
    return NULL;

  p = provision (db, user, kind, options != NULL ? options : &defaults, error);
  if (p == NULL)
    {
      tl_authd_db_rollback (db);
      return NULL;
    }

  if (!tl_authd_db_commit (db, error))
    {
      tl_authd_provisioned_free (p);
      return NULL;
    }

  return p;
}

gboolean
tl_authd_provision_renew_temp (TlAuthdDb           *db,
                               TlAuthdProvisioned  *p,
                               GError             **error)
{
  g_autofree char *code = tl_authd_random_code (TL_AUTHD_TEMP_CODE_LENGTH, TL_AUTHD_UPPER_ALNUM);
  gint64 expires_at = tl_authd_clock_now () + TL_AUTHD_TEMP_SECONDS;

  if (!tl_authd_temp_store (db, p->device_id, code, expires_at, error))
    return FALSE;

  g_free (p->temp_code);
  p->temp_code = g_steal_pointer (&code);
  p->expires_at = expires_at;
  return TRUE;
}

TlAuthdProvisioned *
tl_authd_provision_describe (TlAuthdDb            *db,
                             const TlAuthdUser    *user,
                             const TlAuthdDevice  *device,
                             GError              **error)
{
  g_autoptr(TlAuthdProvisioned) p = g_new0 (TlAuthdProvisioned, 1);

  p->device_id = g_strdup (device->id);
  p->kind = device->kind;
  p->label = g_strdup (device->label);
  p->phone = g_strdup (device->phone);
  p->pin = g_strdup (device->pin);
  p->expires_at = device->expires_at;

  switch (device->kind)
    {
    case TL_DEVICE_KIND_TOTP:
      if ((p->otpauth_uri = build_otpauth_uri (user, device->secret, error)) == NULL)
        return NULL;
      break;

    case TL_DEVICE_KIND_DSC:
      p->secret = device->secret != NULL ? g_bytes_ref (device->secret) : NULL;
      break;

    case TL_DEVICE_KIND_CARD:
      if ((p->card = tl_authd_card_get_cells (db, device->id, error)) == NULL)
        return NULL;
      break;

    case TL_DEVICE_KIND_IBKEY:
    case TL_DEVICE_KIND_SMS:
    case TL_DEVICE_KIND_TEMP:
    default:
      break;
    }

  return g_steal_pointer (&p);
}

void
tl_authd_provisioned_print (const TlAuthdProvisioned *p,
                            GString                  *out)
{
  g_string_append_printf (out, _("  %s “%s” (id %s)\n"),
                          tl_device_kind_to_string (p->kind), p->label, p->device_id);

  if (p->activation_code != NULL)
    g_string_append_printf (out, _("    one-time activation code: %s\n"
                                   "    (trading-key activate, within 7 days)\n"),
                            p->activation_code);
  if (p->otpauth_uri != NULL)
    g_string_append_printf (out, _("    add to an authenticator app: %s\n"), p->otpauth_uri);
  if (p->phone != NULL)
    g_string_append_printf (out, _("    phone: %s\n"), p->phone);
  if (p->pin != NULL)
    g_string_append_printf (out, _("    PIN: %s\n"), p->pin);
  if (p->secret != NULL)
    {
      g_autofree char *secret = g_base64_encode (g_bytes_get_data (p->secret, NULL),
                                                 g_bytes_get_size (p->secret));

      g_string_append_printf (out, _("    key (base64, %s): %s\n"), TL_AUTHD_DSC_SUITE, secret);
    }
  if (p->temp_code != NULL)
    g_string_append_printf (out, _("    temporary passcode: %s\n"), p->temp_code);
  if (p->card != NULL)
    {
      guint n = g_strv_length (p->card);

      g_string_append (out, _("    card (index: code):\n"));
      for (guint i = 0; i < n; i++)
        g_string_append_printf (out, "%s%3u: %s%s", i % 10 == 0 ? "     " : "   ",
                                i + 1, p->card[i], i % 10 == 9 || i + 1 == n ? "\n" : "");
    }
  if (p->expires_at != 0)
    {
      g_autofree char *when = tl_authd_clock_format (p->expires_at);

      g_string_append_printf (out, _("    expires: %s\n"), when);
    }
}

void
tl_authd_provisioned_to_json (const TlAuthdProvisioned *p,
                              JsonBuilder              *builder)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, p->device_id);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, tl_device_kind_to_string (p->kind));
  json_builder_set_member_name (builder, "label");
  json_builder_add_string_value (builder, p->label);

  if (p->activation_code != NULL)
    {
      json_builder_set_member_name (builder, "activation_code");
      json_builder_add_string_value (builder, p->activation_code);
    }
  if (p->otpauth_uri != NULL)
    {
      json_builder_set_member_name (builder, "otpauth_uri");
      json_builder_add_string_value (builder, p->otpauth_uri);
    }
  if (p->card != NULL)
    {
      json_builder_set_member_name (builder, "card");
      json_builder_begin_object (builder);
      for (guint i = 0; p->card[i] != NULL; i++)
        {
          char index[16];

          g_snprintf (index, sizeof index, "%u", i + 1);
          json_builder_set_member_name (builder, index);
          json_builder_add_string_value (builder, p->card[i]);
        }
      json_builder_end_object (builder);
    }
  if (p->temp_code != NULL)
    {
      json_builder_set_member_name (builder, "temp_code");
      json_builder_add_string_value (builder, p->temp_code);
    }
  if (p->pin != NULL)
    {
      json_builder_set_member_name (builder, "pin");
      json_builder_add_string_value (builder, p->pin);
    }
  if (p->secret != NULL)
    {
      g_autofree char *secret = g_base64_encode (g_bytes_get_data (p->secret, NULL),
                                                 g_bytes_get_size (p->secret));

      json_builder_set_member_name (builder, "secret");
      json_builder_add_string_value (builder, secret);
    }
  if (p->phone != NULL)
    {
      json_builder_set_member_name (builder, "phone");
      json_builder_add_string_value (builder, p->phone);
    }
  json_builder_end_object (builder);
}
