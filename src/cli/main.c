/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "trading-login-cli"

#include "config.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <signal.h>
#include <unistd.h>

#include "tl-auth-error.h"
#include "tl-cli.h"
#include "tl-cli-login.h"
#include "tl-cli-session.h"

#define DEFAULT_INTERVAL_MINUTES 5.0

typedef struct
{
  const char   *name;
  TlCliCommand  command;
  const char   *summary;
} CommandInfo;

static const CommandInfo commands[] = {
  { "login", TL_CLI_COMMAND_LOGIN, N_("Log in and keep the session in the keyring") },
  { "status", TL_CLI_COMMAND_STATUS, N_("Show the stored session, checked with the server") },
  { "tickle", TL_CLI_COMMAND_TICKLE, N_("Keep the stored session alive") },
  { "logout", TL_CLI_COMMAND_LOGOUT, N_("End the stored session and remove it from the keyring") },
};

static const char *
exit_codes_text (void)
{
  return _("Exit status:\n"
           "  0  Success\n"
           "  1  Wrong usage, or a prompt was needed but standard input is not a terminal\n"
           "  2  Invalid username or password\n"
           "  3  The account is locked, or there were too many attempts\n"
           "  4  The second factor failed, was denied or expired\n"
           "  5  Network, certificate or server identity problem\n"
           "  6  No session (none in the keyring, or the server ended it)\n"
           "  7  Any other problem\n"
           "  130  Interrupted (Ctrl+C) during a login");
}

static char *
main_help_text (void)
{
  g_autoptr(GString) text = g_string_new (NULL);

  g_string_append_printf (text, "%s\n  trading-login-cli %s\n\n%s\n",
                          _("Usage:"), _("COMMAND [OPTION…]"),
                          _("Logs in to a Trading Login server from a terminal or a script."));
  g_string_append_printf (text, "\n%s\n", _("Commands:"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_string_append_printf (text, "  %-8s %s\n", commands[i].name, _(commands[i].summary));
  g_string_append_printf (text, "\n%s\n\n%s\n",
                          _("Run “trading-login-cli COMMAND --help” for a command's options."),
                          exit_codes_text ());

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static char *
command_description (TlCliCommand command)
{
  const char *intro = NULL;

  switch (command)
    {
    case TL_CLI_COMMAND_LOGIN:
      intro = _("The password is asked on the terminal without echo, or read as the first line of "
                "standard input with --password-stdin; it is never taken from the command line. "
                "The session token goes to the keyring, and to standard output only with --print-token.\n"
                "\n"
                "The second factor is chosen and answered at prompts. Waiting for a notification, "
                "press Enter to get a challenge to answer instead. Without a terminal, pick the "
                "device with --device and give the answer as the next line of standard input with "
                "--answer-stdin (the prompt, with the challenge or the card's positions, is written "
                "to standard error first).\n"
                "\n"
                "A session already kept in the keyring for this server, mode and user is reused when "
                "the server still accepts it.");
      break;
    case TL_CLI_COMMAND_STATUS:
      intro = _("Shows the session kept in the keyring for this server and mode (the most recent "
                "one, or the one of --username), after checking with the server that it is still "
                "active. A session the server no longer knows is removed from the keyring.");
      break;
    case TL_CLI_COMMAND_TICKLE:
      intro = _("Keeps the session kept in the keyring alive once, or with --keep-alive every "
                "--interval minutes until interrupted.");
      break;
    case TL_CLI_COMMAND_LOGOUT:
    default:
      intro = _("Ends the session kept in the keyring on the server, then removes it from the "
                "keyring. If the server cannot be reached, the session stays in the keyring.");
      break;
    }

  return g_strdup_printf ("%s\n\n%s", intro, exit_codes_text ());
}

static gboolean
on_signal (gpointer user_data)
{
  TlCli *cli = user_data;

  tl_cli_terminal_restore ();

  if (cli->done)
    return G_SOURCE_CONTINUE;

  if (cli->on_interrupt != NULL && cli->on_interrupt (cli))
    return G_SOURCE_CONTINUE;

  g_cancellable_cancel (cli->cancellable);
  if (cli->client != NULL)
    tl_auth_client_cancel (cli->client);

  g_printerr ("\n%s\n", cli->command == TL_CLI_COMMAND_LOGIN
                        ? _("Interrupted: the login was abandoned.")
                        : _("Interrupted."));
  tl_cli_quit (cli, TL_CLI_EXIT_INTERRUPTED);

  return G_SOURCE_CONTINUE;
}

static gboolean
start_command (gpointer user_data)
{
  TlCli *cli = user_data;

  switch (cli->command)
    {
    case TL_CLI_COMMAND_LOGIN:
      tl_cli_login_start (cli);
      break;
    case TL_CLI_COMMAND_STATUS:
    case TL_CLI_COMMAND_TICKLE:
    case TL_CLI_COMMAND_LOGOUT:
    default:
      tl_cli_session_start (cli);
      break;
    }

  return G_SOURCE_REMOVE;
}

/* Option values that GOption cannot check by itself. Returns FALSE
 * after printing why. */
static gboolean
check_options (TlCli    *cli,
               GError  **error)
{
  if (cli->server == NULL)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                           _("Name the server with --server, for example --server https://login.example.com/paper/."));
      return FALSE;
    }

  if (cli->mode_name == NULL || !tl_mode_from_string (cli->mode_name, &cli->mode))
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("Choose the trading mode with --mode live or --mode paper."));
      return FALSE;
    }

  if (cli->read_only && cli->device != NULL)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                           _("--read-only skips the second factor: it cannot be used with --device."));
      return FALSE;
    }

  if (!(cli->interval_minutes > 0.0) || cli->interval_minutes > 24 * 60)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("The --interval must be a number of minutes above 0 and at most 1440."));
      return FALSE;
    }

  if (cli->username != NULL)
    {
      g_autofree char *normalized = NULL;
      gboolean changed = FALSE;

      normalized = tl_username_normalize (cli->username, &changed, error);
      if (normalized == NULL)
        return FALSE;
      if (changed)
        g_printerr (_("Using the username “%s”: usernames are lower-case letters and digits.\n"), normalized);
      g_free (cli->username);
      cli->username = g_steal_pointer (&normalized);
    }

  return TRUE;
}

static void
tl_cli_clear (TlCli *cli)
{
  if (cli->command_data_free != NULL)
    g_clear_pointer (&cli->command_data, cli->command_data_free);
  g_clear_pointer (&cli->server, g_free);
  g_clear_pointer (&cli->pin_sha256, g_free);
  g_clear_pointer (&cli->mode_name, g_free);
  g_clear_pointer (&cli->username, g_free);
  g_clear_pointer (&cli->device, g_free);
  g_clear_pointer (&cli->base_url, g_free);
  g_clear_object (&cli->client);
  g_clear_object (&cli->store);
  g_clear_object (&cli->profile);
  g_clear_pointer (&cli->stdin_reader, tl_cli_line_reader_free);
  g_clear_object (&cli->cancellable);
  g_clear_pointer (&cli->loop, g_main_loop_unref);
}

int
main (int   argc,
      char *argv[])
{
  TlCli cli = { 0 };
  const CommandInfo *info = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *prgname = NULL;
  g_autofree char *description = NULL;
  guint sigint_id, sigterm_id;

  const GOptionEntry common_entries[] = {
    { "server", 0, 0, G_OPTION_ARG_STRING, &cli.server,
      N_("The server profile's address, e.g. https://login.example.com/paper/"), N_("URL") },
    { "pin-sha256", 0, 0, G_OPTION_ARG_STRING, &cli.pin_sha256,
      N_("Trust exactly the certificate with this SHA-256 fingerprint"), N_("FINGERPRINT") },
    { "mode", 0, 0, G_OPTION_ARG_STRING, &cli.mode_name,
      N_("Trading mode: live or paper"), N_("MODE") },
    { "username", 'u', 0, G_OPTION_ARG_STRING, &cli.username,
      N_("The username"), N_("NAME") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &cli.json,
      N_("Print the result as a JSON object on standard output"), NULL },
    { NULL }
  };
  const GOptionEntry login_entries[] = {
    { "password-stdin", 0, 0, G_OPTION_ARG_NONE, &cli.password_stdin,
      N_("Read the password as the first line of standard input"), NULL },
    { "device", 0, 0, G_OPTION_ARG_STRING, &cli.device,
      N_("Second factor to use: ibkey, totp, sms, dsc, card, temp, or a device ID"), N_("KIND") },
    { "answer-stdin", 0, 0, G_OPTION_ARG_NONE, &cli.answer_stdin,
      N_("Read the second-factor answer as a line of standard input, after the prompt"), NULL },
    { "no-push", 0, 0, G_OPTION_ARG_NONE, &cli.no_push,
      N_("With an authenticator app, answer a challenge instead of waiting for a notification"), NULL },
    { "read-only", 0, 0, G_OPTION_ARG_NONE, &cli.read_only,
      N_("Skip the second factor and log in read only, where the account allows it"), NULL },
    { "replace-session", 0, 0, G_OPTION_ARG_NONE, &cli.replace_session,
      N_("End another active session of this account without asking"), NULL },
    { "remember", 0, 0, G_OPTION_ARG_NONE, &cli.remember,
      N_("Remember the username in the keyring for the desktop app"), NULL },
    { "print-token", 0, 0, G_OPTION_ARG_NONE, &cli.print_token,
      N_("Also print the session token on standard output"), NULL },
    { "keep-alive", 0, 0, G_OPTION_ARG_NONE, &cli.keep_alive,
      N_("Stay running and keep the session alive until interrupted"), NULL },
    { "interval", 0, 0, G_OPTION_ARG_DOUBLE, &cli.interval_minutes,
      N_("Minutes between keep-alive requests (default: 5)"), N_("MINUTES") },
    { NULL }
  };
  const GOptionEntry status_entries[] = {
    { "print-token", 0, 0, G_OPTION_ARG_NONE, &cli.print_token,
      N_("Also print the session token on standard output"), NULL },
    { NULL }
  };
  const GOptionEntry tickle_entries[] = {
    { "keep-alive", 0, 0, G_OPTION_ARG_NONE, &cli.keep_alive,
      N_("Stay running and keep the session alive until interrupted"), NULL },
    { "interval", 0, 0, G_OPTION_ARG_DOUBLE, &cli.interval_minutes,
      N_("Minutes between keep-alive requests (default: 5)"), N_("MINUTES") },
    { NULL }
  };

  setlocale (LC_ALL, "");
  /* Standard output carries results scripts read (--json, codes);
   * debug messages must never mix into it. */
  g_log_writer_default_set_use_stderr (TRUE);
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  cli.interval_minutes = DEFAULT_INTERVAL_MINUTES;

  if (argc >= 2)
    for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
      if (g_str_equal (argv[1], commands[i].name))
        info = &commands[i];

  if (info == NULL)
    {
      g_autofree char *help = main_help_text ();
      gboolean asked = argc >= 2 && (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h") ||
                                     g_str_equal (argv[1], "help"));

      if (argc >= 2 && g_str_equal (argv[1], "--version"))
        {
          g_print ("trading-login-cli %s\n", PACKAGE_VERSION);
          return TL_CLI_EXIT_OK;
        }

      if (asked)
        {
          g_print ("%s", help);
          return TL_CLI_EXIT_OK;
        }

      if (argc >= 2)
        g_printerr (_("Unknown command “%s”.\n\n"), argv[1]);
      g_printerr ("%s", help);
      return TL_CLI_EXIT_USAGE;
    }

  cli.command = info->command;

  /* "trading-login-cli login" in the usage line of --help. */
  prgname = g_strdup_printf ("trading-login-cli %s", info->name);
  g_set_prgname (prgname);
  argv[1] = argv[0];
  argc--;
  argv++;

  context = g_option_context_new (NULL);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, _(info->summary));
  description = command_description (info->command);
  g_option_context_set_description (context, description);
  g_option_context_add_main_entries (context, common_entries, GETTEXT_PACKAGE);
  switch (info->command)
    {
    case TL_CLI_COMMAND_LOGIN:
      g_option_context_add_main_entries (context, login_entries, GETTEXT_PACKAGE);
      break;
    case TL_CLI_COMMAND_STATUS:
      g_option_context_add_main_entries (context, status_entries, GETTEXT_PACKAGE);
      break;
    case TL_CLI_COMMAND_TICKLE:
      g_option_context_add_main_entries (context, tickle_entries, GETTEXT_PACKAGE);
      break;
    case TL_CLI_COMMAND_LOGOUT:
    default:
      break;
    }

  if (!g_option_context_parse (context, &argc, &argv, &error) ||
      !check_options (&cli, &error))
    {
      g_printerr ("%s\n%s\n", error->message,
                  _("Run with --help to see the options."));
      tl_cli_clear (&cli);
      return TL_CLI_EXIT_USAGE;
    }

  if (argc > 1)
    {
      g_printerr (_("Unexpected argument “%s”. Run with --help to see the options.\n"), argv[1]);
      tl_cli_clear (&cli);
      return TL_CLI_EXIT_USAGE;
    }

  cli.profile = tl_server_profile_new (cli.mode, cli.server, cli.pin_sha256);
  if (!tl_server_profile_validate (cli.profile, &error))
    {
      g_printerr ("%s\n", error->message);
      tl_cli_clear (&cli);
      return TL_CLI_EXIT_USAGE;
    }

  cli.base_url = g_strdup (tl_server_profile_get_base_url (cli.profile));
  cli.interactive = isatty (STDIN_FILENO);
  cli.stderr_is_tty = isatty (STDERR_FILENO);
  cli.stdin_reader = tl_cli_line_reader_new (STDIN_FILENO);
  cli.client = tl_auth_client_new (cli.profile);
  /* What the person's other client shows when this login ends its session. */
  tl_auth_client_set_client_name (cli.client, "trading-login-cli");
  cli.store = tl_credential_store_new ();
  cli.cancellable = g_cancellable_new ();
  cli.loop = g_main_loop_new (NULL, FALSE);
  cli.exit_code = TL_CLI_EXIT_OTHER;

  sigint_id = g_unix_signal_add (SIGINT, on_signal, &cli);
  sigterm_id = g_unix_signal_add (SIGTERM, on_signal, &cli);

  g_idle_add (start_command, &cli);
  g_main_loop_run (cli.loop);

  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  tl_cli_terminal_restore ();

  {
    int exit_code = cli.exit_code;

    tl_cli_clear (&cli);
    return exit_code;
  }
}
