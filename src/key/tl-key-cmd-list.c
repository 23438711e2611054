/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-key-cmd-list"

#include "config.h"

#include <glib/gi18n.h>

#include "tl-key-command.h"
#include "tl-key-commands.h"
#include "tl-key-store.h"
#include "tl-key-url.h"

typedef struct
{
  TlKeyCommand  command;
  TlKeyFilter   filter;
  TlKeyStore   *store;
  TlKeyDevice  *device;     /* remove: the one being removed */
} ListCommand;

static void
list_command_clear (ListCommand *self)
{
  tl_key_filter_clear (&self->filter);
  g_clear_object (&self->store);
  g_clear_object (&self->device);
  tl_key_command_clear (&self->command);
}

static void
print_device (TlKeyDevice *device)
{
  g_autofree char *describe = tl_key_device_describe (device);
  g_autofree char *pin = NULL;
  gint64 activated_at = tl_key_device_get_activated_at (device);

  g_print ("%s\n", describe);
  g_print (_("  Device ID:    %s\n"), tl_key_device_get_device_id (device));
  g_print (_("  Name:         %s\n"), tl_key_device_get_name (device));
  if (activated_at > 0)
    {
      g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (activated_at);
      g_autoptr(GDateTime) local = utc != NULL ? g_date_time_to_local (utc) : NULL;
      g_autofree char *when = local != NULL ? g_date_time_format (local, "%Y-%m-%d %H:%M %Z") : NULL;

      if (when != NULL)
        g_print (_("  Activated:    %s\n"), when);
    }
  g_print (_("  Challenges:   %s\n"), tl_key_device_get_ocra_suite (device));
  g_print (_("  Codes:        %u digits every %u s (%s)\n"),
           tl_key_device_get_totp_digits (device),
           tl_key_device_get_totp_period (device),
           tl_key_device_hash_to_string (tl_key_device_get_totp_hash (device)));

  if (tl_key_device_get_pin_sha256 (device) != NULL)
    {
      pin = tl_key_url_format_pin (tl_key_device_get_pin_sha256 (device));
      g_print (_("  Certificate:  pinned, SHA-256 %s\n"), pin);
    }
  else
    g_print (_("  Certificate:  trusted through the system's CAs\n"));
}

static void
list_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  ListCommand *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) devices = NULL;
  g_autoptr(GPtrArray) matches = NULL;
  g_auto(GStrv) damaged = NULL;

  devices = tl_key_store_list_finish (TL_KEY_STORE (object), result, &damaged, &error);
  if (devices == NULL)
    {
      tl_key_command_done (&self->command, error);
      return;
    }

  for (guint i = 0; damaged[i] != NULL; i++)
    g_printerr (_("%s: cannot read the keyring item “%s”; remove it with a keyring manager such as Seahorse.\n"),
                g_get_prgname (), damaged[i]);

  matches = tl_key_filter_apply (&self->filter, devices);
  if (matches->len == 0 &&
      (self->filter.username != NULL || self->filter.server != NULL || self->filter.device_id != NULL))
    {
      tl_key_filter_check_any (&self->filter, matches, &error);
      tl_key_command_done (&self->command, error);
      return;
    }
  if (matches->len == 0)
    {
      g_printerr (_("No device is enrolled. Activate one with “trading-key activate”.\n"));
      tl_key_command_done (&self->command, NULL);
      return;
    }

  for (guint i = 0; i < matches->len; i++)
    {
      if (i > 0)
        g_print ("\n");
      print_device (g_ptr_array_index (matches, i));
    }

  tl_key_command_done (&self->command, NULL);
}

int
tl_key_cmd_list (int    argc,
                 char **argv)
{
  ListCommand self = { 0 };
  g_autoptr(GError) error = NULL;
  int status;
  const GOptionEntry entries[] = {
    TL_KEY_FILTER_ENTRIES (&self.filter),
    { NULL }
  };

  if (!tl_key_command_parse ("list", NULL,
                             _("Lists the enrolled devices: user, mode, server, device ID and how the server is trusted. Shows no secrets and asks for no PIN."),
                             entries, &argc, &argv))
    return TL_KEY_EXIT_USAGE;

  if (argc > 1)
    {
      list_command_clear (&self);
      return tl_key_command_usage_error (_("list takes no arguments besides options."));
    }

  if (!tl_key_filter_normalize (&self.filter, &error))
    {
      list_command_clear (&self);
      return tl_key_command_usage_error (error->message);
    }

  tl_key_command_init (&self.command);
  self.store = tl_key_store_new ();
  tl_key_store_list_async (self.store, self.command.cancellable, list_cb, &self);
  status = tl_key_command_run (&self.command);
  list_command_clear (&self);

  return status;
}

static void
removed_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  ListCommand *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *describe = NULL;

  if (!tl_key_store_remove_finish (TL_KEY_STORE (object), result, &error))
    {
      tl_key_command_done (&self->command, error);
      return;
    }

  describe = tl_key_device_describe (self->device);
  g_print (_("Removed device %s for %s.\n"),
           tl_key_device_get_device_id (self->device), describe);
  g_print (_("The server still lists it; ask the broker to deactivate it if the phone is lost.\n"));
  tl_key_command_done (&self->command, NULL);
}

static void
remove_list_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  ListCommand *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) devices = NULL;

  devices = tl_key_store_list_finish (TL_KEY_STORE (object), result, NULL, &error);
  if (devices != NULL)
    self->device = tl_key_filter_pick_one (&self->filter, devices, &error);

  if (self->device == NULL)
    {
      tl_key_command_done (&self->command, error);
      return;
    }

  tl_key_store_remove_async (self->store, self->device, self->command.cancellable,
                             removed_cb, self);
}

int
tl_key_cmd_remove (int    argc,
                   char **argv)
{
  ListCommand self = { 0 };
  g_autoptr(GError) error = NULL;
  int status;
  const GOptionEntry entries[] = {
    TL_KEY_FILTER_ENTRIES (&self.filter),
    { NULL }
  };

  if (!tl_key_command_parse ("remove", NULL,
                             _("Removes one enrolled device and its secret from the keyring. When several are enrolled, say which with --username, --server or --device-id."),
                             entries, &argc, &argv))
    return TL_KEY_EXIT_USAGE;

  if (argc > 1)
    {
      list_command_clear (&self);
      return tl_key_command_usage_error (_("remove takes no arguments besides options."));
    }

  if (!tl_key_filter_normalize (&self.filter, &error))
    {
      list_command_clear (&self);
      return tl_key_command_usage_error (error->message);
    }

  tl_key_command_init (&self.command);
  self.store = tl_key_store_new ();
  tl_key_store_list_async (self.store, self.command.cancellable, remove_list_cb, &self);
  status = tl_key_command_run (&self.command);
  list_command_clear (&self);

  return status;
}
