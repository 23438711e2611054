/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-authd-demo"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "tl-authd-cert.h"
#include "tl-authd-cli.h"
#include "tl-authd-clock.h"
#include "tl-authd-demo.h"
#include "tl-authd-provision.h"
#include "tl-authd-serve.h"
#include "tl-message.h"

#define DEMO_JSON "demo.json"
#define SMS_LOG   "sms.log"

static const TlDeviceKind demo_kinds[] = {
  TL_DEVICE_KIND_IBKEY,
  TL_DEVICE_KIND_TOTP,
  TL_DEVICE_KIND_CARD,
  TL_DEVICE_KIND_TEMP,
  TL_DEVICE_KIND_DSC,
  TL_DEVICE_KIND_SMS,
};

typedef struct
{
  char      *dir;
  char      *fingerprint;
  JsonNode  *users;      /* demo.json's "users" array */
  GString   *banner;
  char      *activation[2];  /* "USERNAME CODE" per mode, or NULL */
} Demo;

/* The device of @id in the previous demo.json, to hand out the same
 * one-time values again while they are still good. */
static JsonObject *
find_old_device (JsonObject *old_root,
                 const char *id)
{
  JsonNode *node = old_root != NULL ? json_object_get_member (old_root, "users") : NULL;
  JsonArray *users;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;

  users = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (users); i++)
    {
      JsonNode *user = json_array_get_element (users, i);
      JsonNode *devices;

      if (!JSON_NODE_HOLDS_OBJECT (user))
        continue;
      devices = json_object_get_member (json_node_get_object (user), "devices");
      if (devices == NULL || !JSON_NODE_HOLDS_ARRAY (devices))
        continue;

      for (guint j = 0; j < json_array_get_length (json_node_get_array (devices)); j++)
        {
          JsonNode *device = json_array_get_element (json_node_get_array (devices), j);
          const char *device_id = NULL;

          if (!JSON_NODE_HOLDS_OBJECT (device))
            continue;
          tl_message_get_optional_string (json_node_get_object (device), "id", &device_id, NULL);
          if (g_strcmp0 (device_id, id) == 0)
            return json_node_get_object (device);
        }
    }

  return NULL;
}

static const char *
old_string (JsonObject *device,
            const char *member)
{
  const char *value = NULL;

  if (device != NULL)
    tl_message_get_optional_string (device, member, &value, NULL);

  return value;
}

static TlAuthdProvisioned *
ensure_device (TlAuthdDb          *db,
               const TlAuthdUser  *user,
               GPtrArray          *devices,
               TlDeviceKind        kind,
               JsonObject         *old_root,
               GError            **error)
{
  g_autoptr(TlAuthdProvisioned) p = NULL;
  TlAuthdDevice *device = NULL;
  gint64 now = tl_authd_clock_now ();
  TlAuthdDeviceOptions options = {
    .label = NULL,
    .phone = user->phone,
    .pin = TL_AUTHD_DEMO_PIN,
    .online_card = TRUE,
  };

  for (guint i = 0; i < devices->len && device == NULL; i++)
    if (((TlAuthdDevice *) devices->pdata[i])->kind == kind)
      device = devices->pdata[i];

  /* An online card lasts 21 days: a demo rerun later gets a new one. */
  if (device != NULL && kind == TL_DEVICE_KIND_CARD &&
      device->expires_at != 0 && device->expires_at <= now)
    {
      if (!tl_authd_device_delete (db, device->id, error))
        return NULL;
      device = NULL;
    }

  if (device == NULL)
    return tl_authd_provision_device (db, user, kind, &options, error);

  p = tl_authd_provision_describe (db, user, device, error);
  if (p == NULL)
    return NULL;

  if (kind == TL_DEVICE_KIND_IBKEY)
    {
      const char *old = old_string (find_old_device (old_root, device->id), "activation_code");

      if (old != NULL && tl_authd_activation_is_live (db, device->id, old, now))
        p->activation_code = g_strdup (old);
      else if ((p->activation_code = tl_authd_activation_issue (db, device->id, now, error)) == NULL)
        return NULL;
    }
  else if (kind == TL_DEVICE_KIND_TEMP)
    {
      const char *old = old_string (find_old_device (old_root, device->id), "temp_code");

      if (old != NULL && device->expires_at > now && tl_authd_temp_check (db, device->id, old, NULL))
        p->temp_code = g_strdup (old);
      else if (!tl_authd_provision_renew_temp (db, p, error))
        return NULL;
    }

  return g_steal_pointer (&p);
}

static gboolean
ensure_user (Demo         *demo,
             TlAuthdDb    *db,
             TlMode        mode,
             JsonObject   *old_root,
             JsonBuilder  *builder,
             GError      **error)
{
  const char *username = mode == TL_MODE_LIVE ? TL_AUTHD_DEMO_LIVE_USER : TL_AUTHD_DEMO_PAPER_USER;
  const char *password = mode == TL_MODE_LIVE ? TL_AUTHD_DEMO_LIVE_PASSWORD : TL_AUTHD_DEMO_PAPER_PASSWORD;
  const char *phone = mode == TL_MODE_LIVE ? "+1 555 010 1234" : "+1 555 010 5678";
  g_autoptr(TlAuthdUser) user = NULL;
  g_autoptr(GPtrArray) devices = NULL;
  g_autoptr(GError) local_error = NULL;

  user = tl_authd_user_lookup (db, mode, username, &local_error);
  if (user == NULL && local_error == NULL)
    {
      if (!tl_authd_user_add (db, mode, username, password, NULL, TRUE, phone, NULL, error))
        return FALSE;
      user = tl_authd_user_lookup (db, mode, username, &local_error);
    }
  if (user == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if ((devices = tl_authd_device_list (db, user->id, error)) == NULL)
    return FALSE;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "mode");
  json_builder_add_string_value (builder, tl_mode_to_string (mode));
  json_builder_set_member_name (builder, "username");
  json_builder_add_string_value (builder, username);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, password);
  json_builder_set_member_name (builder, "account");
  json_builder_add_string_value (builder, user->account);
  json_builder_set_member_name (builder, "devices");
  json_builder_begin_array (builder);

  g_string_append_printf (demo->banner, _("\n%s user “%s”, password “%s”, account %s:\n"),
                          mode == TL_MODE_LIVE ? _("Live") : _("Paper"),
                          username, password, user->account);

  for (guint i = 0; i < G_N_ELEMENTS (demo_kinds); i++)
    {
      g_autoptr(TlAuthdProvisioned) p = ensure_device (db, user, devices, demo_kinds[i], old_root, error);

      if (p == NULL)
        return FALSE;

      tl_authd_provisioned_to_json (p, builder);
      tl_authd_provisioned_print (p, demo->banner);
      if (p->activation_code != NULL)
        {
          g_free (demo->activation[mode]);
          demo->activation[mode] = g_strdup (p->activation_code);
        }
    }

  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return TRUE;
}

static JsonObject *
read_old_demo_json (const char *path)
{
  g_autofree char *text = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &text, &length, NULL))
    return NULL;

  return tl_message_parse (text, length, NULL);
}

static gboolean
on_ready (TlAuthdServer  *server,
          gpointer        user_data,
          GError        **error)
{
  Demo *demo = user_data;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *path = g_build_filename (demo->dir, DEMO_JSON, NULL);
  g_autofree char *sms_log = g_build_filename (demo->dir, SMS_LOG, NULL);
  g_autofree char *text = NULL;
  g_autofree char *live = NULL;
  g_autofree char *paper = NULL;
  guint port = tl_authd_server_get_port (server);

  live = g_strdup_printf ("https://127.0.0.1:%u/live/", port);
  paper = g_strdup_printf ("https://127.0.0.1:%u/paper/", port);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "base_urls");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "live");
  json_builder_add_string_value (builder, live);
  json_builder_set_member_name (builder, "paper");
  json_builder_add_string_value (builder, paper);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "cert_sha256");
  json_builder_add_string_value (builder, demo->fingerprint);
  json_builder_set_member_name (builder, "users");
  json_builder_add_value (builder, json_node_copy (demo->users));
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, NULL);

  /* Atomic: a script polling for the file never reads half of it. */
  if (!g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error))
    return FALSE;

  g_print (_("Trading Login demo server\n"
             "=========================\n"
             "Live:  %s\n"
             "Paper: %s\n"
             "Certificate SHA-256: %s\n"
             "(self-signed: pin this fingerprint in the client)\n"),
           live, paper, demo->fingerprint);
  g_print ("%s", demo->banner->str);

  g_print (_("\nTo activate the Trading Key of each user (the code on standard input, not in\n"
             "the command line; trading-key asks for a PIN of your choice):\n"));
  for (guint mode = 0; mode < 2; mode++)
    if (demo->activation[mode] != NULL)
      g_print ("  echo %s | trading-key activate --server %s --username %s --pin-sha256 %s --code-stdin\n",
               demo->activation[mode], mode == TL_MODE_LIVE ? live : paper,
               mode == TL_MODE_LIVE ? TL_AUTHD_DEMO_LIVE_USER : TL_AUTHD_DEMO_PAPER_USER,
               demo->fingerprint);

  g_print (_("\nText-message and voice codes are written to %s.\n"
             "The same data, for scripts: %s\n"
             "Press Ctrl+C to stop.\n"),
           sms_log, path);

  return TRUE;
}

int
tl_authd_demo_main (int    argc,
                    char **argv)
{
  TlAuthdCommon common = { 0 };
  TlAuthdConfig config = { 0 };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(JsonObject) old_root = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autofree char *old_path = NULL;
  g_autofree char *sms_log = NULL;
  TlAuthdDb *db = NULL;
  Demo demo = { 0 };
  gboolean created = FALSE;
  int port = 0;
  int status = 1;
  const GOptionEntry entries[] = {
    { "port", 'p', 0, G_OPTION_ARG_INT, &port, N_("Port on 127.0.0.1 (default: any free port)"), N_("N") },
    { NULL }
  };

  context = tl_authd_cli_context ("demo", "DIR",
                                  _("Makes a ready demo in DIR (certificate, database, a live and a paper user "
                                    "with every kind of second factor), writes DIR/demo.json and serves it on "
                                    "127.0.0.1. Running it again reuses DIR."),
                                  &common, TL_AUTHD_OPTIONS_SERVER);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!tl_authd_cli_parse (context, &common, &argc, &argv))
    goto out;

  if (argc != 2 || port < 0 || port > 65535)
    {
      g_printerr (_("Usage: trading-authd demo DIR [--port N]\n"));
      goto out;
    }

  /* DIR is the data directory: "demo DIR" and "--data-dir DIR" agree. */
  g_free (common.data_dir);
  common.data_dir = g_strdup (argv[1]);
  demo.dir = common.data_dir;

  if ((db = tl_authd_cli_open_db (&common, TRUE)) == NULL)
    goto out;

  if (!tl_authd_cert_ensure (demo.dir, &created, &error) ||
      (certificate = tl_authd_cert_load (demo.dir, &error)) == NULL)
    {
      g_printerr ("%s\n", error->message);
      goto out;
    }
  demo.fingerprint = tl_authd_cert_fingerprint (certificate);

  old_path = g_build_filename (demo.dir, DEMO_JSON, NULL);
  old_root = read_old_demo_json (old_path);

  demo.banner = g_string_new (NULL);
  builder = json_builder_new ();
  json_builder_begin_array (builder);
  if (!ensure_user (&demo, db, TL_MODE_LIVE, old_root, builder, &error) ||
      !ensure_user (&demo, db, TL_MODE_PAPER, old_root, builder, &error))
    {
      g_printerr (_("Could not set up the demo: %s\n"), error->message);
      goto out;
    }
  json_builder_end_array (builder);
  demo.users = json_builder_get_root (builder);

  tl_authd_cli_config (&common, &config);
  /* Codes go to DIR/sms.log, unless a real --sms-command is given. */
  sms_log = g_build_filename (demo.dir, SMS_LOG, NULL);
  if (common.sms_command == NULL)
    config.sms_log = sms_log;

  status = tl_authd_serve_run (db, certificate, &config, "127.0.0.1", (guint) port, on_ready, &demo);

out:
  if (demo.banner != NULL)
    g_string_free (demo.banner, TRUE);
  g_clear_pointer (&demo.users, json_node_unref);
  g_free (demo.activation[0]);
  g_free (demo.activation[1]);
  g_free (demo.fingerprint);
  tl_authd_db_close (db);
  tl_authd_cli_clear (&common);
  return status;
}
