/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-key-url"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "tl-key-error.h"
#include "tl-key-url.h"

char *
tl_key_url_normalize_server (const char  *typed,
                             TlMode      *out_mode,
                             gboolean    *out_mode_known,
                             GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *path = NULL;
  g_auto(GStrv) segments = NULL;
  const char *last = NULL;
  TlMode mode = TL_MODE_LIVE;
  gboolean known = FALSE;

  if (typed == NULL || *typed == '\0')
    {
      g_set_error_literal (error, TL_KEY_ERROR, TL_KEY_ERROR_USAGE,
                           _("Give the server address with --server, for example https://broker.example/live/."));
      return NULL;
    }

  uri = g_uri_parse (typed, G_URI_FLAGS_NONE, &local_error);
  if (uri == NULL)
    {
      g_set_error (error, TL_KEY_ERROR, TL_KEY_ERROR_USAGE,
                   _("“%s” is not a server address (%s). Use a URL such as https://broker.example/live/."),
                   typed, local_error->message);
      return NULL;
    }

  if (g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") != 0)
    {
      g_set_error (error, TL_KEY_ERROR, TL_KEY_ERROR_USAGE,
                   _("“%s” does not use https. The device only talks to servers over TLS."),
                   typed);
      return NULL;
    }

  if (g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      g_set_error (error, TL_KEY_ERROR, TL_KEY_ERROR_USAGE,
                   _("“%s” has no host name."), typed);
      return NULL;
    }

  if (g_uri_get_query (uri) != NULL || g_uri_get_fragment (uri) != NULL ||
      g_uri_get_userinfo (uri) != NULL)
    {
      g_set_error (error, TL_KEY_ERROR, TL_KEY_ERROR_USAGE,
                   _("“%s” must not contain a user name, “?” or “#”. Give only the server's base address."),
                   typed);
      return NULL;
    }

  path = g_strdup (g_uri_get_path (uri));
  if (!g_str_has_suffix (path, "/"))
    {
      char *with_slash = g_strconcat (path, "/", NULL);
      g_free (path);
      path = with_slash;
    }

  segments = g_strsplit (path, "/", -1);
  for (guint i = 0; segments[i] != NULL; i++)
    if (*segments[i] != '\0')
      last = segments[i];

  if (last != NULL)
    known = tl_mode_from_string (last, &mode);

  if (out_mode != NULL)
    *out_mode = mode;
  if (out_mode_known != NULL)
    *out_mode_known = known;

  {
    g_autoptr(GUri) canonical = NULL;
    g_autofree char *scheme = g_ascii_strdown (g_uri_get_scheme (uri), -1);
    g_autofree char *host = g_ascii_strdown (g_uri_get_host (uri), -1);
    int port = g_uri_get_port (uri);

    canonical = g_uri_build (G_URI_FLAGS_NONE, scheme, NULL, host,
                             port == 443 ? -1 : port, path, NULL, NULL);
    return g_uri_to_string (canonical);
  }
}

char *
tl_key_url_normalize_pin (const char  *typed,
                          GError     **error)
{
  GString *hex = g_string_new (NULL);

  for (const char *p = typed != NULL ? typed : ""; *p != '\0'; p++)
    {
      if (*p == ':' || *p == ' ')
        continue;
      if (!g_ascii_isxdigit (*p))
        {
          g_string_set_size (hex, 0);
          break;
        }
      g_string_append_c (hex, g_ascii_tolower (*p));
    }

  if (hex->len != 64)
    {
      g_string_free (hex, TRUE);
      g_set_error (error, TL_KEY_ERROR, TL_KEY_ERROR_USAGE,
                   _("“%s” is not a SHA-256 certificate fingerprint. Give 64 hex digits, with or without colons."),
                   typed != NULL ? typed : "");
      return NULL;
    }

  return g_string_free (hex, FALSE);
}

char *
tl_key_url_format_pin (const char *pin)
{
  GString *out = g_string_new (NULL);

  for (gsize i = 0; pin != NULL && pin[i] != '\0'; i++)
    {
      if (i > 0 && i % 2 == 0)
        g_string_append_c (out, ':');
      g_string_append_c (out, g_ascii_toupper (pin[i]));
    }

  return g_string_free (out, FALSE);
}
