/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "tl-authd-db.h"
#include "tl-types.h"

G_BEGIN_DECLS

/* Logins in progress and their pushes, kept in the database so that a
 * restart does not break a login half-way. */

typedef enum
{
  TL_AUTHD_LOGIN_PASSWORD,       /* started, waiting for v1/login/verify */
  TL_AUTHD_LOGIN_SECOND_FACTOR,  /* password proven */
  TL_AUTHD_LOGIN_APPROVED,       /* push approved, session not yet handed out */
  TL_AUTHD_LOGIN_DENIED,         /* push denied on the device */
} TlAuthdLoginState;

typedef struct
{
  char              *id;
  TlMode             mode;
  char              *username;
  gint64             user_id;          /* 0: unknown name */
  char              *client;
  char              *ip;
  GBytes            *srp_b;            /* NULL once verify ran */
  GBytes            *srp_B;            /* PAD(B) as sent; NULL once verify ran, or
                                        * for a login started before schema 2 */
  TlAuthdLoginState  state;
  gint64             created_at;
  gint64             expires_at;
  char              *device_id;        /* the chosen second factor */
  char              *method;           /* "push", "code", "challenge", "card" */
  char              *challenge;        /* OCRA question, or "12,57" for a card */
  GBytes            *code_hash;        /* SMS code */
  gint64             code_expires_at;
  gint64             resend_at;
  gint64             answer_failures;
} TlAuthdLogin;

void          tl_authd_login_free           (TlAuthdLogin  *login);
/* NULL without @error when unknown, of the other mode, or expired. */
TlAuthdLogin *tl_authd_login_lookup         (TlAuthdDb     *db,
                                             TlMode         mode,
                                             const char    *id,
                                             gint64         now,
                                             GError       **error);
char         *tl_authd_login_create         (TlAuthdDb     *db,
                                             TlMode         mode,
                                             const char    *username,
                                             gint64         user_id,
                                             const char    *client,
                                             const char    *ip,
                                             GBytes        *srp_b,
                                             GBytes        *srp_B,
                                             gint64         now,
                                             gint64         lifetime,
                                             GError       **error);
gboolean      tl_authd_login_delete         (TlAuthdDb     *db,
                                             const char    *id,
                                             GError       **error);
/* Sets state and expiry and forgets b and B. */
gboolean      tl_authd_login_set_state      (TlAuthdDb     *db,
                                             const char    *id,
                                             TlAuthdLoginState state,
                                             gint64         expires_at,
                                             GError       **error);
/* Records the chosen device and what answers it; NULLs clear. */
gboolean      tl_authd_login_set_factor     (TlAuthdDb     *db,
                                             TlAuthdLogin  *login,
                                             const char    *device_id,
                                             const char    *method,
                                             const char    *challenge,
                                             GBytes        *code_hash,
                                             gint64         code_expires_at,
                                             gint64         resend_at,
                                             gint64         expires_at,
                                             GError       **error);
/* One more wrong answer, atomically; returns the new count or -1. */
gint64        tl_authd_login_count_failure  (TlAuthdDb     *db,
                                             const char    *id,
                                             GError       **error);

typedef enum
{
  TL_AUTHD_PUSH_PENDING,
  TL_AUTHD_PUSH_APPROVED,
  TL_AUTHD_PUSH_DENIED,
  TL_AUTHD_PUSH_CANCELLED,
} TlAuthdPushStatus;

typedef struct
{
  char              *id;
  char              *login_id;
  char              *device_id;
  gint64             created_at;
  gint64             expires_at;
  TlAuthdPushStatus  status;
} TlAuthdPush;

void          tl_authd_push_free            (TlAuthdPush   *push);
/* Cancels the login's other pushes and makes a new pending one. */
char         *tl_authd_push_create          (TlAuthdDb     *db,
                                             const char    *login_id,
                                             const char    *device_id,
                                             gint64         now,
                                             gint64         lifetime,
                                             GError       **error);
TlAuthdPush  *tl_authd_push_lookup          (TlAuthdDb     *db,
                                             const char    *id,
                                             GError       **error);
/* Cancels the login's pending pushes; their ids in @out_ids (optional). */
gboolean      tl_authd_push_cancel_for_login(TlAuthdDb     *db,
                                             const char    *login_id,
                                             GPtrArray    **out_ids,
                                             GError       **error);
/* Decides a pending, unexpired push of @device_id; @out_decided is
 * FALSE when it was not (any more) pending. */
gboolean      tl_authd_push_decide          (TlAuthdDb     *db,
                                             const char    *push_id,
                                             const char    *device_id,
                                             gboolean       approve,
                                             gint64         now,
                                             gboolean      *out_decided,
                                             GError       **error);
/* The contract's device/pending "requests" array members, built into
 * @builder (inside an open array). Returns how many. */
gint64        tl_authd_push_build_pending   (TlAuthdDb     *db,
                                             const char    *device_id,
                                             gint64         now,
                                             JsonBuilder   *builder,
                                             GError       **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TlAuthdLogin, tl_authd_login_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TlAuthdPush, tl_authd_push_free)

G_END_DECLS
