/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "trading-authd"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "tl-authd-admin.h"
#include "tl-authd-cert.h"
#include "tl-authd-cli.h"
#include "tl-authd-demo.h"
#include "tl-authd-serve.h"

static int
serve_main (int    argc,
            char **argv)
{
  TlAuthdCommon common = { 0 };
  TlAuthdConfig config = { 0 };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autofree char *listen = NULL;
  g_autofree char *address = NULL;
  g_autofree char *fingerprint = NULL;
  guint port = 0;
  TlAuthdDb *db = NULL;
  int status = 1;
  const GOptionEntry entries[] = {
    { "listen", 'l', 0, G_OPTION_ARG_STRING, &listen,
      N_("Address and port to listen on (default 127.0.0.1:4443)"), N_("ADDRESS:PORT") },
    { NULL }
  };

  context = tl_authd_cli_context ("serve", NULL,
                                  _("Serves the login protocol over HTTPS: live accounts under /live/, "
                                    "paper accounts under /paper/. Stops on SIGTERM or SIGINT."),
                                  &common, TL_AUTHD_OPTIONS_SERVER);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!tl_authd_cli_parse (context, &common, &argc, &argv))
    goto out;

  if (argc != 1)
    {
      g_printerr (_("Usage: trading-authd serve [--listen ADDRESS:PORT] [--data-dir DIR]\n"));
      goto out;
    }

  if (!tl_authd_parse_listen (listen != NULL ? listen : "127.0.0.1:4443", &address, &port, &error) ||
      (certificate = tl_authd_cert_load (common.data_dir, &error)) == NULL)
    {
      g_printerr ("%s\n", error->message);
      goto out;
    }

  if ((db = tl_authd_cli_open_db (&common, FALSE)) == NULL)
    goto out;

  fingerprint = tl_authd_cert_fingerprint (certificate);
  g_message ("Certificate SHA-256 %s", fingerprint);

  tl_authd_cli_config (&common, &config);
  status = tl_authd_serve_run (db, certificate, &config, address, port, NULL, NULL);

out:
  tl_authd_db_close (db);
  tl_authd_cli_clear (&common);
  return status;
}

static const struct
{
  const char *name;
  int       (*run) (int argc, char **argv);
  const char *summary;
} commands[] = {
  { "init", tl_authd_admin_init, N_("create the data directory, database and certificate") },
  { "serve", serve_main, N_("serve the login protocol") },
  { "demo", tl_authd_demo_main, N_("make a ready demo in a directory and serve it") },
  { "user", tl_authd_admin_user, N_("add|passwd|del|list|unlock users") },
  { "device", tl_authd_admin_device, N_("add|list|del second-factor devices") },
  { "temp-code", tl_authd_admin_temp_code, N_("issue a temporary passcode") },
  { "sessions", tl_authd_admin_sessions, N_("list or end a user's sessions") },
  { "audit", tl_authd_admin_audit, N_("print the audit log") },
};

static void
print_usage (void)
{
  g_print (_("Usage: trading-authd COMMAND [OPTIONS…]\n\n"
             "The reference server of the Trading Login protocol.\n\n"
             "Commands:\n"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_print ("  %-10s %s\n", commands[i].name, _(commands[i].summary));
  g_print (_("\nEvery command takes --help and --data-dir DIR "
             "(default: $XDG_DATA_HOME/trading-authd).\n"));
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_set_prgname ("trading-authd");

  if (argc < 2 || g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h") ||
      g_str_equal (argv[1], "help"))
    {
      print_usage ();
      return argc < 2 ? 1 : 0;
    }

  if (g_str_equal (argv[1], "--version"))
    {
      g_print ("trading-authd %s\n", PACKAGE_VERSION);
      return 0;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (argv[1], commands[i].name))
      return commands[i].run (argc - 1, argv + 1);

  g_printerr (_("Unknown command “%s”.\n\n"), argv[1]);
  print_usage ();
  return 1;
}
