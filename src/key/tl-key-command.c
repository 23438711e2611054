/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-key-command"

#include "config.h"

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <signal.h>

#include "tl-auth-error.h"
#include "tl-key-command.h"
#include "tl-key-url.h"
#include "tl-types.h"

void
tl_key_command_init (TlKeyCommand *command)
{
  command->loop = g_main_loop_new (NULL, FALSE);
  command->cancellable = g_cancellable_new ();
  command->prompt = NULL;
  command->exit_code = TL_KEY_EXIT_OK;
  command->interrupted = FALSE;
}

void
tl_key_command_clear (TlKeyCommand *command)
{
  if (command->prompt != NULL)
    tl_key_prompt_restore (command->prompt);
  g_clear_object (&command->prompt);
  g_clear_object (&command->cancellable);
  g_clear_pointer (&command->loop, g_main_loop_unref);
}

static gboolean
signal_cb (gpointer user_data)
{
  TlKeyCommand *command = user_data;

  /* Before anything else: a PIN question may have turned echo off. */
  if (command->prompt != NULL)
    tl_key_prompt_restore (command->prompt);

  command->interrupted = TRUE;
  g_cancellable_cancel (command->cancellable);

  return G_SOURCE_CONTINUE;
}

int
tl_key_command_run (TlKeyCommand *command)
{
  guint ids[3];

  ids[0] = g_unix_signal_add (SIGINT, signal_cb, command);
  ids[1] = g_unix_signal_add (SIGTERM, signal_cb, command);
  ids[2] = g_unix_signal_add (SIGHUP, signal_cb, command);

  g_main_loop_run (command->loop);

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    g_source_remove (ids[i]);

  if (command->prompt != NULL)
    tl_key_prompt_restore (command->prompt);

  return command->exit_code;
}

void
tl_key_command_done (TlKeyCommand *command,
                     const GError *error)
{
  if (error != NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_printerr ("%s: %s\n", g_get_prgname (), _("Interrupted."));
      else
        g_printerr ("%s: %s\n", g_get_prgname (), error->message);
      command->exit_code = tl_key_error_exit_code (error);
    }

  g_main_loop_quit (command->loop);
}

int
tl_key_command_usage_error (const char *message)
{
  g_printerr ("%s: %s\n", g_get_prgname (), message);
  g_printerr (_("Run “%s --help” for the options.\n"), g_get_prgname ());

  return TL_KEY_EXIT_USAGE;
}

gboolean
tl_key_command_parse (const char          *name,
                      const char          *parameter,
                      const char          *summary,
                      const GOptionEntry  *entries,
                      int                 *argc,
                      char              ***argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *prgname = g_strdup_printf ("trading-key %s", name);

  g_set_prgname (prgname);

  context = g_option_context_new (parameter);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, summary);
  g_option_context_set_description (context, tl_key_exit_codes_help ());
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      tl_key_command_usage_error (error->message);
      return FALSE;
    }

  return TRUE;
}

gboolean
tl_key_filter_normalize (TlKeyFilter  *filter,
                         GError      **error)
{
  if (filter->username != NULL)
    {
      g_autoptr(GError) local_error = NULL;
      char *username = tl_username_normalize (filter->username, NULL, &local_error);

      if (username == NULL)
        {
          g_set_error (error, TL_KEY_ERROR, TL_KEY_ERROR_USAGE,
                       _("“%s” is not a username: %s"), filter->username, local_error->message);
          return FALSE;
        }
      g_free (filter->username);
      filter->username = username;
    }

  if (filter->server != NULL)
    {
      char *server = tl_key_url_normalize_server (filter->server, NULL, NULL, error);

      if (server == NULL)
        return FALSE;
      g_free (filter->server);
      filter->server = server;
    }

  return TRUE;
}

void
tl_key_filter_clear (TlKeyFilter *filter)
{
  g_clear_pointer (&filter->username, g_free);
  g_clear_pointer (&filter->server, g_free);
  g_clear_pointer (&filter->device_id, g_free);
}

GPtrArray *
tl_key_filter_apply (const TlKeyFilter *filter,
                     GPtrArray         *devices)
{
  GPtrArray *matches = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < devices->len; i++)
    {
      TlKeyDevice *device = g_ptr_array_index (devices, i);

      if (tl_key_device_matches (device, filter->username, filter->server, filter->device_id))
        g_ptr_array_add (matches, g_object_ref (device));
    }

  return matches;
}

static char *
describe_filter (const TlKeyFilter *filter)
{
  GString *text = g_string_new (NULL);

  if (filter->username != NULL)
    g_string_append_printf (text, _(" for “%s”"), filter->username);
  if (filter->server != NULL)
    g_string_append_printf (text, _(" on %s"), filter->server);
  if (filter->device_id != NULL)
    g_string_append_printf (text, _(" with ID %s"), filter->device_id);

  return g_string_free (text, FALSE);
}

gboolean
tl_key_filter_check_any (const TlKeyFilter  *filter,
                         GPtrArray          *matches,
                         GError            **error)
{
  g_autofree char *what = NULL;

  if (matches->len > 0)
    return TRUE;

  what = describe_filter (filter);
  g_set_error (error, TL_KEY_ERROR, TL_KEY_ERROR_NO_DEVICE,
               _("No device is enrolled%s. Activate one with “trading-key activate”, or see “trading-key list”."),
               what);
  return FALSE;
}

TlKeyDevice *
tl_key_filter_pick_one (const TlKeyFilter  *filter,
                        GPtrArray          *devices,
                        GError            **error)
{
  g_autoptr(GPtrArray) matches = tl_key_filter_apply (filter, devices);
  g_autoptr(GString) candidates = NULL;

  if (!tl_key_filter_check_any (filter, matches, error))
    return NULL;

  if (matches->len == 1)
    return g_object_ref (g_ptr_array_index (matches, 0));

  candidates = g_string_new (NULL);
  for (guint i = 0; i < matches->len; i++)
    {
      TlKeyDevice *device = g_ptr_array_index (matches, i);
      g_autofree char *what = tl_key_device_describe (device);

      g_string_append_printf (candidates, "\n  %s (%s %s)", what, _("device ID"),
                              tl_key_device_get_device_id (device));
    }

  g_set_error (error, TL_KEY_ERROR, TL_KEY_ERROR_AMBIGUOUS,
               _("Several devices match; choose one with --username, --server or --device-id:%s"),
               candidates->str);
  return NULL;
}
