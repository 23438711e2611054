/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tl-cli.h"

G_BEGIN_DECLS

#define MAX_ANSWER_LENGTH 64

/* One login per process: the steps follow TlAuthClient's state, one
 * async call at a time. tl-cli-login.c has the password and the steps
 * around it; tl-cli-factor.c the second factor. */
typedef struct
{
  TlCli           *cli;
  TlAuthClient    *client;  /* (unowned) cli->client */
  char            *username;
  gboolean         device_chosen;
  gboolean         read_only_asked;

  /* The password prompt on /dev/tty, when not --password-stdin. */
  int              tty_fd;
  TlCliLineReader *tty_reader;

  /* Waiting for a push: the wait, and the Enter that ends it. */
  GCancellable    *push_cancellable;
  GCancellable    *enter_cancellable;
  guint            countdown_id;
  gboolean         countdown_shown;
  gboolean         switching_to_challenge;
} TlCliLogin;

/* The next step for the client's state. */
void     tl_cli_login_advance                (TlCliLogin   *login);
/* Whether the command has been given up (Ctrl+C): callbacks stop quietly. */
gboolean tl_cli_login_is_over                (TlCliLogin   *login);
/* Fails with @error, or the client's own when NULL. */
void     tl_cli_login_fail                   (TlCliLogin   *login,
                                              const GError *error);

/* Second factor steps, each ending in tl_cli_login_advance() or a failure. */
void     tl_cli_factor_apply_device_option   (TlCliLogin   *login);
void     tl_cli_factor_choose_device         (TlCliLogin   *login);
void     tl_cli_factor_wait_push             (TlCliLogin   *login);
void     tl_cli_factor_prompt_answer         (TlCliLogin   *login);

G_END_DECLS
