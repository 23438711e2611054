/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-key-device"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "tl-key-device.h"
#include "tl-key-error.h"
#include "tl-key-url.h"
#include "tl-key-vault.h"
#include "tl-message.h"

#define RECORD_VERSION 1

struct _TlKeyDevice
{
  GObject     parent_instance;

  char       *server;
  char       *pin_sha256;
  char       *username;
  TlMode      mode;
  char       *device_id;
  char       *name;
  char       *ocra_suite;
  TlOtpHash   totp_hash;
  guint       totp_digits;
  guint       totp_period;
  gint64      activated_at;
  JsonObject *sealed;
};

G_DEFINE_FINAL_TYPE (TlKeyDevice, tl_key_device, G_TYPE_OBJECT)

static const char * const hash_names[] = {
  [TL_OTP_HASH_SHA1] = "SHA1",
  [TL_OTP_HASH_SHA256] = "SHA256",
  [TL_OTP_HASH_SHA512] = "SHA512",
};

gboolean
tl_key_device_hash_from_string (const char *name,
                                TlOtpHash  *out_hash)
{
  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (hash_names); i++)
    {
      if (g_ascii_strcasecmp (name, hash_names[i]) == 0)
        {
          *out_hash = (TlOtpHash) i;
          return TRUE;
        }
    }

  return FALSE;
}

const char *
tl_key_device_hash_to_string (TlOtpHash hash)
{
  g_return_val_if_fail ((guint) hash < G_N_ELEMENTS (hash_names), NULL);

  return hash_names[hash];
}

static void
tl_key_device_finalize (GObject *object)
{
  TlKeyDevice *self = (TlKeyDevice *) object;

  g_clear_pointer (&self->server, g_free);
  g_clear_pointer (&self->pin_sha256, g_free);
  g_clear_pointer (&self->username, g_free);
  g_clear_pointer (&self->device_id, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->ocra_suite, g_free);
  g_clear_pointer (&self->sealed, json_object_unref);

  G_OBJECT_CLASS (tl_key_device_parent_class)->finalize (object);
}

static void
tl_key_device_class_init (TlKeyDeviceClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tl_key_device_finalize;
}

static void
tl_key_device_init (TlKeyDevice *self)
{
}

/* Binds the sealed secret to this record: copying it into another
 * device's item makes it fail like a wrong PIN. */
static char *
vault_context (const char *server,
               const char *username,
               const char *device_id)
{
  return g_strdup_printf ("trading-key/v%d\n%s\n%s\n%s",
                          RECORD_VERSION, server, username, device_id);
}

static TlKeyDevice *
device_new_internal (const TlKeyDeviceInfo *info,
                     gint64                 activated_at,
                     JsonObject            *sealed)
{
  TlKeyDevice *self = g_object_new (TL_TYPE_KEY_DEVICE, NULL);

  self->server = g_strdup (info->server);
  self->pin_sha256 = g_strdup (info->pin_sha256);
  self->username = g_strdup (info->username);
  self->mode = info->mode;
  self->device_id = g_strdup (info->device_id);
  self->name = g_strdup (info->name != NULL ? info->name : "");
  self->ocra_suite = g_strdup (info->ocra_suite);
  self->totp_hash = info->totp_hash;
  self->totp_digits = info->totp_digits;
  self->totp_period = info->totp_period;
  self->activated_at = activated_at;
  self->sealed = json_object_ref (sealed);

  return self;
}

TlKeyDevice *
tl_key_device_new (const TlKeyDeviceInfo  *info,
                   GBytes                 *secret,
                   const char             *pin,
                   GError                **error)
{
  g_autofree char *context = NULL;
  g_autoptr(JsonObject) sealed = NULL;

  g_return_val_if_fail (info != NULL, NULL);
  g_return_val_if_fail (info->server != NULL && info->username != NULL, NULL);
  g_return_val_if_fail (info->device_id != NULL && info->ocra_suite != NULL, NULL);
  g_return_val_if_fail (secret != NULL && pin != NULL, NULL);

  context = vault_context (info->server, info->username, info->device_id);
  sealed = tl_key_vault_seal (pin, secret, context, error);
  if (sealed == NULL)
    return NULL;

  return device_new_internal (info, g_get_real_time () / G_USEC_PER_SEC, sealed);
}

static TlKeyDevice *
damaged_record (GError       **error,
                const char    *what)
{
  g_set_error (error, TL_KEY_ERROR, TL_KEY_ERROR_KEYRING,
               _("A device in the keyring is damaged (%s). Remove it with “trading-key remove” and activate it again."),
               what);
  return NULL;
}

TlKeyDevice *
tl_key_device_new_from_json (const char  *json,
                             GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonObject) root = NULL;
  g_autoptr(TlOcraSuite) suite = NULL;
  g_autofree char *server = NULL;
  g_autofree char *pin = NULL;
  TlKeyDeviceInfo info = { 0 };
  JsonObject *totp;
  JsonObject *sealed;
  const char *server_text;
  const char *mode_text;
  const char *algorithm;
  const char *pin_text = NULL;
  gint64 version, digits, period, activated_at = 0;

  g_return_val_if_fail (json != NULL, NULL);

  root = tl_message_parse (json, strlen (json), &local_error);
  if (root == NULL)
    return damaged_record (error, local_error->message);

  if (!tl_message_get_int (root, "version", 1, G_MAXINT, &version, &local_error) ||
      !(server_text = tl_message_get_string (root, "server", &local_error)) ||
      !tl_message_get_optional_string (root, "pin_sha256", &pin_text, &local_error) ||
      !(info.username = tl_message_get_string (root, "username", &local_error)) ||
      !(mode_text = tl_message_get_string (root, "mode", &local_error)) ||
      !(info.device_id = tl_message_get_string (root, "device_id", &local_error)) ||
      !tl_message_get_optional_string (root, "name", &info.name, &local_error) ||
      !(info.ocra_suite = tl_message_get_string (root, "ocra_suite", &local_error)) ||
      !(totp = tl_message_get_object (root, "totp", &local_error)) ||
      !(algorithm = tl_message_get_string (totp, "algorithm", &local_error)) ||
      !tl_message_get_int (totp, "digits", 6, 10, &digits, &local_error) ||
      !tl_message_get_int (totp, "period", 1, 3600, &period, &local_error) ||
      !tl_message_get_optional_int (root, "activated_at", 0, G_MAXINT64, &activated_at, &local_error) ||
      !(sealed = tl_message_get_object (root, "sealed_secret", &local_error)))
    return damaged_record (error, local_error->message);

  if (version != RECORD_VERSION)
    {
      g_set_error (error, TL_KEY_ERROR, TL_KEY_ERROR_KEYRING,
                   _("A device in the keyring was stored by a newer version of Trading Key (record version %d). Update Trading Key."),
                   (int) version);
      return NULL;
    }

  server = tl_key_url_normalize_server (server_text, NULL, NULL, &local_error);
  if (server == NULL)
    return damaged_record (error, local_error->message);
  if (pin_text != NULL && (pin = tl_key_url_normalize_pin (pin_text, &local_error)) == NULL)
    return damaged_record (error, local_error->message);
  if (!tl_username_is_valid (info.username))
    return damaged_record (error, _("bad username"));
  if (!tl_mode_from_string (mode_text, &info.mode))
    return damaged_record (error, _("bad mode"));
  if (*info.device_id == '\0')
    return damaged_record (error, _("empty device ID"));
  if ((suite = tl_ocra_suite_parse (info.ocra_suite, &local_error)) == NULL)
    return damaged_record (error, local_error->message);
  if (!tl_key_device_hash_from_string (algorithm, &info.totp_hash))
    return damaged_record (error, _("bad code algorithm"));

  info.server = server;
  info.pin_sha256 = pin;
  info.totp_digits = (guint) digits;
  info.totp_period = (guint) period;

  return device_new_internal (&info, activated_at, sealed);
}

char *
tl_key_device_to_json (TlKeyDevice *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  g_return_val_if_fail (TL_IS_KEY_DEVICE (self), NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, RECORD_VERSION);
  json_builder_set_member_name (builder, "server");
  json_builder_add_string_value (builder, self->server);
  json_builder_set_member_name (builder, "pin_sha256");
  if (self->pin_sha256 != NULL)
    json_builder_add_string_value (builder, self->pin_sha256);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "username");
  json_builder_add_string_value (builder, self->username);
  json_builder_set_member_name (builder, "mode");
  json_builder_add_string_value (builder, tl_mode_to_string (self->mode));
  json_builder_set_member_name (builder, "device_id");
  json_builder_add_string_value (builder, self->device_id);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, self->name);
  json_builder_set_member_name (builder, "ocra_suite");
  json_builder_add_string_value (builder, self->ocra_suite);
  json_builder_set_member_name (builder, "totp");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "algorithm");
  json_builder_add_string_value (builder, tl_key_device_hash_to_string (self->totp_hash));
  json_builder_set_member_name (builder, "digits");
  json_builder_add_int_value (builder, self->totp_digits);
  json_builder_set_member_name (builder, "period");
  json_builder_add_int_value (builder, self->totp_period);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "activated_at");
  json_builder_add_int_value (builder, self->activated_at);
  json_builder_set_member_name (builder, "sealed_secret");
  {
    JsonNode *sealed = json_node_new (JSON_NODE_OBJECT);
    json_node_set_object (sealed, self->sealed);
    json_builder_add_value (builder, sealed);
  }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);

  return json_generator_to_data (generator, NULL);
}

const char *
tl_key_device_get_server (TlKeyDevice *self)
{
  g_return_val_if_fail (TL_IS_KEY_DEVICE (self), NULL);
  return self->server;
}

const char *
tl_key_device_get_pin_sha256 (TlKeyDevice *self)
{
  g_return_val_if_fail (TL_IS_KEY_DEVICE (self), NULL);
  return self->pin_sha256;
}

const char *
tl_key_device_get_username (TlKeyDevice *self)
{
  g_return_val_if_fail (TL_IS_KEY_DEVICE (self), NULL);
  return self->username;
}

TlMode
tl_key_device_get_mode (TlKeyDevice *self)
{
  g_return_val_if_fail (TL_IS_KEY_DEVICE (self), TL_MODE_LIVE);
  return self->mode;
}

const char *
tl_key_device_get_device_id (TlKeyDevice *self)
{
  g_return_val_if_fail (TL_IS_KEY_DEVICE (self), NULL);
  return self->device_id;
}

const char *
tl_key_device_get_name (TlKeyDevice *self)
{
  g_return_val_if_fail (TL_IS_KEY_DEVICE (self), NULL);
  return self->name;
}

const char *
tl_key_device_get_ocra_suite (TlKeyDevice *self)
{
  g_return_val_if_fail (TL_IS_KEY_DEVICE (self), NULL);
  return self->ocra_suite;
}

TlOtpHash
tl_key_device_get_totp_hash (TlKeyDevice *self)
{
  g_return_val_if_fail (TL_IS_KEY_DEVICE (self), TL_OTP_HASH_SHA1);
  return self->totp_hash;
}

guint
tl_key_device_get_totp_digits (TlKeyDevice *self)
{
  g_return_val_if_fail (TL_IS_KEY_DEVICE (self), 0);
  return self->totp_digits;
}

guint
tl_key_device_get_totp_period (TlKeyDevice *self)
{
  g_return_val_if_fail (TL_IS_KEY_DEVICE (self), 0);
  return self->totp_period;
}

gint64
tl_key_device_get_activated_at (TlKeyDevice *self)
{
  g_return_val_if_fail (TL_IS_KEY_DEVICE (self), 0);
  return self->activated_at;
}

char *
tl_key_device_describe (TlKeyDevice *self)
{
  g_return_val_if_fail (TL_IS_KEY_DEVICE (self), NULL);

  /* TRANSLATORS: "alice (paper) on https://broker.example/paper/" */
  return g_strdup_printf (_("%s (%s) on %s"),
                          self->username, tl_mode_to_string (self->mode), self->server);
}

char *
tl_key_device_dup_label (TlKeyDevice *self)
{
  g_return_val_if_fail (TL_IS_KEY_DEVICE (self), NULL);

  return g_strdup_printf (_("Trading Key device for “%s” on %s"),
                          self->username, self->server);
}

GBytes *
tl_key_device_unlock (TlKeyDevice  *self,
                      const char   *pin,
                      GError      **error)
{
  g_autofree char *context = NULL;

  g_return_val_if_fail (TL_IS_KEY_DEVICE (self), NULL);
  g_return_val_if_fail (pin != NULL, NULL);

  context = vault_context (self->server, self->username, self->device_id);

  return tl_key_vault_open (self->sealed, pin, context, error);
}

gboolean
tl_key_device_matches (TlKeyDevice *self,
                       const char  *username,
                       const char  *server,
                       const char  *device_id)
{
  g_return_val_if_fail (TL_IS_KEY_DEVICE (self), FALSE);

  return (username == NULL || g_str_equal (username, self->username)) &&
         (server == NULL || g_str_equal (server, self->server)) &&
         (device_id == NULL || g_str_equal (device_id, self->device_id));
}
