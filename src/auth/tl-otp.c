/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-otp"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "tl-auth-error.h"
#include "tl-otp.h"

#define MAX_MAC_LEN          64   /* SHA-512 */
#define OCRA_QUESTION_BYTES  128  /* RFC 6287 section 5.1: Q is always 128 bytes */
#define OCRA_MAX_QUESTION    64
#define OCRA_MAX_SUITE_LEN   128

static const guint64 powers_of_ten[] = {
  1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL,
  10000000ULL, 100000000ULL, 1000000000ULL, 10000000000ULL,
};

static const EVP_MD *
hash_md (TlOtpHash hash)
{
  switch (hash)
    {
    case TL_OTP_HASH_SHA1:
      return EVP_sha1 ();
    case TL_OTP_HASH_SHA256:
      return EVP_sha256 ();
    case TL_OTP_HASH_SHA512:
      return EVP_sha512 ();
    default:
      return NULL;
    }
}

static const char *
hash_name (TlOtpHash hash)
{
  switch (hash)
    {
    case TL_OTP_HASH_SHA1:
      return "SHA1";
    case TL_OTP_HASH_SHA256:
      return "SHA256";
    case TL_OTP_HASH_SHA512:
      return "SHA512";
    default:
      return NULL;
    }
}

static gboolean
hash_from_name (const char *name,
                TlOtpHash  *out_hash)
{
  if (g_strcmp0 (name, "SHA1") == 0)
    *out_hash = TL_OTP_HASH_SHA1;
  else if (g_strcmp0 (name, "SHA256") == 0)
    *out_hash = TL_OTP_HASH_SHA256;
  else if (g_strcmp0 (name, "SHA512") == 0)
    *out_hash = TL_OTP_HASH_SHA512;
  else
    return FALSE;

  return TRUE;
}

static gboolean
compute_hmac (TlOtpHash      hash,
              const guint8  *key,
              gsize          key_len,
              const guint8  *data,
              gsize          data_len,
              guint8         out[MAX_MAC_LEN],
              gsize         *out_len,
              GError       **error)
{
  const char *name = hash_name (hash);

  if (name == NULL)
    {
      g_set_error_literal (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT,
                           _("Unsupported hash algorithm for one-time codes: use SHA-1, SHA-256 or SHA-512."));
      return FALSE;
    }

  if (key == NULL || key_len == 0)
    {
      g_set_error_literal (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT,
                           _("The device key is empty. Activate the device again."));
      return FALSE;
    }

  if (EVP_Q_mac (NULL, "HMAC", NULL, name, NULL, key, key_len,
                 data, data_len, out, MAX_MAC_LEN, out_len) == NULL)
    {
      g_set_error_literal (error, TL_AUTH_ERROR, TL_AUTH_ERROR_CRYPTO,
                           _("Could not compute the one-time code. Try again."));
      return FALSE;
    }

  return TRUE;
}

/* RFC 4226 section 5.3; @digits 0 is RFC 6287's "no truncation". */
static char *
truncate_mac (const guint8 *mac,
              gsize         mac_len,
              guint         digits)
{
  guint offset;
  guint32 binary;

  if (digits == 0)
    {
      static const char hex[] = "0123456789abcdef";
      char *out = g_malloc (mac_len * 2 + 1);

      for (gsize i = 0; i < mac_len; i++)
        {
          out[2 * i] = hex[mac[i] >> 4];
          out[2 * i + 1] = hex[mac[i] & 0x0f];
        }
      out[mac_len * 2] = '\0';

      return out;
    }

  offset = mac[mac_len - 1] & 0x0f;
  binary = ((guint32) (mac[offset] & 0x7f) << 24)
           | ((guint32) mac[offset + 1] << 16)
           | ((guint32) mac[offset + 2] << 8)
           | (guint32) mac[offset + 3];

  return g_strdup_printf ("%0*" G_GUINT64_FORMAT,
                          (int) digits, (guint64) binary % powers_of_ten[digits]);
}

static void
put_uint64_be (guint8  *out,
               guint64  value)
{
  for (int i = 7; i >= 0; i--)
    {
      out[i] = value & 0xff;
      value >>= 8;
    }
}

char *
tl_hotp (TlOtpHash      hash,
         const guint8  *key,
         gsize          key_len,
         guint64        counter,
         guint          digits,
         GError       **error)
{
  guint8 message[8];
  guint8 mac[MAX_MAC_LEN];
  gsize mac_len = 0;
  char *code;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* RFC 4226 R4: fewer than six digits are too easy to guess. */
  if (digits < 6 || digits > 10)
    {
      g_set_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT,
                   _("One-time codes must have 6 to 10 digits, not %u."), digits);
      return NULL;
    }

  put_uint64_be (message, counter);

  if (!compute_hmac (hash, key, key_len, message, sizeof message, mac, &mac_len, error))
    return NULL;

  code = truncate_mac (mac, mac_len, digits);
  OPENSSL_cleanse (mac, sizeof mac);

  return code;
}

guint64
tl_totp_step (gint64 unix_time,
              guint  period)
{
  if (period == 0 || unix_time < 0)
    return 0;

  return (guint64) unix_time / period;
}

char *
tl_totp (TlOtpHash      hash,
         const guint8  *key,
         gsize          key_len,
         gint64         unix_time,
         guint          period,
         guint          digits,
         GError       **error)
{
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (period == 0)
    {
      g_set_error_literal (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT,
                           _("The time step of the one-time codes must be at least one second."));
      return NULL;
    }

  if (unix_time < 0)
    {
      g_set_error_literal (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT,
                           _("The computer’s clock is set before 1970. Set the correct date and time."));
      return NULL;
    }

  return tl_hotp (hash, key, key_len, tl_totp_step (unix_time, period), digits, error);
}

/* OCRA suites (RFC 6287 section 6) */

static gboolean
parse_decimal (const char *text,
               gsize       len,
               guint      *out_value)
{
  guint value = 0;

  if (len == 0)
    return FALSE;

  for (gsize i = 0; i < len; i++)
    {
      if (!g_ascii_isdigit (text[i]))
        return FALSE;
      value = value * 10 + (guint) (text[i] - '0');
    }

  *out_value = value;
  return TRUE;
}

static gboolean
parse_crypto_function (TlOcraSuite  *self,
                       const char   *function,
                       const char   *shown,
                       GError      **error)
{
  g_autofree char *hash = NULL;
  const char *rest;
  const char *dash;
  const char *digits;
  gsize digits_len;
  guint value;

  if (!g_str_has_prefix (function, "HOTP-") ||
      (dash = strchr (function + strlen ("HOTP-"), '-')) == NULL)
    {
      g_set_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT,
                   _("Unsupported OCRA function “%s” in suite “%s”: use HOTP-SHA1, HOTP-SHA256 or HOTP-SHA512 followed by the number of digits, like “HOTP-SHA1-6”."),
                   function, shown);
      return FALSE;
    }

  rest = function + strlen ("HOTP-");
  hash = g_strndup (rest, dash - rest);
  if (!hash_from_name (hash, &self->hash))
    {
      g_set_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT,
                   _("Unsupported OCRA hash “%s” in suite “%s”: use SHA1, SHA256 or SHA512."),
                   hash, shown);
      return FALSE;
    }

  /* Only "0" and "4".."10": no signs, no leading zeros. */
  digits = dash + 1;
  digits_len = strlen (digits);
  if (!parse_decimal (digits, digits_len, &value) ||
      digits_len > 2 ||
      (digits_len == 2 && digits[0] == '0') ||
      (value != 0 && (value < 4 || value > 10)))
    {
      g_set_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT,
                   _("Invalid number of digits “%s” in OCRA suite “%s”: use 0 (no truncation) or 4 to 10."),
                   digits, shown);
      return FALSE;
    }

  self->digits = value;
  return TRUE;
}

static gboolean
parse_question_field (TlOcraSuite *self,
                      const char  *field)
{
  guint length;

  if (strlen (field) != 4)
    return FALSE;

  if (field[1] != TL_OCRA_QUESTION_ALPHANUMERIC &&
      field[1] != TL_OCRA_QUESTION_NUMERIC &&
      field[1] != TL_OCRA_QUESTION_HEX)
    return FALSE;

  if (!parse_decimal (field + 2, 2, &length) || length < 4 || length > OCRA_MAX_QUESTION)
    return FALSE;

  self->question_format = (TlOcraQuestionFormat) field[1];
  self->question_length = length;
  return TRUE;
}

static gboolean
parse_session_field (TlOcraSuite *self,
                     const char  *field)
{
  guint length;

  if (strlen (field) != 4 || !parse_decimal (field + 1, 3, &length) || length == 0)
    return FALSE;

  self->session_length = length;
  return TRUE;
}

static gboolean
parse_timestep_field (TlOcraSuite *self,
                      const char  *field)
{
  gsize len = strlen (field);
  guint value;
  guint max;
  guint unit;

  if (len != 3 && len != 4)
    return FALSE;

  switch (field[len - 1])
    {
    case 'S':
      unit = 1;
      max = 59;
      break;
    case 'M':
      unit = 60;
      max = 59;
      break;
    case 'H':
      unit = 3600;
      max = 48;
      break;
    default:
      return FALSE;
    }

  /* The grammar allows "T0H", but a zero step would divide by zero. */
  if (!parse_decimal (field + 1, len - 2, &value) || value < 1 || value > max)
    return FALSE;

  self->timestep = value * unit;
  return TRUE;
}

static gboolean
parse_data_input (TlOcraSuite  *self,
                  const char   *data_input,
                  const char   *shown,
                  GError      **error)
{
  enum { NONE, COUNTER, QUESTION, PASSWORD, SESSION, TIMESTEP };
  g_auto(GStrv) fields = g_strsplit (data_input, "-", -1);
  int last = NONE;

  for (guint i = 0; fields[i] != NULL; i++)
    {
      const char *field = fields[i];
      int kind;

      if (field[0] == '\0')
        {
          g_set_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT,
                       _("The OCRA suite “%s” has an empty field: remove the extra “-”."),
                       shown);
          return FALSE;
        }

      switch (field[0])
        {
        case 'C': kind = COUNTER; break;
        case 'Q': kind = QUESTION; break;
        case 'P': kind = PASSWORD; break;
        case 'S': kind = SESSION; break;
        case 'T': kind = TIMESTEP; break;
        default:
          g_set_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT,
                       _("Unknown field “%s” in OCRA suite “%s”: the data input may have C, Q, P, S and T fields."),
                       field, shown);
          return FALSE;
        }

      /* The order is fixed because it is the order of the hashed message. */
      if (kind <= last)
        {
          g_set_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT,
                       _("The field “%s” is repeated or out of order in OCRA suite “%s”: give each field once, in the order C, Q, P, S, T."),
                       field, shown);
          return FALSE;
        }
      last = kind;

      switch (kind)
        {
        case COUNTER:
          if (strcmp (field, "C") != 0)
            {
              g_set_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT,
                           _("Unknown field “%s” in OCRA suite “%s”: a counter is written “C”."),
                           field, shown);
              return FALSE;
            }
          self->counter = TRUE;
          break;

        case QUESTION:
          if (!parse_question_field (self, field))
            {
              g_set_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT,
                           _("Invalid challenge “%s” in OCRA suite “%s”: use QA, QN or QH followed by a length from 04 to 64, like “QN08”."),
                           field, shown);
              return FALSE;
            }
          break;

        case PASSWORD:
          if (!hash_from_name (field + 1, &self->password_hash))
            {
              g_set_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT,
                           _("Unsupported OCRA PIN hash “%s” in suite “%s”: use PSHA1, PSHA256 or PSHA512."),
                           field, shown);
              return FALSE;
            }
          self->has_password = TRUE;
          break;

        case SESSION:
          if (!parse_session_field (self, field))
            {
              g_set_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT,
                           _("Invalid session length “%s” in OCRA suite “%s”: use S followed by three digits, like “S064”."),
                           field, shown);
              return FALSE;
            }
          break;

        case TIMESTEP:
          if (!parse_timestep_field (self, field))
            {
              g_set_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT,
                           _("Invalid time step “%s” in OCRA suite “%s”: use T followed by 1 to 59 seconds (S) or minutes (M), or 1 to 48 hours (H), like “T1M”."),
                           field, shown);
              return FALSE;
            }
          break;

        default:
          g_assert_not_reached ();
        }
    }

  if (self->question_length == 0)
    {
      g_set_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT,
                   _("The OCRA suite “%s” has no challenge: its data input needs a QA, QN or QH field, like “QN08”."),
                   shown);
      return FALSE;
    }

  return TRUE;
}

TlOcraSuite *
tl_ocra_suite_parse (const char  *suite,
                     GError     **error)
{
  g_autoptr(TlOcraSuite) self = NULL;
  g_autofree char *shown = NULL;
  g_auto(GStrv) parts = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (suite == NULL || suite[0] == '\0')
    {
      g_set_error_literal (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT,
                           _("The OCRA suite is empty: it should look like “OCRA-1:HOTP-SHA1-6:QN08”."));
      return NULL;
    }

  if (strlen (suite) > OCRA_MAX_SUITE_LEN)
    {
      g_set_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT,
                   _("The OCRA suite is too long (more than %d characters)."),
                   OCRA_MAX_SUITE_LEN);
      return NULL;
    }

  /* Invalid bytes become U+FFFD, which never parses, so working on this
   * copy parses exactly like the original while every message stays
   * valid UTF-8. */
  shown = g_utf8_make_valid (suite, -1);

  self = g_new0 (TlOcraSuite, 1);
  self->suite = g_strdup (suite);

  parts = g_strsplit (shown, ":", -1);
  if (g_strv_length (parts) != 3)
    {
      g_set_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT,
                   _("The OCRA suite “%s” must have three parts separated by “:”, like “OCRA-1:HOTP-SHA1-6:QN08”."),
                   shown);
      return NULL;
    }

  if (strcmp (parts[0], "OCRA-1") != 0)
    {
      g_set_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT,
                   _("Unsupported OCRA version “%s” in suite “%s”: only “OCRA-1” is supported."),
                   parts[0], shown);
      return NULL;
    }

  if (!parse_crypto_function (self, parts[1], shown, error) ||
      !parse_data_input (self, parts[2], shown, error))
    return NULL;

  return g_steal_pointer (&self);
}

void
tl_ocra_suite_free (TlOcraSuite *suite)
{
  if (suite == NULL)
    return;

  g_free (suite->suite);
  g_free (suite);
}

/* A suite built by hand instead of parsed could hold anything. */
static gboolean
check_suite (const TlOcraSuite  *suite,
             GError            **error)
{
  if (suite == NULL || suite->suite == NULL ||
      hash_md (suite->hash) == NULL ||
      (suite->digits != 0 && (suite->digits < 4 || suite->digits > 10)) ||
      (suite->question_format != TL_OCRA_QUESTION_ALPHANUMERIC &&
       suite->question_format != TL_OCRA_QUESTION_NUMERIC &&
       suite->question_format != TL_OCRA_QUESTION_HEX) ||
      suite->question_length < 1 || suite->question_length > OCRA_MAX_QUESTION ||
      (suite->has_password && hash_md (suite->password_hash) == NULL))
    {
      g_set_error_literal (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT,
                           _("The challenge-response settings of this device are not valid. Activate the device again."));
      return FALSE;
    }

  return TRUE;
}

static gboolean
question_char_ok (TlOcraQuestionFormat format,
                  char                 c)
{
  switch (format)
    {
    case TL_OCRA_QUESTION_NUMERIC:
      return g_ascii_isdigit (c);
    case TL_OCRA_QUESTION_HEX:
      return g_ascii_isxdigit (c);
    case TL_OCRA_QUESTION_ALPHANUMERIC:
      return g_ascii_isgraph (c);
    default:
      return FALSE;
    }
}

gboolean
tl_ocra_check_question (const TlOcraSuite  *suite,
                        const char         *question,
                        GError            **error)
{
  gsize len = 0;
  gboolean ok;

  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_suite (suite, error))
    return FALSE;

  ok = question != NULL && question[0] != '\0';
  for (; ok && question[len] != '\0'; len++)
    ok = len < suite->question_length &&
         question_char_ok (suite->question_format, question[len]);

  if (ok)
    return TRUE;

  switch (suite->question_format)
    {
    case TL_OCRA_QUESTION_NUMERIC:
      g_set_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT,
                   ngettext ("The challenge must be up to %u digit.",
                             "The challenge must be up to %u digits.",
                             suite->question_length),
                   suite->question_length);
      break;

    case TL_OCRA_QUESTION_HEX:
      g_set_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT,
                   ngettext ("The challenge must be up to %u hexadecimal digit (0–9, A–F).",
                             "The challenge must be up to %u hexadecimal digits (0–9, A–F).",
                             suite->question_length),
                   suite->question_length);
      break;

    case TL_OCRA_QUESTION_ALPHANUMERIC:
    default:
      g_set_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT,
                   ngettext ("The challenge must be up to %u letter, digit or symbol, without spaces.",
                             "The challenge must be up to %u letters, digits or symbols, without spaces.",
                             suite->question_length),
                   suite->question_length);
      break;
    }

  return FALSE;
}

/* Packs hex digits left-aligned, the last odd nibble in the high half,
 * as RFC 6287's reference code does by right-padding the hex string. */
static void
pack_hex (const char *hex,
          guint8     *out)
{
  for (gsize i = 0; hex[i] != '\0'; i++)
    {
      guint8 nibble = (guint8) g_ascii_xdigit_value (hex[i]);

      out[i / 2] |= (i % 2 == 0) ? (guint8) (nibble << 4) : nibble;
    }
}

static gboolean
encode_question (const TlOcraSuite  *suite,
                 const char         *question,
                 guint8             *out,
                 GError            **error)
{
  switch (suite->question_format)
    {
    case TL_OCRA_QUESTION_NUMERIC:
      {
        BIGNUM *bn = NULL;
        char *hex;
        const char *significant;

        /* The reference code writes the number in hex without leading
         * zeros (Java's BigInteger.toString (16)); OpenSSL pads to whole
         * bytes, so strip its zeros. Zero itself then packs as nothing. */
        if (BN_dec2bn (&bn, question) == 0 || (hex = BN_bn2hex (bn)) == NULL)
          {
            BN_free (bn);
            g_set_error_literal (error, TL_AUTH_ERROR, TL_AUTH_ERROR_CRYPTO,
                                 _("Could not compute the response. Try again."));
            return FALSE;
          }

        for (significant = hex; *significant == '0'; significant++)
          ;
        pack_hex (significant, out);

        OPENSSL_free (hex);
        BN_free (bn);
        return TRUE;
      }

    case TL_OCRA_QUESTION_HEX:
      pack_hex (question, out);
      return TRUE;

    case TL_OCRA_QUESTION_ALPHANUMERIC:
    default:
      memcpy (out, question, strlen (question));
      return TRUE;
    }
}

char *
tl_ocra_compute (const TlOcraSuite  *suite,
                 const guint8       *key,
                 gsize               key_len,
                 const TlOcraInput  *input,
                 GError            **error)
{
  gsize suite_len;
  gsize password_len = 0;
  gsize message_len;
  gsize pos = 0;
  guint8 *message = NULL;
  guint8 mac[MAX_MAC_LEN];
  gsize mac_len = 0;
  char *response = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_suite (suite, error))
    return NULL;

  if (input == NULL)
    {
      g_set_error_literal (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT,
                           _("There is no challenge to answer."));
      return NULL;
    }

  if (!tl_ocra_check_question (suite, input->question, error))
    return NULL;

  if (suite->has_password)
    {
      if (input->password == NULL || input->password[0] == '\0')
        {
          g_set_error_literal (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT,
                               _("Enter your PIN."));
          return NULL;
        }
      password_len = EVP_MD_get_size (hash_md (suite->password_hash));
    }

  if (suite->session_length > 0 &&
      (input->session == NULL || strlen (input->session) > suite->session_length))
    {
      g_set_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT,
                   ngettext ("The session information must be at most %u byte.",
                             "The session information must be at most %u bytes.",
                             suite->session_length),
                   suite->session_length);
      return NULL;
    }

  if (suite->timestep > 0 && input->timestamp < 0)
    {
      g_set_error_literal (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT,
                           _("The computer’s clock is set before 1970. Set the correct date and time."));
      return NULL;
    }

  /* RFC 6287 section 5.1: suite | 0x00 | C | Q | P | S | T */
  suite_len = strlen (suite->suite);
  message_len = suite_len + 1
                + (suite->counter ? 8 : 0)
                + OCRA_QUESTION_BYTES
                + password_len
                + suite->session_length
                + (suite->timestep > 0 ? 8 : 0);
  message = g_malloc0 (message_len);

  memcpy (message, suite->suite, suite_len);
  pos = suite_len + 1;

  if (suite->counter)
    {
      put_uint64_be (message + pos, input->counter);
      pos += 8;
    }

  if (!encode_question (suite, input->question, message + pos, error))
    goto out;
  pos += OCRA_QUESTION_BYTES;

  if (suite->has_password)
    {
      unsigned int digest_len = 0;

      if (!EVP_Digest (input->password, strlen (input->password),
                       message + pos, &digest_len,
                       hash_md (suite->password_hash), NULL) ||
          digest_len != password_len)
        {
          g_set_error_literal (error, TL_AUTH_ERROR, TL_AUTH_ERROR_CRYPTO,
                               _("Could not compute the response. Try again."));
          goto out;
        }
      pos += password_len;
    }

  if (suite->session_length > 0)
    {
      gsize session_len = strlen (input->session);

      /* Right-aligned: the reference code left-pads it with zeros. */
      memcpy (message + pos + suite->session_length - session_len,
              input->session, session_len);
      pos += suite->session_length;
    }

  if (suite->timestep > 0)
    {
      put_uint64_be (message + pos, (guint64) input->timestamp / suite->timestep);
      pos += 8;
    }

  g_assert (pos == message_len);

  if (!compute_hmac (suite->hash, key, key_len, message, message_len,
                     mac, &mac_len, error))
    goto out;

  response = truncate_mac (mac, mac_len, suite->digits);

out:
  /* The message holds the PIN's hash. */
  OPENSSL_cleanse (message, message_len);
  g_free (message);
  OPENSSL_cleanse (mac, sizeof mac);

  return response;
}

char *
tl_ocra_random_question (const TlOcraSuite  *suite,
                         GError            **error)
{
  static const char digits[] = "0123456789";
  static const char hex[] = "0123456789ABCDEF";
  static const char alnum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  const char *alphabet;
  guint alphabet_len;
  guint limit;
  guint8 random[64];
  gsize used = sizeof random;
  char *question;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_suite (suite, error))
    return NULL;

  switch (suite->question_format)
    {
    case TL_OCRA_QUESTION_NUMERIC:
      alphabet = digits;
      break;
    case TL_OCRA_QUESTION_HEX:
      alphabet = hex;
      break;
    case TL_OCRA_QUESTION_ALPHANUMERIC:
    default:
      alphabet = alnum;
      break;
    }
  alphabet_len = strlen (alphabet);
  /* Bytes at or above the largest multiple of the alphabet size are
   * dropped, so every character is equally likely. */
  limit = 256 - 256 % alphabet_len;

  question = g_malloc (suite->question_length + 1);
  for (guint i = 0; i < suite->question_length;)
    {
      if (used == sizeof random)
        {
          if (RAND_bytes (random, sizeof random) != 1)
            {
              g_free (question);
              g_set_error_literal (error, TL_AUTH_ERROR, TL_AUTH_ERROR_CRYPTO,
                                   _("Could not make a random challenge. Try again."));
              return NULL;
            }
          used = 0;
        }

      if (random[used] < limit)
        question[i++] = alphabet[random[used] % alphabet_len];
      used++;
    }
  question[suite->question_length] = '\0';

  OPENSSL_cleanse (random, sizeof random);

  return question;
}
