/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fuzz-otpauth"

#include "config.h"

#include "fuzz-common.h"
#include "tl-otpauth.h"

/* otpauth:// links (scanned, pasted or sent by a server) and the base32
 * keys inside them. Whatever tl_otpauth_parse() accepts, tl_otpauth_build()
 * must write back as a link that parses to the same entry: an
 * authenticator that cannot export what it imported loses the person's
 * key. Base32 must decode only canonical text and encode it back. */

static void
check_base32 (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) decoded = tl_base32_decode (text, &error);
  g_autofree char *encoded = NULL;
  g_autofree char *expected = NULL;
  gsize length;
  const guint8 *data;

  if (decoded == NULL)
    {
      g_assert (error != NULL);
      return;
    }

  data = g_bytes_get_data (decoded, &length);
  encoded = tl_base32_encode (data, length);

  /* The input without its padding, in upper case. */
  expected = g_ascii_strup (text, -1);
  for (gsize end = strlen (expected); end > 0 && expected[end - 1] == '='; end--)
    expected[end - 1] = '\0';

  g_assert_cmpstr (encoded, ==, expected);
}

static void
check_otpauth (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TlOtpauth) parsed = NULL;
  g_autoptr(TlOtpauth) again = NULL;
  g_autofree char *built = NULL;
  g_autofree char *code = NULL;
  gsize key_len;
  const guint8 *key;

  parsed = tl_otpauth_parse (text, &error);
  if (parsed == NULL)
    {
      g_assert (error != NULL);
      return;
    }
  g_assert (error == NULL);
  g_assert (parsed->account != NULL && parsed->account[0] != '\0');
  g_assert_cmpuint (g_bytes_get_size (parsed->secret), >=, TL_OTPAUTH_MIN_SECRET);
  g_assert_cmpuint (parsed->digits, >=, 6);
  g_assert_cmpuint (parsed->digits, <=, 8);
  g_assert_cmpuint (parsed->period, >=, 1);
  g_assert_cmpuint (parsed->period, <=, 3600);

  key = g_bytes_get_data (parsed->secret, &key_len);
  code = tl_totp (parsed->algorithm, key, key_len, 1111111109, parsed->period,
                  parsed->digits, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (code), ==, parsed->digits);

  built = tl_otpauth_build (parsed, &error);
  if (built == NULL)
    g_error ("an accepted otpauth link cannot be written back: %s", error->message);

  again = tl_otpauth_parse (built, &error);
  if (again == NULL)
    g_error ("“%s” (written back from an accepted link) does not parse: %s",
             built, error->message);

  /* An empty issuer is written as none. */
  if (parsed->issuer != NULL && parsed->issuer[0] != '\0')
    g_assert_cmpstr (again->issuer, ==, parsed->issuer);
  else
    g_assert (again->issuer == NULL || again->issuer[0] == '\0');
  g_assert_cmpstr (again->account, ==, parsed->account);
  g_assert (g_bytes_equal (again->secret, parsed->secret));
  g_assert (again->algorithm == parsed->algorithm);
  g_assert_cmpuint (again->digits, ==, parsed->digits);
  g_assert_cmpuint (again->period, ==, parsed->period);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = NULL;

  fuzz_init ();

  text = fuzz_strndup (data, size);
  check_otpauth (text);
  check_base32 (text);

  return 0;
}
