/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tl-authd-db.h"
#include "tl-authd-server.h"
#include "tl-types.h"

G_BEGIN_DECLS

/* Options every subcommand shares, and the server's tuning options. */
typedef struct
{
  char   *data_dir;
  char   *mode_name;
  TlMode  mode;

  int     session_hours;
  char   *sms_command;
  int     start_burst;
  double  start_rate;
  char   *clock_offset_file;   /* test-only, hidden */
  int     idle_seconds;        /* test-only, hidden */
} TlAuthdCommon;

typedef enum
{
  TL_AUTHD_OPTIONS_DATA_DIR = 0,
  TL_AUTHD_OPTIONS_MODE     = 1 << 0,
  TL_AUTHD_OPTIONS_SERVER   = 1 << 1,
} TlAuthdOptions;

/* A context for "trading-authd @command @parameters" with the shared
 * options. */
GOptionContext *tl_authd_cli_context      (const char      *command,
                                           const char      *parameters,
                                           const char      *summary,
                                           TlAuthdCommon   *common,
                                           TlAuthdOptions   options);
/* Parses; on error prints it with a hint and returns FALSE. */
gboolean        tl_authd_cli_parse        (GOptionContext  *context,
                                           TlAuthdCommon   *common,
                                           int             *argc,
                                           char          ***argv);
/* The data directory, created (0700) when @create. */
TlAuthdDb      *tl_authd_cli_open_db      (TlAuthdCommon   *common,
                                           gboolean         create);
void            tl_authd_cli_config       (TlAuthdCommon   *common,
                                           TlAuthdConfig   *config);
void            tl_authd_cli_clear        (TlAuthdCommon   *common);

/* A password: one line of stdin with @from_stdin, otherwise typed at the
 * terminal without echo (twice when @confirm). Never from argv. */
char           *tl_authd_cli_read_secret  (const char      *prompt,
                                           gboolean         from_stdin,
                                           gboolean         confirm,
                                           GError         **error);
/* Wipes and frees. */
void            tl_authd_cli_free_secret  (char            *secret);

G_END_DECLS
