/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-cli-login"

#include "config.h"

#include <stdlib.h>

#include <fcntl.h>
#include <glib/gi18n.h>
#include <string.h>
#include <unistd.h>

#include "tl-auth-error.h"
#include "tl-cli-login.h"
#include "tl-cli-login-private.h"
#include "tl-cli-session.h"

#define MAX_PASSWORD_LENGTH 1024

static void
login_free (TlCliLogin *login)
{
  if (login->push_cancellable != NULL)
    g_cancellable_cancel (login->push_cancellable);
  if (login->enter_cancellable != NULL)
    g_cancellable_cancel (login->enter_cancellable);
  g_clear_object (&login->push_cancellable);
  g_clear_object (&login->enter_cancellable);
  g_clear_handle_id (&login->countdown_id, g_source_remove);
  g_clear_pointer (&login->tty_reader, tl_cli_line_reader_free);
  if (login->tty_fd >= 0)
    close (login->tty_fd);
  g_free (login->username);
  g_free (login);
}

gboolean
tl_cli_login_is_over (TlCliLogin *login)
{
  return login->cli->done;
}

void
tl_cli_login_fail (TlCliLogin   *login,
                   const GError *error)
{
  const GError *client_error = tl_auth_client_get_error (login->client);

  if (error == NULL)
    error = client_error;

  if (error == NULL)
    {
      g_autoptr(GError) unknown = g_error_new_literal (TL_AUTH_ERROR, TL_AUTH_ERROR_PROTOCOL,
                                                       tl_auth_error_message (TL_AUTH_ERROR_PROTOCOL));
      tl_cli_fail (login->cli, unknown);
      return;
    }

  tl_cli_fail (login->cli, error);
}

/* Logged in ---------------------------------------------------------- */

static void
report_logged_in (TlCliLogin      *login,
                  const TlSession *session,
                  gboolean         kept,
                  gboolean         resumed)
{
  TlCli *cli = login->cli;
  g_autofree char *description = tl_cli_describe_session (session);
  g_autofree char *sentence = NULL;

  if (resumed)
    sentence = g_strdup_printf (_("Already logged in as %s. The session kept in the keyring is still active; "
                                  "log out first to start a new one."), description);
  else if (kept)
    sentence = g_strdup_printf (_("Logged in as %s. The session is kept in the keyring."), description);
  else
    sentence = g_strdup_printf (_("Logged in as %s."), description);

  if (cli->json)
    {
      g_autoptr(JsonObject) object = tl_cli_session_json (cli, "logged_in", session);

      json_object_set_boolean_member (object, "resumed", resumed);
      json_object_set_boolean_member (object, "in_keyring", kept || resumed);
      tl_cli_print_json (cli, object);
    }
  else
    {
      tl_cli_report_session (cli, "logged_in", session, sentence);
    }
}

static void
finish_logged_in (TlCliLogin *login,
                  gboolean    kept)
{
  TlSession *session = tl_auth_client_get_session (login->client);

  report_logged_in (login, session, kept, FALSE);

  if (!kept)
    {
      tl_cli_quit (login->cli, TL_CLI_EXIT_OTHER);
      return;
    }

  if (login->cli->keep_alive)
    tl_cli_keep_alive_start (login->cli);
  else
    tl_cli_quit (login->cli, TL_CLI_EXIT_OK);
}

static void
remembered_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  TlCliLogin *login = user_data;
  g_autoptr(GError) error = NULL;

  if (tl_cli_login_is_over (login))
    return;

  /* Only a convenience: the login itself succeeded. */
  if (!tl_credential_store_remember_username_finish (TL_CREDENTIAL_STORE (object), result, &error))
    g_printerr (_("Could not remember the username: %s\n"), error->message);

  finish_logged_in (login, TRUE);
}

static void
session_saved_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  TlCliLogin *login = user_data;
  g_autoptr(GError) error = NULL;

  if (tl_cli_login_is_over (login))
    return;

  if (!tl_credential_store_save_session_finish (TL_CREDENTIAL_STORE (object), result, &error))
    {
      /* The session exists on the server but nothing here will find it
       * again: say so, and still report it (--print-token users get it). */
      g_printerr (_("Logged in, but the session could not be kept in the keyring: %s\n"), error->message);
      finish_logged_in (login, FALSE);
      return;
    }

  if (login->cli->remember)
    {
      tl_credential_store_remember_username_async (login->cli->store, login->cli->base_url,
                                                   login->cli->mode, login->username,
                                                   login->cli->cancellable, remembered_cb, login);
      return;
    }

  finish_logged_in (login, TRUE);
}

static void
logged_in (TlCliLogin *login)
{
  TlSession *session = tl_auth_client_get_session (login->client);

  tl_credential_store_save_session_async (login->cli->store, login->cli->base_url, session,
                                          login->cli->cancellable, session_saved_cb, login);
}

/* Read only ---------------------------------------------------------- */

static void
read_only_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  TlCliLogin *login = user_data;
  g_autoptr(GError) error = NULL;

  if (tl_cli_login_is_over (login))
    return;

  if (!tl_auth_client_read_only_finish (login->client, result, &error))
    {
      tl_cli_login_fail (login, error);
      return;
    }

  tl_cli_login_advance (login);
}

/* Another session ---------------------------------------------------- */

static void
continued_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  TlCliLogin *login = user_data;
  g_autoptr(GError) error = NULL;

  if (tl_cli_login_is_over (login))
    return;

  if (!tl_auth_client_continue_finish (login->client, result, &error))
    {
      tl_cli_login_fail (login, error);
      return;
    }

  tl_cli_login_advance (login);
}

static void
existing_answer_read_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  TlCliLogin *login = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;

  line = tl_cli_line_reader_read_finish (login->cli->stdin_reader, result, &error);
  if (tl_cli_login_is_over (login))
    return;

  if (line != NULL)
    g_strstrip (line);

  /* rpmatch() knows the locale's own yes ("j" in German, "o" in French);
   * the English answers work in every locale. */
  if (line != NULL && (rpmatch (line) == 1 ||
                       g_ascii_strcasecmp (line, "y") == 0 || g_ascii_strcasecmp (line, "yes") == 0))
    {
      tl_auth_client_continue_async (login->client, login->cli->cancellable, continued_cb, login);
      return;
    }

  tl_auth_client_cancel (login->client);
  tl_cli_say (login->cli, "%s\n", _("Login cancelled. The other session goes on."));
  tl_cli_quit (login->cli, TL_CLI_EXIT_OTHER);
}

static void
ask_existing_session (TlCliLogin *login)
{
  TlCli *cli = login->cli;
  const char *other = tl_auth_client_get_existing_session_client (login->client);
  GDateTime *since = tl_auth_client_get_existing_session_since (login->client);
  g_autofree char *since_text = NULL;
  g_autofree char *message = NULL;

  if (since != NULL)
    {
      g_autoptr(GDateTime) local = g_date_time_to_local (since);

      since_text = g_date_time_format (local, "%x %H:%M");
    }

  message = g_strdup_printf (_("%s already has a %s session (%s, since %s). Logging in ends it."),
                             login->username, tl_mode_to_string (cli->mode),
                             other != NULL ? other : _("another client"),
                             since_text != NULL ? since_text : "?");

  if (cli->replace_session)
    {
      tl_cli_say (cli, "%s\n", message);
      tl_auth_client_continue_async (login->client, cli->cancellable, continued_cb, login);
      return;
    }

  if (!cli->interactive)
    {
      g_autofree char *full = g_strdup_printf ("%s %s", message,
                                               _("Pass --replace-session to end it and log in: "
                                                 "standard input is not a terminal to ask on."));

      tl_auth_client_cancel (login->client);
      tl_cli_fail_usage (cli, full);
      return;
    }

  tl_cli_say (cli, "%s\n%s", message, _("Continue? [y/N] "));
  tl_cli_line_reader_read_async (cli->stdin_reader, MAX_ANSWER_LENGTH, cli->cancellable,
                                 existing_answer_read_cb, login);
}

/* The state machine -------------------------------------------------- */

void
tl_cli_login_advance (TlCliLogin *login)
{
  TlAuthState state = tl_auth_client_get_state (login->client);

  if (tl_cli_login_is_over (login))
    return;

  switch (state)
    {
    case TL_AUTH_STATE_LOGGED_IN:
      logged_in (login);
      return;

    case TL_AUTH_STATE_EXISTING_SESSION:
      ask_existing_session (login);
      return;

    case TL_AUTH_STATE_CHOOSE_DEVICE:
    case TL_AUTH_STATE_WAITING_PUSH:
    case TL_AUTH_STATE_NEED_RESPONSE:
    case TL_AUTH_STATE_NEED_CODE:
    case TL_AUTH_STATE_NEED_CARD:
      break;

    case TL_AUTH_STATE_LOCKED:
    case TL_AUTH_STATE_FAILED:
    case TL_AUTH_STATE_IDLE:
    case TL_AUTH_STATE_CONNECTING:
    case TL_AUTH_STATE_AUTHENTICATING:
    default:
      tl_cli_login_fail (login, NULL);
      return;
    }

  if (login->cli->read_only && !login->read_only_asked)
    {
      login->read_only_asked = TRUE;
      tl_auth_client_read_only_async (login->client, login->cli->cancellable, read_only_cb, login);
      return;
    }

  if (login->cli->device != NULL && !login->device_chosen)
    {
      tl_cli_factor_apply_device_option (login);
      return;
    }

  switch (state)
    {
    case TL_AUTH_STATE_CHOOSE_DEVICE:
      tl_cli_factor_choose_device (login);
      break;
    case TL_AUTH_STATE_WAITING_PUSH:
      tl_cli_factor_wait_push (login);
      break;
    case TL_AUTH_STATE_NEED_RESPONSE:
    case TL_AUTH_STATE_NEED_CODE:
    case TL_AUTH_STATE_NEED_CARD:
    default:
      tl_cli_factor_prompt_answer (login);
      break;
    }
}

/* Password ----------------------------------------------------------- */

static void
logged_in_with_password_cb (GObject      *object,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  TlCliLogin *login = user_data;
  g_autoptr(GError) error = NULL;

  if (tl_cli_login_is_over (login))
    return;

  if (!tl_auth_client_login_finish (login->client, result, &error))
    {
      tl_cli_login_fail (login, error);
      return;
    }

  tl_cli_login_advance (login);
}

static void
password_read_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  TlCliLogin *login = user_data;
  TlCliLineReader *reader = login->tty_reader != NULL ? login->tty_reader : login->cli->stdin_reader;
  g_autoptr(GError) error = NULL;
  char *password;

  password = tl_cli_line_reader_read_finish (reader, result, &error);
  tl_cli_terminal_restore ();
  g_clear_pointer (&login->tty_reader, tl_cli_line_reader_free);
  if (login->tty_fd >= 0)
    {
      close (login->tty_fd);
      login->tty_fd = -1;
    }

  if (tl_cli_login_is_over (login))
    {
      tl_cli_secret_free (password);
      return;
    }

  if (password == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT))
        tl_cli_fail_usage (login->cli, login->cli->password_stdin
                           ? _("Standard input ended before the password: with --password-stdin, write the password as its first line.")
                           : _("No password was typed."));
      else
        tl_cli_fail_with_code (login->cli, error, TL_CLI_EXIT_USAGE);
      return;
    }

  if (*password == '\0')
    {
      tl_cli_secret_free (password);
      tl_cli_fail_usage (login->cli, _("The password is empty."));
      return;
    }

  /* The client keeps its own copy only for the SRP computation. */
  tl_auth_client_login_async (login->client, login->username, password,
                              login->cli->cancellable, logged_in_with_password_cb, login);
  tl_cli_secret_free (password);
  /* The keyring's key exchange overlaps the login instead of following it. */
  tl_credential_store_prepare_save (login->cli->store, login->cli->cancellable);
}

static void
read_password (TlCliLogin *login)
{
  TlCli *cli = login->cli;
  g_autofree char *prompt = g_strdup_printf (_("Password for %s (%s): "), login->username,
                                             tl_mode_to_string (cli->mode));
  g_autoptr(GError) error = NULL;

  if (cli->password_stdin)
    {
      /* Typed at a terminal all the same: no echo. */
      if (cli->interactive)
        {
          /* Echo off before the prompt: what is typed once the prompt
           * shows must not be flushed with the type-ahead. */
          if (!tl_cli_terminal_echo_off (STDIN_FILENO, &error))
            {
              tl_cli_fail_with_code (cli, error, TL_CLI_EXIT_OTHER);
              return;
            }
          tl_cli_say (cli, "%s", prompt);
        }
      tl_cli_line_reader_read_async (cli->stdin_reader, MAX_PASSWORD_LENGTH, cli->cancellable,
                                     password_read_cb, login);
      return;
    }

  login->tty_fd = open ("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (login->tty_fd < 0)
    {
      tl_cli_fail_usage (cli, _("There is no terminal to ask for the password on. "
                                "Write it as the first line of standard input and pass --password-stdin."));
      return;
    }

  if (!tl_cli_terminal_echo_off (login->tty_fd, &error) ||
      write (login->tty_fd, prompt, strlen (prompt)) < 0)
    {
      if (error == NULL)
        error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, _("Could not write to the terminal."));
      tl_cli_fail_with_code (cli, error, TL_CLI_EXIT_OTHER);
      return;
    }

  login->tty_reader = tl_cli_line_reader_new (login->tty_fd);
  tl_cli_line_reader_read_async (login->tty_reader, MAX_PASSWORD_LENGTH, cli->cancellable,
                                 password_read_cb, login);
}

/* A session in the keyring ------------------------------------------- */

static void
stale_session_deleted_cb (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  TlCliLogin *login = user_data;
  g_autoptr(GError) error = NULL;

  if (tl_cli_login_is_over (login))
    return;

  if (!tl_credential_store_delete_session_finish (TL_CREDENTIAL_STORE (object), result, &error))
    g_debug ("Could not remove the ended session: %s", error->message);

  read_password (login);
}

static void
resumed_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  TlCliLogin *login = user_data;
  g_autoptr(GError) error = NULL;

  if (tl_cli_login_is_over (login))
    return;

  if (tl_auth_client_resume_finish (login->client, result, &error))
    {
      report_logged_in (login, tl_auth_client_get_session (login->client), TRUE, TRUE);
      if (login->cli->keep_alive)
        tl_cli_keep_alive_start (login->cli);
      else
        tl_cli_quit (login->cli, TL_CLI_EXIT_OK);
      return;
    }

  /* The server ended it: forget it, and log in afresh. */
  if (g_error_matches (error, TL_AUTH_ERROR, TL_AUTH_ERROR_NO_SESSION))
    {
      tl_credential_store_delete_session_async (login->cli->store, login->cli->base_url, login->cli->mode,
                                                login->username, login->cli->cancellable,
                                                stale_session_deleted_cb, login);
      return;
    }

  tl_cli_fail (login->cli, error);
}

static void
stored_session_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  TlCliLogin *login = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TlSession) stored = NULL;

  if (tl_cli_login_is_over (login))
    return;

  stored = tl_credential_store_lookup_session_finish (TL_CREDENTIAL_STORE (object), result, &error);
  if (error != NULL)
    {
      /* The keyring cannot be used: a login still works, it just will
       * not be kept. Say so now rather than after the second factor. */
      g_printerr ("%s\n", error->message);
      read_password (login);
      return;
    }

  if (stored == NULL)
    {
      read_password (login);
      return;
    }

  tl_auth_client_resume_async (login->client, stored, login->cli->cancellable, resumed_cb, login);
}

static void
have_username (TlCliLogin *login)
{
  tl_credential_store_lookup_session_async (login->cli->store, login->cli->base_url, login->cli->mode,
                                            login->username, login->cli->cancellable,
                                            stored_session_cb, login);
}

/* Username ----------------------------------------------------------- */

typedef struct
{
  TlCliLogin *login;
  char  *suggested;
} UsernamePrompt;

static void
username_read_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  UsernamePrompt *prompt = user_data;
  TlCliLogin *login = prompt->login;
  g_autofree char *suggested = g_steal_pointer (&prompt->suggested);
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  g_autofree char *normalized = NULL;
  gboolean changed = FALSE;

  g_free (prompt);

  line = tl_cli_line_reader_read_finish (login->cli->stdin_reader, result, &error);
  if (tl_cli_login_is_over (login))
    return;

  if (line == NULL)
    {
      tl_cli_fail_usage (login->cli, _("Standard input ended before the username."));
      return;
    }

  g_strstrip (line);
  normalized = tl_username_normalize (*line == '\0' && suggested != NULL ? suggested : line,
                                      &changed, &error);
  if (normalized == NULL)
    {
      tl_cli_fail (login->cli, error);
      return;
    }
  if (changed)
    tl_cli_say (login->cli, _("Using the username “%s”: usernames are lower-case letters and digits.\n"), normalized);

  login->username = g_steal_pointer (&normalized);
  have_username (login);
}

static void
usernames_listed_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  TlCliLogin *login = user_data;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) usernames = NULL;
  UsernamePrompt *prompt;

  usernames = tl_credential_store_list_usernames_finish (TL_CREDENTIAL_STORE (object), result, &error);
  if (tl_cli_login_is_over (login))
    return;

  if (error != NULL)
    g_debug ("No remembered usernames: %s", error->message);

  prompt = g_new0 (UsernamePrompt, 1);
  prompt->login = login;
  if (usernames != NULL && usernames[0] != NULL)
    {
      prompt->suggested = g_strdup (usernames[0]);
      tl_cli_say (login->cli, _("Username [%s]: "), usernames[0]);
    }
  else
    {
      tl_cli_say (login->cli, "%s", _("Username: "));
    }

  tl_cli_line_reader_read_async (login->cli->stdin_reader, TL_USERNAME_MAX_LENGTH * 4,
                                 login->cli->cancellable, username_read_cb, prompt);
}

void
tl_cli_login_start (TlCli *cli)
{
  TlCliLogin *login = g_new0 (TlCliLogin, 1);

  login->cli = cli;
  login->client = cli->client;
  login->tty_fd = -1;
  cli->command_data = login;
  cli->command_data_free = (GDestroyNotify) login_free;

  /* The TLS handshake overlaps the keyring lookup and the prompts. */
  tl_auth_client_preconnect (login->client);

  if (cli->username != NULL)
    {
      login->username = g_strdup (cli->username);
      have_username (login);
      return;
    }

  if (!cli->interactive)
    {
      tl_cli_fail_usage (cli, _("Name the user with --username: standard input is not a terminal to ask on."));
      return;
    }

  tl_credential_store_list_usernames_async (cli->store, cli->base_url, cli->mode, cli->cancellable,
                                            usernames_listed_cb, login);
}
