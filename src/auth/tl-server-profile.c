/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-server-profile"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "tl-auth-error.h"
#include "tl-server-profile.h"

struct _TlServerProfile
{
  GObject   parent_instance;

  TlMode    mode;
  char     *base_url;
  /* As given, so validate() can complain about it; and normalised. */
  char     *pin_typed;
  char     *pin_sha256;
  gboolean  allow_insecure_loopback;
};

G_DEFINE_FINAL_TYPE (TlServerProfile, tl_server_profile, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_MODE,
  PROP_BASE_URL,
  PROP_PIN_SHA256,
  PROP_ALLOW_INSECURE_LOOPBACK,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Accepts the ways people copy a fingerprint: "AB:CD:…", "ab cd …",
 * "abcd…". Returns NULL unless exactly 32 bytes of hex remain. */
static char *
normalize_pin (const char *typed)
{
  g_autoptr(GString) hex = g_string_new (NULL);

  for (const char *p = typed; *p != '\0'; p++)
    {
      if (*p == ':' || *p == ' ' || *p == '\t' || *p == '-')
        continue;
      if (!g_ascii_isxdigit (*p))
        return NULL;
      g_string_append_c (hex, g_ascii_tolower (*p));
    }

  if (hex->len != 64)
    return NULL;

  return g_string_free (g_steal_pointer (&hex), FALSE);
}

static void
tl_server_profile_finalize (GObject *object)
{
  TlServerProfile *self = (TlServerProfile *)object;

  g_clear_pointer (&self->base_url, g_free);
  g_clear_pointer (&self->pin_typed, g_free);
  g_clear_pointer (&self->pin_sha256, g_free);

  G_OBJECT_CLASS (tl_server_profile_parent_class)->finalize (object);
}

static void
tl_server_profile_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  TlServerProfile *self = TL_SERVER_PROFILE (object);

  switch (prop_id)
    {
    case PROP_MODE:
      g_value_set_int (value, self->mode);
      break;
    case PROP_BASE_URL:
      g_value_set_string (value, self->base_url);
      break;
    case PROP_PIN_SHA256:
      g_value_set_string (value, self->pin_sha256);
      break;
    case PROP_ALLOW_INSECURE_LOOPBACK:
      g_value_set_boolean (value, self->allow_insecure_loopback);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tl_server_profile_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  TlServerProfile *self = TL_SERVER_PROFILE (object);

  switch (prop_id)
    {
    case PROP_MODE:
      self->mode = (TlMode) g_value_get_int (value);
      break;
    case PROP_BASE_URL:
      {
        const char *url = g_value_get_string (value);
        g_autofree char *stripped = g_strstrip (g_strdup (url != NULL ? url : ""));

        /* Relative paths resolve against the base only when it ends in '/'. */
        if (*stripped != '\0' && !g_str_has_suffix (stripped, "/"))
          self->base_url = g_strconcat (stripped, "/", NULL);
        else
          self->base_url = g_steal_pointer (&stripped);
      }
      break;
    case PROP_PIN_SHA256:
      {
        const char *pin = g_value_get_string (value);

        if (pin != NULL && *pin != '\0')
          {
            self->pin_typed = g_strdup (pin);
            self->pin_sha256 = normalize_pin (pin);
          }
      }
      break;
    case PROP_ALLOW_INSECURE_LOOPBACK:
      tl_server_profile_set_allow_insecure_loopback (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tl_server_profile_class_init (TlServerProfileClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tl_server_profile_finalize;
  object_class->get_property = tl_server_profile_get_property;
  object_class->set_property = tl_server_profile_set_property;

  properties[PROP_MODE] =
    g_param_spec_int ("mode", NULL, NULL,
                      TL_MODE_LIVE, TL_MODE_PAPER, TL_MODE_LIVE,
                      (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                       G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY));
  properties[PROP_BASE_URL] =
    g_param_spec_string ("base-url", NULL, NULL, NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY));
  properties[PROP_PIN_SHA256] =
    g_param_spec_string ("pin-sha256", NULL, NULL, NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY));
  properties[PROP_ALLOW_INSECURE_LOOPBACK] =
    g_param_spec_boolean ("allow-insecure-loopback", NULL, NULL, FALSE,
                          (G_PARAM_READWRITE |
                           G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tl_server_profile_init (TlServerProfile *self)
{
}

TlServerProfile *
tl_server_profile_new (TlMode      mode,
                       const char *base_url,
                       const char *pin_sha256)
{
  return g_object_new (TL_TYPE_SERVER_PROFILE,
                       "mode", mode,
                       "base-url", base_url,
                       "pin-sha256", pin_sha256,
                       NULL);
}

static gboolean
host_is_loopback (const char *host)
{
  g_autoptr(GInetAddress) address = NULL;
  g_autofree char *bare = NULL;
  gsize length = strlen (host);

  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;

  /* GUri keeps the brackets of an IPv6 literal. */
  if (length > 2 && host[0] == '[' && host[length - 1] == ']')
    bare = g_strndup (host + 1, length - 2);
  else
    bare = g_strdup (host);

  address = g_inet_address_new_from_string (bare);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

gboolean
tl_server_profile_validate (TlServerProfile  *self,
                            GError          **error)
{
  g_autoptr(GUri) uri = NULL;
  const char *scheme, *host;

  g_return_val_if_fail (TL_IS_SERVER_PROFILE (self), FALSE);

  if (self->base_url == NULL || *self->base_url == '\0')
    {
      g_set_error_literal (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT,
                           _("Enter the server address, for example https://login.example.com/live/."));
      return FALSE;
    }

  uri = g_uri_parse (self->base_url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL)
    {
      g_set_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT,
                   _("“%s” is not a server address. Enter one like https://login.example.com/live/."),
                   self->base_url);
      return FALSE;
    }

  scheme = g_uri_get_scheme (uri);
  host = g_uri_get_host (uri);

  if (host == NULL || *host == '\0')
    {
      g_set_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT,
                   _("The server address “%s” has no host name. Enter one like https://login.example.com/live/."),
                   self->base_url);
      return FALSE;
    }

  if (g_uri_get_userinfo (uri) != NULL || g_uri_get_query (uri) != NULL ||
      g_uri_get_fragment (uri) != NULL)
    {
      g_set_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT,
                   _("Remove the user name, “?” or “#” part from the server address “%s”."),
                   self->base_url);
      return FALSE;
    }

  if (g_ascii_strcasecmp (scheme, "http") == 0)
    {
      if (!self->allow_insecure_loopback || !host_is_loopback (host))
        {
          g_set_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT,
                       _("The server address “%s” is not encrypted. Use an https:// address."),
                       self->base_url);
          return FALSE;
        }
    }
  else if (g_ascii_strcasecmp (scheme, "https") != 0)
    {
      g_set_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT,
                   _("The server address “%s” must start with https://."),
                   self->base_url);
      return FALSE;
    }

  if (self->pin_typed != NULL && self->pin_sha256 == NULL)
    {
      g_set_error_literal (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT,
                           _("The certificate fingerprint must be 64 hexadecimal digits (a SHA-256 fingerprint), with or without colons."));
      return FALSE;
    }

  return TRUE;
}

TlMode
tl_server_profile_get_mode (TlServerProfile *self)
{
  g_return_val_if_fail (TL_IS_SERVER_PROFILE (self), TL_MODE_LIVE);

  return self->mode;
}

const char *
tl_server_profile_get_base_url (TlServerProfile *self)
{
  g_return_val_if_fail (TL_IS_SERVER_PROFILE (self), NULL);

  return self->base_url;
}

const char *
tl_server_profile_get_pin_sha256 (TlServerProfile *self)
{
  g_return_val_if_fail (TL_IS_SERVER_PROFILE (self), NULL);

  return self->pin_sha256;
}

gboolean
tl_server_profile_get_allow_insecure_loopback (TlServerProfile *self)
{
  g_return_val_if_fail (TL_IS_SERVER_PROFILE (self), FALSE);

  return self->allow_insecure_loopback;
}

void
tl_server_profile_set_allow_insecure_loopback (TlServerProfile *self,
                                               gboolean         allow)
{
  g_return_if_fail (TL_IS_SERVER_PROFILE (self));

  allow = !!allow;
  if (self->allow_insecure_loopback == allow)
    return;

  self->allow_insecure_loopback = allow;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ALLOW_INSECURE_LOOPBACK]);
}

char *
tl_server_profile_build_url (TlServerProfile *self,
                             const char      *path)
{
  g_return_val_if_fail (TL_IS_SERVER_PROFILE (self), NULL);
  g_return_val_if_fail (path != NULL && path[0] != '/', NULL);

  return g_strconcat (self->base_url, path, NULL);
}

char *
tl_certificate_sha256 (GTlsCertificate *certificate)
{
  g_autoptr(GByteArray) der = NULL;

  g_return_val_if_fail (G_IS_TLS_CERTIFICATE (certificate), NULL);

  g_object_get (certificate, "certificate", &der, NULL);
  if (der == NULL)
    return NULL;

  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, der->data, der->len);
}
