/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tl-key-device.h"
#include "tl-key-error.h"
#include "tl-key-prompt.h"

G_BEGIN_DECLS

/* What every command shares: a main loop that SIGINT, SIGTERM and
 * SIGHUP interrupt through @cancellable (putting the terminal's echo
 * back first), and the exit status. */
typedef struct
{
  GMainLoop    *loop;
  GCancellable *cancellable;
  TlKeyPrompt  *prompt;        /* set by the command when it asks anything */
  int           exit_code;
  gboolean      interrupted;
} TlKeyCommand;

void         tl_key_command_init     (TlKeyCommand  *command);
void         tl_key_command_clear    (TlKeyCommand  *command);
/* Runs the loop until tl_key_command_done(); returns the exit status. */
int          tl_key_command_run      (TlKeyCommand  *command);
/* Ends the command; with @error, prints "trading-key: <message>" on
 * standard error and exits with the matching status. */
void         tl_key_command_done     (TlKeyCommand  *command,
                                      const GError  *error);

/* Parses @argv with the command's options; --help prints and exits 0,
 * bad options print and exit 2. @parameter is the positional argument
 * part of the usage line (or NULL); @summary says what the command does. */
gboolean     tl_key_command_parse    (const char    *name,
                                      const char    *parameter,
                                      const char    *summary,
                                      const GOptionEntry *entries,
                                      int           *argc,
                                      char        ***argv);
/* Prints "trading-key: <message>" and returns TL_KEY_EXIT_USAGE. */
int          tl_key_command_usage_error (const char *message);

/* Which enrolled devices a command means: --username, --server and
 * --device-id narrow the choice, each normalised as activate stores it.
 * TL_KEY_ERROR_USAGE for a malformed filter. */
typedef struct
{
  char *username;
  char *server;
  char *device_id;
} TlKeyFilter;

gboolean     tl_key_filter_normalize (TlKeyFilter   *filter,
                                      GError       **error);
void         tl_key_filter_clear     (TlKeyFilter   *filter);
/* (transfer container) the matching devices, in @devices' order. */
GPtrArray   *tl_key_filter_apply     (const TlKeyFilter *filter,
                                      GPtrArray     *devices);
/* Exactly one match, or TL_KEY_ERROR_NO_DEVICE / TL_KEY_ERROR_AMBIGUOUS
 * with a sentence listing the candidates. */
TlKeyDevice *tl_key_filter_pick_one  (const TlKeyFilter *filter,
                                      GPtrArray     *devices,
                                      GError       **error);
/* TL_KEY_ERROR_NO_DEVICE unless @matches has entries. */
gboolean     tl_key_filter_check_any (const TlKeyFilter *filter,
                                      GPtrArray     *matches,
                                      GError       **error);

/* Common option entries, pointing into @filter. */
#define TL_KEY_FILTER_ENTRIES(filter) \
  { "username", 'u', 0, G_OPTION_ARG_STRING, &(filter)->username, N_("The user the device was activated for"), N_("NAME") }, \
  { "server", 's', 0, G_OPTION_ARG_STRING, &(filter)->server, N_("The server address given at activation"), N_("URL") }, \
  { "device-id", 0, 0, G_OPTION_ARG_STRING, &(filter)->device_id, N_("The device ID that “trading-key list” shows"), N_("ID") }

G_END_DECLS
