/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-launcher"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib-unix.h>
#include <json-glib/json-glib.h>
#include <openssl/crypto.h>
#include <string.h>
#include <unistd.h>

#include "tl-launcher.h"
#include "tl-sandbox.h"

struct _TlLauncher
{
  GObject       parent_instance;

  GCancellable *cancellable;
  GSubprocess  *subprocess;
  char         *program;
};

G_DEFINE_FINAL_TYPE (TlLauncher, tl_launcher, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_RUNNING,
  PROP_PROGRAM,
  N_PROPS
};

enum {
  EXITED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
tl_launcher_dispose (GObject *object)
{
  TlLauncher *self = (TlLauncher *) object;

  /* The trading program outlives the login window on purpose. */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->subprocess);

  G_OBJECT_CLASS (tl_launcher_parent_class)->dispose (object);
}

static void
tl_launcher_finalize (GObject *object)
{
  TlLauncher *self = (TlLauncher *) object;

  g_clear_pointer (&self->program, g_free);

  G_OBJECT_CLASS (tl_launcher_parent_class)->finalize (object);
}

static void
tl_launcher_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  TlLauncher *self = TL_LAUNCHER (object);

  switch (prop_id)
    {
    case PROP_RUNNING:
      g_value_set_boolean (value, tl_launcher_get_running (self));
      break;
    case PROP_PROGRAM:
      g_value_set_string (value, self->program);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tl_launcher_class_init (TlLauncherClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tl_launcher_dispose;
  object_class->finalize = tl_launcher_finalize;
  object_class->get_property = tl_launcher_get_property;

  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_PROGRAM] =
    g_param_spec_string ("program", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[EXITED] =
    g_signal_new ("exited",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
tl_launcher_init (TlLauncher *self)
{
  self->cancellable = g_cancellable_new ();
}

TlLauncher *
tl_launcher_new (void)
{
  return g_object_new (TL_TYPE_LAUNCHER, NULL);
}

gboolean
tl_launcher_get_running (TlLauncher *self)
{
  g_return_val_if_fail (TL_IS_LAUNCHER (self), FALSE);

  return self->subprocess != NULL;
}

const char *
tl_launcher_get_program (TlLauncher *self)
{
  g_return_val_if_fail (TL_IS_LAUNCHER (self), NULL);

  return self->program;
}

static char *
describe_exit (GSubprocess *subprocess,
               const char  *program)
{
  if (g_subprocess_get_if_exited (subprocess))
    {
      int status = g_subprocess_get_exit_status (subprocess);

      if (status == 0)
        return g_strdup_printf (_("%s has exited."), program);

      return g_strdup_printf (_("%s has exited with status %d."), program, status);
    }

  if (g_subprocess_get_if_signaled (subprocess))
    return g_strdup_printf (_("%s was stopped (%s)."), program,
                            g_strsignal (g_subprocess_get_term_sig (subprocess)));

  return g_strdup_printf (_("%s has exited."), program);
}

static void
wait_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  GSubprocess *subprocess = G_SUBPROCESS (object);
  GWeakRef *weak = user_data;
  g_autoptr(TlLauncher) self = g_weak_ref_get (weak);
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  gboolean ok;

  g_weak_ref_clear (weak);
  g_free (weak);

  ok = g_subprocess_wait_finish (subprocess, result, &error);
  if (self == NULL || self->subprocess != subprocess)
    return;

  if (!ok)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Could not wait for the trading program: %s", error->message);
      return;
    }

  message = describe_exit (subprocess, self->program);
  g_clear_object (&self->subprocess);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  g_signal_emit (self, signals[EXITED], 0, message);
}

static gboolean
write_all (int         fd,
           const char *data,
           gsize       length,
           GError    **error)
{
  while (length > 0)
    {
      gssize n = write (fd, data, length);

      if (n < 0 && errno == EINTR)
        continue;

      if (n < 0)
        {
          int saved_errno = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       _("Could not hand the session to the trading program: %s"),
                       g_strerror (saved_errno));
          return FALSE;
        }

      data += n;
      length -= (gsize) n;
    }

  return TRUE;
}

static char *
session_line (const TlSession *session,
              gsize           *out_length)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *json = NULL;
  gsize length = 0;
  char *line;

  json_node_take_object (node, tl_session_to_json (session, TRUE));
  json_generator_set_root (generator, node);
  json_generator_set_pretty (generator, FALSE);
  json_generator_set_indent (generator, 0);
  json = json_generator_to_data (generator, &length);

  line = g_malloc (length + 2);
  memcpy (line, json, length);
  line[length] = '\n';
  line[length + 1] = '\0';
  *out_length = length + 1;

  OPENSSL_cleanse (json, length);

  return line;
}

gboolean
tl_launcher_launch (TlLauncher         *self,
                    const char * const *argv,
                    const char         *server_url,
                    const TlSession    *session,
                    GError            **error)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) subprocess = NULL;
  g_autofree char *line = NULL;
  g_autofree char *fd_text = NULL;
  g_autoptr(GError) spawn_error = NULL;
  gsize line_length = 0;
  GWeakRef *weak;
  int fds[2];
  gboolean written;

  g_return_val_if_fail (TL_IS_LAUNCHER (self), FALSE);
  g_return_val_if_fail (argv != NULL && argv[0] != NULL, FALSE);
  g_return_val_if_fail (session != NULL && session->token != NULL, FALSE);

  if (self->subprocess != NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                   _("%s is already running."), self->program);
      return FALSE;
    }

  if (!g_unix_open_pipe (fds, FD_CLOEXEC, error))
    return FALSE;

  /* The session is far smaller than a pipe's buffer, so it is written
   * before the child starts: no blocking, and no SIGPIPE from a child that
   * exits at once. */
  line = session_line (session, &line_length);
  written = write_all (fds[1], line, line_length, error);
  OPENSSL_cleanse (line, line_length);
  close (fds[1]);
  if (!written)
    {
      close (fds[0]);
      return FALSE;
    }

  fd_text = g_strdup_printf ("%d", TL_LAUNCHER_SESSION_FD);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_setenv (launcher, "TL_SERVER_URL", server_url, TRUE);
  g_subprocess_launcher_setenv (launcher, "TL_MODE", tl_mode_to_string (session->mode), TRUE);
  g_subprocess_launcher_setenv (launcher, "TL_USERNAME", session->username, TRUE);
  g_subprocess_launcher_setenv (launcher, "TL_SESSION_FD", fd_text, TRUE);
  g_subprocess_launcher_take_fd (launcher, fds[0], TL_LAUNCHER_SESSION_FD);

  subprocess = g_subprocess_launcher_spawnv (launcher, argv, &spawn_error);
  if (subprocess == NULL)
    {
      /* Inside Flatpak the programs of the computer are not there at all:
       * "No such file or directory" would send the person looking for a
       * typo. */
      if (tl_sandbox_is_flatpak () && g_error_matches (spawn_error, G_SPAWN_ERROR, G_SPAWN_ERROR_NOENT))
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                     /* Translators: %s is the trading program's command. */
                     _("%s is not inside the Flatpak sandbox Trading Login runs in, and from the sandbox only programs that come with it can be started. Start your trading app yourself."),
                     argv[0]);
      else
        g_propagate_error (error, g_steal_pointer (&spawn_error));
      return FALSE;
    }

  g_free (self->program);
  self->program = g_path_get_basename (argv[0]);
  self->subprocess = g_object_ref (subprocess);

  /* Weak: a running child must not keep the window's objects alive. */
  weak = g_new0 (GWeakRef, 1);
  g_weak_ref_init (weak, self);
  g_subprocess_wait_async (subprocess, self->cancellable, wait_cb, weak);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRAM]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);

  return TRUE;
}
