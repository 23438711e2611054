/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "tl-auth-error.h"
#include "tl-cli.h"

void
tl_cli_quit (TlCli *cli,
             int    exit_code)
{
  if (cli->done)
    return;

  cli->done = TRUE;
  cli->exit_code = exit_code;
  tl_cli_terminal_restore ();
  g_main_loop_quit (cli->loop);
}

int
tl_cli_exit_code_for_error (const GError *error)
{
  if (error->domain == TL_AUTH_ERROR)
    {
      switch ((TlAuthError) error->code)
        {
        case TL_AUTH_ERROR_INVALID_CREDENTIALS:
        case TL_AUTH_ERROR_BAD_CHARACTER:
          return TL_CLI_EXIT_CREDENTIALS;

        case TL_AUTH_ERROR_LOCKED:
        case TL_AUTH_ERROR_THROTTLED:
          return TL_CLI_EXIT_LOCKED;

        case TL_AUTH_ERROR_SECOND_FACTOR_FAILED:
        case TL_AUTH_ERROR_SECOND_FACTOR_EXPIRED:
        case TL_AUTH_ERROR_LOGIN_EXPIRED:
          return TL_CLI_EXIT_SECOND_FACTOR;

        case TL_AUTH_ERROR_NETWORK:
        case TL_AUTH_ERROR_CERTIFICATE:
        case TL_AUTH_ERROR_SERVER_IDENTITY:
        case TL_AUTH_ERROR_PROTOCOL:
          return TL_CLI_EXIT_SERVER;

        case TL_AUTH_ERROR_NO_SESSION:
          return TL_CLI_EXIT_NO_SESSION;

        case TL_AUTH_ERROR_INVALID_INPUT:
          return TL_CLI_EXIT_USAGE;

        case TL_AUTH_ERROR_BAD_REQUEST:
        case TL_AUTH_ERROR_TOO_LARGE:
        case TL_AUTH_ERROR_NOT_ALLOWED:
        case TL_AUTH_ERROR_BAD_PROOF:
        case TL_AUTH_ERROR_SERVER_ERROR:
        case TL_AUTH_ERROR_CRYPTO:
        default:
          return TL_CLI_EXIT_OTHER;
        }
    }

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return TL_CLI_EXIT_INTERRUPTED;

  return TL_CLI_EXIT_OTHER;
}

/* A name for scripts, stable across translations. */
static const char *
error_name (const GError *error)
{
  if (error->domain == TL_AUTH_ERROR)
    {
      const char *wire_code = tl_auth_error_to_code ((TlAuthError) error->code);

      if (wire_code != NULL)
        return wire_code;

      switch ((TlAuthError) error->code)
        {
        case TL_AUTH_ERROR_PROTOCOL:
          return "protocol";
        case TL_AUTH_ERROR_SERVER_IDENTITY:
          return "server_identity";
        case TL_AUTH_ERROR_CERTIFICATE:
          return "certificate";
        case TL_AUTH_ERROR_NETWORK:
          return "network";
        case TL_AUTH_ERROR_INVALID_INPUT:
          return "invalid_input";
        case TL_AUTH_ERROR_CRYPTO:
        default:
          return "crypto";
        }
    }

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return "interrupted";

  return "other";
}

static void
print_error_json (TlCli       *cli,
                  const char  *name,
                  const char  *message,
                  int          exit_code)
{
  g_autoptr(JsonObject) object = json_object_new ();

  json_object_set_string_member (object, "status", "error");
  json_object_set_string_member (object, "error", name);
  json_object_set_string_member (object, "message", message);
  json_object_set_int_member (object, "exit_code", exit_code);

  if (cli->client != NULL)
    {
      int attempts_left = tl_auth_client_get_attempts_left (cli->client);
      gint64 retry_after = tl_auth_client_get_retry_after (cli->client);

      if (attempts_left >= 0)
        json_object_set_int_member (object, "attempts_left", attempts_left);
      if (retry_after > 0)
        json_object_set_int_member (object, "retry_after", retry_after);
    }

  tl_cli_print_json (cli, object);
}

void
tl_cli_fail (TlCli        *cli,
             const GError *error)
{
  tl_cli_fail_with_code (cli, error, tl_cli_exit_code_for_error (error));
}

void
tl_cli_fail_with_code (TlCli        *cli,
                       const GError *error,
                       int           exit_code)
{
  if (cli->done)
    return;

  tl_cli_terminal_restore ();

  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* The words are TlAuthClient's; only what is particular to a
       * command line is added. */
      g_printerr ("%s\n", error->message);
      if (g_error_matches (error, TL_AUTH_ERROR, TL_AUTH_ERROR_CERTIFICATE))
        g_printerr ("%s\n", _("To trust this server's certificate, check its fingerprint with the server's operator and pass it with --pin-sha256."));

      if (cli->json)
        print_error_json (cli, error_name (error), error->message, exit_code);
    }

  tl_cli_quit (cli, exit_code);
}

void
tl_cli_fail_usage (TlCli      *cli,
                   const char *message)
{
  if (cli->done)
    return;

  tl_cli_terminal_restore ();
  g_printerr ("%s\n", message);
  if (cli->json)
    print_error_json (cli, "usage", message, TL_CLI_EXIT_USAGE);
  tl_cli_quit (cli, TL_CLI_EXIT_USAGE);
}

void
tl_cli_say (TlCli      *cli,
            const char *format,
            ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);

  fputs (text, stderr);
  fflush (stderr);
}

void
tl_cli_print_json (TlCli      *cli,
                   JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);
  g_autofree char *text = json_to_string (node, FALSE);

  /* One object per line: --keep-alive adds a line per tickle. */
  g_print ("%s\n", text);
  fflush (stdout);
}

char *
tl_cli_format_clock (gint64 seconds)
{
  if (seconds < 0)
    seconds = 0;

  if (seconds >= 3600)
    return g_strdup_printf ("%" G_GINT64_FORMAT ":%02d:%02d", seconds / 3600,
                            (int) (seconds / 60 % 60), (int) (seconds % 60));

  return g_strdup_printf ("%d:%02d", (int) (seconds / 60), (int) (seconds % 60));
}

char *
tl_cli_format_duration (gint64 seconds)
{
  gint64 minutes = (seconds + 59) / 60;

  if (seconds <= 0)
    return g_strdup (_("now"));
  if (minutes < 120)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "in %d minute", "in %d minutes", minutes),
                            (int) minutes);

  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "in %d hour", "in %d hours", minutes / 60),
                          (int) (minutes / 60));
}

JsonObject *
tl_cli_session_json (TlCli           *cli,
                     const char      *status,
                     const TlSession *session)
{
  JsonObject *object = tl_session_to_json (session, cli->print_token);

  json_object_set_string_member (object, "status", status);
  json_object_set_string_member (object, "server", cli->base_url);
  json_object_set_int_member (object, "seconds_left", MAX (0, tl_session_seconds_left (session)));

  return object;
}

char *
tl_cli_describe_session (const TlSession *session)
{
  g_autofree char *when = tl_cli_format_duration (tl_session_seconds_left (session));
  g_autofree char *clock = NULL;

  if (session->expires_at != NULL)
    {
      g_autoptr(GDateTime) local = g_date_time_to_local (session->expires_at);

      clock = g_date_time_format (local, "%H:%M");
    }

  if (session->read_only)
    /* Translators: "alice (paper, account DU1234567, read only); it expires in 59 minutes, at 14:35" */
    return g_strdup_printf (_("%s (%s, account %s, read only); it expires %s, at %s"),
                            session->username, tl_mode_to_string (session->mode),
                            session->account, when, clock != NULL ? clock : "?");

  /* Translators: "alice (paper, account DU1234567); it expires in 59 minutes, at 14:35" */
  return g_strdup_printf (_("%s (%s, account %s); it expires %s, at %s"),
                          session->username, tl_mode_to_string (session->mode),
                          session->account, when, clock != NULL ? clock : "?");
}

void
tl_cli_report_session (TlCli           *cli,
                       const char      *status,
                       const TlSession *session,
                       const char      *sentence)
{
  if (cli->json)
    {
      g_autoptr(JsonObject) object = tl_cli_session_json (cli, status, session);

      tl_cli_print_json (cli, object);
      return;
    }

  /* With --print-token stdout carries the token alone, for
   * TOKEN=$(trading-login-cli … --print-token); the sentence goes to stderr. */
  if (cli->print_token && session->token != NULL)
    {
      g_printerr ("%s\n", sentence);
      g_print ("%s\n", session->token);
      fflush (stdout);
    }
  else
    {
      g_print ("%s\n", sentence);
      fflush (stdout);
    }
}
