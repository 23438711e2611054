/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fuzz-base64"

#include "config.h"

#include "fuzz-common.h"
#include "tl-auth-error.h"
#include "tl-message.h"

/* Every binary value on the wire (salt, A, B, M1, M2, device secrets,
 * proofs) goes through tl_base64_decode_strict(). The first byte of an
 * input picks the length bound, the rest is the text. Whatever is
 * accepted must respect the bound, use only the RFC 4648 alphabet with
 * padding, and re-encode to text of the same length. */

static gboolean
is_alphabet (char c)
{
  return g_ascii_isalnum (c) || c == '+' || c == '/';
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) decoded = NULL;
  g_autofree char *text = NULL;
  g_autofree char *encoded = NULL;
  gsize max_decoded;
  gsize length;
  gsize decoded_length;
  const guint8 *bytes;

  fuzz_init ();

  if (size < 1)
    return 0;

  /* 0..254, and 255 for "no practical limit" (the 64 KiB body). */
  max_decoded = data[0] == 255 ? 64 * 1024 : data[0];
  text = fuzz_strndup (data + 1, size - 1);
  length = strlen (text);

  decoded = tl_base64_decode_strict (text, max_decoded, &error);
  if (decoded == NULL)
    {
      g_assert (error != NULL);
      return 0;
    }
  g_assert (error == NULL);

  bytes = g_bytes_get_data (decoded, &decoded_length);
  g_assert_cmpuint (decoded_length, <=, max_decoded);
  g_assert_cmpuint (length % 4, ==, 0);
  g_assert_cmpuint (length, >, 0);

  for (gsize i = 0; i < length; i++)
    {
      /* Padding only at the end, at most two. */
      if (text[i] == '=')
        g_assert (i >= length - 2 && (i == length - 1 || text[length - 1] == '='));
      else
        g_assert (is_alphabet (text[i]));
    }

  encoded = g_base64_encode (bytes, decoded_length);
  g_assert_cmpuint (strlen (encoded), ==, length);

  return 0;
}
