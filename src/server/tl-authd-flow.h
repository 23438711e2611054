/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tl-authd-logins.h"
#include "tl-authd-request.h"
#include "tl-authd-users.h"

G_BEGIN_DECLS

/* Steps shared by the login endpoints. Functions that return NULL or
 * FALSE have answered the request already. */

/* The body's string member; bad_request when missing or not a string. */
const char   *tl_authd_flow_get_string     (TlAuthdRequest  *req,
                                            const char      *member);
/* The body's "login_id" login: login_expired when unknown or expired
 * (the two look alike on purpose: ids are forgotten once expired). */
TlAuthdLogin *tl_authd_flow_get_login      (TlAuthdRequest  *req,
                                            gint64           now);
/* Like tl_authd_flow_get_login(), and the password step must be done:
 * login_expired for a denied login, bad_request out of order. */
TlAuthdLogin *tl_authd_flow_get_verified   (TlAuthdRequest  *req,
                                            gint64           now,
                                            TlAuthdUser    **out_user);
/* Ends @login with a session, in one transaction: the user's other
 * session ends, the failure count resets, the login is forgotten.
 * Returns the contract's session object (with the token). */
JsonObject   *tl_authd_flow_make_session   (TlAuthdRequest  *req,
                                            TlAuthdLogin    *login,
                                            TlAuthdUser     *user,
                                            gboolean         read_only,
                                            const char      *how);
/* The contract's {"username", "mode", …} of a stored session. */
JsonObject   *tl_authd_flow_session_json   (TlAuthdUser     *user,
                                            const char      *token,
                                            gboolean         read_only,
                                            gint64           expires_at);
/* A wrong second-factor answer: counts it; the third ends the login and
 * counts as one failed login. Answers 401 second_factor_failed. */
void          tl_authd_flow_wrong_answer   (TlAuthdRequest  *req,
                                            TlAuthdLogin    *login,
                                            TlAuthdUser     *user,
                                            const char      *message);

G_END_DECLS
