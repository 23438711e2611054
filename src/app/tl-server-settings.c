/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-server-settings"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "tl-server-settings.h"

static const char *
url_key (TlMode mode)
{
  return mode == TL_MODE_PAPER ? "paper-url" : "live-url";
}

static const char *
pin_key (TlMode mode)
{
  return mode == TL_MODE_PAPER ? "paper-pin-sha256" : "live-pin-sha256";
}

char *
tl_server_settings_dup_demo_dir (GSettings *settings)
{
  g_autofree char *dir = g_settings_get_string (settings, "demo-data-dir");

  if (dir[0] != '\0')
    return g_steal_pointer (&dir);

  return g_build_filename (g_get_user_data_dir (), PACKAGE_NAME, "demo", NULL);
}

static const char *
get_member_string (JsonObject *object,
                   const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

gboolean
tl_server_settings_read_demo (const char  *dir,
                              char       **out_live_url,
                              char       **out_paper_url,
                              char       **out_pin_sha256,
                              GError     **error)
{
  g_autofree char *path = g_build_filename (dir, "demo.json", NULL);

  return tl_server_settings_read_demo_file (path, out_live_url, out_paper_url, out_pin_sha256, error);
}

gboolean
tl_server_settings_read_demo_file (const char  *path,
                                   char       **out_live_url,
                                   char       **out_paper_url,
                                   char       **out_pin_sha256,
                                   GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  JsonObject *root = NULL;
  JsonNode *urls_node;
  JsonObject *urls = NULL;
  const char *live, *paper, *pin;

  if (!json_parser_load_from_file (parser, path, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                     _("No demo server found: %s does not exist. Start the demo, then choose its demo.json with “Use a Demo Server…”."),
                     path);
      else
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                     _("The demo data in %s cannot be read (%s). Start the demo again."),
                     path, local_error->message);
      return FALSE;
    }

  if (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    root = json_node_get_object (json_parser_get_root (parser));
  urls_node = root != NULL ? json_object_get_member (root, "base_urls") : NULL;
  if (urls_node != NULL && JSON_NODE_HOLDS_OBJECT (urls_node))
    urls = json_node_get_object (urls_node);

  live = get_member_string (urls, "live");
  paper = get_member_string (urls, "paper");
  pin = get_member_string (root, "cert_sha256");

  if (live == NULL || paper == NULL || pin == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The demo data in %s lacks the server addresses or certificate fingerprint. Start the demo again."),
                   path);
      return FALSE;
    }

  if (out_live_url != NULL)
    *out_live_url = g_strdup (live);
  if (out_paper_url != NULL)
    *out_paper_url = g_strdup (paper);
  if (out_pin_sha256 != NULL)
    *out_pin_sha256 = g_strdup (pin);

  return TRUE;
}

/* Every login reads demo.json again; only a restarted demo changes it,
 * and only then should the keys (and whoever watches them) hear of it. */
static void
set_if_changed (GSettings  *settings,
                const char *key,
                const char *value)
{
  g_autofree char *old = g_settings_get_string (settings, key);

  if (g_strcmp0 (old, value) != 0)
    g_settings_set_string (settings, key, value);
}

gboolean
tl_server_settings_apply_demo (GSettings  *settings,
                               GError    **error)
{
  g_autofree char *dir = tl_server_settings_dup_demo_dir (settings);
  g_autofree char *live = NULL;
  g_autofree char *paper = NULL;
  g_autofree char *pin = NULL;

  if (!tl_server_settings_read_demo (dir, &live, &paper, &pin, error))
    return FALSE;

  set_if_changed (settings, "live-url", live);
  set_if_changed (settings, "paper-url", paper);
  set_if_changed (settings, "live-pin-sha256", pin);
  set_if_changed (settings, "paper-pin-sha256", pin);

  return TRUE;
}

TlServerProfile *
tl_server_settings_dup_profile (GSettings  *settings,
                                TlMode      mode,
                                GError    **error)
{
  g_autoptr(TlServerProfile) profile = NULL;
  g_autofree char *url = NULL;
  g_autofree char *pin = NULL;

  if (g_settings_get_boolean (settings, "use-demo") &&
      !tl_server_settings_apply_demo (settings, error))
    return NULL;

  url = g_settings_get_string (settings, url_key (mode));
  pin = g_settings_get_string (settings, pin_key (mode));
  g_strstrip (url);
  g_strstrip (pin);

  if (url[0] == '\0')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("No server address is set for %s. Set one in Preferences."),
                   mode == TL_MODE_PAPER ? _("paper trading") : _("live trading"));
      return NULL;
    }

  profile = tl_server_profile_new (mode, url, pin[0] != '\0' ? pin : NULL);
  if (!tl_server_profile_validate (profile, error))
    return NULL;

  return g_steal_pointer (&profile);
}

char **
tl_server_settings_dup_command (GSettings *settings,
                                TlMode     mode)
{
  g_auto(GStrv) argv = g_settings_get_strv (settings,
                                            mode == TL_MODE_PAPER ? "launch-command-paper"
                                                                  : "launch-command-live");

  if (argv == NULL || argv[0] == NULL || argv[0][0] == '\0')
    return NULL;

  return g_steal_pointer (&argv);
}
