/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-key-cmd-activate"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "tl-auth-error.h"
#include "tl-key-client.h"
#include "tl-key-command.h"
#include "tl-key-commands.h"
#include "tl-key-pin.h"
#include "tl-key-store.h"
#include "tl-key-url.h"
#include "tl-message.h"

#define MAX_SECRET_BYTES 128
#define MIN_SECRET_BYTES 16
#define MAX_ID_LENGTH    256

typedef struct
{
  TlKeyCommand     command;

  char            *server;
  char            *pin_sha256;
  char            *username;
  TlMode           mode;
  char            *name;
  TlKeySecret     *code;
  TlKeySecret     *pin;
  TlKeyPrompt     *code_prompt;

  TlKeyStore      *store;
  TlKeyClient     *client;
  TlKeyDevice     *device;
  GPtrArray       *replaced;   /* older devices for the same user and server */
} Activate;

static void
activate_clear (Activate *self)
{
  g_clear_pointer (&self->server, g_free);
  g_clear_pointer (&self->pin_sha256, g_free);
  g_clear_pointer (&self->username, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->code, tl_key_secret_free);
  g_clear_pointer (&self->pin, tl_key_secret_free);
  g_clear_object (&self->code_prompt);
  g_clear_object (&self->store);
  g_clear_object (&self->client);
  g_clear_object (&self->device);
  g_clear_pointer (&self->replaced, g_ptr_array_unref);
  tl_key_command_clear (&self->command);
}

static void
fail (Activate     *self,
      const GError *error)
{
  tl_key_command_done (&self->command, error);
}

static void remove_next (Activate *self);

static void
removed_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Activate *self = user_data;
  g_autoptr(GError) error = NULL;

  /* The new device is saved; a stale item left behind is only clutter. */
  if (!tl_key_store_remove_finish (TL_KEY_STORE (object), result, &error))
    g_printerr ("%s: %s\n", g_get_prgname (), error->message);

  remove_next (self);
}

static void
remove_next (Activate *self)
{
  g_autoptr(TlKeyDevice) old = NULL;

  if (self->replaced == NULL || self->replaced->len == 0)
    {
      g_autofree char *describe = tl_key_device_describe (self->device);

      g_print (_("Activated “%s” for %s.\n"), tl_key_device_get_name (self->device), describe);
      g_print (_("Device ID: %s\n"), tl_key_device_get_device_id (self->device));
      g_print (_("Run “trading-key watch” to approve logins.\n"));
      tl_key_command_done (&self->command, NULL);
      return;
    }

  old = g_ptr_array_steal_index (self->replaced, 0);
  g_print (_("Replaced the earlier device %s for the same user and server.\n"),
           tl_key_device_get_device_id (old));
  tl_key_store_remove_async (self->store, old, NULL, removed_cb, self);
}

static void
saved_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Activate *self = user_data;
  g_autoptr(GError) error = NULL;

  if (!tl_key_store_save_finish (TL_KEY_STORE (object), result, &error))
    {
      g_prefix_error (&error, "%s", _("The server activated the device, but it could not be saved, so ask for a new activation code. "));
      fail (self, error);
      return;
    }

  remove_next (self);
}

static void
listed_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Activate *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) devices = NULL;
  TlKeyFilter same = { self->username, self->server, NULL };

  /* Without the list nothing is replaced, but the device must still be
   * saved: its activation code is spent. */
  devices = tl_key_store_list_finish (TL_KEY_STORE (object), result, NULL, &error);
  if (devices != NULL)
    self->replaced = tl_key_filter_apply (&same, devices);

  tl_key_store_save_async (self->store, self->device, NULL, saved_cb, self);
}

static gboolean
read_activation (JsonObject       *answer,
                 TlKeyDeviceInfo  *info,
                 GBytes          **out_secret,
                 GError          **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(TlOcraSuite) suite = NULL;
  g_autoptr(GBytes) secret = NULL;
  JsonObject *totp;
  const char *algorithm = "SHA1";
  gint64 digits = 6, period = 30;

  if (!(info->device_id = tl_message_get_string (answer, "device_id", &local_error)) ||
      !(secret = tl_message_get_base64 (answer, "secret", MAX_SECRET_BYTES, &local_error)) ||
      !(info->ocra_suite = tl_message_get_string (answer, "ocra_suite", &local_error)))
    goto invalid;

  totp = tl_message_get_optional_object (answer, "totp");
  if (totp != NULL &&
      (!tl_message_get_optional_string (totp, "algorithm", &algorithm, &local_error) ||
       !tl_message_get_optional_int (totp, "digits", 6, 10, &digits, &local_error) ||
       !tl_message_get_optional_int (totp, "period", 1, 3600, &period, &local_error)))
    goto invalid;

  if (*info->device_id == '\0' || strlen (info->device_id) > MAX_ID_LENGTH ||
      !g_utf8_validate (info->device_id, -1, NULL))
    {
      local_error = g_error_new_literal (TL_AUTH_ERROR, TL_AUTH_ERROR_PROTOCOL, _("bad device ID"));
      goto invalid;
    }

  if (g_bytes_get_size (secret) < MIN_SECRET_BYTES)
    {
      local_error = g_error_new_literal (TL_AUTH_ERROR, TL_AUTH_ERROR_PROTOCOL, _("the secret is too short"));
      goto invalid;
    }

  suite = tl_ocra_suite_parse (info->ocra_suite, &local_error);
  if (suite == NULL)
    goto invalid;

  if (!tl_key_device_hash_from_string (algorithm, &info->totp_hash))
    {
      local_error = g_error_new (TL_AUTH_ERROR, TL_AUTH_ERROR_PROTOCOL,
                                 _("unknown code algorithm “%s”"), algorithm);
      goto invalid;
    }

  info->totp_digits = (guint) digits;
  info->totp_period = (guint) period;
  *out_secret = tl_key_secret_bytes_new (g_bytes_get_data (secret, NULL), g_bytes_get_size (secret));

  return TRUE;

invalid:
  g_set_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_PROTOCOL,
               _("The server's activation answer is not valid (%s). The activation code may be spent; ask for a new one."),
               local_error->message);
  return FALSE;
}

static void
activated_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Activate *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(GBytes) secret = NULL;
  TlKeyDeviceInfo info = { 0 };

  answer = tl_key_client_post_finish (TL_KEY_CLIENT (object), result, &error);
  if (answer == NULL)
    {
      if (error->domain == TL_AUTH_ERROR && error->code <= TL_AUTH_ERROR_LAST_WIRE_CODE &&
          error->code != TL_AUTH_ERROR_SERVER_ERROR)
        g_prefix_error (&error, "%s", _("Activation refused: "));
      fail (self, error);
      return;
    }

  info.server = self->server;
  info.pin_sha256 = self->pin_sha256;
  info.username = self->username;
  info.mode = self->mode;
  info.name = self->name;

  if (!read_activation (answer, &info, &secret, &error))
    {
      fail (self, error);
      return;
    }

  self->device = tl_key_device_new (&info, secret, self->pin, &error);
  g_clear_pointer (&self->pin, tl_key_secret_free);
  if (self->device == NULL)
    {
      fail (self, error);
      return;
    }

  tl_key_store_list_async (self->store, NULL, listed_cb, self);
}

static void
send_activation (Activate *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "username");
  json_builder_add_string_value (builder, self->username);
  json_builder_set_member_name (builder, "activation_code");
  json_builder_add_string_value (builder, self->code);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, self->name);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  g_clear_pointer (&self->code, tl_key_secret_free);

  self->client = tl_key_client_new (self->server, self->pin_sha256);
  tl_key_client_post_async (self->client, "v1/device/activate", body,
                            self->command.cancellable, activated_cb, self);
}

static void
pin_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  Activate *self = user_data;
  g_autoptr(GError) error = NULL;

  self->pin = tl_key_pin_ask_new_finish (result, &error);
  if (self->pin == NULL)
    {
      fail (self, error);
      return;
    }

  send_activation (self);
}

static void
ask_pin (Activate *self)
{
  tl_key_pin_ask_new_async (self->command.prompt, self->command.cancellable, pin_cb, self);
}

static void
code_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Activate *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TlKeySecret) code = NULL;

  code = tl_key_prompt_read_line_finish (TL_KEY_PROMPT (object), result, &error);
  if (code == NULL)
    {
      fail (self, error);
      return;
    }

  self->code = g_strdup (g_strstrip (code));
  if (*self->code == '\0')
    {
      g_autoptr(GError) empty = g_error_new_literal (TL_KEY_ERROR, TL_KEY_ERROR_USAGE,
                                                     _("The activation code is empty."));
      fail (self, empty);
      return;
    }

  ask_pin (self);
}

static void
start (Activate *self)
{
  if (self->code != NULL)
    {
      ask_pin (self);
      return;
    }

  tl_key_prompt_read_line_async (self->code_prompt, _("Activation code: "), FALSE,
                                 self->command.cancellable, code_cb, self);
}

int
tl_key_cmd_activate (int    argc,
                     char **argv)
{
  Activate self = { 0 };
  g_autofree char *server = NULL;
  g_autofree char *pin_sha256 = NULL;
  g_autofree char *username = NULL;
  g_autofree char *name = NULL;
  g_autofree char *mode = NULL;
  g_autoptr(TlKeySecret) code = NULL;
  g_autoptr(GError) error = NULL;
  gboolean code_stdin = FALSE;
  gboolean pin_stdin = FALSE;
  gboolean mode_known = FALSE;
  gboolean changed = FALSE;
  int status = TL_KEY_EXIT_USAGE;
  const GOptionEntry entries[] = {
    { "server", 's', 0, G_OPTION_ARG_STRING, &server, N_("The server's address, ending in /live/ or /paper/ (required)"), N_("URL") },
    { "pin-sha256", 0, 0, G_OPTION_ARG_STRING, &pin_sha256, N_("Trust only the server certificate with this SHA-256 fingerprint instead of the system CAs"), N_("FINGERPRINT") },
    { "username", 'u', 0, G_OPTION_ARG_STRING, &username, N_("The user to activate the device for (required)"), N_("NAME") },
    { "code", 0, 0, G_OPTION_ARG_STRING, &code, N_("The activation code (visible to other local users; prefer --code-stdin or the prompt)"), N_("CODE") },
    { "code-stdin", 0, 0, G_OPTION_ARG_NONE, &code_stdin, N_("Read the activation code from the first line of standard input"), NULL },
    { "name", 'n', 0, G_OPTION_ARG_STRING, &name, N_("A name for this device, shown at login (default: “Trading Key on HOST”)"), N_("LABEL") },
    { "mode", 0, 0, G_OPTION_ARG_STRING, &mode, N_("live or paper, when the address does not say"), N_("MODE") },
    { "pin-stdin", 0, 0, G_OPTION_ARG_NONE, &pin_stdin, N_("Read the new PIN from standard input (once) instead of the terminal (twice)"), NULL },
    { NULL }
  };

  if (!tl_key_command_parse ("activate", NULL,
                             _("Registers this device for a user with an activation code from the broker, and stores its secret in the keyring, locked by a new PIN of 4 to 6 characters."),
                             entries, &argc, &argv))
    return TL_KEY_EXIT_USAGE;

  if (argc > 1)
    return tl_key_command_usage_error (_("activate takes no arguments besides options."));
  if (server == NULL)
    return tl_key_command_usage_error (_("Give the server address with --server."));
  if (username == NULL)
    return tl_key_command_usage_error (_("Give the user with --username."));
  if (code != NULL && code_stdin)
    return tl_key_command_usage_error (_("Give the activation code with --code or --code-stdin, not both."));

  self.server = tl_key_url_normalize_server (server, &self.mode, &mode_known, &error);
  if (self.server == NULL)
    {
      status = tl_key_command_usage_error (error->message);
      goto out;
    }

  if (mode != NULL)
    {
      TlMode given;

      if (!tl_mode_from_string (mode, &given))
        {
          status = tl_key_command_usage_error (_("--mode is “live” or “paper”."));
          goto out;
        }
      if (mode_known && given != self.mode)
        {
          status = tl_key_command_usage_error (_("--mode contradicts the server address."));
          goto out;
        }
      self.mode = given;
      mode_known = TRUE;
    }
  if (!mode_known)
    {
      g_autofree char *message =
        g_strdup_printf (_("Cannot tell live from paper trading in %s: use an address ending in /live/ or /paper/, or pass --mode."),
                         self.server);
      status = tl_key_command_usage_error (message);
      goto out;
    }

  if (pin_sha256 != NULL &&
      (self.pin_sha256 = tl_key_url_normalize_pin (pin_sha256, &error)) == NULL)
    {
      status = tl_key_command_usage_error (error->message);
      goto out;
    }

  self.username = tl_username_normalize (username, &changed, &error);
  if (self.username == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("“%s” is not a username: %s"), username, error->message);
      status = tl_key_command_usage_error (message);
      goto out;
    }
  if (changed)
    g_printerr (_("Using the username “%s” (usernames are lower case).\n"), self.username);

  if (name != NULL && *g_strstrip (name) != '\0')
    self.name = g_strdup (name);
  else
    self.name = g_strdup_printf (_("Trading Key on %s"), g_get_host_name ());

  if (code != NULL)
    {
      self.code = g_strdup (g_strstrip (code));
      if (*self.code == '\0')
        {
          status = tl_key_command_usage_error (_("The activation code is empty."));
          goto out;
        }
    }

  tl_key_command_init (&self.command);
  self.command.prompt = tl_key_prompt_new (pin_stdin);
  self.code_prompt = tl_key_prompt_new (code_stdin || pin_stdin);
  self.store = tl_key_store_new ();

  start (&self);
  status = tl_key_command_run (&self.command);
  tl_key_prompt_restore (self.code_prompt);

out:
  activate_clear (&self);

  return status;
}
