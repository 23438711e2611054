/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tl-authd-request.h"

G_BEGIN_DECLS

/* The contract's endpoints, one function each; the server routes to them
 * with the body parsed (POST) and the mode taken from the base path. */

/* tl-authd-api-login.c */
void tl_authd_api_login_start     (TlAuthdRequest *req);
void tl_authd_api_login_verify    (TlAuthdRequest *req);

/* tl-authd-api-factor.c */
void tl_authd_api_second_factor   (TlAuthdRequest *req);
void tl_authd_api_challenge       (TlAuthdRequest *req);
void tl_authd_api_answer          (TlAuthdRequest *req);
void tl_authd_api_resend          (TlAuthdRequest *req);
void tl_authd_api_read_only       (TlAuthdRequest *req);

/* tl-authd-api-push.c */
void tl_authd_api_push_wait       (TlAuthdRequest *req);
void tl_authd_api_device_activate (TlAuthdRequest *req);
void tl_authd_api_device_pending  (TlAuthdRequest *req);
void tl_authd_api_device_respond  (TlAuthdRequest *req);

/* tl-authd-api-session.c */
void tl_authd_api_session_get     (TlAuthdRequest *req);
void tl_authd_api_session_tickle  (TlAuthdRequest *req);
void tl_authd_api_session_logout  (TlAuthdRequest *req);

G_END_DECLS
