/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-authd-admin"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "tl-authd-admin.h"
#include "tl-authd-audit.h"
#include "tl-authd-cert.h"
#include "tl-authd-cli.h"
#include "tl-authd-clock.h"
#include "tl-authd-lockout.h"
#include "tl-authd-provision.h"
#include "tl-authd-sessions.h"

/* Parses, checks the positional count, opens the database. */
static TlAuthdDb *
prepare (GOptionContext  *context,
         TlAuthdCommon   *common,
         int             *argc,
         char          ***argv,
         int              n_positional,
         const char      *usage)
{
  if (!tl_authd_cli_parse (context, common, argc, argv))
    return NULL;

  if (*argc != n_positional + 1)
    {
      g_printerr (_("Usage: trading-authd %s\nRun with --help to see the options.\n"), usage);
      return NULL;
    }

  return tl_authd_cli_open_db (common, FALSE);
}

static TlAuthdUser *
find_user (TlAuthdDb  *db,
           TlMode      mode,
           const char *username)
{
  g_autoptr(GError) error = NULL;
  TlAuthdUser *user = tl_authd_user_lookup (db, mode, username, &error);

  if (user == NULL && error != NULL)
    g_printerr ("%s\n", error->message);
  else if (user == NULL)
    g_printerr (_("There is no %s user “%s”. See “trading-authd user list --mode %s”.\n"),
                tl_mode_to_string (mode), username, tl_mode_to_string (mode));

  return user;
}

static int
fail (GError *error)
{
  g_printerr ("%s\n", error->message);
  return 1;
}

int
tl_authd_admin_init (int    argc,
                     char **argv)
{
  TlAuthdCommon common = { 0 };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autofree char *cert_file = NULL;
  g_autofree char *key_file = NULL;
  g_autofree char *fingerprint = NULL;
  TlAuthdDb *db = NULL;
  gboolean created = FALSE;
  int status = 1;
  const GOptionEntry entries[] = {
    { "cert", 0, 0, G_OPTION_ARG_FILENAME, &cert_file, N_("Use this PEM certificate (chain) instead of a self-signed one"), N_("FILE") },
    { "key", 0, 0, G_OPTION_ARG_FILENAME, &key_file, N_("The PEM private key of --cert"), N_("FILE") },
    { NULL }
  };

  context = tl_authd_cli_context ("init", NULL,
                                  _("Creates the data directory, its database and, unless --cert and --key "
                                    "are given, a self-signed TLS certificate for 127.0.0.1 and localhost. "
                                    "Safe to run again: what exists is kept."),
                                  &common, TL_AUTHD_OPTIONS_DATA_DIR);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!tl_authd_cli_parse (context, &common, &argc, &argv))
    goto out;

  if (argc != 1 || (cert_file == NULL) != (key_file == NULL))
    {
      g_printerr (_("Usage: trading-authd init [--data-dir DIR] [--cert FILE --key FILE]\n"));
      goto out;
    }

  if ((db = tl_authd_cli_open_db (&common, TRUE)) == NULL)
    goto out;

  if (cert_file != NULL)
    {
      g_autofree char *cert_pem = NULL;
      g_autofree char *key_pem = NULL;
      g_autofree char *cert_dest = g_build_filename (common.data_dir, TL_AUTHD_CERT_FILE_NAME, NULL);
      g_autofree char *key_dest = g_build_filename (common.data_dir, TL_AUTHD_KEY_FILE_NAME, NULL);
      g_autoptr(GTlsCertificate) check = g_tls_certificate_new_from_files (cert_file, key_file, &error);

      if (check == NULL ||
          !g_file_get_contents (cert_file, &cert_pem, NULL, &error) ||
          !g_file_get_contents (key_file, &key_pem, NULL, &error) ||
          !g_file_set_contents_full (key_dest, key_pem, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error) ||
          !g_file_set_contents_full (cert_dest, cert_pem, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644, &error))
        {
          status = fail (error);
          goto out;
        }
      memset (key_pem, 0, strlen (key_pem));
    }
  else if (!tl_authd_cert_ensure (common.data_dir, &created, &error))
    {
      status = fail (error);
      goto out;
    }

  if ((certificate = tl_authd_cert_load (common.data_dir, &error)) == NULL)
    {
      status = fail (error);
      goto out;
    }

  fingerprint = tl_authd_cert_fingerprint (certificate);
  g_print (_("Data directory: %s\n"), common.data_dir);
  g_print (created ? _("Created a self-signed certificate for 127.0.0.1 and localhost.\n")
                   : _("Using the certificate in the data directory.\n"));
  g_print (_("Certificate SHA-256: %s\n"), fingerprint);
  g_print (_("Next: trading-authd user add USERNAME --data-dir %s\n"), common.data_dir);
  status = 0;

out:
  tl_authd_db_close (db);
  tl_authd_cli_clear (&common);
  return status;
}

static int
user_add (int argc, char **argv)
{
  TlAuthdCommon common = { 0 };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *account = NULL;
  g_autofree char *phone = NULL;
  gboolean read_only = FALSE;
  gboolean password_stdin = FALSE;
  char *password = NULL;
  TlAuthdDb *db;
  int status = 1;
  const GOptionEntry entries[] = {
    { "account", 0, 0, G_OPTION_ARG_STRING, &account, N_("Account id (default: a new one)"), N_("ID") },
    { "phone", 0, 0, G_OPTION_ARG_STRING, &phone, N_("Phone number for text-message codes"), N_("NUMBER") },
    { "read-only-allowed", 0, 0, G_OPTION_ARG_NONE, &read_only, N_("Allow read-only logins without a second factor"), NULL },
    { "password-stdin", 0, 0, G_OPTION_ARG_NONE, &password_stdin, N_("Read the password from standard input"), NULL },
    { NULL }
  };

  context = tl_authd_cli_context ("user add", "USERNAME",
                                  _("Adds a user. The password is asked for without echo (or read from "
                                    "standard input with --password-stdin), never taken from the command line."),
                                  &common, TL_AUTHD_OPTIONS_MODE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if ((db = prepare (context, &common, &argc, &argv, 1, "user add USERNAME [--mode MODE]")) == NULL)
    goto out;

  if ((password = tl_authd_cli_read_secret (_("Password: "), password_stdin, TRUE, &error)) == NULL ||
      !tl_authd_user_add (db, common.mode, argv[1], password, account, read_only, phone, NULL, &error))
    {
      status = fail (error);
      goto out;
    }

  g_print (_("Added the %s user “%s”.\n"), tl_mode_to_string (common.mode), argv[1]);
  g_print (_("Next: trading-authd device add %s --kind ibkey|totp|sms|dsc|card --mode %s\n"),
           argv[1], tl_mode_to_string (common.mode));
  status = 0;

out:
  tl_authd_cli_free_secret (password);
  tl_authd_db_close (db);
  tl_authd_cli_clear (&common);
  return status;
}

static int
user_passwd (int argc, char **argv)
{
  TlAuthdCommon common = { 0 };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  gboolean password_stdin = FALSE;
  char *password = NULL;
  TlAuthdDb *db;
  int status = 1;
  const GOptionEntry entries[] = {
    { "password-stdin", 0, 0, G_OPTION_ARG_NONE, &password_stdin, N_("Read the password from standard input"), NULL },
    { NULL }
  };

  context = tl_authd_cli_context ("user passwd", "USERNAME", _("Sets a user's password."),
                                  &common, TL_AUTHD_OPTIONS_MODE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if ((db = prepare (context, &common, &argc, &argv, 1, "user passwd USERNAME [--mode MODE]")) == NULL)
    goto out;

  if ((password = tl_authd_cli_read_secret (_("New password: "), password_stdin, TRUE, &error)) == NULL ||
      !tl_authd_user_set_password (db, common.mode, argv[1], password, &error))
    {
      status = fail (error);
      goto out;
    }

  g_print (_("Changed the password of the %s user “%s”.\n"), tl_mode_to_string (common.mode), argv[1]);
  status = 0;

out:
  tl_authd_cli_free_secret (password);
  tl_authd_db_close (db);
  tl_authd_cli_clear (&common);
  return status;
}

static int
user_simple (int         argc,
             char      **argv,
             const char *command)
{
  TlAuthdCommon common = { 0 };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TlAuthdUser) user = NULL;
  g_autofree char *title = g_strconcat ("user ", command, NULL);
  g_autofree char *usage = g_strconcat ("user ", command, " USERNAME [--mode MODE]", NULL);
  gboolean is_del = g_str_equal (command, "del");
  TlAuthdDb *db;
  int status = 1;

  context = tl_authd_cli_context (title, "USERNAME",
                                  is_del ? _("Deletes a user with their devices and sessions.")
                                         : _("Clears a user's failed-login count and lock."),
                                  &common, TL_AUTHD_OPTIONS_MODE);
  if ((db = prepare (context, &common, &argc, &argv, 1, usage)) == NULL)
    goto out;

  if (is_del)
    {
      if (!tl_authd_user_delete (db, common.mode, argv[1], &error))
        {
          status = fail (error);
          goto out;
        }
      g_print (_("Deleted the %s user “%s”.\n"), tl_mode_to_string (common.mode), argv[1]);
    }
  else
    {
      if (!tl_authd_lockout_unlock (db, common.mode, argv[1], &error))
        {
          status = fail (error);
          goto out;
        }
      tl_authd_audit (db, common.mode, argv[1], "unlock", "ok", "admin", NULL);
      g_print (_("Unlocked the %s user “%s”.\n"), tl_mode_to_string (common.mode), argv[1]);
    }
  status = 0;

out:
  tl_authd_db_close (db);
  tl_authd_cli_clear (&common);
  return status;
}

static int
user_list (int argc, char **argv)
{
  TlAuthdCommon common = { 0 };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) users = NULL;
  TlAuthdDb *db;
  gint64 now = tl_authd_clock_now ();
  int status = 1;

  context = tl_authd_cli_context ("user list", NULL,
                                  _("Lists the users (of one mode with --mode, else of both)."),
                                  &common, TL_AUTHD_OPTIONS_MODE);
  if ((db = prepare (context, &common, &argc, &argv, 0, "user list [--mode MODE]")) == NULL)
    goto out;

  if ((users = tl_authd_user_list (db, common.mode_name != NULL ? (int) common.mode : -1, &error)) == NULL)
    {
      status = fail (error);
      goto out;
    }

  for (guint i = 0; i < users->len; i++)
    {
      TlAuthdUser *user = users->pdata[i];
      g_autofree char *locked = user->locked_until > now ? tl_authd_clock_format (user->locked_until) : NULL;

      /* Translators: the count of consecutive failed logins in "user list". */
      g_autofree char *failures = g_strdup_printf (_("failures %ld"), (long) user->failures);

      g_print ("%-5s  %-20s  %-10s  %s%s%s%s\n",
               tl_mode_to_string (user->mode), user->username, user->account, failures,
               user->read_only_allowed ? _("  read-only allowed") : "",
               locked != NULL ? _("  locked until ") : "", locked != NULL ? locked : "");
    }
  status = 0;

out:
  tl_authd_db_close (db);
  tl_authd_cli_clear (&common);
  return status;
}

int
tl_authd_admin_user (int    argc,
                     char **argv)
{
  const char *command = argc > 1 ? argv[1] : "";

  if (g_str_equal (command, "add"))
    return user_add (argc - 1, argv + 1);
  if (g_str_equal (command, "passwd"))
    return user_passwd (argc - 1, argv + 1);
  if (g_str_equal (command, "del") || g_str_equal (command, "unlock"))
    return user_simple (argc - 1, argv + 1, command);
  if (g_str_equal (command, "list"))
    return user_list (argc - 1, argv + 1);

  g_printerr (_("Usage: trading-authd user add|passwd|del|list|unlock … (each takes --help)\n"));
  return g_str_equal (command, "--help") || g_str_equal (command, "-h") ? 0 : 1;
}

static int
device_add (int argc, char **argv)
{
  TlAuthdCommon common = { 0 };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TlAuthdUser) user = NULL;
  g_autoptr(TlAuthdProvisioned) p = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *kind_name = NULL;
  g_autofree char *label = NULL;
  g_autofree char *phone = NULL;
  gboolean pin_stdin = FALSE;
  gboolean online = FALSE;
  char *pin = NULL;
  TlDeviceKind kind;
  TlAuthdDeviceOptions options = { 0 };
  TlAuthdDb *db;
  int status = 1;
  const GOptionEntry entries[] = {
    { "kind", 'k', 0, G_OPTION_ARG_STRING, &kind_name, N_("ibkey, totp, sms, dsc, card or temp"), N_("KIND") },
    { "label", 'l', 0, G_OPTION_ARG_STRING, &label, N_("Name shown to the user"), N_("TEXT") },
    { "phone", 0, 0, G_OPTION_ARG_STRING, &phone, N_("sms: the phone number (default: the user's)"), N_("NUMBER") },
    { "pin-stdin", 0, 0, G_OPTION_ARG_NONE, &pin_stdin, N_("dsc: read the card's PIN from standard input"), NULL },
    { "online", 0, 0, G_OPTION_ARG_NONE, &online, N_("card: an online card that expires after 21 days"), NULL },
    { NULL }
  };

  context = tl_authd_cli_context ("device add", "USERNAME",
                                  _("Adds a second factor and prints what its owner needs: the one-time "
                                    "activation code (ibkey), the otpauth:// URI (totp), the card to print "
                                    "(card), the temporary passcode (temp)."),
                                  &common, TL_AUTHD_OPTIONS_MODE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if ((db = prepare (context, &common, &argc, &argv, 1, "device add USERNAME --kind KIND [--mode MODE]")) == NULL)
    goto out;

  if (!tl_device_kind_from_string (kind_name, &kind))
    {
      g_printerr (_("Pass --kind ibkey, totp, sms, dsc, card or temp.\n"));
      goto out;
    }

  if ((user = find_user (db, common.mode, argv[1])) == NULL)
    goto out;

  if (kind == TL_DEVICE_KIND_DSC &&
      (pin = tl_authd_cli_read_secret (_("PIN of the card: "), pin_stdin, TRUE, &error)) == NULL)
    {
      status = fail (error);
      goto out;
    }

  options.label = label;
  options.phone = phone;
  options.pin = pin;
  options.online_card = online;
  if ((p = tl_authd_provision_device (db, user, kind, &options, &error)) == NULL)
    {
      status = fail (error);
      goto out;
    }

  tl_authd_audit (db, user->mode, user->username, "device_add", "ok", "admin", p->device_id);
  g_string_append_printf (out, _("Added to the %s user “%s”:\n"), tl_mode_to_string (user->mode),
                          user->username);
  tl_authd_provisioned_print (p, out);
  g_print ("%s", out->str);
  status = 0;

out:
  tl_authd_cli_free_secret (pin);
  tl_authd_db_close (db);
  tl_authd_cli_clear (&common);
  return status;
}

static int
device_list (int argc, char **argv)
{
  TlAuthdCommon common = { 0 };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TlAuthdUser) user = NULL;
  g_autoptr(GPtrArray) devices = NULL;
  TlAuthdDb *db;
  gint64 now = tl_authd_clock_now ();
  int status = 1;

  context = tl_authd_cli_context ("device list", "USERNAME", _("Lists a user's second factors."),
                                  &common, TL_AUTHD_OPTIONS_MODE);
  if ((db = prepare (context, &common, &argc, &argv, 1, "device list USERNAME [--mode MODE]")) == NULL ||
      (user = find_user (db, common.mode, argv[1])) == NULL)
    goto out;

  if ((devices = tl_authd_device_list (db, user->id, &error)) == NULL)
    {
      status = fail (error);
      goto out;
    }

  for (guint i = 0; i < devices->len; i++)
    {
      TlAuthdDevice *device = devices->pdata[i];
      g_autofree char *expires = device->expires_at != 0 ? tl_authd_clock_format (device->expires_at) : NULL;
      const char *state = "";

      if (device->kind == TL_DEVICE_KIND_IBKEY && device->secret == NULL)
        state = _("  not activated");
      else if (!tl_authd_device_is_usable (device, now))
        state = _("  expired");

      g_print ("%s  %-6s  %s%s%s%s\n", device->id, tl_device_kind_to_string (device->kind),
               device->label, expires != NULL ? _("  expires ") : "", expires != NULL ? expires : "", state);
    }
  status = 0;

out:
  tl_authd_db_close (db);
  tl_authd_cli_clear (&common);
  return status;
}

static int
device_del (int argc, char **argv)
{
  TlAuthdCommon common = { 0 };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  TlAuthdDb *db;
  int status = 1;

  context = tl_authd_cli_context ("device del", "DEVICE_ID",
                                  _("Deletes a second factor (see “device list” for ids)."),
                                  &common, TL_AUTHD_OPTIONS_DATA_DIR);
  if ((db = prepare (context, &common, &argc, &argv, 1, "device del DEVICE_ID")) == NULL)
    goto out;

  if (!tl_authd_device_delete (db, argv[1], &error))
    {
      status = fail (error);
      goto out;
    }

  g_print (_("Deleted the device %s.\n"), argv[1]);
  status = 0;

out:
  tl_authd_db_close (db);
  tl_authd_cli_clear (&common);
  return status;
}

int
tl_authd_admin_device (int    argc,
                       char **argv)
{
  const char *command = argc > 1 ? argv[1] : "";

  if (g_str_equal (command, "add"))
    return device_add (argc - 1, argv + 1);
  if (g_str_equal (command, "list"))
    return device_list (argc - 1, argv + 1);
  if (g_str_equal (command, "del"))
    return device_del (argc - 1, argv + 1);

  g_printerr (_("Usage: trading-authd device add|list|del … (each takes --help)\n"));
  return g_str_equal (command, "--help") || g_str_equal (command, "-h") ? 0 : 1;
}

int
tl_authd_admin_temp_code (int    argc,
                          char **argv)
{
  TlAuthdCommon common = { 0 };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TlAuthdUser) user = NULL;
  g_autoptr(TlAuthdProvisioned) p = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  TlAuthdDb *db;
  int status = 1;

  context = tl_authd_cli_context ("temp-code", "USERNAME",
                                  _("Issues a temporary passcode (8 letters and digits, valid 2 days) for a "
                                    "user who lost their device; it replaces an earlier one."),
                                  &common, TL_AUTHD_OPTIONS_MODE);
  if ((db = prepare (context, &common, &argc, &argv, 1, "temp-code USERNAME [--mode MODE]")) == NULL ||
      (user = find_user (db, common.mode, argv[1])) == NULL)
    goto out;

  if ((p = tl_authd_provision_device (db, user, TL_DEVICE_KIND_TEMP, NULL, &error)) == NULL)
    {
      status = fail (error);
      goto out;
    }

  tl_authd_audit (db, user->mode, user->username, "temp_code", "issued", "admin", p->device_id);
  tl_authd_provisioned_print (p, out);
  g_print ("%s", out->str);
  status = 0;

out:
  tl_authd_db_close (db);
  tl_authd_cli_clear (&common);
  return status;
}

int
tl_authd_admin_sessions (int    argc,
                         char **argv)
{
  TlAuthdCommon common = { 0 };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TlAuthdUser) user = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  gboolean end = FALSE;
  TlAuthdDb *db;
  int status = 1;
  const GOptionEntry entries[] = {
    { "end", 0, 0, G_OPTION_ARG_NONE, &end, N_("End the user's sessions"), NULL },
    { NULL }
  };

  context = tl_authd_cli_context ("sessions", "USERNAME",
                                  _("Lists a user's active sessions (never their tokens), or ends them."),
                                  &common, TL_AUTHD_OPTIONS_MODE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if ((db = prepare (context, &common, &argc, &argv, 1, "sessions USERNAME [--mode MODE] [--end]")) == NULL ||
      (user = find_user (db, common.mode, argv[1])) == NULL)
    goto out;

  if (end)
    {
      gint64 count = 0;

      if (!tl_authd_session_end_all (db, user->id, &count, &error))
        {
          status = fail (error);
          goto out;
        }
      /* %ld below, not G_GINT64_FORMAT: xgettext cannot see through the macro. */
      tl_authd_audit (db, user->mode, user->username, "sessions_ended", "ok", "admin", NULL);
      g_print (g_dngettext (GETTEXT_PACKAGE, "Ended %ld session.\n", "Ended %ld sessions.\n",
                            (gulong) count),
               (long) count);
      status = 0;
      goto out;
    }

  if ((rows = tl_authd_session_list (db, user->id, tl_authd_clock_now (), &error)) == NULL)
    {
      status = fail (error);
      goto out;
    }

  for (guint i = 0; i < rows->len; i++)
    {
      TlAuthdSessionRow *row = rows->pdata[i];
      g_autofree char *since = tl_authd_clock_format (row->created_at);
      g_autofree char *until = tl_authd_clock_format (row->expires_at);

      g_print (_("since %s  until %s  from %s  %s%s\n"), since, until, row->ip, row->client,
               row->read_only ? _("  read-only") : "");
    }
  if (rows->len == 0)
    g_print (_("No active sessions.\n"));
  status = 0;

out:
  tl_authd_db_close (db);
  tl_authd_cli_clear (&common);
  return status;
}

int
tl_authd_admin_audit (int    argc,
                      char **argv)
{
  TlAuthdCommon common = { 0 };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *username = NULL;
  int limit = 100;
  TlAuthdDb *db;
  int status = 1;
  const GOptionEntry entries[] = {
    { "user", 'u', 0, G_OPTION_ARG_STRING, &username, N_("Only this user"), N_("USERNAME") },
    { "limit", 'n', 0, G_OPTION_ARG_INT, &limit, N_("The newest N entries (default 100)"), N_("N") },
    { NULL }
  };

  context = tl_authd_cli_context ("audit", NULL,
                                  _("Prints the audit log: time, mode, user, event, outcome, address, detail."),
                                  &common, TL_AUTHD_OPTIONS_MODE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if ((db = prepare (context, &common, &argc, &argv, 0, "audit [--user USERNAME] [--mode MODE] [--limit N]")) == NULL)
    goto out;

  if (!tl_authd_audit_print (db, username, common.mode_name != NULL ? (int) common.mode : -1,
                             (guint) CLAMP (limit, 1, 100000), out, &error))
    {
      status = fail (error);
      goto out;
    }

  g_print ("%s", out->str);
  status = 0;

out:
  tl_authd_db_close (db);
  tl_authd_cli_clear (&common);
  return status;
}
