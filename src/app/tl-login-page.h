/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tl-page.h"

G_BEGIN_DECLS

#define TL_TYPE_LOGIN_PAGE (tl_login_page_get_type ())

G_DECLARE_FINAL_TYPE (TlLoginPage, tl_login_page, TL, LOGIN_PAGE, TlPage)

/* The form: username (with the remembered ones offered), password, live
 * or paper, "Remember username". Its button activates "win.log-in".
 *
 * Properties: "mode" (TlMode as int), "remember" (gboolean),
 * "can-log-in" (gboolean: a valid username and a password). */
TlMode       tl_login_page_get_mode          (TlLoginPage        *self);
void         tl_login_page_set_mode          (TlLoginPage        *self,
                                              TlMode              mode);
gboolean     tl_login_page_get_remember      (TlLoginPage        *self);
void         tl_login_page_set_remember      (TlLoginPage        *self,
                                              gboolean            remember);
gboolean     tl_login_page_get_can_log_in    (TlLoginPage        *self);
/* The normalised username, or NULL and the reason. */
char        *tl_login_page_dup_username      (TlLoginPage        *self,
                                              GError            **error);
void         tl_login_page_set_username      (TlLoginPage        *self,
                                              const char         *username);
const char  *tl_login_page_get_password      (TlLoginPage        *self);
/* Empties the password entry; its secure buffer wipes the text. */
void         tl_login_page_clear_password    (TlLoginPage        *self);
/* The remembered usernames for the current mode, most recent first; the
 * first one fills an empty username entry. */
void         tl_login_page_set_usernames     (TlLoginPage        *self,
                                              const char * const *usernames);
/* Shows @message (or nothing for NULL) above the button. */
void         tl_login_page_set_error         (TlLoginPage        *self,
                                              const char         *message);
void         tl_login_page_focus             (TlLoginPage        *self);

G_END_DECLS
