/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-key-cmd-otp"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "tl-auth-error.h"
#include "tl-key-command.h"
#include "tl-key-commands.h"
#include "tl-key-pin.h"
#include "tl-key-store.h"
#include "tl-otp.h"

/* respond and code: pick one device, ask its PIN, print a one-time
 * value computed from its secret. */

typedef struct
{
  TlKeyCommand  command;
  TlKeyFilter   filter;
  TlKeyStore   *store;
  TlKeyDevice  *device;
  TlOcraSuite  *suite;      /* respond only */
  char         *challenge;  /* respond only */
} OtpCommand;

static void
otp_command_clear (OtpCommand *self)
{
  tl_key_filter_clear (&self->filter);
  g_clear_object (&self->store);
  g_clear_object (&self->device);
  g_clear_pointer (&self->suite, tl_ocra_suite_free);
  g_clear_pointer (&self->challenge, g_free);
  tl_key_command_clear (&self->command);
}

static void
print_response (OtpCommand  *self,
                GBytes      *secret,
                const char  *pin)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TlKeySecret) response = NULL;
  TlOcraInput input = { 0 };
  gsize key_len;
  const guint8 *key = g_bytes_get_data (secret, &key_len);

  input.question = self->challenge;
  input.password = pin;
  input.timestamp = g_get_real_time () / G_USEC_PER_SEC;

  response = tl_ocra_compute (self->suite, key, key_len, &input, &error);
  if (response == NULL)
    {
      tl_key_command_done (&self->command, error);
      return;
    }

  g_print ("%s\n", response);
  tl_key_command_done (&self->command, NULL);
}

static void
print_code (OtpCommand *self,
            GBytes     *secret)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TlKeySecret) code = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  guint period = tl_key_device_get_totp_period (self->device);
  gsize key_len;
  const guint8 *key = g_bytes_get_data (secret, &key_len);
  guint remaining;

  code = tl_totp (tl_key_device_get_totp_hash (self->device), key, key_len, now,
                  period, tl_key_device_get_totp_digits (self->device), &error);
  if (code == NULL)
    {
      tl_key_command_done (&self->command, error);
      return;
    }

  remaining = period - (guint) (now % period);
  g_print ("%s\n", code);
  g_print (g_dngettext (GETTEXT_PACKAGE, "Valid for %u more second.\n",
                        "Valid for %u more seconds.\n", remaining),
           remaining);
  tl_key_command_done (&self->command, NULL);
}

static void
unlocked_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  OtpCommand *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) secret = NULL;
  g_autoptr(TlKeySecret) pin = NULL;

  secret = tl_key_pin_unlock_finish (result, &pin, &error);
  if (secret == NULL)
    {
      tl_key_command_done (&self->command, error);
      return;
    }

  if (self->challenge != NULL)
    print_response (self, secret, pin);
  else
    print_code (self, secret);
}

static void
listed_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  OtpCommand *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) devices = NULL;

  devices = tl_key_store_list_finish (TL_KEY_STORE (object), result, NULL, &error);
  if (devices != NULL)
    self->device = tl_key_filter_pick_one (&self->filter, devices, &error);
  if (self->device == NULL)
    {
      tl_key_command_done (&self->command, error);
      return;
    }

  /* Check the challenge before asking for the PIN: a mistyped challenge
   * is found without the PIN's delay. */
  if (self->challenge != NULL)
    {
      self->suite = tl_ocra_suite_parse (tl_key_device_get_ocra_suite (self->device), &error);
      if (self->suite == NULL)
        {
          tl_key_command_done (&self->command, error);
          return;
        }

      if (!tl_ocra_check_question (self->suite, self->challenge, &error))
        {
          g_autoptr(GError) usage = NULL;

          usage = g_error_new (TL_KEY_ERROR, TL_KEY_ERROR_USAGE,
                               _("“%s” is not a challenge for this device (%s): %s Type the challenge exactly as the login screen shows it."),
                               self->challenge, self->suite->suite, error->message);
          tl_key_command_done (&self->command, usage);
          return;
        }

      /* The server always sends a full-length challenge; a shorter one
       * is a digit left out, which would only earn a wrong response. */
      if (self->suite->question_format == TL_OCRA_QUESTION_NUMERIC &&
          strlen (self->challenge) != self->suite->question_length)
        {
          g_autoptr(GError) length = NULL;

          length = g_error_new (TL_KEY_ERROR, TL_KEY_ERROR_USAGE,
                                _("The challenge has %u digits; “%s” has %u. Type the challenge exactly as the login screen shows it."),
                                self->suite->question_length, self->challenge,
                                (guint) strlen (self->challenge));
          tl_key_command_done (&self->command, length);
          return;
        }

      if (self->suite->counter || self->suite->session_length > 0)
        {
          g_autoptr(GError) unsupported = NULL;

          unsupported = g_error_new (TL_KEY_ERROR, TL_KEY_ERROR_USAGE,
                                     _("This device's challenge suite %s needs a counter or session data, which Trading Key does not keep."),
                                     self->suite->suite);
          tl_key_command_done (&self->command, unsupported);
          return;
        }
    }

  tl_key_pin_unlock_async (self->command.prompt, self->device, NULL,
                           self->command.cancellable, unlocked_cb, self);
}

static int
run (OtpCommand *self,
     gboolean    pin_stdin)
{
  g_autoptr(GError) error = NULL;
  int status;

  if (!tl_key_filter_normalize (&self->filter, &error))
    {
      otp_command_clear (self);
      return tl_key_command_usage_error (error->message);
    }

  tl_key_command_init (&self->command);
  self->command.prompt = tl_key_prompt_new (pin_stdin);
  self->store = tl_key_store_new ();
  tl_key_store_list_async (self->store, self->command.cancellable, listed_cb, self);
  status = tl_key_command_run (&self->command);
  otp_command_clear (self);

  return status;
}

int
tl_key_cmd_respond (int    argc,
                    char **argv)
{
  OtpCommand self = { 0 };
  gboolean pin_stdin = FALSE;
  const GOptionEntry entries[] = {
    TL_KEY_FILTER_ENTRIES (&self.filter),
    { "pin-stdin", 0, 0, G_OPTION_ARG_NONE, &pin_stdin, N_("Read the PIN from standard input instead of the terminal"), NULL },
    { NULL }
  };

  if (!tl_key_command_parse ("respond", _("CHALLENGE"),
                             _("Prints the response to a login challenge, after the PIN: for when the login screen says “I did not receive the notification” and shows a challenge."),
                             entries, &argc, &argv))
    return TL_KEY_EXIT_USAGE;

  if (argc != 2)
    {
      otp_command_clear (&self);
      return tl_key_command_usage_error (_("Give the challenge the login screen shows, for example: trading-key respond 12345678"));
    }

  self.challenge = g_strstrip (g_strdup (argv[1]));

  return run (&self, pin_stdin);
}

int
tl_key_cmd_code (int    argc,
                 char **argv)
{
  OtpCommand self = { 0 };
  gboolean pin_stdin = FALSE;
  const GOptionEntry entries[] = {
    TL_KEY_FILTER_ENTRIES (&self.filter),
    { "pin-stdin", 0, 0, G_OPTION_ARG_NONE, &pin_stdin, N_("Read the PIN from standard input instead of the terminal"), NULL },
    { NULL }
  };

  if (!tl_key_command_parse ("code", NULL,
                             _("Prints the current one-time code (TOTP) on the first line, after the PIN, and how many seconds it stays valid on the second."),
                             entries, &argc, &argv))
    return TL_KEY_EXIT_USAGE;

  if (argc > 1)
    {
      otp_command_clear (&self);
      return tl_key_command_usage_error (_("code takes no arguments besides options."));
    }

  return run (&self, pin_stdin);
}
