/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "trading-key"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>

#include "tl-key-error.h"
#include "tl-key-commands.h"

typedef struct
{
  const char *name;
  int       (*run) (int argc, char **argv);
  const char *summary;
} Command;

static const Command commands[] = {
  { "activate", tl_key_cmd_activate, N_("Register this device for a user with an activation code") },
  { "list", tl_key_cmd_list, N_("List the enrolled devices (no secrets)") },
  { "remove", tl_key_cmd_remove, N_("Remove an enrolled device from the keyring") },
  { "watch", tl_key_cmd_watch, N_("Wait for login requests and approve or deny them") },
  { "respond", tl_key_cmd_respond, N_("Print the response to a login challenge") },
  { "code", tl_key_cmd_code, N_("Print the current one-time code") },
};

static char *
commands_summary (void)
{
  GString *text = g_string_new (_("The soft authenticator of Trading Login: it plays the broker's phone app,\n"
                                  "the second factor a person holds.\n\nCommands:\n"));

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_string_append_printf (text, "  %-10s %s\n", commands[i].name, _(commands[i].summary));

  g_string_append (text, _("\nRun “trading-key COMMAND --help” for a command's options. PINs are read\n"
                           "from the terminal without echo, or from standard input with --pin-stdin;\n"
                           "they are never taken as arguments."));

  return g_string_free (text, FALSE);
}

static int
global_options (int    argc,
                char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = commands_summary ();
  gboolean version = FALSE;
  const GOptionEntry entries[] = {
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, N_("Print the version and exit"), NULL },
    { NULL }
  };

  context = g_option_context_new (_("COMMAND [COMMAND-OPTION…]"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, summary);
  g_option_context_set_description (context, tl_key_exit_codes_help ());
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("trading-key: %s\n", error->message);
      g_printerr (_("Run “trading-key --help” for the commands.\n"));
      return TL_KEY_EXIT_USAGE;
    }

  if (version)
    {
      g_print ("trading-key %s\n", PACKAGE_VERSION);
      return TL_KEY_EXIT_OK;
    }

  if (argc > 1)
    {
      g_printerr (_("trading-key: options go after the command, as in “trading-key %s --help”.\n"),
                  argv[1]);
      return TL_KEY_EXIT_USAGE;
    }

  g_printerr (_("trading-key: give a command. Run “trading-key --help” for the list.\n"));
  return TL_KEY_EXIT_USAGE;
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  /* Standard output carries results scripts read (--json, codes);
   * debug messages must never mix into it. */
  g_log_writer_default_set_use_stderr (TRUE);
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_prgname ("trading-key");
  /* Scripts and tests read the events of watch as they happen. */
  setvbuf (stdout, NULL, _IOLBF, 0);

  if (argc < 2 || argv[1][0] == '-')
    return global_options (argc, argv);

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (argv[1], commands[i].name))
      return commands[i].run (argc - 1, argv + 1);

  if (g_str_equal (argv[1], "help"))
    {
      char *help_argv[] = { argv[0], (char *) "--help", NULL };
      return global_options (2, help_argv);
    }

  g_printerr (_("trading-key: unknown command “%s”. Run “trading-key --help” for the list.\n"),
              argv[1]);
  return TL_KEY_EXIT_USAGE;
}
