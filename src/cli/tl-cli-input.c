/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-cli-input"

#include "config.h"

#include <errno.h>
#include <gio/gunixinputstream.h>
#include <glib/gi18n.h>
#include <openssl/crypto.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "tl-cli-input.h"

struct _TlCliLineReader
{
  int           fd;
  GInputStream *stream;
};

TlCliLineReader *
tl_cli_line_reader_new (int fd)
{
  TlCliLineReader *reader = g_new0 (TlCliLineReader, 1);

  reader->fd = fd;
  reader->stream = g_unix_input_stream_new (fd, FALSE);

  return reader;
}

void
tl_cli_line_reader_free (TlCliLineReader *reader)
{
  if (reader == NULL)
    return;

  g_clear_object (&reader->stream);
  g_free (reader);
}

int
tl_cli_line_reader_get_fd (TlCliLineReader *reader)
{
  return reader->fd;
}

void
tl_cli_secret_free (char *secret)
{
  if (secret == NULL)
    return;

  OPENSSL_cleanse (secret, strlen (secret));
  g_free (secret);
}

typedef struct
{
  TlCliLineReader *reader;
  char            *line;        /* max_length + 1 bytes, wiped on free */
  gsize            max_length;
  gsize            length;
  gboolean         too_long;
  char             byte;
} ReadData;

static void
read_data_free (ReadData *data)
{
  OPENSSL_cleanse (data->line, data->max_length + 1);
  g_free (data->line);
  OPENSSL_cleanse (&data->byte, 1);
  g_free (data);
}

static void read_next_byte (GTask *task);

static void
read_byte_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ReadData *data = g_task_get_task_data (task);
  GError *error = NULL;
  gssize n;

  n = g_input_stream_read_finish (G_INPUT_STREAM (object), result, &error);
  if (n < 0)
    {
      g_task_return_error (task, error);
      return;
    }

  if (n == 0)
    {
      /* Input that ends without a newline still ends its last line. */
      if (data->length > 0 && !data->too_long)
        g_task_return_pointer (task, g_strndup (data->line, data->length),
                               (GDestroyNotify) tl_cli_secret_free);
      else
        g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT,
                                 _("The input ended before a line was read."));
      return;
    }

  if (data->byte == '\n')
    {
      if (data->too_long)
        {
          g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                                   _("The line is too long (at most %lu characters)."),
                                   (gulong) data->max_length);
          return;
        }

      if (data->length > 0 && data->line[data->length - 1] == '\r')
        data->length--;
      g_task_return_pointer (task, g_strndup (data->line, data->length),
                             (GDestroyNotify) tl_cli_secret_free);
      return;
    }

  /* Past the limit the rest of the line is still read, so that the next
   * prompt does not get its tail. */
  if (data->length < data->max_length)
    data->line[data->length++] = data->byte;
  else
    data->too_long = TRUE;

  read_next_byte (task);
}

static void
read_next_byte (GTask *task)
{
  ReadData *data = g_task_get_task_data (task);

  g_input_stream_read_async (data->reader->stream, &data->byte, 1, G_PRIORITY_DEFAULT,
                             g_task_get_cancellable (task), read_byte_cb, g_object_ref (task));
}

void
tl_cli_line_reader_read_async (TlCliLineReader     *reader,
                               gsize                max_length,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ReadData *data;

  g_return_if_fail (reader != NULL);
  g_return_if_fail (max_length > 0);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, tl_cli_line_reader_read_async);

  data = g_new0 (ReadData, 1);
  data->reader = reader;
  data->max_length = max_length;
  data->line = g_malloc0 (max_length + 1);
  g_task_set_task_data (task, data, (GDestroyNotify) read_data_free);

  read_next_byte (task);
}

char *
tl_cli_line_reader_read_finish (TlCliLineReader  *reader,
                                GAsyncResult     *result,
                                GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tl_cli_line_reader_read_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Terminal echo ---------------------------------------------------------- */

static struct termios saved_termios;
static int saved_fd = -1;

gboolean
tl_cli_terminal_echo_off (int      fd,
                          GError **error)
{
  struct termios quiet;

  if (tcgetattr (fd, &saved_termios) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not set up the terminal: %s"), g_strerror (saved_errno));
      return FALSE;
    }

  quiet = saved_termios;
  quiet.c_lflag &= ~(tcflag_t) (ECHO | ECHOE | ECHOK);
  quiet.c_lflag |= ECHONL;
  if (tcsetattr (fd, TCSAFLUSH, &quiet) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not turn off echo on the terminal: %s"), g_strerror (saved_errno));
      return FALSE;
    }

  saved_fd = fd;
  return TRUE;
}

void
tl_cli_terminal_restore (void)
{
  if (saved_fd < 0)
    return;

  /* TCSANOW: an answer typed ahead for the next prompt is kept. */
  tcsetattr (saved_fd, TCSANOW, &saved_termios);
  saved_fd = -1;
}
