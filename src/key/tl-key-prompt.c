/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-key-prompt"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib-unix.h>
#include <openssl/crypto.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "tl-key-error.h"
#include "tl-key-prompt.h"

#define LINE_MAX_BYTES 1024

struct _TlKeyPrompt
{
  GObject         parent_instance;

  gboolean        use_stdin;
  int             in_fd;       /* -1 until first needed */
  int             out_fd;
  gboolean        own_fd;
  gboolean        is_tty;

  gboolean        echo_off;
  struct termios  saved;

  GTask          *task;        /* the read under way */
  GSource        *source;
  gsize           length;
  gboolean        overflow;
  char            line[LINE_MAX_BYTES];
};

G_DEFINE_FINAL_TYPE (TlKeyPrompt, tl_key_prompt, G_TYPE_OBJECT)

void
tl_key_prompt_restore (TlKeyPrompt *self)
{
  g_return_if_fail (TL_IS_KEY_PROMPT (self));

  if (self->echo_off)
    {
      tcsetattr (self->in_fd, TCSANOW, &self->saved);
      self->echo_off = FALSE;
    }
}

static void
tl_key_prompt_dispose (GObject *object)
{
  TlKeyPrompt *self = (TlKeyPrompt *) object;

  tl_key_prompt_restore (self);

  if (self->source != NULL)
    {
      g_source_destroy (self->source);
      g_clear_pointer (&self->source, g_source_unref);
    }
  g_clear_object (&self->task);

  if (self->own_fd && self->in_fd >= 0)
    close (self->in_fd);
  self->in_fd = -1;
  self->own_fd = FALSE;

  OPENSSL_cleanse (self->line, sizeof self->line);

  G_OBJECT_CLASS (tl_key_prompt_parent_class)->dispose (object);
}

static void
tl_key_prompt_class_init (TlKeyPromptClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = tl_key_prompt_dispose;
}

static void
tl_key_prompt_init (TlKeyPrompt *self)
{
  self->in_fd = -1;
  self->out_fd = STDERR_FILENO;
}

TlKeyPrompt *
tl_key_prompt_new (gboolean use_stdin)
{
  TlKeyPrompt *self = g_object_new (TL_TYPE_KEY_PROMPT, NULL);

  self->use_stdin = use_stdin;

  return self;
}

gboolean
tl_key_prompt_get_use_stdin (TlKeyPrompt *self)
{
  g_return_val_if_fail (TL_IS_KEY_PROMPT (self), FALSE);

  return self->use_stdin;
}

static gboolean
ensure_open (TlKeyPrompt  *self,
             GError      **error)
{
  if (self->in_fd >= 0)
    return TRUE;

  if (self->use_stdin)
    {
      self->in_fd = STDIN_FILENO;
      self->out_fd = STDERR_FILENO;
    }
  else
    {
      int fd = open ("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);

      if (fd < 0)
        {
          g_set_error_literal (error, TL_KEY_ERROR, TL_KEY_ERROR_NO_INPUT,
                               _("There is no terminal to ask on. Run this in a terminal, or pass --pin-stdin and give the answers on standard input."));
          return FALSE;
        }
      self->in_fd = fd;
      self->out_fd = fd;
      self->own_fd = TRUE;
    }

  self->is_tty = isatty (self->in_fd);

  return TRUE;
}

static void
write_all (int         fd,
           const char *text)
{
  gsize length = strlen (text);

  while (length > 0)
    {
      gssize n = write (fd, text, length);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return;
      text += n;
      length -= (gsize) n;
    }
}

void
tl_key_prompt_print (TlKeyPrompt *self,
                     const char  *text)
{
  g_return_if_fail (TL_IS_KEY_PROMPT (self));

  if (!ensure_open (self, NULL))
    {
      write_all (STDERR_FILENO, text);
      return;
    }

  write_all (self->out_fd, text);
}

static void
finish_read (TlKeyPrompt *self,
             GError      *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->task);
  char *line = NULL;

  if (self->source != NULL)
    {
      g_source_destroy (self->source);
      g_clear_pointer (&self->source, g_source_unref);
    }

  if (self->echo_off)
    {
      tl_key_prompt_restore (self);
      /* The Enter the person pressed was not echoed either. */
      write_all (self->out_fd, "\n");
    }
  else if (!self->is_tty || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* Piped answers are not echoed, and an interrupted question got
       * no Enter: end the question's line so that what follows does not
       * run into it. */
      write_all (self->out_fd, "\n");
    }

  if (error == NULL)
    {
      gsize length = self->length;

      if (length > 0 && self->line[length - 1] == '\r')
        length--;
      line = g_strndup (self->line, length);
    }

  OPENSSL_cleanse (self->line, sizeof self->line);
  self->length = 0;
  self->overflow = FALSE;

  /* Last: the callback may start the next read at once. */
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, line, (GDestroyNotify) tl_key_secret_free);
}

static gboolean
input_ready_cb (int           fd,
                GIOCondition  condition,
                gpointer      user_data)
{
  TlKeyPrompt *self = user_data;
  GCancellable *cancellable = g_task_get_cancellable (self->task);
  char c;

  if (g_cancellable_is_cancelled (cancellable))
    {
      finish_read (self, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                              _("Interrupted")));
      return G_SOURCE_REMOVE;
    }

  for (;;)
    {
      gssize n = read (fd, &c, 1);

      if (n < 0 && errno == EINTR)
        continue;

      if (n < 0 && errno == EAGAIN)
        return G_SOURCE_CONTINUE;

      if (n < 0)
        {
          int saved_errno = errno;
          finish_read (self, g_error_new (TL_KEY_ERROR, TL_KEY_ERROR_NO_INPUT,
                                          _("Could not read the answer: %s"),
                                          g_strerror (saved_errno)));
          return G_SOURCE_REMOVE;
        }

      if (n == 0)
        {
          if (self->length == 0 && !self->overflow)
            finish_read (self, g_error_new_literal (TL_KEY_ERROR, TL_KEY_ERROR_NO_INPUT,
                                                    _("The input ended before an answer was given.")));
          else if (self->overflow)
            finish_read (self, g_error_new_literal (TL_KEY_ERROR, TL_KEY_ERROR_USAGE,
                                                    _("The answer is too long.")));
          else
            finish_read (self, NULL);
          return G_SOURCE_REMOVE;
        }

      break;
    }

  if (c == '\n')
    {
      if (self->overflow)
        finish_read (self, g_error_new_literal (TL_KEY_ERROR, TL_KEY_ERROR_USAGE,
                                                _("The answer is too long.")));
      else
        finish_read (self, NULL);
      return G_SOURCE_REMOVE;
    }

  if (self->length < sizeof self->line - 1)
    self->line[self->length++] = c;
  else
    self->overflow = TRUE;

  return G_SOURCE_CONTINUE;
}

static gboolean
cancelled_cb (GCancellable *cancellable,
              gpointer      user_data)
{
  /* Wakes the parent fd source, whose callback sees the cancellation. */
  return G_SOURCE_CONTINUE;
}

void
tl_key_prompt_read_line_async (TlKeyPrompt         *self,
                               const char          *question,
                               gboolean             hidden,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (TL_IS_KEY_PROMPT (self));
  g_return_if_fail (self->task == NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tl_key_prompt_read_line_async);

  if (!ensure_open (self, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (g_task_return_error_if_cancelled (task))
    return;

  if (question != NULL)
    write_all (self->out_fd, question);

  self->length = 0;
  self->overflow = FALSE;

  if (hidden && self->is_tty && tcgetattr (self->in_fd, &self->saved) == 0)
    {
      struct termios quiet = self->saved;

      quiet.c_lflag &= ~(tcflag_t) ECHO;
      if (tcsetattr (self->in_fd, TCSANOW, &quiet) == 0)
        self->echo_off = TRUE;
    }

  self->task = g_steal_pointer (&task);
  self->source = g_unix_fd_source_new (self->in_fd, G_IO_IN | G_IO_HUP | G_IO_ERR);
  g_source_set_callback (self->source, G_SOURCE_FUNC (input_ready_cb), self, NULL);
  g_source_set_static_name (self->source, "[trading-key] prompt");

  if (cancellable != NULL)
    {
      g_autoptr(GSource) cancel_source = g_cancellable_source_new (cancellable);

      g_source_set_callback (cancel_source, G_SOURCE_FUNC (cancelled_cb), NULL, NULL);
      g_source_add_child_source (self->source, cancel_source);
    }

  g_source_attach (self->source, g_task_get_context (self->task));
}

TlKeySecret *
tl_key_prompt_read_line_finish (TlKeyPrompt   *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (TL_IS_KEY_PROMPT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
