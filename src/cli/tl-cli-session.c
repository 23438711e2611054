/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-cli-session"

#include "config.h"

#include <glib/gi18n.h>

#include "tl-auth-error.h"
#include "tl-cli-session.h"

/* The client's session after a resume or a tickle, with the stored
 * token should the server's answer (which carries none) have replaced it. */
static TlSession *
current_session (TlCli           *cli,
                 const TlSession *stored)
{
  TlSession *session = tl_session_copy (tl_auth_client_get_session (cli->client));

  if (session->token == NULL && stored != NULL)
    session->token = g_strdup (stored->token);

  return session;
}

static void
report_no_session (TlCli      *cli,
                   const char *message)
{
  g_printerr ("%s\n", message);
  if (cli->json)
    {
      g_autoptr(JsonObject) object = json_object_new ();

      json_object_set_string_member (object, "status", "error");
      json_object_set_string_member (object, "error", "no_session");
      json_object_set_string_member (object, "message", message);
      json_object_set_int_member (object, "exit_code", TL_CLI_EXIT_NO_SESSION);
      tl_cli_print_json (cli, object);
    }
}

/* Keep-alive --------------------------------------------------------- */

typedef struct
{
  TlCli     *cli;
  TlSession *stored;
  guint      timeout_id;
  gboolean   tickling;
  gboolean   saving;        /* a keyring write under way */
  gboolean   stop_requested;
} KeepAlive;

static KeepAlive keep_alive;

static void
keep_alive_stop (int exit_code)
{
  g_clear_handle_id (&keep_alive.timeout_id, g_source_remove);
  g_clear_pointer (&keep_alive.stored, tl_session_free);
  tl_cli_quit (keep_alive.cli, exit_code);
}

static void
keep_alive_saved_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!tl_credential_store_save_session_finish (TL_CREDENTIAL_STORE (object), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_printerr (_("Could not update the session in the keyring: %s\n"), error->message);

  keep_alive.saving = FALSE;
  if (keep_alive.stop_requested)
    keep_alive_stop (TL_CLI_EXIT_OK);
}

static void
keep_alive_ended_deleted_cb (GObject      *object,
                             GAsyncResult *result,
                             gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  tl_credential_store_delete_session_finish (TL_CREDENTIAL_STORE (object), result, &error);
  keep_alive.saving = FALSE;
  keep_alive_stop (TL_CLI_EXIT_NO_SESSION);
}

static void
keep_alive_tickled_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  TlCli *cli = keep_alive.cli;
  g_autoptr(GError) error = NULL;
  g_autoptr(TlSession) session = NULL;

  keep_alive.tickling = FALSE;
  if (cli->done)
    return;

  if (!tl_auth_client_tickle_finish (cli->client, result, &error))
    {

      if (g_error_matches (error, TL_AUTH_ERROR, TL_AUTH_ERROR_NO_SESSION))
        {
          report_no_session (cli, error->message);
          keep_alive.saving = TRUE;
          tl_credential_store_delete_session_async (cli->store, cli->base_url, cli->mode,
                                                    keep_alive.stored->username, NULL,
                                                    keep_alive_ended_deleted_cb, NULL);
          return;
        }

      /* The network may come back before the session expires: keep trying. */
      if (tl_cli_exit_code_for_error (error) == TL_CLI_EXIT_SERVER)
        {
          g_printerr (_("%s Trying again at the next interval.\n"), error->message);
          return;
        }

      tl_cli_fail (cli, error);
      return;
    }

  session = current_session (cli, keep_alive.stored);

  if (cli->json)
    {
      g_autoptr(JsonObject) json = tl_cli_session_json (cli, "tickled", session);

      tl_cli_print_json (cli, json);
    }
  else
    {
      g_autofree char *description = tl_cli_describe_session (session);

      g_print (_("Kept alive: %s.\n"), description);
    }

  /* The new expiry goes to the keyring too, so that lookups do not drop
   * the session as expired. */
  g_clear_pointer (&keep_alive.stored, tl_session_free);
  keep_alive.stored = tl_session_copy (session);
  keep_alive.saving = TRUE;
  tl_credential_store_save_session_async (cli->store, cli->base_url, session, NULL,
                                          keep_alive_saved_cb, NULL);
}

static gboolean
keep_alive_tick (gpointer user_data)
{
  TlCli *cli = keep_alive.cli;

  if (keep_alive.tickling || keep_alive.saving)
    return G_SOURCE_CONTINUE;

  keep_alive.tickling = TRUE;
  tl_auth_client_tickle_async (cli->client, cli->cancellable, keep_alive_tickled_cb, NULL);

  return G_SOURCE_CONTINUE;
}

static gboolean
keep_alive_interrupted (TlCli *cli)
{
  g_printerr ("\n%s\n", _("Stopped keeping the session alive. The session was not logged out: "
                          "it stays active and in the keyring until it expires or you run "
                          "“trading-login-cli logout”."));

  /* A keyring write cut short could leave the keyring without the
   * session: let it finish. A tickle under way is only abandoned. */
  if (keep_alive.saving)
    {
      keep_alive.stop_requested = TRUE;
      return TRUE;
    }

  g_cancellable_cancel (cli->cancellable);
  keep_alive_stop (TL_CLI_EXIT_OK);
  return TRUE;
}

void
tl_cli_keep_alive_start (TlCli *cli)
{
  g_autofree char *every = NULL;
  guint interval_ms = (guint) (cli->interval_minutes * 60 * 1000);

  keep_alive.cli = cli;
  keep_alive.stored = current_session (cli, NULL);
  cli->on_interrupt = keep_alive_interrupted;

  if (cli->interval_minutes >= 1.0)
    every = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "every minute", "every %d minutes",
                                          (gulong) cli->interval_minutes),
                             (int) cli->interval_minutes);
  else
    {
      int seconds = MAX (1, (int) (cli->interval_minutes * 60));

      every = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "every second", "every %d seconds",
                                            (gulong) seconds),
                               seconds);
    }

  g_printerr (_("Keeping the session alive %s. Press Ctrl+C to stop; that does not log out.\n"), every);
  keep_alive.timeout_id = g_timeout_add (MAX (interval_ms, 1000u), keep_alive_tick, NULL);
}

/* status, tickle, logout --------------------------------------------- */

typedef struct
{
  TlCli     *cli;
  TlSession *stored;
} Command;

static void
command_free (Command *command)
{
  g_clear_pointer (&command->stored, tl_session_free);
  g_free (command);
}

static void
report_logged_out (Command  *command,
                   gboolean  already)
{
  TlCli *cli = command->cli;
  const TlSession *stored = command->stored;

  if (cli->json)
    {
      g_autoptr(JsonObject) object = json_object_new ();

      json_object_set_string_member (object, "status", "logged_out");
      json_object_set_string_member (object, "username", stored->username);
      json_object_set_string_member (object, "mode", tl_mode_to_string (stored->mode));
      json_object_set_string_member (object, "server", cli->base_url);
      json_object_set_boolean_member (object, "already_ended", already);
      tl_cli_print_json (cli, object);
      return;
    }

  if (already)
    g_print (_("The session of %s (%s) had already ended; it was removed from the keyring.\n"),
             stored->username, tl_mode_to_string (stored->mode));
  else
    g_print (_("Logged out %s (%s); the session was removed from the keyring.\n"),
             stored->username, tl_mode_to_string (stored->mode));
}

static void
ended_session_deleted_cb (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  Command *command = user_data;
  TlCli *cli = command->cli;
  g_autoptr(GError) error = NULL;

  if (cli->done)
    return;

  if (!tl_credential_store_delete_session_finish (TL_CREDENTIAL_STORE (object), result, &error))
    {
      tl_cli_fail (cli, error);
      return;
    }

  /* For logout the goal is reached all the same. */
  if (cli->command == TL_CLI_COMMAND_LOGOUT)
    {
      report_logged_out (command, TRUE);
      tl_cli_quit (cli, TL_CLI_EXIT_OK);
      return;
    }

  {
    g_autofree char *message = g_strdup_printf (_("The session of %s (%s) has ended on the server; it was removed from the keyring. "
                                                  "Log in again with “trading-login-cli login”."),
                                                command->stored->username,
                                                tl_mode_to_string (command->stored->mode));

    report_no_session (cli, message);
  }
  tl_cli_quit (cli, TL_CLI_EXIT_NO_SESSION);
}

/* The server no longer knows the session: the keyring forgets it too. */
static void
forget_ended_session (Command *command)
{
  TlCli *cli = command->cli;

  tl_credential_store_delete_session_async (cli->store, cli->base_url, cli->mode,
                                            command->stored->username, cli->cancellable,
                                            ended_session_deleted_cb, command);
}

static void
logged_out_deleted_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  Command *command = user_data;
  g_autoptr(GError) error = NULL;

  if (command->cli->done)
    return;

  if (!tl_credential_store_delete_session_finish (TL_CREDENTIAL_STORE (object), result, &error))
    {
      /* The token is dead; an item left behind is dropped at the next lookup. */
      g_printerr (_("Logged out, but the session could not be removed from the keyring: %s\n"),
                  error->message);
      tl_cli_quit (command->cli, TL_CLI_EXIT_OTHER);
      return;
    }

  report_logged_out (command, FALSE);
  tl_cli_quit (command->cli, TL_CLI_EXIT_OK);
}

static void
logged_out_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  Command *command = user_data;
  TlCli *cli = command->cli;
  g_autoptr(GError) error = NULL;

  if (cli->done)
    return;

  if (!tl_auth_client_logout_finish (cli->client, result, &error))
    {
      if (g_error_matches (error, TL_AUTH_ERROR, TL_AUTH_ERROR_NO_SESSION))
        {
          forget_ended_session (command);
          return;
        }

      g_printerr ("%s\n", _("The session is still active and stays in the keyring; try again."));
      tl_cli_fail (cli, error);
      return;
    }

  tl_credential_store_delete_session_async (cli->store, cli->base_url, cli->mode,
                                            command->stored->username, cli->cancellable,
                                            logged_out_deleted_cb, command);
}

static void
tickle_saved_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Command *command = user_data;
  TlCli *cli = command->cli;
  g_autoptr(GError) error = NULL;
  g_autoptr(TlSession) session = NULL;
  g_autofree char *description = NULL;
  g_autofree char *sentence = NULL;

  if (cli->done)
    return;

  if (!tl_credential_store_save_session_finish (TL_CREDENTIAL_STORE (object), result, &error))
    g_printerr (_("Could not update the session in the keyring: %s\n"), error->message);

  session = current_session (cli, command->stored);
  description = tl_cli_describe_session (session);
  sentence = g_strdup_printf (_("Kept alive: %s."), description);
  tl_cli_report_session (cli, "tickled", session, sentence);

  if (cli->keep_alive)
    tl_cli_keep_alive_start (cli);
  else
    tl_cli_quit (cli, TL_CLI_EXIT_OK);
}

static void
tickled_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Command *command = user_data;
  TlCli *cli = command->cli;
  g_autoptr(GError) error = NULL;
  g_autoptr(TlSession) session = NULL;

  if (cli->done)
    return;

  if (!tl_auth_client_tickle_finish (cli->client, result, &error))
    {
      if (g_error_matches (error, TL_AUTH_ERROR, TL_AUTH_ERROR_NO_SESSION))
        forget_ended_session (command);
      else
        tl_cli_fail (cli, error);
      return;
    }

  session = current_session (cli, command->stored);
  tl_credential_store_save_session_async (cli->store, cli->base_url, session, cli->cancellable,
                                          tickle_saved_cb, command);
}

static void
resumed_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Command *command = user_data;
  TlCli *cli = command->cli;
  g_autoptr(GError) error = NULL;

  if (cli->done)
    return;

  if (!tl_auth_client_resume_finish (cli->client, result, &error))
    {
      if (g_error_matches (error, TL_AUTH_ERROR, TL_AUTH_ERROR_NO_SESSION))
        forget_ended_session (command);
      else
        tl_cli_fail (cli, error);
      return;
    }

  switch (cli->command)
    {
    case TL_CLI_COMMAND_STATUS:
      {
        g_autoptr(TlSession) session = current_session (cli, command->stored);
        g_autofree char *description = tl_cli_describe_session (session);
        g_autofree char *sentence = g_strdup_printf (_("Logged in as %s."), description);

        tl_cli_report_session (cli, "logged_in", session, sentence);
        tl_cli_quit (cli, TL_CLI_EXIT_OK);
      }
      break;

    case TL_CLI_COMMAND_TICKLE:
      tl_auth_client_tickle_async (cli->client, cli->cancellable, tickled_cb, command);
      break;

    case TL_CLI_COMMAND_LOGOUT:
      tl_auth_client_logout_async (cli->client, cli->cancellable, logged_out_cb, command);
      break;

    case TL_CLI_COMMAND_LOGIN:
    default:
      g_assert_not_reached ();
    }
}

static void
looked_up_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Command *command = user_data;
  TlCli *cli = command->cli;
  g_autoptr(GError) error = NULL;

  if (cli->done)
    return;

  command->stored = tl_credential_store_lookup_session_finish (TL_CREDENTIAL_STORE (object), result, &error);
  if (error != NULL)
    {
      tl_cli_fail (cli, error);
      return;
    }

  if (command->stored == NULL)
    {
      g_autofree char *message = NULL;

      if (cli->username != NULL)
        message = g_strdup_printf (_("No session of %s (%s) at %s is kept in the keyring. "
                                     "Log in with “trading-login-cli login”."),
                                   cli->username, tl_mode_to_string (cli->mode), cli->base_url);
      else
        message = g_strdup_printf (_("No %s session at %s is kept in the keyring. "
                                     "Log in with “trading-login-cli login”."),
                                   tl_mode_to_string (cli->mode), cli->base_url);
      report_no_session (cli, message);
      tl_cli_quit (cli, TL_CLI_EXIT_NO_SESSION);
      return;
    }

  tl_auth_client_resume_async (cli->client, command->stored, cli->cancellable, resumed_cb, command);
}

void
tl_cli_session_start (TlCli *cli)
{
  Command *command = g_new0 (Command, 1);

  command->cli = cli;
  cli->command_data = command;
  cli->command_data_free = (GDestroyNotify) command_free;

  tl_credential_store_lookup_session_async (cli->store, cli->base_url, cli->mode, cli->username,
                                            cli->cancellable, looked_up_cb, command);
}
