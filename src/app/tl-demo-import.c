/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-demo-import"

#include "config.h"

#include <glib/gi18n.h>

#include "tl-demo-import.h"
#include "tl-server-settings.h"

#define DEMO_JSON "demo.json"

gboolean
tl_demo_import_file (GSettings  *settings,
                     GFile      *file,
                     GError    **error)
{
  g_autofree char *path = g_file_get_path (file);
  g_autofree char *name = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *old_dir = NULL;

  g_return_val_if_fail (G_IS_SETTINGS (settings), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  if (path == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("The demo’s data must be a file on this computer. Choose the demo.json that “trading-authd demo” wrote."));
      return FALSE;
    }

  /* Every login reads the folder's demo.json again: another file would
   * work once and never again. */
  name = g_path_get_basename (path);
  if (!g_str_equal (name, DEMO_JSON))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME,
                   _("“%s” is not a demo’s data. Choose the file named demo.json in the folder “trading-authd demo” runs in."),
                   name);
      return FALSE;
    }

  if (!tl_server_settings_read_demo_file (path, NULL, NULL, NULL, error))
    return FALSE;

  dir = g_path_get_dirname (path);
  old_dir = g_settings_get_string (settings, "demo-data-dir");
  g_settings_set_string (settings, "demo-data-dir", dir);
  if (!tl_server_settings_apply_demo (settings, error))
    {
      /* Read a moment ago, gone now (a demo starting again): keep what was. */
      g_settings_set_string (settings, "demo-data-dir", old_dir);
      return FALSE;
    }
  g_settings_set_boolean (settings, "use-demo", TRUE);

  return TRUE;
}

typedef struct
{
  GtkFileChooserNative *native;
  GSettings            *settings;
  gulong                cancelled_id;
  gboolean              done;
} Choose;

static void
choose_free (Choose *choose)
{
  gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (choose->native));
  g_clear_object (&choose->native);
  g_clear_object (&choose->settings);
  g_free (choose);
}

/* Returns the pending @task (the reference its "response" handler
 * holds): once, whether the response or the cancellable comes first. */
static void
choose_return (GTask  *task,
               GError *error)
{
  Choose *choose = g_task_get_task_data (task);

  choose->done = TRUE;
  g_cancellable_disconnect (g_task_get_cancellable (task), choose->cancelled_id);
  choose->cancelled_id = 0;
  g_signal_handlers_disconnect_by_data (choose->native, task);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static void
response_cb (GtkNativeDialog *native,
             int              response,
             GTask           *task)
{
  Choose *choose = g_task_get_task_data (task);
  g_autoptr(GFile) file = NULL;
  GError *error = NULL;

  if (response != GTK_RESPONSE_ACCEPT)
    {
      choose_return (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                "No demo.json was chosen"));
      return;
    }

  file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));
  if (file == NULL)
    error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                                 _("No file was chosen. Choose the demo.json that “trading-authd demo” wrote."));
  else
    tl_demo_import_file (choose->settings, file, &error);

  choose_return (task, error);
}

static gboolean
cancel_idle_cb (gpointer user_data)
{
  GTask *task = user_data;
  Choose *choose = g_task_get_task_data (task);

  if (!choose->done)
    {
      gtk_native_dialog_hide (GTK_NATIVE_DIALOG (choose->native));
      choose_return (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                "The demo import was cancelled"));
    }

  return G_SOURCE_REMOVE;
}

static void
cancelled_cb (GCancellable *cancellable,
              GTask        *task)
{
  /* Not from here: g_cancellable_disconnect() inside its own handler
   * would wait for itself. */
  g_idle_add_full (G_PRIORITY_DEFAULT, cancel_idle_cb, g_object_ref (task), g_object_unref);
}

void
tl_demo_import_choose_async (GtkWindow           *parent,
                             GSettings           *settings,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autofree char *demo_dir = NULL;
  Choose *choose;

  g_return_if_fail (parent == NULL || GTK_IS_WINDOW (parent));
  g_return_if_fail (G_IS_SETTINGS (settings));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, tl_demo_import_choose_async);

  choose = g_new0 (Choose, 1);
  choose->settings = g_object_ref (settings);
  choose->native = gtk_file_chooser_native_new (_("Choose the Demo’s demo.json"), parent,
                                                GTK_FILE_CHOOSER_ACTION_OPEN,
                                                _("_Use"), _("_Cancel"));
  g_task_set_task_data (task, choose, (GDestroyNotify) choose_free);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (choose->native), TRUE);

  gtk_file_filter_set_name (filter, _("Demo data (demo.json)"));
  gtk_file_filter_add_pattern (filter, DEMO_JSON);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (choose->native), filter);

  /* Where the demo runs by default, when it is there (outside a sandbox;
   * inside, the app cannot see that folder and the portal opens where
   * the person was last). */
  demo_dir = tl_server_settings_dup_demo_dir (settings);
  if (g_file_test (demo_dir, G_FILE_TEST_IS_DIR))
    {
      g_autoptr(GFile) folder = g_file_new_for_path (demo_dir);

      gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (choose->native), folder, NULL);
    }

  g_signal_connect (choose->native, "response", G_CALLBACK (response_cb), g_object_ref (task));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (choose->native));

  if (cancellable != NULL)
    choose->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (cancelled_cb), task, NULL);
}

gboolean
tl_demo_import_choose_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tl_demo_import_choose_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
