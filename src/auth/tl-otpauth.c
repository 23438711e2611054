/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-otpauth"

#include "config.h"

#include <glib/gi18n.h>
#include <openssl/crypto.h>
#include <string.h>

#include "tl-auth-error.h"
#include "tl-otpauth.h"

static const char base32_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

char *
tl_base32_encode (const guint8 *data,
                  gsize         length)
{
  GString *text = g_string_sized_new ((length * 8 + 4) / 5 + 1);
  guint buffer = 0;
  guint bits = 0;

  for (gsize i = 0; i < length; i++)
    {
      buffer = (buffer << 8) | data[i];
      bits += 8;
      while (bits >= 5)
        {
          g_string_append_c (text, base32_alphabet[(buffer >> (bits - 5)) & 31]);
          bits -= 5;
        }
    }

  if (bits > 0)
    g_string_append_c (text, base32_alphabet[(buffer << (5 - bits)) & 31]);

  return g_string_free (text, FALSE);
}

static void
set_invalid (GError     **error,
             const char  *message)
{
  g_set_error_literal (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT, message);
}

GBytes *
tl_base32_decode (const char  *text,
                  GError     **error)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  gsize length, data_length;
  guint buffer = 0;
  guint bits = 0;

  if (text == NULL || *text == '\0')
    {
      set_invalid (error, _("The key is empty."));
      return NULL;
    }

  length = strlen (text);
  data_length = length;
  while (data_length > 0 && text[data_length - 1] == '=')
    data_length--;

  /* Padding, when present, must complete the last 8-character group. */
  if (data_length != length && length % 8 != 0)
    {
      set_invalid (error, _("The key's base32 padding is wrong."));
      return NULL;
    }

  /* 1, 3 and 6 characters in the last group cannot end on a byte. */
  switch (data_length % 8)
    {
    case 1:
    case 3:
    case 6:
      set_invalid (error, _("The key has a wrong number of base32 characters."));
      return NULL;
    default:
      break;
    }

  for (gsize i = 0; i < data_length; i++)
    {
      const char *found = strchr (base32_alphabet, g_ascii_toupper (text[i]));

      if (text[i] == '\0' || found == NULL)
        {
          set_invalid (error, _("The key is not base32: use only the letters A–Z and the digits 2–7."));
          /* memset() before a free may be optimised away, and takes no NULL. */
          if (bytes->len > 0)
            OPENSSL_cleanse (bytes->data, bytes->len);
          return NULL;
        }

      buffer = (buffer << 5) | (guint) (found - base32_alphabet);
      bits += 5;
      if (bits >= 8)
        {
          guint8 byte = (buffer >> (bits - 8)) & 0xff;

          g_byte_array_append (bytes, &byte, 1);
          bits -= 8;
        }
    }

  /* The bits left over must be zero, or two texts decode alike. */
  if ((buffer & ((1u << bits) - 1)) != 0)
    {
      set_invalid (error, _("The key's last base32 character is not canonical."));
      OPENSSL_cleanse (bytes->data, bytes->len);
      return NULL;
    }

  return g_byte_array_free_to_bytes (g_steal_pointer (&bytes));
}

static const char *
algorithm_name (TlOtpHash hash)
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
check_params (const TlOtpauth  *params,
              GError          **error)
{
  if (params->account == NULL || *params->account == '\0')
    {
      set_invalid (error, _("The authenticator entry has no account name."));
      return FALSE;
    }

  if ((params->issuer != NULL && strchr (params->issuer, ':') != NULL) ||
      strchr (params->account, ':') != NULL)
    {
      set_invalid (error, _("The issuer and account name must not contain “:”."));
      return FALSE;
    }

  if (params->secret == NULL || g_bytes_get_size (params->secret) < TL_OTPAUTH_MIN_SECRET)
    {
      set_invalid (error, _("The key is shorter than 80 bits."));
      return FALSE;
    }

  if (algorithm_name (params->algorithm) == NULL)
    {
      set_invalid (error, _("The algorithm must be SHA1, SHA256 or SHA512."));
      return FALSE;
    }

  if (params->digits < 6 || params->digits > 8)
    {
      set_invalid (error, _("Codes must have 6 to 8 digits."));
      return FALSE;
    }

  if (params->period < 1 || params->period > 3600)
    {
      set_invalid (error, _("The period must be between 1 and 3600 seconds."));
      return FALSE;
    }

  return TRUE;
}

char *
tl_otpauth_build (const TlOtpauth  *params,
                  GError          **error)
{
  g_autofree char *secret = NULL;
  g_autofree char *account = NULL;
  g_autofree char *issuer = NULL;
  GString *uri;
  gsize length;
  const guint8 *data;

  if (!check_params (params, error))
    return NULL;

  data = g_bytes_get_data (params->secret, &length);
  secret = tl_base32_encode (data, length);
  account = g_uri_escape_string (params->account, NULL, FALSE);

  uri = g_string_new ("otpauth://totp/");
  if (params->issuer != NULL && *params->issuer != '\0')
    {
      issuer = g_uri_escape_string (params->issuer, NULL, FALSE);
      g_string_append_printf (uri, "%s:", issuer);
    }
  g_string_append_printf (uri, "%s?secret=%s", account, secret);
  if (issuer != NULL)
    g_string_append_printf (uri, "&issuer=%s", issuer);
  g_string_append_printf (uri, "&algorithm=%s&digits=%u&period=%u",
                          algorithm_name (params->algorithm), params->digits, params->period);

  OPENSSL_cleanse (secret, strlen (secret));
  return g_string_free (uri, FALSE);
}

static gboolean
parse_uint (const char  *text,
            guint       *out_value)
{
  guint64 value;

  if (!g_ascii_string_to_unsigned (text, 10, 1, 100000, &value, NULL))
    return FALSE;

  *out_value = (guint) value;
  return TRUE;
}

TlOtpauth *
tl_otpauth_parse (const char  *uri_text,
                  GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GHashTable) query = NULL;
  g_autoptr(TlOtpauth) params = g_new0 (TlOtpauth, 1);
  g_autofree char *label = NULL;
  const char *path, *value, *colon;

  params->algorithm = TL_OTP_HASH_SHA1;
  params->digits = 6;
  params->period = 30;

  if (uri_text == NULL ||
      (uri = g_uri_parse (uri_text, G_URI_FLAGS_ENCODED_PATH | G_URI_FLAGS_ENCODED_QUERY, NULL)) == NULL ||
      g_ascii_strcasecmp (g_uri_get_scheme (uri), "otpauth") != 0)
    {
      set_invalid (error, _("This is not an otpauth:// link."));
      return NULL;
    }

  if (g_uri_get_host (uri) == NULL || g_ascii_strcasecmp (g_uri_get_host (uri), "totp") != 0)
    {
      set_invalid (error, _("Only time-based (totp) authenticator links are supported."));
      return NULL;
    }

  path = g_uri_get_path (uri);
  if (path == NULL || path[0] != '/' || path[1] == '\0' ||
      (label = g_uri_unescape_string (path + 1, NULL)) == NULL ||
      !g_utf8_validate (label, -1, NULL))
    {
      set_invalid (error, _("The authenticator link has no valid account name."));
      return NULL;
    }

  colon = strchr (label, ':');
  if (colon != NULL)
    {
      params->issuer = g_strndup (label, colon - label);
      params->account = g_strdup (colon + 1);
      g_strstrip (params->account);
    }
  else
    {
      params->account = g_strdup (label);
    }

  if (g_uri_get_query (uri) == NULL ||
      (query = g_uri_parse_params (g_uri_get_query (uri), -1, "&",
                                   G_URI_PARAMS_CASE_INSENSITIVE, NULL)) == NULL)
    {
      set_invalid (error, _("The authenticator link has no valid parameters."));
      return NULL;
    }

  if ((value = g_hash_table_lookup (query, "secret")) == NULL)
    {
      set_invalid (error, _("The authenticator link has no key."));
      return NULL;
    }
  if ((params->secret = tl_base32_decode (value, error)) == NULL)
    return NULL;

  if ((value = g_hash_table_lookup (query, "issuer")) != NULL)
    {
      /* Percent-escapes can spell bytes that are not UTF-8. */
      if (!g_utf8_validate (value, -1, NULL))
        {
          set_invalid (error, _("The authenticator link's issuer is not valid text."));
          return NULL;
        }
      if (params->issuer != NULL && g_strcmp0 (params->issuer, value) != 0)
        {
          set_invalid (error, _("The authenticator link names two different issuers."));
          return NULL;
        }
      if (params->issuer == NULL)
        params->issuer = g_strdup (value);
    }

  if ((value = g_hash_table_lookup (query, "algorithm")) != NULL)
    {
      if (g_ascii_strcasecmp (value, "SHA1") == 0)
        params->algorithm = TL_OTP_HASH_SHA1;
      else if (g_ascii_strcasecmp (value, "SHA256") == 0)
        params->algorithm = TL_OTP_HASH_SHA256;
      else if (g_ascii_strcasecmp (value, "SHA512") == 0)
        params->algorithm = TL_OTP_HASH_SHA512;
      else
        {
          set_invalid (error, _("The algorithm must be SHA1, SHA256 or SHA512."));
          return NULL;
        }
    }

  if ((value = g_hash_table_lookup (query, "digits")) != NULL &&
      !parse_uint (value, &params->digits))
    params->digits = 0;

  if ((value = g_hash_table_lookup (query, "period")) != NULL &&
      !parse_uint (value, &params->period))
    params->period = 0;

  if (!check_params (params, error))
    return NULL;

  return g_steal_pointer (&params);
}

void
tl_otpauth_free (TlOtpauth *params)
{
  if (params == NULL)
    return;

  g_free (params->issuer);
  g_free (params->account);
  g_clear_pointer (&params->secret, g_bytes_unref);
  g_free (params);
}
