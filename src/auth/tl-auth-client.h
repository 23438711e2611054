/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tl-device.h"
#include "tl-server-profile.h"
#include "tl-session.h"

G_BEGIN_DECLS

typedef enum
{
  TL_AUTH_STATE_IDLE,
  TL_AUTH_STATE_CONNECTING,       /* v1/login/start under way */
  TL_AUTH_STATE_AUTHENTICATING,   /* SRP math and v1/login/verify */
  TL_AUTH_STATE_EXISTING_SESSION, /* ask: continue (ends the other session) or cancel */
  TL_AUTH_STATE_CHOOSE_DEVICE,    /* several second factors: pick one */
  TL_AUTH_STATE_WAITING_PUSH,     /* push sent; the client long-polls by itself */
  TL_AUTH_STATE_NEED_RESPONSE,    /* challenge shown; answer with the device's response */
  TL_AUTH_STATE_NEED_CODE,        /* TOTP, SMS or temporary passcode */
  TL_AUTH_STATE_NEED_CARD,        /* codes at the card's index numbers */
  TL_AUTH_STATE_LOGGED_IN,
  TL_AUTH_STATE_LOCKED,           /* locked or throttled; see retry-after */
  TL_AUTH_STATE_FAILED,           /* see the "error" property */
} TlAuthState;

#define TL_TYPE_AUTH_STATE (tl_auth_state_get_type ())
GType tl_auth_state_get_type (void) G_GNUC_CONST;

#define TL_TYPE_AUTH_CLIENT (tl_auth_client_get_type ())

G_DECLARE_FINAL_TYPE (TlAuthClient, tl_auth_client, TL, AUTH_CLIENT, GObject)

/*
 * Properties (all read-only but "profile", which is construct-only; each
 * notifies only on change, and the data a state needs is set before
 * "state" changes to it):
 *
 *   profile                TlServerProfile
 *   state                  TlAuthState
 *   username               char*     the normalised username of this login
 *   devices                GListModel* of TlDevice (CHOOSE_DEVICE and after)
 *   device                 TlDevice* the device in use (NEED_* / WAITING_PUSH)
 *   existing-session-client char*    (EXISTING_SESSION)
 *   existing-session-since  GDateTime* boxed (EXISTING_SESSION)
 *   read-only-allowed      gboolean
 *   deadline               gint64    unix seconds when the current step
 *                                    expires (push or second factor), 0 if none
 *   challenge              char*     (NEED_RESPONSE)
 *   challenge-suite        char*     (NEED_RESPONSE)
 *   response-digits        guint     (NEED_RESPONSE, NEED_CARD: response length)
 *   code-digits            guint     (NEED_CODE)
 *   code-charset           char*     "digits" | "upper-alnum" (NEED_CODE)
 *   sent-to                char*     masked phone number (NEED_CODE by SMS)
 *   resend-at              gint64    unix seconds after which resend is allowed, 0 if never
 *   card-indices           GStrv     the index numbers as strings (NEED_CARD)
 *   attempts-left          int       -1 when unknown
 *   retry-after            gint64    unix seconds when login is possible again (LOCKED)
 *   session                TlSession* boxed (LOGGED_IN)
 *   error                  GError*   boxed, why FAILED / LOCKED (NULL otherwise)
 */

TlAuthClient    *tl_auth_client_new                   (TlServerProfile  *profile);

/* Added: "client-name" (read-write, default "trading-login"), the name
 * sent in v1/login/start and shown to the person in an existing-session
 * question on their other client. */
const char      *tl_auth_client_get_client_name       (TlAuthClient     *self);
void             tl_auth_client_set_client_name       (TlAuthClient     *self,
                                                       const char       *client_name);

TlServerProfile *tl_auth_client_get_profile           (TlAuthClient     *self);
TlAuthState      tl_auth_client_get_state             (TlAuthClient     *self);
const char      *tl_auth_client_get_username          (TlAuthClient     *self);
GListModel      *tl_auth_client_get_devices           (TlAuthClient     *self);
TlDevice        *tl_auth_client_get_device            (TlAuthClient     *self);
const char      *tl_auth_client_get_existing_session_client (TlAuthClient *self);
GDateTime       *tl_auth_client_get_existing_session_since  (TlAuthClient *self);
gboolean         tl_auth_client_get_read_only_allowed (TlAuthClient     *self);
gint64           tl_auth_client_get_deadline          (TlAuthClient     *self);
const char      *tl_auth_client_get_challenge         (TlAuthClient     *self);
const char      *tl_auth_client_get_challenge_suite   (TlAuthClient     *self);
guint            tl_auth_client_get_response_digits   (TlAuthClient     *self);
guint            tl_auth_client_get_code_digits       (TlAuthClient     *self);
const char      *tl_auth_client_get_code_charset      (TlAuthClient     *self);
const char      *tl_auth_client_get_sent_to           (TlAuthClient     *self);
gint64           tl_auth_client_get_resend_at         (TlAuthClient     *self);
const char * const *tl_auth_client_get_card_indices   (TlAuthClient     *self);
int              tl_auth_client_get_attempts_left     (TlAuthClient     *self);
gint64           tl_auth_client_get_retry_after       (TlAuthClient     *self);
TlSession       *tl_auth_client_get_session           (TlAuthClient     *self);
const GError    *tl_auth_client_get_error             (TlAuthClient     *self);

/* Start + SRP (in a thread) + verify. @password is copied into
 * locked-down memory only for the SRP computation and wiped; the caller
 * wipes its own copy. Completes when the server has verified the
 * password: the state is then EXISTING_SESSION, CHOOSE_DEVICE,
 * WAITING_PUSH / NEED_* (one device: selected by itself) or LOGGED_IN.
 * Errors: TL_AUTH_ERROR_* with messages a person can act on; the state
 * becomes FAILED or LOCKED (INVALID_CREDENTIALS goes back to IDLE with
 * attempts-left set). */
void             tl_auth_client_login_async           (TlAuthClient     *self,
                                                       const char       *username,
                                                       const char       *password,
                                                       GCancellable     *cancellable,
                                                       GAsyncReadyCallback callback,
                                                       gpointer          user_data);
gboolean         tl_auth_client_login_finish          (TlAuthClient     *self,
                                                       GAsyncResult     *result,
                                                       GError          **error);

/* EXISTING_SESSION -> go on to the second factor (or LOGGED_IN). */
void             tl_auth_client_continue_async        (TlAuthClient     *self,
                                                       GCancellable     *cancellable,
                                                       GAsyncReadyCallback callback,
                                                       gpointer          user_data);
gboolean         tl_auth_client_continue_finish       (TlAuthClient     *self,
                                                       GAsyncResult     *result,
                                                       GError          **error);

/* CHOOSE_DEVICE (or any second-factor state, to switch) -> the device's state. */
void             tl_auth_client_select_device_async   (TlAuthClient     *self,
                                                       const char       *device_id,
                                                       GCancellable     *cancellable,
                                                       GAsyncReadyCallback callback,
                                                       gpointer          user_data);
gboolean         tl_auth_client_select_device_finish  (TlAuthClient     *self,
                                                       GAsyncResult     *result,
                                                       GError          **error);

/* WAITING_PUSH: the client long-polls v1/login/push/wait by itself and
 * moves to LOGGED_IN, or FAILED (denied / expired). This waits for that
 * outcome; cancelling @cancellable stops waiting, not the login. */
void             tl_auth_client_wait_push_async       (TlAuthClient     *self,
                                                       GCancellable     *cancellable,
                                                       GAsyncReadyCallback callback,
                                                       gpointer          user_data);
gboolean         tl_auth_client_wait_push_finish      (TlAuthClient     *self,
                                                       GAsyncResult     *result,
                                                       GError          **error);

/* "I did not receive the notification": WAITING_PUSH -> NEED_RESPONSE. */
void             tl_auth_client_request_challenge_async (TlAuthClient   *self,
                                                       GCancellable     *cancellable,
                                                       GAsyncReadyCallback callback,
                                                       gpointer          user_data);
gboolean         tl_auth_client_request_challenge_finish (TlAuthClient  *self,
                                                       GAsyncResult     *result,
                                                       GError          **error);

/* NEED_RESPONSE / NEED_CODE / NEED_CARD -> LOGGED_IN. On a wrong answer
 * the state stays, attempts-left drops, and the error says how many are
 * left; the third wrong answer ends the login (FAILED). The response is
 * checked locally first (length, charset) without using an attempt. */
void             tl_auth_client_answer_async          (TlAuthClient     *self,
                                                       const char       *response,
                                                       GCancellable     *cancellable,
                                                       GAsyncReadyCallback callback,
                                                       gpointer          user_data);
gboolean         tl_auth_client_answer_finish         (TlAuthClient     *self,
                                                       GAsyncResult     *result,
                                                       GError          **error);

/* NEED_CODE by SMS: @channel "sms" or "voice". */
void             tl_auth_client_resend_async          (TlAuthClient     *self,
                                                       const char       *channel,
                                                       GCancellable     *cancellable,
                                                       GAsyncReadyCallback callback,
                                                       gpointer          user_data);
gboolean         tl_auth_client_resend_finish         (TlAuthClient     *self,
                                                       GAsyncResult     *result,
                                                       GError          **error);

/* Skip the second factor when read-only-allowed -> LOGGED_IN, read only. */
void             tl_auth_client_read_only_async       (TlAuthClient     *self,
                                                       GCancellable     *cancellable,
                                                       GAsyncReadyCallback callback,
                                                       gpointer          user_data);
gboolean         tl_auth_client_read_only_finish      (TlAuthClient     *self,
                                                       GAsyncResult     *result,
                                                       GError          **error);

/* Opens the connection to the server ahead of the first request (say,
 * while the keyring is being read); changes no state, reports nothing. */
void             tl_auth_client_preconnect            (TlAuthClient     *self);
/* Loads the TLS backend in a thread, so that no client's first
 * connection loads it on the main thread (the app calls it once its
 * first frame is up). Does nothing once it is loaded or loading. */
void             tl_auth_client_load_tls_backend      (void);

/* Abandons the login in progress (stops any push wait) -> IDLE. */
void             tl_auth_client_cancel                (TlAuthClient     *self);

/* Session calls. resume: checks a stored session with v1/session and,
 * if live, -> LOGGED_IN with it (NO_SESSION error otherwise). */
void             tl_auth_client_resume_async          (TlAuthClient     *self,
                                                       TlSession        *stored,
                                                       GCancellable     *cancellable,
                                                       GAsyncReadyCallback callback,
                                                       gpointer          user_data);
gboolean         tl_auth_client_resume_finish         (TlAuthClient     *self,
                                                       GAsyncResult     *result,
                                                       GError          **error);
/* LOGGED_IN: refreshes "session" (new expires_at). */
void             tl_auth_client_tickle_async          (TlAuthClient     *self,
                                                       GCancellable     *cancellable,
                                                       GAsyncReadyCallback callback,
                                                       gpointer          user_data);
gboolean         tl_auth_client_tickle_finish         (TlAuthClient     *self,
                                                       GAsyncResult     *result,
                                                       GError          **error);
/* LOGGED_IN -> IDLE. */
void             tl_auth_client_logout_async          (TlAuthClient     *self,
                                                       GCancellable     *cancellable,
                                                       GAsyncReadyCallback callback,
                                                       gpointer          user_data);
gboolean         tl_auth_client_logout_finish         (TlAuthClient     *self,
                                                       GAsyncResult     *result,
                                                       GError          **error);

G_END_DECLS
