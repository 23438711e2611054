/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-cli-factor"

#include "config.h"

#include <glib/gi18n.h>

#include "tl-cli-login-private.h"

/* Answers ------------------------------------------------------------ */

static gboolean
is_answer_state (TlAuthState state)
{
  return state == TL_AUTH_STATE_NEED_RESPONSE ||
         state == TL_AUTH_STATE_NEED_CODE ||
         state == TL_AUTH_STATE_NEED_CARD;
}

static void
answered_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  TlCliLogin *login = user_data;
  g_autoptr(GError) error = NULL;

  if (tl_cli_login_is_over (login))
    return;

  if (tl_auth_client_answer_finish (login->client, result, &error))
    {
      tl_cli_login_advance (login);
      return;
    }

  /* Still asking: a wrong answer with attempts left, or one that did not
   * have the right form. A person may try again; a script gets exit 4. */
  if (is_answer_state (tl_auth_client_get_state (login->client)))
    {
      if (login->cli->interactive)
        {
          g_printerr ("%s\n", error->message);
          tl_cli_factor_prompt_answer (login);
        }
      else
        {
          tl_cli_fail_with_code (login->cli, error, TL_CLI_EXIT_SECOND_FACTOR);
        }
      return;
    }

  tl_cli_login_fail (login, error);
}

static void
resent_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  TlCliLogin *login = user_data;
  g_autoptr(GError) error = NULL;

  if (tl_cli_login_is_over (login))
    return;

  if (!tl_auth_client_resend_finish (login->client, result, &error))
    g_printerr ("%s\n", error->message);
  else
    g_printerr (_("A new code was sent to %s.\n"), tl_auth_client_get_sent_to (login->client));

  tl_cli_factor_prompt_answer (login);
}

static void
answer_read_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  TlCliLogin *login = user_data;
  g_autoptr(GError) error = NULL;
  char *line;
  TlDevice *device;

  line = tl_cli_line_reader_read_finish (login->cli->stdin_reader, result, &error);
  if (tl_cli_login_is_over (login))
    {
      tl_cli_secret_free (line);
      return;
    }

  if (line == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT))
        tl_cli_fail_usage (login->cli, _("Standard input ended before the second-factor answer."));
      else
        tl_cli_fail_with_code (login->cli, error, TL_CLI_EXIT_USAGE);
      return;
    }

  g_strstrip (line);
  device = tl_auth_client_get_device (login->client);

  if (login->cli->interactive && *line == '\0')
    {
      tl_cli_secret_free (line);
      tl_cli_factor_prompt_answer (login);
      return;
    }

  if (login->cli->interactive && device != NULL &&
      tl_device_get_kind (device) == TL_DEVICE_KIND_SMS &&
      (g_str_equal (line, "resend") || g_str_equal (line, "voice")))
    {
      tl_auth_client_resend_async (login->client, g_str_equal (line, "voice") ? "voice" : "sms",
                                   login->cli->cancellable, resent_cb, login);
      tl_cli_secret_free (line);
      return;
    }

  tl_auth_client_answer_async (login->client, line, login->cli->cancellable, answered_cb, login);
  tl_cli_secret_free (line);
}

/* "12 and 57", "12, 31 and 57" */
static char *
join_indices (const char * const *indices)
{
  guint n = indices != NULL ? g_strv_length ((char **) indices) : 0;
  g_autoptr(GString) text = g_string_new (NULL);

  if (n == 0)
    return g_strdup ("?");

  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append (text, i == n - 1 ? _(" and ") : ", ");
      g_string_append (text, indices[i]);
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static char *
answer_prompt (TlCliLogin *login)
{
  TlAuthClient *client = login->client;
  TlDevice *device = tl_auth_client_get_device (client);
  TlDeviceKind kind = device != NULL ? tl_device_get_kind (device) : TL_DEVICE_KIND_TOTP;

  switch (tl_auth_client_get_state (client))
    {
    case TL_AUTH_STATE_NEED_RESPONSE:
      if (kind == TL_DEVICE_KIND_DSC)
        return g_strdup_printf (_("Challenge: %s\nEnter your PIN and this challenge on your security card reader, "
                                  "then type the %u-digit response it shows: "),
                                tl_auth_client_get_challenge (client),
                                tl_auth_client_get_response_digits (client));
      return g_strdup_printf (_("Challenge: %s\nEnter this challenge in your authenticator app, "
                                "then type the %u-digit response it shows: "),
                              tl_auth_client_get_challenge (client),
                              tl_auth_client_get_response_digits (client));

    case TL_AUTH_STATE_NEED_CARD:
      {
        g_autofree char *indices = join_indices (tl_auth_client_get_card_indices (client));

        return g_strdup_printf (_("Security code card: type the codes at positions %s, one after the other "
                                  "(%u characters): "),
                                indices, tl_auth_client_get_response_digits (client));
      }

    case TL_AUTH_STATE_NEED_CODE:
    default:
      if (kind == TL_DEVICE_KIND_SMS)
        {
          if (login->cli->interactive)
            return g_strdup_printf (_("Enter the %u-digit code sent to %s (or type “resend”, or “voice” for a call): "),
                                    tl_auth_client_get_code_digits (client),
                                    tl_auth_client_get_sent_to (client));
          return g_strdup_printf (_("Enter the %u-digit code sent to %s: "),
                                  tl_auth_client_get_code_digits (client),
                                  tl_auth_client_get_sent_to (client));
        }
      if (kind == TL_DEVICE_KIND_TEMP)
        return g_strdup_printf (_("Enter your %u-character temporary passcode: "),
                                tl_auth_client_get_code_digits (client));
      return g_strdup_printf (_("Enter the %u-digit code from your authenticator app: "),
                              tl_auth_client_get_code_digits (client));
    }
}

void
tl_cli_factor_prompt_answer (TlCliLogin *login)
{
  TlCli *cli = login->cli;
  g_autofree char *prompt = NULL;

  if (!cli->interactive && !cli->answer_stdin)
    {
      tl_cli_fail_usage (cli, _("The second factor needs an answer, and standard input is not a terminal. "
                                "Pass --answer-stdin and write the answer as a line on standard input "
                                "(after the password line, with --password-stdin)."));
      return;
    }

  /* On stderr even with --answer-stdin: a script driving this reads the
   * challenge or the card's positions from there. */
  prompt = answer_prompt (login);
  tl_cli_say (cli, "%s", prompt);
  if (!cli->interactive)
    tl_cli_say (cli, "\n");

  tl_cli_line_reader_read_async (cli->stdin_reader, MAX_ANSWER_LENGTH, cli->cancellable,
                                 answer_read_cb, login);
}

/* Push --------------------------------------------------------------- */

static void
stop_countdown (TlCliLogin *login)
{
  g_clear_handle_id (&login->countdown_id, g_source_remove);
  if (login->countdown_shown && login->cli->stderr_is_tty)
    tl_cli_say (login->cli, "\n");
  login->countdown_shown = FALSE;
}

static gboolean
countdown_tick (gpointer user_data)
{
  TlCliLogin *login = user_data;
  gint64 deadline = tl_auth_client_get_deadline (login->client);
  gint64 left = deadline > 0 ? deadline - g_get_real_time () / G_USEC_PER_SEC : 0;
  g_autofree char *clock = tl_cli_format_clock (left);
  g_autofree char *text = NULL;

  if (login->cli->interactive)
    /* Translators: the countdown while waiting for the push notification */
    text = g_strdup_printf (_("Approve the notification on your device… %s left. Press Enter if you did not receive it."),
                            clock);
  else
    text = g_strdup_printf (_("Approve the notification on your device… %s left."), clock);

  /* Carriage return and erase-line: the same line, redrawn each second. */
  tl_cli_say (login->cli, "\r\033[K%s", text);
  login->countdown_shown = TRUE;

  return G_SOURCE_CONTINUE;
}

static void
challenge_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  TlCliLogin *login = user_data;
  g_autoptr(GError) error = NULL;

  if (tl_cli_login_is_over (login))
    return;

  login->switching_to_challenge = FALSE;

  /* The push may have been approved just before: then that wins. */
  if (!tl_auth_client_request_challenge_finish (login->client, result, &error) &&
      tl_auth_client_get_state (login->client) != TL_AUTH_STATE_LOGGED_IN)
    {
      tl_cli_login_fail (login, error);
      return;
    }

  tl_cli_login_advance (login);
}

static void
request_challenge (TlCliLogin *login)
{
  login->switching_to_challenge = TRUE;
  tl_auth_client_request_challenge_async (login->client, login->cli->cancellable,
                                          challenge_cb, login);
}

static void
enter_read_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  TlCliLogin *login = user_data;
  g_autoptr(GError) error = NULL;
  char *line;

  line = tl_cli_line_reader_read_finish (login->cli->stdin_reader, result, &error);
  tl_cli_secret_free (line);

  /* Cancelled: the push was decided first. End of input: keep waiting. */
  if (line == NULL || tl_cli_login_is_over (login) ||
      tl_auth_client_get_state (login->client) != TL_AUTH_STATE_WAITING_PUSH)
    return;

  stop_countdown (login);
  tl_cli_say (login->cli, "%s\n", _("Getting a challenge to answer instead…"));
  g_cancellable_cancel (login->push_cancellable);
  request_challenge (login);
}

static void
push_waited_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  TlCliLogin *login = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  ok = tl_auth_client_wait_push_finish (login->client, result, &error);
  if (tl_cli_login_is_over (login))
    return;

  /* Enter was pressed: the challenge takes over. */
  if (!ok && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && login->switching_to_challenge)
    return;

  stop_countdown (login);
  if (login->enter_cancellable != NULL)
    g_cancellable_cancel (login->enter_cancellable);

  if (!ok)
    {
      tl_cli_login_fail (login, error);
      return;
    }

  tl_cli_login_advance (login);
}

void
tl_cli_factor_wait_push (TlCliLogin *login)
{
  TlCli *cli = login->cli;
  TlDevice *device = tl_auth_client_get_device (login->client);

  if (cli->no_push)
    {
      request_challenge (login);
      return;
    }

  g_clear_object (&login->push_cancellable);
  login->push_cancellable = g_cancellable_new ();
  tl_auth_client_wait_push_async (login->client, login->push_cancellable, push_waited_cb, login);

  if (device != NULL && tl_device_get_label (device) != NULL)
    tl_cli_say (cli, _("A notification was sent to “%s”.\n"), tl_device_get_label (device));

  if (cli->stderr_is_tty)
    {
      countdown_tick (login);
      login->countdown_id = g_timeout_add_seconds (1, countdown_tick, login);
    }
  else
    {
      gint64 deadline = tl_auth_client_get_deadline (login->client);
      g_autofree char *clock = tl_cli_format_clock (deadline - g_get_real_time () / G_USEC_PER_SEC);

      tl_cli_say (cli, _("Approve the notification on your device; waiting up to %s.\n"), clock);
    }

  if (cli->interactive)
    {
      g_clear_object (&login->enter_cancellable);
      login->enter_cancellable = g_cancellable_new ();
      tl_cli_line_reader_read_async (cli->stdin_reader, MAX_ANSWER_LENGTH, login->enter_cancellable,
                                     enter_read_cb, login);
    }
}

/* Devices ------------------------------------------------------------ */

static void
device_selected_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  TlCliLogin *login = user_data;
  g_autoptr(GError) error = NULL;

  if (tl_cli_login_is_over (login))
    return;

  if (!tl_auth_client_select_device_finish (login->client, result, &error))
    {
      tl_cli_login_fail (login, error);
      return;
    }

  tl_cli_login_advance (login);
}

static void
select_device (TlCliLogin *login,
               TlDevice   *device)
{
  TlDevice *current = tl_auth_client_get_device (login->client);

  login->device_chosen = TRUE;

  /* Already the one in use (the client picks a lone device by itself). */
  if (current != NULL && tl_auth_client_get_state (login->client) != TL_AUTH_STATE_CHOOSE_DEVICE &&
      g_str_equal (tl_device_get_id (current), tl_device_get_id (device)))
    {
      tl_cli_login_advance (login);
      return;
    }

  tl_auth_client_select_device_async (login->client, tl_device_get_id (device),
                                      login->cli->cancellable, device_selected_cb, login);
}

/* "Authenticator app “Pixel 8” (--device ibkey)": the option is named
 * so that a person learns what to put in a script. */
static char *
describe_device (TlDevice *device)
{
  TlDeviceKind kind = tl_device_get_kind (device);
  const char *description = tl_device_kind_describe (kind);
  const char *label = tl_device_get_label (device);

  if (label != NULL && *label != '\0' && g_utf8_collate (label, description) != 0)
    return g_strdup_printf ("%s “%s” (--device %s)", description, label, tl_device_kind_to_string (kind));

  return g_strdup_printf ("%s (--device %s)", description, tl_device_kind_to_string (kind));
}

static char *
list_device_kinds (GListModel *devices)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (devices); i++)
    {
      g_autoptr(TlDevice) device = g_list_model_get_item (devices, i);

      if (i > 0)
        g_string_append (text, ", ");
      g_string_append (text, tl_device_kind_to_string (tl_device_get_kind (device)));
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* --device KIND or ID: the default device when it is of that kind. */
void
tl_cli_factor_apply_device_option (TlCliLogin *login)
{
  GListModel *devices = tl_auth_client_get_devices (login->client);
  g_autoptr(TlDevice) found = NULL;
  guint n = devices != NULL ? g_list_model_get_n_items (devices) : 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TlDevice) device = g_list_model_get_item (devices, i);
      const char *kind = tl_device_kind_to_string (tl_device_get_kind (device));

      if (g_str_equal (tl_device_get_id (device), login->cli->device))
        {
          g_set_object (&found, device);
          break;
        }

      if (g_str_equal (kind, login->cli->device) &&
          (found == NULL || tl_device_get_is_default (device)))
        g_set_object (&found, device);
    }

  if (found == NULL)
    {
      g_autofree char *kinds = devices != NULL ? list_device_kinds (devices) : g_strdup ("");
      g_autofree char *message = g_strdup_printf (_("This account has no second factor “%s”. Choose one of its own with --device: %s."),
                                                  login->cli->device, kinds);

      tl_cli_fail_usage (login->cli, message);
      return;
    }

  select_device (login, found);
}

static void
device_choice_read_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  TlCliLogin *login = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  GListModel *devices = tl_auth_client_get_devices (login->client);
  guint n = g_list_model_get_n_items (devices);
  guint64 choice = 0;

  line = tl_cli_line_reader_read_finish (login->cli->stdin_reader, result, &error);
  if (tl_cli_login_is_over (login))
    return;

  if (line == NULL)
    {
      tl_cli_fail_usage (login->cli, _("Standard input ended before a second factor was chosen."));
      return;
    }

  g_strstrip (line);

  if (*line == '\0')
    {
      for (guint i = 0; i < n; i++)
        {
          g_autoptr(TlDevice) device = g_list_model_get_item (devices, i);

          if (tl_device_get_is_default (device) || (choice == 0 && i == n - 1))
            choice = i + 1;
          if (tl_device_get_is_default (device))
            break;
        }
      if (choice == 0)
        choice = 1;
    }
  else if ((g_str_equal (line, "r") || g_str_equal (line, "R")) &&
           tl_auth_client_get_read_only_allowed (login->client))
    {
      login->cli->read_only = TRUE;
      tl_cli_login_advance (login);
      return;
    }
  else if (!g_ascii_string_to_unsigned (line, 10, 1, n, &choice, NULL))
    {
      g_printerr (_("Type a number from 1 to %u.\n"), n);
      tl_cli_factor_choose_device (login);
      return;
    }

  {
    g_autoptr(TlDevice) device = g_list_model_get_item (devices, (guint) choice - 1);

    select_device (login, device);
  }
}

void
tl_cli_factor_choose_device (TlCliLogin *login)
{
  TlCli *cli = login->cli;
  GListModel *devices = tl_auth_client_get_devices (login->client);
  guint n = devices != NULL ? g_list_model_get_n_items (devices) : 0;
  guint default_index = 1;

  if (!cli->interactive)
    {
      g_autofree char *kinds = devices != NULL ? list_device_kinds (devices) : g_strdup ("");
      g_autofree char *message = g_strdup_printf (_("Choose the second factor with --device (one of: %s): "
                                                    "standard input is not a terminal to ask on."), kinds);

      tl_cli_fail_usage (cli, message);
      return;
    }

  if (n == 0)
    {
      tl_cli_login_fail (login, NULL);
      return;
    }

  tl_cli_say (cli, "%s\n", _("Choose how to confirm this login:"));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TlDevice) device = g_list_model_get_item (devices, i);
      g_autofree char *description = describe_device (device);

      if (tl_device_get_is_default (device))
        {
          default_index = i + 1;
          tl_cli_say (cli, _("  %u) %s, the default\n"), i + 1, description);
        }
      else
        {
          tl_cli_say (cli, "  %u) %s\n", i + 1, description);
        }
    }
  if (tl_auth_client_get_read_only_allowed (login->client))
    tl_cli_say (cli, "  r) %s\n", _("Read-only access, without a second factor"));
  tl_cli_say (cli, _("Your choice [%u]: "), default_index);

  tl_cli_line_reader_read_async (cli->stdin_reader, MAX_ANSWER_LENGTH, cli->cancellable,
                                 device_choice_read_cb, login);
}
