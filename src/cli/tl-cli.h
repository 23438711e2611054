/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "tl-auth-client.h"
#include "tl-cli-input.h"
#include "tl-credential-store.h"
#include "tl-server-profile.h"

G_BEGIN_DECLS

/* The exit codes: documented in --help and docs/cli.md; scripts rely on them. */
typedef enum
{
  TL_CLI_EXIT_OK = 0,
  TL_CLI_EXIT_USAGE = 1,          /* bad options, or a prompt needed without a terminal */
  TL_CLI_EXIT_CREDENTIALS = 2,    /* wrong username or password */
  TL_CLI_EXIT_LOCKED = 3,         /* locked or throttled */
  TL_CLI_EXIT_SECOND_FACTOR = 4,  /* second factor failed, denied or expired */
  TL_CLI_EXIT_SERVER = 5,         /* network, certificate, server identity */
  TL_CLI_EXIT_NO_SESSION = 6,
  TL_CLI_EXIT_OTHER = 7,
  TL_CLI_EXIT_INTERRUPTED = 130,  /* Ctrl+C during a login, as shells count it */
} TlCliExit;

typedef enum
{
  TL_CLI_COMMAND_LOGIN,
  TL_CLI_COMMAND_STATUS,
  TL_CLI_COMMAND_TICKLE,
  TL_CLI_COMMAND_LOGOUT,
} TlCliCommand;

typedef struct _TlCli TlCli;

/* What the command wants done on Ctrl+C / SIGTERM; returns TRUE when it
 * has handled it (otherwise: the login is abandoned, exit 130). */
typedef gboolean (*TlCliInterruptFunc) (TlCli *cli);

struct _TlCli
{
  TlCliCommand command;

  /* Options. */
  char     *server;
  char     *pin_sha256;
  char     *mode_name;
  char     *username;
  char     *device;
  gboolean  password_stdin;
  gboolean  answer_stdin;
  gboolean  json;
  gboolean  print_token;
  gboolean  keep_alive;
  double    interval_minutes;
  gboolean  remember;
  gboolean  read_only;
  gboolean  no_push;
  gboolean  replace_session;

  /* Derived. */
  TlMode             mode;
  char              *base_url;
  gboolean           interactive;   /* standard input is a terminal */
  gboolean           stderr_is_tty;
  TlServerProfile   *profile;
  TlAuthClient      *client;
  TlCredentialStore *store;
  TlCliLineReader   *stdin_reader;
  GCancellable      *cancellable;
  GMainLoop         *loop;
  int                exit_code;
  gboolean           done;
  TlCliInterruptFunc on_interrupt;
  gpointer           command_data;
  GDestroyNotify     command_data_free;
};

/* Stops the main loop with @exit_code (the first call wins). */
void        tl_cli_quit                 (TlCli           *cli,
                                         int              exit_code);
/* Says why on stderr (and as JSON on stdout with --json), then quits
 * with the exit code for @error. G_IO_ERROR_CANCELLED quits quietly. */
void        tl_cli_fail                 (TlCli           *cli,
                                         const GError    *error);
/* The same with another exit code than @error's own. */
void        tl_cli_fail_with_code       (TlCli           *cli,
                                         const GError    *error,
                                         int              exit_code);
/* A problem with how the command was used: exit 1. */
void        tl_cli_fail_usage           (TlCli           *cli,
                                         const char      *message);
int         tl_cli_exit_code_for_error  (const GError    *error);

/* Progress and prompts: stderr, never stdout. */
void        tl_cli_say                  (TlCli           *cli,
                                         const char      *format,
                                         ...) G_GNUC_PRINTF (2, 3);
void        tl_cli_print_json           (TlCli           *cli,
                                         JsonObject      *object);
/* The result of a command that ends with a live session: a sentence for
 * a person, or a JSON object (@status and the session; the token only
 * with --print-token). */
void        tl_cli_report_session       (TlCli           *cli,
                                         const char      *status,
                                         const TlSession *session,
                                         const char      *sentence);
/* The JSON object tl_cli_report_session() prints, to add members to. */
JsonObject *tl_cli_session_json         (TlCli           *cli,
                                         const char      *status,
                                         const TlSession *session);
/* "alice (paper, account DU1234567, read only); it expires in 59 minutes" */
char       *tl_cli_describe_session     (const TlSession *session);
/* "in 59 minutes" / "2:54" */
char       *tl_cli_format_duration      (gint64           seconds);
char       *tl_cli_format_clock         (gint64           seconds);

G_END_DECLS
