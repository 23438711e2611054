/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-authd-sms"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "tl-authd-clock.h"
#include "tl-authd-sms.h"

/* A hung delivery command must not hold a login forever. */
#define COMMAND_TIMEOUT_SECONDS 20

char *
tl_authd_sms_mask (const char *phone)
{
  GString *masked = g_string_new (NULL);
  guint total_digits = 0;
  guint seen_digits = 0;
  gboolean in_prefix;

  for (const char *p = phone; *p != '\0'; p++)
    if (g_ascii_isdigit (*p))
      total_digits++;

  in_prefix = phone[0] == '+' && strchr (phone, ' ') != NULL;

  for (const char *p = phone; *p != '\0'; p++)
    {
      if (*p == ' ')
        in_prefix = FALSE;

      if (g_ascii_isdigit (*p))
        {
          seen_digits++;
          g_string_append_c (masked, in_prefix || seen_digits + 4 > total_digits ? *p : '*');
        }
      else if (*p == '+' || *p == ' ')
        {
          g_string_append_c (masked, *p);
        }
    }

  return g_string_free (masked, FALSE);
}

static gboolean
append_to_log (const char  *path,
               const char  *to,
               const char  *code,
               const char  *channel,
               GError     **error)
{
  g_autofree char *when = tl_authd_clock_format (tl_authd_clock_now ());
  g_autofree char *line = g_strdup_printf ("%s %s to %s: code %s\n", when, channel, to, code);
  gsize length = strlen (line);
  int fd;
  gboolean ok;

  fd = g_open (path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "Could not open %s: %s", path, g_strerror (saved_errno));
      return FALSE;
    }

  ok = write (fd, line, length) == (gssize) length;
  if (!ok)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Could not write %s", path);
  close (fd);

  return ok;
}

typedef struct
{
  GSubprocess  *process;
  GCancellable *cancellable;
  guint         timeout_id;
} Delivery;

static void
delivery_free (Delivery *delivery)
{
  g_clear_handle_id (&delivery->timeout_id, g_source_remove);
  g_clear_object (&delivery->process);
  g_clear_object (&delivery->cancellable);
  g_free (delivery);
}

static gboolean
on_timeout (gpointer user_data)
{
  Delivery *delivery = user_data;

  delivery->timeout_id = 0;
  g_subprocess_force_exit (delivery->process);
  g_cancellable_cancel (delivery->cancellable);

  return G_SOURCE_REMOVE;
}

static void
on_waited (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_subprocess_wait_check_finish (G_SUBPROCESS (object), result, &error))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                               "The SMS command failed: %s", error->message);
      return;
    }

  g_task_return_boolean (task, TRUE);
}

void
tl_authd_sms_send_async (const char          *command,
                         const char          *log_path,
                         const char          *to,
                         const char          *code,
                         const char          *channel,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, NULL, callback, user_data);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_auto(GStrv) argv = NULL;
  g_autoptr(GError) error = NULL;
  Delivery *delivery;

  g_task_set_source_tag (task, tl_authd_sms_send_async);

  if (log_path != NULL)
    {
      if (!append_to_log (log_path, to, code, channel, &error))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_boolean (task, TRUE);
      return;
    }

  if (command == NULL || *command == '\0')
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               "No --sms-command is configured");
      return;
    }

  if (!g_shell_parse_argv (command, NULL, &argv, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_setenv (launcher, "TL_SMS_TO", to, TRUE);
  g_subprocess_launcher_setenv (launcher, "TL_SMS_CODE", code, TRUE);
  g_subprocess_launcher_setenv (launcher, "TL_SMS_CHANNEL", channel, TRUE);

  delivery = g_new0 (Delivery, 1);
  delivery->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv, &error);
  if (delivery->process == NULL)
    {
      delivery_free (delivery);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  delivery->cancellable = g_cancellable_new ();
  delivery->timeout_id = g_timeout_add_seconds (COMMAND_TIMEOUT_SECONDS, on_timeout, delivery);
  g_task_set_task_data (task, delivery, (GDestroyNotify) delivery_free);

  g_subprocess_wait_check_async (delivery->process, delivery->cancellable, on_waited,
                                 g_steal_pointer (&task));
}

gboolean
tl_authd_sms_send_finish (GAsyncResult  *result,
                          GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}
