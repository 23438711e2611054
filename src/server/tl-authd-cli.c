/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-authd-cli"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "tl-auth-error.h"
#include "tl-authd-cli.h"
#include "tl-authd-clock.h"

#define DEFAULT_SESSION_HOURS 12
#define DEFAULT_START_BURST   200
#define DEFAULT_START_RATE    5.0
#define SECRET_MAX            1024

GOptionContext *
tl_authd_cli_context (const char     *command,
                      const char     *parameters,
                      const char     *summary,
                      TlAuthdCommon  *common,
                      TlAuthdOptions  options)
{
  g_autofree char *title = g_strdup_printf ("%s%s%s", command, parameters != NULL ? " " : "",
                                            parameters != NULL ? parameters : "");
  GOptionContext *context = g_option_context_new (title);
  const GOptionEntry data_dir_entries[] = {
    { "data-dir", 'd', 0, G_OPTION_ARG_FILENAME, &common->data_dir,
      N_("The server's directory (default: $XDG_DATA_HOME/trading-authd)"), N_("DIR") },
    { NULL }
  };
  const GOptionEntry mode_entries[] = {
    { "mode", 'm', 0, G_OPTION_ARG_STRING, &common->mode_name,
      N_("Which accounts: live (default) or paper"), N_("MODE") },
    { NULL }
  };
  const GOptionEntry server_entries[] = {
    { "session-hours", 0, 0, G_OPTION_ARG_INT, &common->session_hours,
      N_("How long a session lasts (default 12)"), N_("HOURS") },
    { "sms-command", 0, 0, G_OPTION_ARG_STRING, &common->sms_command,
      N_("Command that sends a code; it gets TL_SMS_TO, TL_SMS_CODE and TL_SMS_CHANNEL in its environment"),
      N_("COMMAND") },
    { "start-burst", 0, 0, G_OPTION_ARG_INT, &common->start_burst,
      N_("Login starts one address may make at once (default 200)"), N_("N") },
    { "start-rate", 0, 0, G_OPTION_ARG_DOUBLE, &common->start_rate,
      N_("Login starts per second one address may make after that (default 5)"), N_("N") },
    { "clock-offset-file", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME, &common->clock_offset_file,
      "Test only: a file with seconds to add to the clock", "FILE" },
    { "idle-timeout", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_INT, &common->idle_seconds,
      "Test only: seconds before an idle kept-alive connection is closed", "SECONDS" },
    { NULL }
  };

  g_option_context_set_summary (context, summary);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, data_dir_entries, GETTEXT_PACKAGE);
  if (options & TL_AUTHD_OPTIONS_MODE)
    g_option_context_add_main_entries (context, mode_entries, GETTEXT_PACKAGE);
  if (options & TL_AUTHD_OPTIONS_SERVER)
    g_option_context_add_main_entries (context, server_entries, GETTEXT_PACKAGE);

  return context;
}

gboolean
tl_authd_cli_parse (GOptionContext   *context,
                    TlAuthdCommon    *common,
                    int              *argc,
                    char           ***argv)
{
  g_autoptr(GError) error = NULL;

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      g_printerr ("%s\n%s\n", error->message, _("Run with --help to see the options."));
      return FALSE;
    }

  if (common->data_dir == NULL)
    common->data_dir = g_build_filename (g_get_user_data_dir (), "trading-authd", NULL);

  if (common->mode_name == NULL)
    common->mode = TL_MODE_LIVE;
  else if (!tl_mode_from_string (common->mode_name, &common->mode))
    {
      g_printerr (_("Unknown mode “%s”: use live or paper.\n"), common->mode_name);
      return FALSE;
    }

  if (common->session_hours < 0 || common->session_hours > 24 * 30 ||
      common->start_burst < 0 || common->start_rate < 0 || common->idle_seconds < 0)
    {
      g_printerr (_("The session hours, start burst and start rate must be positive.\n"));
      return FALSE;
    }

  tl_authd_clock_set_offset_file (common->clock_offset_file);
  return TRUE;
}

TlAuthdDb *
tl_authd_cli_open_db (TlAuthdCommon *common,
                      gboolean       create)
{
  g_autofree char *path = g_build_filename (common->data_dir, TL_AUTHD_DB_FILE_NAME, NULL);
  g_autoptr(GError) error = NULL;
  TlAuthdDb *db;

  if (create && g_mkdir_with_parents (common->data_dir, 0700) != 0)
    {
      g_printerr (_("Could not create %s: %s\n"), common->data_dir, g_strerror (errno));
      return NULL;
    }

  db = tl_authd_db_open (path, create, &error);
  if (db == NULL)
    g_printerr ("%s\n", error->message);

  return db;
}

void
tl_authd_cli_config (TlAuthdCommon *common,
                     TlAuthdConfig *config)
{
  config->session_seconds = (gint64) (common->session_hours > 0 ? common->session_hours
                                                                : DEFAULT_SESSION_HOURS) * 60 * 60;
  config->sms_command = common->sms_command;
  config->sms_log = NULL;
  config->start_burst = common->start_burst > 0 ? (guint) common->start_burst : DEFAULT_START_BURST;
  config->start_rate = common->start_rate > 0 ? common->start_rate : DEFAULT_START_RATE;
  config->idle_seconds = (guint) common->idle_seconds;
}

void
tl_authd_cli_clear (TlAuthdCommon *common)
{
  g_clear_pointer (&common->data_dir, g_free);
  g_clear_pointer (&common->mode_name, g_free);
  g_clear_pointer (&common->sms_command, g_free);
  g_clear_pointer (&common->clock_offset_file, g_free);
}

static char *
read_line (FILE *stream)
{
  char buffer[SECRET_MAX + 2];
  gsize length;
  char *line;

  if (fgets (buffer, sizeof buffer, stream) == NULL)
    return NULL;

  length = strlen (buffer);
  while (length > 0 && (buffer[length - 1] == '\n' || buffer[length - 1] == '\r'))
    buffer[--length] = '\0';

  line = g_strdup (buffer);
  OPENSSL_cleanse (buffer, sizeof buffer);
  return line;
}

static char *
read_without_echo (const char *prompt)
{
  struct termios saved, quiet;
  gboolean restore;
  char *line;

  g_printerr ("%s", prompt);
  restore = tcgetattr (STDIN_FILENO, &saved) == 0;
  if (restore)
    {
      quiet = saved;
      quiet.c_lflag &= ~(tcflag_t) ECHO;
      quiet.c_lflag |= ECHONL;
      tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet);
    }

  line = read_line (stdin);

  if (restore)
    tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved);

  return line;
}

void
tl_authd_cli_free_secret (char *secret)
{
  if (secret == NULL)
    return;

  OPENSSL_cleanse (secret, strlen (secret));
  g_free (secret);
}

char *
tl_authd_cli_read_secret (const char  *prompt,
                          gboolean     from_stdin,
                          gboolean     confirm,
                          GError     **error)
{
  char *secret = NULL;

  if (from_stdin)
    {
      secret = read_line (stdin);
    }
  else if (isatty (STDIN_FILENO))
    {
      char *again;

      secret = read_without_echo (prompt);
      if (secret != NULL && confirm)
        {
          again = read_without_echo (_("Type it again: "));
          if (again == NULL || strcmp (again, secret) != 0)
            {
              tl_authd_cli_free_secret (again);
              tl_authd_cli_free_secret (secret);
              g_set_error_literal (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT,
                                   _("The two entries differ. Nothing was changed."));
              return NULL;
            }
          tl_authd_cli_free_secret (again);
        }
    }
  else
    {
      g_set_error_literal (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT,
                           _("Standard input is not a terminal: pass --password-stdin (or --pin-stdin) to read it from there."));
      return NULL;
    }

  if (secret == NULL || *secret == '\0')
    {
      tl_authd_cli_free_secret (secret);
      g_set_error_literal (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT,
                           _("Nothing was entered."));
      return NULL;
    }

  return secret;
}
