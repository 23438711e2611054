/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fuzz-ocra"

#include "config.h"

#include "fuzz-common.h"
#include "tl-otp.h"

/* OCRA suites come from the server (challenge answers, activation), and
 * challenges from the server or the person. One input is four lines:
 *
 *   suite \n question \n PIN \n session information \n key bytes…
 *
 * The suite is parsed; when it parses, a response is computed over the
 * rest and a server-side random question is drawn and checked, and the
 * other OTP entry points get the key and a digit count. */

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *suite_text = NULL;
  g_autofree char *question = NULL;
  g_autofree char *password = NULL;
  g_autofree char *session = NULL;
  g_autoptr(TlOcraSuite) suite = NULL;
  g_autoptr(GError) error = NULL;
  TlOcraInput input = { 0, };
  guint64 counter = 0;

  fuzz_init ();

  suite_text = fuzz_take_line (&data, &size);
  question = fuzz_take_line (&data, &size);
  password = fuzz_take_line (&data, &size);
  session = fuzz_take_line (&data, &size);

  for (size_t i = 0; i < MIN (size, 8); i++)
    counter = (counter << 8) | data[i];

  /* HOTP and TOTP take any key and any digit count the same way. */
  {
    g_autofree char *code = tl_hotp (TL_OTP_HASH_SHA1, data, size, counter,
                                     (guint) (counter % 16), NULL);
    g_autofree char *totp = tl_totp ((TlOtpHash) (counter % 4), data, size,
                                     (gint64) counter, (guint) (counter >> 56), 6, NULL);

    if (code != NULL)
      g_assert_cmpuint (strlen (code), ==, counter % 16);
    if (totp != NULL)
      g_assert_cmpuint (strlen (totp), ==, 6);
  }

  suite = tl_ocra_suite_parse (suite_text, &error);
  if (suite == NULL)
    {
      g_assert (error != NULL);
      return 0;
    }
  g_assert (error == NULL);
  g_assert (suite->question_length >= 4 && suite->question_length <= 64);
  g_assert (suite->digits == 0 || (suite->digits >= 4 && suite->digits <= 10));

  input.counter = counter;
  input.question = question;
  input.password = password;
  input.session = session;
  input.timestamp = (gint64) counter;

  {
    g_autofree char *response = tl_ocra_compute (suite, data, size, &input, &error);

    if (response != NULL)
      {
        g_assert (tl_ocra_check_question (suite, question, NULL));
        if (suite->digits > 0)
          g_assert_cmpuint (strlen (response), ==, suite->digits);
      }
    g_clear_error (&error);
  }

  /* What a server asks must be what a client accepts. */
  {
    g_autofree char *random_question = tl_ocra_random_question (suite, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (strlen (random_question), ==, suite->question_length);
    if (!tl_ocra_check_question (suite, random_question, &error))
      g_error ("a server-drawn challenge is refused: %s", error->message);
  }

  return 0;
}
