/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-auth-client"

#include "config.h"

#include <glib/gi18n.h>
#include <openssl/crypto.h>
#include <string.h>

#include "tl-auth-client.h"
#include "tl-auth-error.h"
#include "tl-http.h"
#include "tl-message.h"
#include "tl-otp.h"
#include "tl-srp.h"
#include "tl-worker.h"

/* Push wait: reconnect after a network error with this back-off. */
#define PUSH_BACKOFF_MIN_MS    500
#define PUSH_BACKOFF_MAX_MS    8000
/* A server that answers "pending" at once must not make us spin. */
#define PUSH_MIN_POLL_US       (1 * G_USEC_PER_SEC)
/* How long after the announced expiry we stop believing "pending". */
#define PUSH_EXPIRY_GRACE_S    30
#define RESUME_RETRY_MS        1000

/* Generous bounds on what the server may send; anything outside is a
 * protocol error, never an allocation we did not plan for. */
#define MAX_ID_LENGTH          256
#define MAX_SALT_BYTES         1024
#define MAX_DEVICES            32
#define MAX_CARD_INDICES       8
#define MAX_HASH_BYTES         64
#define MAX_TIMEOUT_S          (24 * 3600)
#define MAX_RETRY_AFTER_S      (366 * 24 * 3600)

G_DEFINE_ENUM_TYPE (TlAuthState, tl_auth_state,
  G_DEFINE_ENUM_VALUE (TL_AUTH_STATE_IDLE, "idle"),
  G_DEFINE_ENUM_VALUE (TL_AUTH_STATE_CONNECTING, "connecting"),
  G_DEFINE_ENUM_VALUE (TL_AUTH_STATE_AUTHENTICATING, "authenticating"),
  G_DEFINE_ENUM_VALUE (TL_AUTH_STATE_EXISTING_SESSION, "existing-session"),
  G_DEFINE_ENUM_VALUE (TL_AUTH_STATE_CHOOSE_DEVICE, "choose-device"),
  G_DEFINE_ENUM_VALUE (TL_AUTH_STATE_WAITING_PUSH, "waiting-push"),
  G_DEFINE_ENUM_VALUE (TL_AUTH_STATE_NEED_RESPONSE, "need-response"),
  G_DEFINE_ENUM_VALUE (TL_AUTH_STATE_NEED_CODE, "need-code"),
  G_DEFINE_ENUM_VALUE (TL_AUTH_STATE_NEED_CARD, "need-card"),
  G_DEFINE_ENUM_VALUE (TL_AUTH_STATE_LOGGED_IN, "logged-in"),
  G_DEFINE_ENUM_VALUE (TL_AUTH_STATE_LOCKED, "locked"),
  G_DEFINE_ENUM_VALUE (TL_AUTH_STATE_FAILED, "failed"))

struct _TlAuthClient
{
  GObject          parent_instance;

  TlServerProfile *profile;
  SoupSession     *soup;
  char            *client_name;

  /* What the UI binds to. */
  TlAuthState      state;
  char            *username;
  GListStore      *devices;
  TlDevice        *device;
  char            *existing_session_client;
  GDateTime       *existing_session_since;
  gboolean         read_only_allowed;
  gint64           deadline;
  char            *challenge;
  char            *challenge_suite;
  guint            response_digits;
  guint            code_digits;
  char            *code_charset;
  char            *sent_to;
  gint64           resend_at;
  GStrv            card_indices;
  int              attempts_left;
  gint64           retry_after;
  TlSession       *session;
  GError          *error;

  /* The login in progress. A new login or cancel bumps the generation,
   * so answers to an abandoned one are recognised and dropped. */
  guint            generation;
  GCancellable    *login_cancellable;
  gboolean         busy;
  char            *login_id;
  TlSession       *pending_session;
  gint64           factor_deadline;

  /* The push wait the client runs by itself in WAITING_PUSH. */
  char            *push_id;
  GCancellable    *push_cancellable;
  guint            push_retry_id;
  guint            push_backoff_ms;
  GQueue           push_waiters;

  /* The client's whole life: what is not part of a login (preconnect). */
  GCancellable    *cancellable;
};

G_DEFINE_FINAL_TYPE (TlAuthClient, tl_auth_client, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PROFILE,
  PROP_CLIENT_NAME,
  PROP_STATE,
  PROP_USERNAME,
  PROP_DEVICES,
  PROP_DEVICE,
  PROP_EXISTING_SESSION_CLIENT,
  PROP_EXISTING_SESSION_SINCE,
  PROP_READ_ONLY_ALLOWED,
  PROP_DEADLINE,
  PROP_CHALLENGE,
  PROP_CHALLENGE_SUITE,
  PROP_RESPONSE_DIGITS,
  PROP_CODE_DIGITS,
  PROP_CODE_CHARSET,
  PROP_SENT_TO,
  PROP_RESEND_AT,
  PROP_CARD_INDICES,
  PROP_ATTEMPTS_LEFT,
  PROP_RETRY_AFTER,
  PROP_SESSION,
  PROP_ERROR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Per-step data, owned by the step's GTask. */
typedef struct
{
  guint      generation;
  char      *password;
  gsize      password_size;
  TlSrpClient *srp;
  TlSrpGroup group;
  TlSrpHash  hash;
  GBytes    *salt;
  GBytes    *B;
  char      *bearer;
  TlSession *stored;
  guint      retries;
  gboolean   automatic;   /* the device was selected by the client itself */
  TlDevice  *previous_device;
} Op;

/* The SRP computation's own copy of its inputs: it runs in a thread. */
typedef struct
{
  TlSrpGroup group;
  TlSrpHash  hash;
  char      *username;
  char      *password;
  gsize      password_size;
  GBytes    *salt;
  GBytes    *B;
} SrpJob;

typedef struct
{
  GWeakRef   client;
  guint      generation;
  char      *push_id;
  gint64     started;
} PushPoll;

static void login_failed    (TlAuthClient *self,
                             GTask        *task,
                             GError       *error,
                             JsonObject   *body);
static void start_push_poll (TlAuthClient *self);
static void stop_push_poll  (TlAuthClient *self);
static void finish_waiters  (TlAuthClient *self);

static void
wipe_password (char  **password,
               gsize  *size)
{
  if (*password != NULL)
    OPENSSL_secure_clear_free (*password, *size);
  *password = NULL;
  *size = 0;
}

static void
op_free (Op *op)
{
  wipe_password (&op->password, &op->password_size);
  g_clear_pointer (&op->srp, tl_srp_client_free);
  g_clear_pointer (&op->salt, g_bytes_unref);
  g_clear_pointer (&op->B, g_bytes_unref);
  if (op->bearer != NULL)
    OPENSSL_cleanse (op->bearer, strlen (op->bearer));
  g_clear_pointer (&op->bearer, g_free);
  g_clear_pointer (&op->stored, tl_session_free);
  g_clear_object (&op->previous_device);
  g_free (op);
}

static void
srp_job_free (SrpJob *job)
{
  wipe_password (&job->password, &job->password_size);
  g_free (job->username);
  g_clear_pointer (&job->salt, g_bytes_unref);
  g_clear_pointer (&job->B, g_bytes_unref);
  g_free (job);
}

static void
push_poll_free (PushPoll *push_poll)
{
  g_weak_ref_clear (&push_poll->client);
  g_free (push_poll->push_id);
  g_free (push_poll);
}

/* Property setters: each notifies only on change. */

static void
set_string (TlAuthClient  *self,
            char         **field,
            const char    *value,
            guint          prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return;

  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
set_int64 (TlAuthClient *self,
           gint64       *field,
           gint64        value,
           guint         prop)
{
  if (*field == value)
    return;

  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
set_uint (TlAuthClient *self,
          guint        *field,
          guint         value,
          guint         prop)
{
  if (*field == value)
    return;

  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
set_attempts_left (TlAuthClient *self,
                   int           attempts_left)
{
  if (self->attempts_left == attempts_left)
    return;

  self->attempts_left = attempts_left;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ATTEMPTS_LEFT]);
}

static void
set_read_only_allowed (TlAuthClient *self,
                       gboolean      allowed)
{
  allowed = !!allowed;
  if (self->read_only_allowed == allowed)
    return;

  self->read_only_allowed = allowed;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READ_ONLY_ALLOWED]);
}

static void
set_device (TlAuthClient *self,
            TlDevice     *device)
{
  if (g_set_object (&self->device, device))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DEVICE]);
}

static void
set_existing_session (TlAuthClient *self,
                      const char   *client,
                      GDateTime    *since)
{
  set_string (self, &self->existing_session_client, client, PROP_EXISTING_SESSION_CLIENT);

  if (self->existing_session_since == since ||
      (self->existing_session_since != NULL && since != NULL &&
       g_date_time_equal (self->existing_session_since, since)))
    return;

  g_clear_pointer (&self->existing_session_since, g_date_time_unref);
  if (since != NULL)
    self->existing_session_since = g_date_time_ref (since);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EXISTING_SESSION_SINCE]);
}

static void
set_card_indices (TlAuthClient       *self,
                  const char * const *indices)
{
  if ((self->card_indices == NULL && indices == NULL) ||
      (self->card_indices != NULL && indices != NULL &&
       g_strv_equal ((const char * const *) self->card_indices, indices)))
    return;

  g_clear_pointer (&self->card_indices, g_strfreev);
  self->card_indices = g_strdupv ((char **) indices);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CARD_INDICES]);
}

static void
set_session (TlAuthClient *self,
             TlSession    *session)
{
  if (self->session == NULL && session == NULL)
    return;

  g_clear_pointer (&self->session, tl_session_free);
  self->session = session;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

static void
set_error (TlAuthClient *self,
           const GError *error)
{
  if (self->error == NULL && error == NULL)
    return;

  g_clear_error (&self->error);
  if (error != NULL)
    self->error = g_error_copy (error);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
}

static void
set_state (TlAuthClient *self,
           TlAuthState   state)
{
  TlAuthState old_state = self->state;

  if (old_state == state)
    return;

  if (old_state == TL_AUTH_STATE_WAITING_PUSH)
    stop_push_poll (self);

  /* "error" explains FAILED and LOCKED only. */
  if (state != TL_AUTH_STATE_FAILED && state != TL_AUTH_STATE_LOCKED)
    set_error (self, NULL);

  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);

  /* Last: a waiter's callback may run at once and call back into us. */
  if (old_state == TL_AUTH_STATE_WAITING_PUSH)
    finish_waiters (self);
}

/* What only one second-factor state needs. */
static void
clear_step_data (TlAuthClient *self)
{
  set_string (self, &self->challenge, NULL, PROP_CHALLENGE);
  set_string (self, &self->challenge_suite, NULL, PROP_CHALLENGE_SUITE);
  set_uint (self, &self->response_digits, 0, PROP_RESPONSE_DIGITS);
  set_uint (self, &self->code_digits, 0, PROP_CODE_DIGITS);
  set_string (self, &self->code_charset, NULL, PROP_CODE_CHARSET);
  set_string (self, &self->sent_to, NULL, PROP_SENT_TO);
  set_int64 (self, &self->resend_at, 0, PROP_RESEND_AT);
  set_card_indices (self, NULL);
}

static void
clear_login_data (TlAuthClient *self)
{
  clear_step_data (self);
  set_device (self, NULL);
  set_existing_session (self, NULL, NULL);
  set_read_only_allowed (self, FALSE);
  set_int64 (self, &self->deadline, 0, PROP_DEADLINE);
  if (g_list_model_get_n_items (G_LIST_MODEL (self->devices)) > 0)
    g_list_store_remove_all (self->devices);

  g_clear_pointer (&self->login_id, g_free);
  g_clear_pointer (&self->push_id, g_free);
  g_clear_pointer (&self->pending_session, tl_session_free);
  self->factor_deadline = 0;
}

static void
complete_waiter (GTask  *task,
                 GError *error)
{
  GSource *source = g_task_get_task_data (task);

  if (source != NULL)
    g_source_destroy (source);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

/* The push wait has an outcome (or is abandoned): tell everyone waiting. */
static void
finish_waiters (TlAuthClient *self)
{
  GQueue waiters = self->push_waiters;

  g_queue_init (&self->push_waiters);

  for (GList *l = waiters.head; l != NULL; l = l->next)
    {
      GTask *task = l->data;

      if (self->state == TL_AUTH_STATE_LOGGED_IN)
        complete_waiter (task, NULL);
      else if ((self->state == TL_AUTH_STATE_FAILED || self->state == TL_AUTH_STATE_LOCKED) &&
               self->error != NULL)
        complete_waiter (task, g_error_copy (self->error));
      else
        complete_waiter (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                    _("The wait for the notification was stopped.")));
    }

  g_list_free (waiters.head);
}

/* Abandons whatever login is under way, quietly. */
static void
reset_login (TlAuthClient *self)
{
  self->generation++;
  self->busy = FALSE;

  g_cancellable_cancel (self->login_cancellable);
  g_clear_object (&self->login_cancellable);
  self->login_cancellable = g_cancellable_new ();

  stop_push_poll (self);
  clear_login_data (self);
}

/* Step plumbing: one step at a time; answers to an abandoned login are
 * dropped without touching the state. */

static GTask *
step_new (TlAuthClient        *self,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data,
          gpointer             source_tag)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Op *op = g_new0 (Op, 1);

  g_task_set_source_tag (task, source_tag);
  op->generation = self->generation;
  g_task_set_task_data (task, op, (GDestroyNotify) op_free);

  return task;
}

static gboolean
step_begin (TlAuthClient *self,
            GTask        *task)
{
  if (self->busy)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               _("Another step of the login is under way. Wait for it to finish."));
      return FALSE;
    }

  self->busy = TRUE;
  ((Op *) g_task_get_task_data (task))->generation = self->generation;
  return TRUE;
}

static gboolean
step_is_stale (GTask *task)
{
  TlAuthClient *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);

  if (op->generation == self->generation)
    return FALSE;

  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                           _("The login was abandoned."));
  return TRUE;
}

static void
step_return_ok (GTask *task)
{
  TlAuthClient *self = g_task_get_source_object (task);

  self->busy = FALSE;
  g_task_return_boolean (task, TRUE);
}

static void
step_return_error (GTask  *task,
                   GError *error)
{
  TlAuthClient *self = g_task_get_source_object (task);

  self->busy = FALSE;
  g_task_return_error (task, error);
}

static gboolean
state_is_one_of (TlAuthClient *self,
                 ...)
{
  va_list args;
  int state;
  gboolean found = FALSE;

  va_start (args, self);
  while ((state = va_arg (args, int)) != -1)
    if ((TlAuthState) state == self->state)
      found = TRUE;
  va_end (args);

  return found;
}

static gboolean
require_state (TlAuthClient *self,
               GTask        *task,
               gboolean      ok)
{
  if (ok)
    return TRUE;

  g_task_return_new_error (task, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT,
                           _("This step is not possible now. Start the login again if it does not go on."));
  return FALSE;
}

static GBytes *
build_body (const char *first_member,
            ...) G_GNUC_NULL_TERMINATED;

static GBytes *
build_body (const char *first_member,
            ...)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  va_list args;

  json_builder_begin_object (builder);
  va_start (args, first_member);
  for (const char *member = first_member; member != NULL; member = va_arg (args, const char *))
    {
      json_builder_set_member_name (builder, member);
      json_builder_add_string_value (builder, va_arg (args, const char *));
    }
  va_end (args);

  return tl_message_builder_end (builder);
}

static void
post (TlAuthClient        *self,
      const char          *path,
      GBytes              *body,
      const char          *bearer,
      GTask               *task,
      GAsyncReadyCallback  callback)
{
  tl_http_request_async (self->soup, self->profile, body != NULL ? "POST" : "GET",
                         path, body, bearer, TL_HTTP_REQUEST_TIMEOUT,
                         g_task_get_cancellable (task), self->login_cancellable,
                         callback, task);
}

/* Error sentences: written once, here. */

static char *
format_duration (gint64 seconds)
{
  gint64 minutes = (seconds + 59) / 60;

  if (seconds <= 0)
    seconds = 1;

  if (minutes >= 60)
    {
      int h = (int) (minutes / 60);
      int m = (int) (minutes % 60);
      g_autofree char *hours = g_strdup_printf (ngettext ("%d hour", "%d hours", h), h);
      g_autofree char *mins = NULL;

      if (m == 0)
        return g_steal_pointer (&hours);

      mins = g_strdup_printf (ngettext ("%d minute", "%d minutes", m), m);
      /* Translators: a duration, "3 hours 12 minutes". */
      return g_strdup_printf (C_("duration", "%s %s"), hours, mins);
    }

  if (seconds >= 60)
    return g_strdup_printf (ngettext ("%d minute", "%d minutes", (int) minutes), (int) minutes);

  return g_strdup_printf (ngettext ("%d second", "%d seconds", (int) seconds), (int) seconds);
}

/* Rewrites an error from the server (@body: its error object) into the
 * sentence a person sees, and reads the numbers that go with it. */
static GError *
explain_error (GError     *error,
               JsonObject *body,
               int        *out_attempts_left,
               gint64     *out_retry_after)
{
  gint64 attempts_left = -1;
  gint64 retry_after = -1;
  GError *explained = NULL;

  *out_attempts_left = -1;
  *out_retry_after = 0;

  if (error->domain != TL_AUTH_ERROR || body == NULL)
    return error;

  /* The extras are advice: a malformed one is ignored, not fatal. */
  if (!tl_message_get_optional_int (body, "attempts_left", 0, 1000, &attempts_left, NULL))
    attempts_left = -1;
  if (!tl_message_get_optional_int (body, "retry_after", 0, MAX_RETRY_AFTER_S, &retry_after, NULL))
    retry_after = -1;

  switch (error->code)
    {
    case TL_AUTH_ERROR_INVALID_CREDENTIALS:
      *out_attempts_left = (int) attempts_left;
      if (attempts_left > 0)
        explained = g_error_new (TL_AUTH_ERROR, error->code,
                                 ngettext ("Invalid username or password. %d attempt left before your account is locked for 24 hours.",
                                           "Invalid username or password. %d attempts left before your account is locked for 24 hours.",
                                           (int) attempts_left),
                                 (int) attempts_left);
      else if (attempts_left == 0)
        explained = g_error_new_literal (TL_AUTH_ERROR, error->code,
                                         _("Invalid username or password. Your account is now locked for 24 hours."));
      break;

    case TL_AUTH_ERROR_LOCKED:
    case TL_AUTH_ERROR_THROTTLED:
      if (retry_after >= 0)
        {
          g_autofree char *duration = format_duration (retry_after);

          *out_retry_after = g_get_real_time () / G_USEC_PER_SEC + retry_after;
          if (error->code == TL_AUTH_ERROR_LOCKED)
            explained = g_error_new (TL_AUTH_ERROR, error->code,
                                     _("Your account is locked after too many failed logins. Try again in %s."),
                                     duration);
          else
            explained = g_error_new (TL_AUTH_ERROR, error->code,
                                     _("Too many attempts. Try again in %s."), duration);
        }
      break;

    case TL_AUTH_ERROR_SECOND_FACTOR_FAILED:
      *out_attempts_left = (int) attempts_left;
      if (attempts_left > 0)
        explained = g_error_new (TL_AUTH_ERROR, error->code,
                                 ngettext ("The code was not accepted. %d attempt left.",
                                           "The code was not accepted. %d attempts left.",
                                           (int) attempts_left),
                                 (int) attempts_left);
      else if (attempts_left == 0)
        explained = g_error_new_literal (TL_AUTH_ERROR, error->code,
                                         _("The code was not accepted, and no attempts are left. Log in again."));
      break;

    default:
      break;
    }

  if (explained == NULL)
    return error;

  g_error_free (error);
  return explained;
}

static GError *
protocol_error (GError *detail)
{
  GError *error = NULL;

  if (detail != NULL && detail->domain == TL_AUTH_ERROR &&
      detail->code == TL_AUTH_ERROR_PROTOCOL)
    return detail;

  tl_auth_error_set_protocol (&error, detail != NULL ? detail->message : NULL);
  g_clear_error (&detail);
  return error;
}

/* Errors after which the login cannot go on. */
static gboolean
error_is_fatal (const GError *error)
{
  if (error->domain != TL_AUTH_ERROR)
    return FALSE;

  switch (error->code)
    {
    case TL_AUTH_ERROR_NETWORK:
    case TL_AUTH_ERROR_SERVER_ERROR:
    case TL_AUTH_ERROR_THROTTLED:
    case TL_AUTH_ERROR_NOT_ALLOWED:
    case TL_AUTH_ERROR_INVALID_INPUT:
    case TL_AUTH_ERROR_SECOND_FACTOR_FAILED:
      return FALSE;
    default:
      return TRUE;
    }
}

static void
enter_failed (TlAuthClient *self,
              const GError *error)
{
  stop_push_poll (self);
  set_error (self, error);
  set_state (self, TL_AUTH_STATE_FAILED);
}

static void
enter_locked (TlAuthClient *self,
              const GError *error,
              gint64        retry_after)
{
  stop_push_poll (self);
  set_int64 (self, &self->retry_after, retry_after, PROP_RETRY_AFTER);
  set_error (self, error);
  set_state (self, TL_AUTH_STATE_LOCKED);
}

static void
enter_logged_in (TlAuthClient *self,
                 TlSession    *session)
{
  clear_step_data (self);
  set_int64 (self, &self->deadline, 0, PROP_DEADLINE);
  set_string (self, &self->username, session->username, PROP_USERNAME);
  set_session (self, session);
  g_clear_pointer (&self->login_id, g_free);
  g_clear_pointer (&self->push_id, g_free);
  set_state (self, TL_AUTH_STATE_LOGGED_IN);
}

/* A step of the second factor failed: the login ends when the error
 * says so; otherwise the person may try again from where they were. */
static void
second_factor_step_failed (TlAuthClient *self,
                           GTask        *task,
                           GError       *error,
                           JsonObject   *body)
{
  int attempts_left;
  gint64 retry_after;

  error = explain_error (error, body, &attempts_left, &retry_after);

  if (g_error_matches (error, TL_AUTH_ERROR, TL_AUTH_ERROR_SECOND_FACTOR_FAILED))
    {
      set_attempts_left (self, attempts_left);
      if (attempts_left == 0)
        enter_failed (self, error);
    }
  else if (g_error_matches (error, TL_AUTH_ERROR, TL_AUTH_ERROR_LOCKED))
    {
      enter_locked (self, error, retry_after);
    }
  else if (error_is_fatal (error))
    {
      enter_failed (self, error);
    }

  if (self->state == TL_AUTH_STATE_WAITING_PUSH)
    start_push_poll (self);

  step_return_error (task, error);
}

/* Push wait. */

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static void
stop_push_poll (TlAuthClient *self)
{
  g_clear_handle_id (&self->push_retry_id, g_source_remove);
  if (self->push_cancellable != NULL)
    {
      g_cancellable_cancel (self->push_cancellable);
      g_clear_object (&self->push_cancellable);
    }
}

static void on_push_wait (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data);

static void
issue_push_wait (TlAuthClient *self)
{
  g_autoptr(GBytes) body = NULL;
  PushPoll *push_poll;

  if (self->push_cancellable == NULL)
    self->push_cancellable = g_cancellable_new ();

  push_poll = g_new0 (PushPoll, 1);
  g_weak_ref_init (&push_poll->client, self);
  push_poll->generation = self->generation;
  push_poll->push_id = g_strdup (self->push_id);
  push_poll->started = g_get_monotonic_time ();

  body = build_body ("login_id", self->login_id, "push_id", self->push_id, NULL);
  tl_http_request_async (self->soup, self->profile, "POST", "v1/login/push/wait",
                         body, NULL, TL_HTTP_LONG_POLL_TIMEOUT,
                         self->push_cancellable, self->login_cancellable,
                         on_push_wait, push_poll);
}

static gboolean
on_push_retry (gpointer user_data)
{
  TlAuthClient *self = user_data;

  self->push_retry_id = 0;
  if (self->state == TL_AUTH_STATE_WAITING_PUSH)
    issue_push_wait (self);

  return G_SOURCE_REMOVE;
}

static void
schedule_push_wait (TlAuthClient *self,
                    guint         delay_ms)
{
  g_clear_handle_id (&self->push_retry_id, g_source_remove);
  if (delay_ms == 0)
    issue_push_wait (self);
  else
    self->push_retry_id = g_timeout_add (delay_ms, on_push_retry, self);
}

static void
start_push_poll (TlAuthClient *self)
{
  stop_push_poll (self);
  self->push_backoff_ms = PUSH_BACKOFF_MIN_MS;
  self->push_cancellable = g_cancellable_new ();
  issue_push_wait (self);
}

static void
push_expired (TlAuthClient *self)
{
  g_autoptr(GError) error = NULL;

  error = g_error_new (TL_AUTH_ERROR, TL_AUTH_ERROR_SECOND_FACTOR_EXPIRED,
                       _("The notification on “%s” was not approved in time. Log in again."),
                       self->device != NULL ? tl_device_get_label (self->device) : "");
  enter_failed (self, error);
}

static void
on_push_wait (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  PushPoll *push_poll = user_data;
  g_autoptr(TlAuthClient) self = g_weak_ref_get (&push_poll->client);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) error_body = NULL;
  g_autoptr(JsonObject) answer = NULL;
  const char *status;
  gint64 now = now_seconds ();

  answer = tl_http_request_finish (result, &error_body, &error);

  if (self == NULL || push_poll->generation != self->generation ||
      self->state != TL_AUTH_STATE_WAITING_PUSH ||
      g_strcmp0 (push_poll->push_id, self->push_id) != 0 ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      push_poll_free (push_poll);
      return;
    }

  if (answer == NULL)
    {
      if (g_error_matches (error, TL_AUTH_ERROR, TL_AUTH_ERROR_NETWORK) ||
          g_error_matches (error, TL_AUTH_ERROR, TL_AUTH_ERROR_SERVER_ERROR))
        {
          /* Asking again is safe: a push wait changes nothing. */
          if (self->deadline != 0 && now >= self->deadline)
            {
              push_expired (self);
            }
          else
            {
              g_debug ("Push wait failed, retrying in %u ms: %s",
                       self->push_backoff_ms, error->message);
              schedule_push_wait (self, self->push_backoff_ms);
              self->push_backoff_ms = MIN (self->push_backoff_ms * 2, PUSH_BACKOFF_MAX_MS);
            }
        }
      else
        {
          int attempts_left;
          gint64 retry_after;
          GError *explained = explain_error (g_steal_pointer (&error), error_body,
                                             &attempts_left, &retry_after);

          enter_failed (self, explained);
          g_error_free (explained);
        }

      push_poll_free (push_poll);
      return;
    }

  self->push_backoff_ms = PUSH_BACKOFF_MIN_MS;

  status = tl_message_get_string (answer, "status", &error);
  if (status == NULL)
    {
      GError *mapped = protocol_error (g_steal_pointer (&error));

      enter_failed (self, mapped);
      g_error_free (mapped);
    }
  else if (g_str_equal (status, "pending"))
    {
      if (self->deadline != 0 && now > self->deadline + PUSH_EXPIRY_GRACE_S)
        push_expired (self);
      else if (g_get_monotonic_time () - push_poll->started < PUSH_MIN_POLL_US)
        schedule_push_wait (self, PUSH_MIN_POLL_US / 1000);
      else
        schedule_push_wait (self, 0);
    }
  else if (g_str_equal (status, "approved"))
    {
      JsonObject *session_object = tl_message_get_object (answer, "session", &error);
      TlSession *session = session_object != NULL ? tl_session_from_json (session_object, TRUE, &error) : NULL;

      if (session == NULL)
        {
          GError *mapped = protocol_error (g_steal_pointer (&error));

          enter_failed (self, mapped);
          g_error_free (mapped);
        }
      else
        {
          enter_logged_in (self, session);
        }
    }
  else if (g_str_equal (status, "denied"))
    {
      error = g_error_new (TL_AUTH_ERROR, TL_AUTH_ERROR_SECOND_FACTOR_FAILED,
                           _("The login was denied on “%s”. If you did not start it, change your password."),
                           self->device != NULL ? tl_device_get_label (self->device) : "");
      enter_failed (self, error);
    }
  else if (g_str_equal (status, "expired"))
    {
      push_expired (self);
    }
  else
    {
      GError *mapped = NULL;
      g_autofree char *detail = g_strdup_printf (_("unknown push status “%s”"), status);

      tl_auth_error_set_protocol (&mapped, detail);
      enter_failed (self, mapped);
      g_error_free (mapped);
    }

  push_poll_free (push_poll);
}

/* Second factor: what the server answers for the chosen device. */

static gboolean
apply_code_method (TlAuthClient  *self,
                   JsonObject    *answer,
                   GError       **error)
{
  gint64 digits, resend_after = -1;
  const char *charset, *sent_to = NULL;

  if (!tl_message_get_int (answer, "digits", 4, 16, &digits, error) ||
      (charset = tl_message_get_string (answer, "charset", error)) == NULL ||
      !tl_message_get_optional_string (answer, "sent_to", &sent_to, error) ||
      !tl_message_get_optional_int (answer, "resend_after", 0, MAX_TIMEOUT_S, &resend_after, error))
    return FALSE;

  if (!g_str_equal (charset, "digits") && !g_str_equal (charset, "upper-alnum"))
    {
      g_set_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_BAD_REQUEST,
                   _("unknown code charset “%s”"), charset);
      return FALSE;
    }

  set_uint (self, &self->code_digits, (guint) digits, PROP_CODE_DIGITS);
  set_string (self, &self->code_charset, charset, PROP_CODE_CHARSET);
  set_string (self, &self->sent_to, sent_to, PROP_SENT_TO);
  set_int64 (self, &self->resend_at,
             resend_after >= 0 ? now_seconds () + resend_after : 0, PROP_RESEND_AT);
  return TRUE;
}

static gboolean
apply_challenge (TlAuthClient  *self,
                 JsonObject    *answer,
                 GError       **error)
{
  g_autoptr(TlOcraSuite) suite = NULL;
  const char *challenge, *suite_name;
  gint64 digits;

  if ((challenge = tl_message_get_string (answer, "challenge", error)) == NULL ||
      (suite_name = tl_message_get_string (answer, "suite", error)) == NULL ||
      !tl_message_get_int (answer, "response_digits", 4, 10, &digits, error))
    return FALSE;

  /* Shown to the person and typed into a device: it must be what the
   * suite says it is. */
  if ((suite = tl_ocra_suite_parse (suite_name, error)) == NULL ||
      !tl_ocra_check_question (suite, challenge, error))
    return FALSE;

  set_string (self, &self->challenge, challenge, PROP_CHALLENGE);
  set_string (self, &self->challenge_suite, suite_name, PROP_CHALLENGE_SUITE);
  set_uint (self, &self->response_digits, (guint) digits, PROP_RESPONSE_DIGITS);
  return TRUE;
}

static gboolean
apply_card (TlAuthClient  *self,
            JsonObject    *answer,
            GError       **error)
{
  g_autoptr(GPtrArray) indices = g_ptr_array_new_with_free_func (g_free);
  JsonArray *array;
  gint64 length;

  if ((array = tl_message_get_array (answer, "indices", MAX_CARD_INDICES, error)) == NULL ||
      !tl_message_get_int (answer, "response_length", 1, 32, &length, error))
    return FALSE;

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64 ||
          json_node_get_int (node) < 0 || json_node_get_int (node) > 99999)
        {
          g_set_error_literal (error, TL_AUTH_ERROR, TL_AUTH_ERROR_BAD_REQUEST,
                               _("a card index is not a number"));
          return FALSE;
        }
      g_ptr_array_add (indices, g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node)));
    }

  if (indices->len == 0)
    {
      g_set_error_literal (error, TL_AUTH_ERROR, TL_AUTH_ERROR_BAD_REQUEST,
                           _("the card has no index numbers"));
      return FALSE;
    }

  g_ptr_array_add (indices, NULL);
  set_card_indices (self, (const char * const *) indices->pdata);
  set_uint (self, &self->response_digits, (guint) length, PROP_RESPONSE_DIGITS);
  return TRUE;
}

static void
on_second_factor (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TlAuthClient *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) error_body = NULL;
  g_autoptr(JsonObject) answer = NULL;
  TlAuthState next_state;
  const char *method;

  answer = tl_http_request_finish (result, &error_body, &error);
  if (step_is_stale (task))
    return;

  if (answer == NULL)
    {
      /* Cancelling the login (or continue) call abandons the login. */
      if (op->automatic && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          login_failed (self, task, g_steal_pointer (&error), NULL);
          return;
        }

      /* The client chose by itself: let the person choose again. */
      if (op->automatic && !error_is_fatal (error))
        {
          set_device (self, NULL);
          set_state (self, TL_AUTH_STATE_CHOOSE_DEVICE);
        }
      else
        {
          set_device (self, op->previous_device);
        }
      second_factor_step_failed (self, task, g_steal_pointer (&error), error_body);
      return;
    }

  if ((method = tl_message_get_string (answer, "method", &error)) == NULL)
    goto protocol;

  /* The device was set by the caller; the rest of the old state goes. */
  clear_step_data (self);

  if (g_str_equal (method, "push"))
    {
      const char *push_id;
      gint64 expires_in;

      if ((push_id = tl_message_get_string (answer, "push_id", &error)) == NULL ||
          !tl_message_get_int (answer, "expires_in", 1, MAX_TIMEOUT_S, &expires_in, &error))
        goto protocol;

      g_free (self->push_id);
      self->push_id = g_strdup (push_id);
      set_int64 (self, &self->deadline, now_seconds () + expires_in, PROP_DEADLINE);
      next_state = TL_AUTH_STATE_WAITING_PUSH;
    }
  else if (g_str_equal (method, "code"))
    {
      if (!apply_code_method (self, answer, &error))
        goto protocol;
      next_state = TL_AUTH_STATE_NEED_CODE;
    }
  else if (g_str_equal (method, "challenge"))
    {
      if (!apply_challenge (self, answer, &error))
        goto protocol;
      next_state = TL_AUTH_STATE_NEED_RESPONSE;
    }
  else if (g_str_equal (method, "card"))
    {
      if (!apply_card (self, answer, &error))
        goto protocol;
      next_state = TL_AUTH_STATE_NEED_CARD;
    }
  else
    {
      g_set_error (&error, TL_AUTH_ERROR, TL_AUTH_ERROR_BAD_REQUEST,
                   _("unknown second-factor method “%s”"), method);
      goto protocol;
    }

  if (next_state != TL_AUTH_STATE_WAITING_PUSH)
    set_int64 (self, &self->deadline, self->factor_deadline, PROP_DEADLINE);

  if (next_state == TL_AUTH_STATE_WAITING_PUSH && self->state == TL_AUTH_STATE_WAITING_PUSH)
    {
      /* Another push (a second device, or the same one again): the old
       * waiters see the new push's outcome. */
      start_push_poll (self);
    }
  else
    {
      set_state (self, next_state);
      if (next_state == TL_AUTH_STATE_WAITING_PUSH)
        start_push_poll (self);
    }

  step_return_ok (task);
  return;

protocol:
  {
    GError *mapped = protocol_error (g_steal_pointer (&error));

    enter_failed (self, mapped);
    step_return_error (task, mapped);
  }
}

static void
start_second_factor (TlAuthClient *self,
                     TlDevice     *device,
                     GTask        *task)
{
  g_autoptr(GBytes) body = NULL;

  Op *op = g_task_get_task_data (task);

  /* A pending push is abandoned while another device is asked for. */
  stop_push_poll (self);
  g_set_object (&op->previous_device, self->device);
  set_device (self, device);

  body = build_body ("login_id", self->login_id,
                     "device_id", tl_device_get_id (device),
                     NULL);
  post (self, "v1/login/second-factor", body, NULL, task, on_second_factor);
}

/* After the password: the session, or the second factor. */
static void
proceed_after_verify (TlAuthClient *self,
                      GTask        *task_in)
{
  g_autoptr(GTask) task = task_in;

  if (self->pending_session != NULL)
    {
      enter_logged_in (self, g_steal_pointer (&self->pending_session));
      step_return_ok (task);
      return;
    }

  if (g_list_model_get_n_items (G_LIST_MODEL (self->devices)) == 1)
    {
      g_autoptr(TlDevice) device = g_list_model_get_item (G_LIST_MODEL (self->devices), 0);
      Op *op = g_task_get_task_data (task);

      op->automatic = TRUE;
      start_second_factor (self, device, g_steal_pointer (&task));
      return;
    }

  set_state (self, TL_AUTH_STATE_CHOOSE_DEVICE);
  step_return_ok (task);
}

/* Login: start, SRP, verify. */

static void
login_failed (TlAuthClient *self,
              GTask        *task,
              GError       *error,
              JsonObject   *body)
{
  int attempts_left;
  gint64 retry_after;

  g_clear_pointer (&((Op *) g_task_get_task_data (task))->srp, tl_srp_client_free);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      clear_login_data (self);
      set_state (self, TL_AUTH_STATE_IDLE);
      step_return_error (task, error);
      return;
    }

  error = explain_error (error, body, &attempts_left, &retry_after);

  if (g_error_matches (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_CREDENTIALS))
    {
      clear_login_data (self);
      set_attempts_left (self, attempts_left);
      set_state (self, TL_AUTH_STATE_IDLE);
    }
  else if (g_error_matches (error, TL_AUTH_ERROR, TL_AUTH_ERROR_LOCKED) ||
           g_error_matches (error, TL_AUTH_ERROR, TL_AUTH_ERROR_THROTTLED))
    {
      clear_login_data (self);
      enter_locked (self, error, retry_after);
    }
  else
    {
      clear_login_data (self);
      enter_failed (self, error);
    }

  step_return_error (task, error);
}

static gboolean
parse_devices (TlAuthClient  *self,
               JsonObject    *second_factor,
               GError       **error)
{
  g_autoptr(GPtrArray) devices = g_ptr_array_new_with_free_func (g_object_unref);
  const char *default_device = NULL;
  gboolean read_only_allowed = FALSE;
  gint64 timeout = 0;
  JsonArray *array;

  if ((array = tl_message_get_array (second_factor, "devices", MAX_DEVICES, error)) == NULL ||
      !tl_message_get_optional_string (second_factor, "default_device", &default_device, error) ||
      !tl_message_get_optional_bool (second_factor, "read_only_allowed", &read_only_allowed, error) ||
      !tl_message_get_optional_int (second_factor, "timeout", 1, MAX_TIMEOUT_S, &timeout, error))
    return FALSE;

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *object;
      const char *id, *kind_name, *label = NULL;
      TlDeviceKind kind;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          g_set_error_literal (error, TL_AUTH_ERROR, TL_AUTH_ERROR_BAD_REQUEST,
                               _("a device is not an object"));
          return FALSE;
        }

      object = json_node_get_object (node);
      if ((id = tl_message_get_string (object, "id", error)) == NULL ||
          (kind_name = tl_message_get_string (object, "kind", error)) == NULL ||
          !tl_message_get_optional_string (object, "label", &label, error))
        return FALSE;

      if (*id == '\0' || strlen (id) > MAX_ID_LENGTH)
        {
          g_set_error_literal (error, TL_AUTH_ERROR, TL_AUTH_ERROR_BAD_REQUEST,
                               _("a device id is empty or too long"));
          return FALSE;
        }

      /* A kind from a newer server is one this client cannot use. */
      if (!tl_device_kind_from_string (kind_name, &kind))
        {
          g_debug ("Skipping a device of unknown kind “%s”", kind_name);
          continue;
        }

      if (label == NULL || *label == '\0')
        label = tl_device_kind_describe (kind);

      g_ptr_array_add (devices, tl_device_new (id, kind, label,
                                               g_strcmp0 (id, default_device) == 0));
    }

  g_list_store_splice (self->devices, 0,
                       g_list_model_get_n_items (G_LIST_MODEL (self->devices)),
                       devices->pdata, devices->len);
  set_read_only_allowed (self, read_only_allowed);
  self->factor_deadline = timeout > 0 ? now_seconds () + timeout : 0;
  set_int64 (self, &self->deadline, self->factor_deadline, PROP_DEADLINE);
  return TRUE;
}

static void
on_verify (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TlAuthClient *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) error_body = NULL;
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(GBytes) M2 = NULL;
  g_autoptr(GDateTime) since = NULL;
  JsonObject *existing, *second_factor, *session_object;
  const char *next, *existing_client = NULL, *existing_since = NULL;

  answer = tl_http_request_finish (result, &error_body, &error);
  if (step_is_stale (task))
    return;

  if (answer == NULL)
    {
      login_failed (self, task, g_steal_pointer (&error), error_body);
      return;
    }

  /* First of all: a server that does not know the verifier gets nothing
   * more from us, not even a look at the rest of its answer. */
  if ((M2 = tl_message_get_base64 (answer, "M2", MAX_HASH_BYTES, &error)) == NULL)
    goto protocol;

  if (!tl_srp_client_verify_M2 (op->srp, M2, &error))
    {
      g_clear_error (&error);
      g_set_error_literal (&error, TL_AUTH_ERROR, TL_AUTH_ERROR_SERVER_IDENTITY,
                           tl_auth_error_message (TL_AUTH_ERROR_SERVER_IDENTITY));
      login_failed (self, task, g_steal_pointer (&error), NULL);
      return;
    }
  g_clear_pointer (&op->srp, tl_srp_client_free);

  if ((next = tl_message_get_string (answer, "next", &error)) == NULL)
    goto protocol;

  existing = tl_message_get_optional_object (answer, "existing_session");
  if (existing != NULL)
    {
      if (!tl_message_get_optional_string (existing, "client", &existing_client, &error) ||
          !tl_message_get_optional_string (existing, "since", &existing_since, &error))
        goto protocol;

      if (existing_since != NULL &&
          (since = g_date_time_new_from_iso8601 (existing_since, NULL)) == NULL)
        {
          g_set_error_literal (&error, TL_AUTH_ERROR, TL_AUTH_ERROR_BAD_REQUEST,
                               _("the existing session's start is not an RFC 3339 time"));
          goto protocol;
        }
    }

  if (g_str_equal (next, "session"))
    {
      if ((session_object = tl_message_get_object (answer, "session", &error)) == NULL ||
          (self->pending_session = tl_session_from_json (session_object, TRUE, &error)) == NULL)
        goto protocol;
    }
  else if (g_str_equal (next, "second_factor"))
    {
      if ((second_factor = tl_message_get_object (answer, "second_factor", &error)) == NULL ||
          !parse_devices (self, second_factor, &error))
        goto protocol;
    }
  else
    {
      g_set_error (&error, TL_AUTH_ERROR, TL_AUTH_ERROR_BAD_REQUEST,
                   _("unknown next step “%s”"), next);
      goto protocol;
    }

  /* The password was right: the count of failed logins is the server's
   * business again, and from here attempts-left is the second factor's. */
  set_attempts_left (self, -1);

  if (existing != NULL)
    {
      set_existing_session (self, existing_client != NULL ? existing_client : "", since);
      set_state (self, TL_AUTH_STATE_EXISTING_SESSION);
      step_return_ok (task);
      return;
    }

  proceed_after_verify (self, g_steal_pointer (&task));
  return;

protocol:
  login_failed (self, task, protocol_error (g_steal_pointer (&error)), NULL);
}

static void
srp_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  SrpJob *job = task_data;
  GError *error = NULL;
  TlSrpClient *client;

  client = tl_srp_client_new (job->group, job->hash, job->username, job->password,
                              job->salt, job->B, &error);
  /* The password is not needed any more. */
  wipe_password (&job->password, &job->password_size);

  if (client == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, client, (GDestroyNotify) tl_srp_client_free);
}

static void
on_srp_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TlAuthClient *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(GBytes) A = NULL;
  g_autoptr(GBytes) M1 = NULL;
  TlSrpClient *client;

  client = g_task_propagate_pointer (G_TASK (result), &error);
  if (step_is_stale (task))
    {
      g_clear_pointer (&client, tl_srp_client_free);
      return;
    }

  if (g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    {
      g_clear_pointer (&client, tl_srp_client_free);
      login_failed (self, task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                     _("The login was cancelled.")), NULL);
      return;
    }

  if (client == NULL)
    {
      /* Only the server's numbers (B = 0 mod N, u = 0) make the math
       * refuse; a failing OpenSSL is reported as such. */
      if (!g_error_matches (error, TL_AUTH_ERROR, TL_AUTH_ERROR_CRYPTO))
        error = protocol_error (g_steal_pointer (&error));
      login_failed (self, task, g_steal_pointer (&error), NULL);
      return;
    }

  op->srp = client;
  A = tl_srp_client_get_A (client);
  M1 = tl_srp_client_get_M1 (client);

  builder = json_builder_new_immutable ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "login_id");
  json_builder_add_string_value (builder, self->login_id);
  tl_message_add_base64 (builder, "A", A);
  tl_message_add_base64 (builder, "M1", M1);
  body = tl_message_builder_end (builder);

  post (self, "v1/login/verify", body, NULL, g_steal_pointer (&task), on_verify);
}

static void
on_start (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TlAuthClient *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) error_body = NULL;
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(GTask) srp_task = NULL;
  JsonObject *srp;
  const char *login_id, *group_name, *hash_name;
  SrpJob *job;

  answer = tl_http_request_finish (result, &error_body, &error);
  if (step_is_stale (task))
    return;

  if (answer == NULL)
    {
      login_failed (self, task, g_steal_pointer (&error), error_body);
      return;
    }

  if ((login_id = tl_message_get_string (answer, "login_id", &error)) == NULL ||
      (srp = tl_message_get_object (answer, "srp", &error)) == NULL ||
      (group_name = tl_message_get_string (srp, "group", &error)) == NULL ||
      (hash_name = tl_message_get_string (srp, "hash", &error)) == NULL)
    goto protocol;

  if (*login_id == '\0' || strlen (login_id) > MAX_ID_LENGTH)
    {
      g_set_error_literal (&error, TL_AUTH_ERROR, TL_AUTH_ERROR_BAD_REQUEST,
                           _("the login id is empty or too long"));
      goto protocol;
    }

  /* Only what the contract names: a server must not talk us down to a
   * weaker group or hash. */
  if (!g_str_equal (group_name, "rfc5054-3072") ||
      !tl_srp_group_from_string (group_name, &op->group) ||
      !g_str_equal (hash_name, "sha256") ||
      !tl_srp_hash_from_string (hash_name, &op->hash))
    {
      g_set_error (&error, TL_AUTH_ERROR, TL_AUTH_ERROR_BAD_REQUEST,
                   _("the server asked for SRP group “%s” with hash “%s”, which this app does not accept"),
                   group_name, hash_name);
      goto protocol;
    }

  if ((op->salt = tl_message_get_base64 (srp, "salt", MAX_SALT_BYTES, &error)) == NULL ||
      (op->B = tl_message_get_base64 (srp, "B", tl_srp_group_length (op->group), &error)) == NULL)
    goto protocol;

  if (g_bytes_get_size (op->salt) < TL_SRP_SALT_LENGTH ||
      g_bytes_get_size (op->B) != tl_srp_group_length (op->group))
    {
      g_set_error_literal (&error, TL_AUTH_ERROR, TL_AUTH_ERROR_BAD_REQUEST,
                           _("the SRP salt or B has the wrong length"));
      goto protocol;
    }

  g_free (self->login_id);
  self->login_id = g_strdup (login_id);

  set_state (self, TL_AUTH_STATE_AUTHENTICATING);

  /* The big-number math takes long enough to stall a window: it runs in
   * a thread, with its own copy of what it needs. */
  job = g_new0 (SrpJob, 1);
  job->group = op->group;
  job->hash = op->hash;
  job->username = g_strdup (self->username);
  job->password = g_steal_pointer (&op->password);
  job->password_size = op->password_size;
  op->password_size = 0;
  job->salt = g_bytes_ref (op->salt);
  job->B = g_bytes_ref (op->B);

  /* No source object: the worker thread drops its reference to the task
   * after the callback may already have run, and the client must not
   * outlive its last owner because of that. */
  srp_task = g_task_new (NULL, NULL, on_srp_done, g_steal_pointer (&task));
  g_task_set_source_tag (srp_task, srp_thread);
  g_task_set_task_data (srp_task, job, (GDestroyNotify) srp_job_free);
  tl_worker_run_in_thread (srp_task, srp_thread);
  return;

protocol:
  login_failed (self, task, protocol_error (g_steal_pointer (&error)), NULL);
}

static void
srp_prepare_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  tl_srp_prepare (TL_SRP_DEFAULT_GROUP, TL_SRP_DEFAULT_HASH);
  g_task_return_boolean (task, TRUE);
}

/* OpenSSL's first use in a process (reading its configuration, loading
 * its providers, seeding its random generator: about 9 M instructions)
 * would fall to the SRP thread, after the server's answer to start; this
 * does it while that request is under way. Once per process. */
static void
prepare_srp (void)
{
  static gsize started;

  tl_worker_run_once (&started, srp_prepare_thread);
}

void
tl_auth_client_login_async (TlAuthClient        *self,
                            const char          *username,
                            const char          *password,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *normalized = NULL;
  Op *op;

  g_return_if_fail (TL_IS_AUTH_CLIENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = step_new (self, cancellable, callback, user_data, tl_auth_client_login_async);

  if ((normalized = tl_username_normalize (username, NULL, &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (password == NULL || *password == '\0')
    {
      g_task_return_new_error (task, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT,
                               _("Enter your password."));
      return;
    }

  /* A new login replaces whatever was under way. */
  reset_login (self);
  set_session (self, NULL);
  set_int64 (self, &self->retry_after, 0, PROP_RETRY_AFTER);
  set_attempts_left (self, -1);
  set_string (self, &self->username, normalized, PROP_USERNAME);

  if (!tl_server_profile_validate (self->profile, &error))
    {
      enter_failed (self, error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  step_begin (self, task);

  op = g_task_get_task_data (task);
  op->password_size = strlen (password) + 1;
  op->password = OPENSSL_secure_malloc (op->password_size);
  if (op->password == NULL)
    {
      op->password_size = 0;
      error = g_error_new_literal (TL_AUTH_ERROR, TL_AUTH_ERROR_CRYPTO,
                                   tl_auth_error_message (TL_AUTH_ERROR_CRYPTO));
      enter_failed (self, error);
      step_return_error (task, g_steal_pointer (&error));
      return;
    }
  memcpy (op->password, password, op->password_size);

  set_state (self, TL_AUTH_STATE_CONNECTING);

  builder = json_builder_new_immutable ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "username");
  json_builder_add_string_value (builder, normalized);
  json_builder_set_member_name (builder, "client");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, self->client_name);
  json_builder_set_member_name (builder, "version");
  json_builder_add_string_value (builder, PACKAGE_VERSION);
  json_builder_end_object (builder);
  body = tl_message_builder_end (builder);

  post (self, "v1/login/start", body, NULL, g_steal_pointer (&task), on_start);
  prepare_srp ();
}

gboolean
tl_auth_client_login_finish (TlAuthClient  *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (TL_IS_AUTH_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tl_auth_client_login_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
tl_auth_client_continue_async (TlAuthClient        *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TL_IS_AUTH_CLIENT (self));

  task = step_new (self, cancellable, callback, user_data, tl_auth_client_continue_async);
  if (!require_state (self, task, self->state == TL_AUTH_STATE_EXISTING_SESSION) ||
      !step_begin (self, task))
    return;

  proceed_after_verify (self, g_steal_pointer (&task));
}

gboolean
tl_auth_client_continue_finish (TlAuthClient  *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (TL_IS_AUTH_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static gboolean
in_second_factor (TlAuthClient *self)
{
  return state_is_one_of (self,
                          TL_AUTH_STATE_CHOOSE_DEVICE,
                          TL_AUTH_STATE_WAITING_PUSH,
                          TL_AUTH_STATE_NEED_RESPONSE,
                          TL_AUTH_STATE_NEED_CODE,
                          TL_AUTH_STATE_NEED_CARD,
                          -1);
}

void
tl_auth_client_select_device_async (TlAuthClient        *self,
                                    const char          *device_id,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(TlDevice) device = NULL;
  guint n_items;

  g_return_if_fail (TL_IS_AUTH_CLIENT (self));

  task = step_new (self, cancellable, callback, user_data, tl_auth_client_select_device_async);
  if (!require_state (self, task, in_second_factor (self)))
    return;

  n_items = g_list_model_get_n_items (G_LIST_MODEL (self->devices));
  for (guint i = 0; device == NULL && i < n_items; i++)
    {
      g_autoptr(TlDevice) candidate = g_list_model_get_item (G_LIST_MODEL (self->devices), i);

      if (g_strcmp0 (tl_device_get_id (candidate), device_id) == 0)
        device = g_steal_pointer (&candidate);
    }

  if (device == NULL)
    {
      g_task_return_new_error (task, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT,
                               _("This device is not one of yours. Choose one from the list."));
      return;
    }

  if (!step_begin (self, task))
    return;

  start_second_factor (self, device, g_steal_pointer (&task));
}

gboolean
tl_auth_client_select_device_finish (TlAuthClient  *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (TL_IS_AUTH_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static gboolean
on_waiter_cancelled (GCancellable *cancellable,
                     gpointer      user_data)
{
  GTask *task = user_data;
  TlAuthClient *self = g_task_get_source_object (task);

  if (g_queue_remove (&self->push_waiters, task))
    {
      g_task_set_task_data (task, NULL, NULL);
      g_task_return_error_if_cancelled (task);
      g_object_unref (task);
    }

  return G_SOURCE_REMOVE;
}

static void
destroy_source (gpointer source)
{
  g_source_destroy (source);
  g_source_unref (source);
}

void
tl_auth_client_wait_push_async (TlAuthClient        *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TL_IS_AUTH_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tl_auth_client_wait_push_async);

  /* The outcome may already be known. */
  if (self->state == TL_AUTH_STATE_LOGGED_IN)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (self->state != TL_AUTH_STATE_WAITING_PUSH)
    {
      if (self->error != NULL)
        g_task_return_error (task, g_error_copy (self->error));
      else
        g_task_return_new_error (task, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT,
                                 _("No notification is pending."));
      return;
    }

  if (cancellable != NULL)
    {
      GSource *source = g_cancellable_source_new (cancellable);

      /* Safe: the queue holds a reference on the task until the source
       * is destroyed with the task data. */
      g_source_set_callback (source, (GSourceFunc) on_waiter_cancelled, task, NULL);
      g_source_attach (source, g_main_context_get_thread_default ());
      g_task_set_task_data (task, source, destroy_source);
    }

  g_queue_push_tail (&self->push_waiters, g_steal_pointer (&task));
}

gboolean
tl_auth_client_wait_push_finish (TlAuthClient  *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (TL_IS_AUTH_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_challenge (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TlAuthClient *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) error_body = NULL;
  g_autoptr(JsonObject) answer = NULL;

  answer = tl_http_request_finish (result, &error_body, &error);
  if (step_is_stale (task))
    return;

  if (answer == NULL)
    {
      second_factor_step_failed (self, task, g_steal_pointer (&error), error_body);
      return;
    }

  clear_step_data (self);
  if (!apply_challenge (self, answer, &error))
    {
      GError *mapped = protocol_error (g_steal_pointer (&error));

      enter_failed (self, mapped);
      step_return_error (task, mapped);
      return;
    }

  g_clear_pointer (&self->push_id, g_free);
  set_int64 (self, &self->deadline, self->factor_deadline, PROP_DEADLINE);
  set_state (self, TL_AUTH_STATE_NEED_RESPONSE);
  step_return_ok (task);
}

void
tl_auth_client_request_challenge_async (TlAuthClient        *self,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GBytes) body = NULL;

  g_return_if_fail (TL_IS_AUTH_CLIENT (self));

  task = step_new (self, cancellable, callback, user_data, tl_auth_client_request_challenge_async);
  if (!require_state (self, task,
                      self->state == TL_AUTH_STATE_WAITING_PUSH && self->device != NULL &&
                      tl_device_get_kind (self->device) == TL_DEVICE_KIND_IBKEY) ||
      !step_begin (self, task))
    return;

  /* The server cancels the push; do not keep asking about it. */
  stop_push_poll (self);

  body = build_body ("login_id", self->login_id,
                     "device_id", tl_device_get_id (self->device),
                     NULL);
  post (self, "v1/login/challenge", body, NULL, g_steal_pointer (&task), on_challenge);
}

gboolean
tl_auth_client_request_challenge_finish (TlAuthClient  *self,
                                         GAsyncResult  *result,
                                         GError       **error)
{
  g_return_val_if_fail (TL_IS_AUTH_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* What a person typed, without the spaces and dashes people add to read
 * codes back; NULL with a sentence when it cannot be right, so that no
 * attempt is spent on it. */
static char *
check_answer (TlAuthClient  *self,
              const char    *typed,
              GError       **error)
{
  g_autoptr(GString) clean = g_string_new (NULL);
  gboolean alnum = self->state == TL_AUTH_STATE_NEED_CODE &&
                   g_strcmp0 (self->code_charset, "upper-alnum") == 0;
  guint expected;
  gboolean ok = TRUE;

  for (const char *p = typed != NULL ? typed : ""; *p != '\0'; p++)
    {
      if (*p == ' ' || *p == '-' || *p == '\t')
        continue;
      g_string_append_c (clean, alnum ? g_ascii_toupper (*p) : *p);
    }

  expected = self->state == TL_AUTH_STATE_NEED_CODE ? self->code_digits : self->response_digits;

  if (clean->len != expected)
    ok = FALSE;
  for (gsize i = 0; ok && i < clean->len; i++)
    {
      char c = clean->str[i];

      if (!(g_ascii_isdigit (c) || (alnum && g_ascii_isupper (c))))
        ok = FALSE;
    }

  if (ok)
    return g_string_free (g_steal_pointer (&clean), FALSE);

  if (alnum)
    g_set_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT,
                 ngettext ("Enter the %u-character passcode, letters and digits only.",
                           "Enter the %u-character passcode, letters and digits only.",
                           expected),
                 expected);
  else if (self->state == TL_AUTH_STATE_NEED_RESPONSE)
    g_set_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT,
                 ngettext ("Enter the %u-digit response your device shows.",
                           "Enter the %u-digit response your device shows.",
                           expected),
                 expected);
  else if (self->state == TL_AUTH_STATE_NEED_CARD)
    g_set_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT,
                 ngettext ("Enter the %u digits from your card, digits only.",
                           "Enter the %u digits from your card, digits only.",
                           expected),
                 expected);
  else
    g_set_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT,
                 ngettext ("Enter the %u-digit code, digits only.",
                           "Enter the %u-digit code, digits only.",
                           expected),
                 expected);
  return NULL;
}

static void
on_session_answer (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TlAuthClient *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) error_body = NULL;
  g_autoptr(JsonObject) answer = NULL;
  JsonObject *session_object;
  TlSession *session;

  answer = tl_http_request_finish (result, &error_body, &error);
  if (step_is_stale (task))
    return;

  if (answer == NULL)
    {
      second_factor_step_failed (self, task, g_steal_pointer (&error), error_body);
      return;
    }

  if ((session_object = tl_message_get_object (answer, "session", &error)) == NULL ||
      (session = tl_session_from_json (session_object, TRUE, &error)) == NULL)
    {
      GError *mapped = protocol_error (g_steal_pointer (&error));

      enter_failed (self, mapped);
      step_return_error (task, mapped);
      return;
    }

  set_attempts_left (self, -1);
  enter_logged_in (self, session);
  step_return_ok (task);
}

void
tl_auth_client_answer_async (TlAuthClient        *self,
                             const char          *response,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *clean = NULL;

  g_return_if_fail (TL_IS_AUTH_CLIENT (self));

  task = step_new (self, cancellable, callback, user_data, tl_auth_client_answer_async);
  if (!require_state (self, task,
                      state_is_one_of (self,
                                       TL_AUTH_STATE_NEED_RESPONSE,
                                       TL_AUTH_STATE_NEED_CODE,
                                       TL_AUTH_STATE_NEED_CARD,
                                       -1)))
    return;

  if ((clean = check_answer (self, response, &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (!step_begin (self, task))
    return;

  body = build_body ("login_id", self->login_id, "response", clean, NULL);
  OPENSSL_cleanse (clean, strlen (clean));
  post (self, "v1/login/answer", body, NULL, g_steal_pointer (&task), on_session_answer);
}

gboolean
tl_auth_client_answer_finish (TlAuthClient  *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (TL_IS_AUTH_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_resend (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TlAuthClient *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) error_body = NULL;
  g_autoptr(JsonObject) answer = NULL;
  const char *sent_to;
  gint64 resend_after;

  answer = tl_http_request_finish (result, &error_body, &error);
  if (step_is_stale (task))
    return;

  if (answer == NULL)
    {
      if (g_error_matches (error, TL_AUTH_ERROR, TL_AUTH_ERROR_THROTTLED))
        {
          gint64 retry_after = -1;
          g_autofree char *duration = NULL;

          if (error_body == NULL ||
              !tl_message_get_optional_int (error_body, "retry_after", 0, MAX_TIMEOUT_S,
                                            &retry_after, NULL))
            retry_after = -1;

          if (retry_after >= 0)
            {
              duration = format_duration (retry_after);
              set_int64 (self, &self->resend_at, now_seconds () + retry_after, PROP_RESEND_AT);
              g_clear_error (&error);
              g_set_error (&error, TL_AUTH_ERROR, TL_AUTH_ERROR_THROTTLED,
                           _("Wait %s before asking for another code."), duration);
            }
          step_return_error (task, g_steal_pointer (&error));
          return;
        }

      second_factor_step_failed (self, task, g_steal_pointer (&error), error_body);
      return;
    }

  if ((sent_to = tl_message_get_string (answer, "sent_to", &error)) == NULL ||
      !tl_message_get_int (answer, "resend_after", 0, MAX_TIMEOUT_S, &resend_after, &error))
    {
      GError *mapped = protocol_error (g_steal_pointer (&error));

      enter_failed (self, mapped);
      step_return_error (task, mapped);
      return;
    }

  set_string (self, &self->sent_to, sent_to, PROP_SENT_TO);
  set_int64 (self, &self->resend_at, now_seconds () + resend_after, PROP_RESEND_AT);
  step_return_ok (task);
}

void
tl_auth_client_resend_async (TlAuthClient        *self,
                             const char          *channel,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GBytes) body = NULL;

  g_return_if_fail (TL_IS_AUTH_CLIENT (self));

  task = step_new (self, cancellable, callback, user_data, tl_auth_client_resend_async);
  if (!require_state (self, task,
                      self->state == TL_AUTH_STATE_NEED_CODE && self->device != NULL &&
                      tl_device_get_kind (self->device) == TL_DEVICE_KIND_SMS))
    return;

  if (g_strcmp0 (channel, "sms") != 0 && g_strcmp0 (channel, "voice") != 0)
    {
      g_task_return_new_error (task, TL_AUTH_ERROR, TL_AUTH_ERROR_INVALID_INPUT,
                               _("Choose a text message or a voice call."));
      return;
    }

  if (!step_begin (self, task))
    return;

  body = build_body ("login_id", self->login_id, "channel", channel, NULL);
  post (self, "v1/login/resend", body, NULL, g_steal_pointer (&task), on_resend);
}

gboolean
tl_auth_client_resend_finish (TlAuthClient  *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (TL_IS_AUTH_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
tl_auth_client_read_only_async (TlAuthClient        *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GBytes) body = NULL;

  g_return_if_fail (TL_IS_AUTH_CLIENT (self));

  task = step_new (self, cancellable, callback, user_data, tl_auth_client_read_only_async);
  if (!require_state (self, task, in_second_factor (self)))
    return;

  if (!self->read_only_allowed)
    {
      g_task_return_new_error (task, TL_AUTH_ERROR, TL_AUTH_ERROR_NOT_ALLOWED,
                               _("Read-only access is not available for this account. Complete the second factor."));
      return;
    }

  if (!step_begin (self, task))
    return;

  stop_push_poll (self);
  body = build_body ("login_id", self->login_id, NULL);
  post (self, "v1/login/read-only", body, NULL, g_steal_pointer (&task), on_session_answer);
}

gboolean
tl_auth_client_read_only_finish (TlAuthClient  *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (TL_IS_AUTH_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
tl_auth_client_preconnect (TlAuthClient *self)
{
  g_return_if_fail (TL_IS_AUTH_CLIENT (self));

  tl_http_preconnect (self->soup, self->profile, self->cancellable);
}

void
tl_auth_client_load_tls_backend (void)
{
  tl_http_load_tls_backend ();
}

void
tl_auth_client_cancel (TlAuthClient *self)
{
  g_return_if_fail (TL_IS_AUTH_CLIENT (self));

  if (self->state == TL_AUTH_STATE_LOGGED_IN)
    return;

  reset_login (self);
  finish_waiters (self);
  set_attempts_left (self, -1);
  set_state (self, TL_AUTH_STATE_IDLE);
}

/* Session calls. */

static gboolean
session_fields (JsonObject  *answer,
                TlSession   *into,
                GError     **error)
{
  g_autoptr(TlSession) fresh = tl_session_from_json (answer, FALSE, error);

  if (fresh == NULL)
    return FALSE;

  g_free (into->username);
  into->username = g_steal_pointer (&fresh->username);
  into->mode = fresh->mode;
  g_free (into->account);
  into->account = g_steal_pointer (&fresh->account);
  into->read_only = fresh->read_only;
  g_clear_pointer (&into->expires_at, g_date_time_unref);
  into->expires_at = g_steal_pointer (&fresh->expires_at);
  return TRUE;
}

/* The session is gone on the server: nothing to keep. */
static void
session_ended (TlAuthClient *self)
{
  reset_login (self);
  set_session (self, NULL);
  set_state (self, TL_AUTH_STATE_IDLE);
}

static void resume_send (GTask *task);

static gboolean
on_resume_retry (gpointer user_data)
{
  GTask *task = user_data;
  TlAuthClient *self = g_task_get_source_object (task);

  if (step_is_stale (task))
    {
      g_object_unref (task);
    }
  else if (g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    {
      set_state (self, TL_AUTH_STATE_IDLE);
      step_return_error (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                    _("The session check was cancelled.")));
      g_object_unref (task);
    }
  else
    {
      resume_send (task);
    }

  return G_SOURCE_REMOVE;
}

static void
on_resume (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TlAuthClient *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) error_body = NULL;
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(TlSession) session = NULL;

  answer = tl_http_request_finish (result, &error_body, &error);
  if (step_is_stale (task))
    return;

  if (answer == NULL)
    {
      /* Asking whether a session is alive changes nothing: ask again
       * once after a network hiccup. */
      if (op->retries == 0 &&
          (g_error_matches (error, TL_AUTH_ERROR, TL_AUTH_ERROR_NETWORK) ||
           g_error_matches (error, TL_AUTH_ERROR, TL_AUTH_ERROR_SERVER_ERROR)))
        {
          op->retries++;
          g_timeout_add (RESUME_RETRY_MS, on_resume_retry, g_steal_pointer (&task));
          return;
        }

      if (g_error_matches (error, TL_AUTH_ERROR, TL_AUTH_ERROR_NO_SESSION))
        session_ended (self);
      else
        set_state (self, TL_AUTH_STATE_IDLE);

      step_return_error (task, g_steal_pointer (&error));
      return;
    }

  session = tl_session_copy (op->stored);
  if (!session_fields (answer, session, &error))
    {
      set_state (self, TL_AUTH_STATE_IDLE);
      step_return_error (task, protocol_error (g_steal_pointer (&error)));
      return;
    }

  enter_logged_in (self, g_steal_pointer (&session));
  step_return_ok (task);
}

static void
resume_send (GTask *task)
{
  TlAuthClient *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);

  tl_http_request_async (self->soup, self->profile, "GET", "v1/session", NULL,
                         op->stored->token, TL_HTTP_REQUEST_TIMEOUT,
                         g_task_get_cancellable (task), self->login_cancellable,
                         on_resume, task);
}

void
tl_auth_client_resume_async (TlAuthClient        *self,
                             TlSession           *stored,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  Op *op;

  g_return_if_fail (TL_IS_AUTH_CLIENT (self));
  g_return_if_fail (stored != NULL);

  task = step_new (self, cancellable, callback, user_data, tl_auth_client_resume_async);

  if (stored->token == NULL)
    {
      g_task_return_new_error (task, TL_AUTH_ERROR, TL_AUTH_ERROR_NO_SESSION,
                               "%s", tl_auth_error_message (TL_AUTH_ERROR_NO_SESSION));
      return;
    }

  if (!tl_server_profile_validate (self->profile, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  reset_login (self);
  set_session (self, NULL);
  step_begin (self, task);

  op = g_task_get_task_data (task);
  op->stored = tl_session_copy (stored);

  set_string (self, &self->username, stored->username, PROP_USERNAME);
  set_state (self, TL_AUTH_STATE_CONNECTING);
  resume_send (g_steal_pointer (&task));
}

gboolean
tl_auth_client_resume_finish (TlAuthClient  *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (TL_IS_AUTH_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* A session call (tickle, logout) answers for the session it was sent
 * with: if the person logged out or in afresh meanwhile, its answer is
 * stale. Returns TRUE, with @task returned as cancelled, when it is. */
static gboolean
session_call_is_stale (TlAuthClient *self,
                       GTask        *task)
{
  Op *op = g_task_get_task_data (task);

  if (op->generation == self->generation && self->state == TL_AUTH_STATE_LOGGED_IN &&
      self->session != NULL && g_strcmp0 (self->session->token, op->bearer) == 0)
    return FALSE;

  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                           _("The session changed meanwhile."));
  return TRUE;
}

/* Sends @path with the session's token; takes @task. Not a login step:
 * it may overlap what the person does. */
static void
session_call (TlAuthClient        *self,
              GTask               *task,
              const char          *path,
              GAsyncReadyCallback  callback)
{
  g_autoptr(GTask) owned = task;
  g_autoptr(GBytes) body = NULL;
  GCancellable *cancellable = g_task_get_cancellable (task);
  Op *op;

  if (!require_state (self, owned, self->state == TL_AUTH_STATE_LOGGED_IN && self->session != NULL))
    return;

  op = g_task_get_task_data (owned);
  op->bearer = g_strdup (self->session->token);

  body = build_body (NULL, NULL);
  tl_http_request_async (self->soup, self->profile, "POST", path, body,
                         op->bearer, TL_HTTP_REQUEST_TIMEOUT,
                         cancellable, self->login_cancellable,
                         callback, g_steal_pointer (&owned));
}

static void
on_tickle (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TlAuthClient *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) error_body = NULL;
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(TlSession) session = NULL;

  answer = tl_http_request_finish (result, &error_body, &error);
  if (session_call_is_stale (self, task))
    return;

  if (answer == NULL)
    {
      if (g_error_matches (error, TL_AUTH_ERROR, TL_AUTH_ERROR_NO_SESSION))
        session_ended (self);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  session = tl_session_copy (self->session);
  if (!session_fields (answer, session, &error))
    {
      g_task_return_error (task, protocol_error (g_steal_pointer (&error)));
      return;
    }

  set_session (self, g_steal_pointer (&session));
  g_task_return_boolean (task, TRUE);
}

void
tl_auth_client_tickle_async (TlAuthClient        *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (TL_IS_AUTH_CLIENT (self));

  session_call (self, step_new (self, cancellable, callback, user_data, tl_auth_client_tickle_async),
                "v1/session/tickle", on_tickle);
}

gboolean
tl_auth_client_tickle_finish (TlAuthClient  *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (TL_IS_AUTH_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_logout (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TlAuthClient *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) error_body = NULL;
  g_autoptr(JsonObject) answer = NULL;

  answer = tl_http_request_finish (result, &error_body, &error);
  if (session_call_is_stale (self, task))
    return;

  /* A session the server no longer knows is as logged out as can be. */
  if (answer == NULL && !g_error_matches (error, TL_AUTH_ERROR, TL_AUTH_ERROR_NO_SESSION))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  session_ended (self);
  g_task_return_boolean (task, TRUE);
}

void
tl_auth_client_logout_async (TlAuthClient        *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (TL_IS_AUTH_CLIENT (self));

  session_call (self, step_new (self, cancellable, callback, user_data, tl_auth_client_logout_async),
                "v1/session/logout", on_logout);
}

gboolean
tl_auth_client_logout_finish (TlAuthClient  *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (TL_IS_AUTH_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* GObject. */

static void
tl_auth_client_constructed (GObject *object)
{
  TlAuthClient *self = (TlAuthClient *)object;

  G_OBJECT_CLASS (tl_auth_client_parent_class)->constructed (object);

  g_return_if_fail (self->profile != NULL);
  self->soup = tl_http_session_new (self->profile);
}

static void
tl_auth_client_dispose (GObject *object)
{
  TlAuthClient *self = (TlAuthClient *)object;

  self->generation++;
  g_cancellable_cancel (self->cancellable);
  if (self->login_cancellable != NULL)
    g_cancellable_cancel (self->login_cancellable);
  stop_push_poll (self);
  finish_waiters (self);

  tl_http_session_abort (self->soup);
  g_clear_object (&self->soup);
  g_clear_object (&self->login_cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->device);
  if (self->devices != NULL)
    g_list_store_remove_all (self->devices);

  G_OBJECT_CLASS (tl_auth_client_parent_class)->dispose (object);
}

static void
tl_auth_client_finalize (GObject *object)
{
  TlAuthClient *self = (TlAuthClient *)object;

  g_clear_object (&self->profile);
  g_clear_object (&self->devices);
  g_clear_pointer (&self->client_name, g_free);
  g_clear_pointer (&self->username, g_free);
  g_clear_pointer (&self->existing_session_client, g_free);
  g_clear_pointer (&self->existing_session_since, g_date_time_unref);
  g_clear_pointer (&self->challenge, g_free);
  g_clear_pointer (&self->challenge_suite, g_free);
  g_clear_pointer (&self->code_charset, g_free);
  g_clear_pointer (&self->sent_to, g_free);
  g_clear_pointer (&self->card_indices, g_strfreev);
  g_clear_pointer (&self->session, tl_session_free);
  g_clear_pointer (&self->pending_session, tl_session_free);
  g_clear_pointer (&self->login_id, g_free);
  g_clear_pointer (&self->push_id, g_free);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (tl_auth_client_parent_class)->finalize (object);
}

static void
tl_auth_client_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  TlAuthClient *self = TL_AUTH_CLIENT (object);

  switch (prop_id)
    {
    case PROP_PROFILE:
      g_value_set_object (value, self->profile);
      break;
    case PROP_CLIENT_NAME:
      g_value_set_string (value, self->client_name);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_USERNAME:
      g_value_set_string (value, self->username);
      break;
    case PROP_DEVICES:
      g_value_set_object (value, self->devices);
      break;
    case PROP_DEVICE:
      g_value_set_object (value, self->device);
      break;
    case PROP_EXISTING_SESSION_CLIENT:
      g_value_set_string (value, self->existing_session_client);
      break;
    case PROP_EXISTING_SESSION_SINCE:
      g_value_set_boxed (value, self->existing_session_since);
      break;
    case PROP_READ_ONLY_ALLOWED:
      g_value_set_boolean (value, self->read_only_allowed);
      break;
    case PROP_DEADLINE:
      g_value_set_int64 (value, self->deadline);
      break;
    case PROP_CHALLENGE:
      g_value_set_string (value, self->challenge);
      break;
    case PROP_CHALLENGE_SUITE:
      g_value_set_string (value, self->challenge_suite);
      break;
    case PROP_RESPONSE_DIGITS:
      g_value_set_uint (value, self->response_digits);
      break;
    case PROP_CODE_DIGITS:
      g_value_set_uint (value, self->code_digits);
      break;
    case PROP_CODE_CHARSET:
      g_value_set_string (value, self->code_charset);
      break;
    case PROP_SENT_TO:
      g_value_set_string (value, self->sent_to);
      break;
    case PROP_RESEND_AT:
      g_value_set_int64 (value, self->resend_at);
      break;
    case PROP_CARD_INDICES:
      g_value_set_boxed (value, self->card_indices);
      break;
    case PROP_ATTEMPTS_LEFT:
      g_value_set_int (value, self->attempts_left);
      break;
    case PROP_RETRY_AFTER:
      g_value_set_int64 (value, self->retry_after);
      break;
    case PROP_SESSION:
      g_value_set_boxed (value, self->session);
      break;
    case PROP_ERROR:
      g_value_set_boxed (value, self->error);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tl_auth_client_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  TlAuthClient *self = TL_AUTH_CLIENT (object);

  switch (prop_id)
    {
    case PROP_PROFILE:
      self->profile = g_value_dup_object (value);
      break;
    case PROP_CLIENT_NAME:
      tl_auth_client_set_client_name (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tl_auth_client_class_init (TlAuthClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->constructed = tl_auth_client_constructed;
  object_class->dispose = tl_auth_client_dispose;
  object_class->finalize = tl_auth_client_finalize;
  object_class->get_property = tl_auth_client_get_property;
  object_class->set_property = tl_auth_client_set_property;

  properties[PROP_PROFILE] =
    g_param_spec_object ("profile", NULL, NULL, TL_TYPE_SERVER_PROFILE,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY));
  properties[PROP_CLIENT_NAME] =
    g_param_spec_string ("client-name", NULL, NULL, PACKAGE_NAME,
                         (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY));
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, TL_TYPE_AUTH_STATE, TL_AUTH_STATE_IDLE, ro);
  properties[PROP_USERNAME] =
    g_param_spec_string ("username", NULL, NULL, NULL, ro);
  properties[PROP_DEVICES] =
    g_param_spec_object ("devices", NULL, NULL, G_TYPE_LIST_MODEL, ro);
  properties[PROP_DEVICE] =
    g_param_spec_object ("device", NULL, NULL, TL_TYPE_DEVICE, ro);
  properties[PROP_EXISTING_SESSION_CLIENT] =
    g_param_spec_string ("existing-session-client", NULL, NULL, NULL, ro);
  properties[PROP_EXISTING_SESSION_SINCE] =
    g_param_spec_boxed ("existing-session-since", NULL, NULL, G_TYPE_DATE_TIME, ro);
  properties[PROP_READ_ONLY_ALLOWED] =
    g_param_spec_boolean ("read-only-allowed", NULL, NULL, FALSE, ro);
  properties[PROP_DEADLINE] =
    g_param_spec_int64 ("deadline", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_CHALLENGE] =
    g_param_spec_string ("challenge", NULL, NULL, NULL, ro);
  properties[PROP_CHALLENGE_SUITE] =
    g_param_spec_string ("challenge-suite", NULL, NULL, NULL, ro);
  properties[PROP_RESPONSE_DIGITS] =
    g_param_spec_uint ("response-digits", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_CODE_DIGITS] =
    g_param_spec_uint ("code-digits", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_CODE_CHARSET] =
    g_param_spec_string ("code-charset", NULL, NULL, NULL, ro);
  properties[PROP_SENT_TO] =
    g_param_spec_string ("sent-to", NULL, NULL, NULL, ro);
  properties[PROP_RESEND_AT] =
    g_param_spec_int64 ("resend-at", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_CARD_INDICES] =
    g_param_spec_boxed ("card-indices", NULL, NULL, G_TYPE_STRV, ro);
  properties[PROP_ATTEMPTS_LEFT] =
    g_param_spec_int ("attempts-left", NULL, NULL, -1, G_MAXINT, -1, ro);
  properties[PROP_RETRY_AFTER] =
    g_param_spec_int64 ("retry-after", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_SESSION] =
    g_param_spec_boxed ("session", NULL, NULL, TL_TYPE_SESSION, ro);
  properties[PROP_ERROR] =
    g_param_spec_boxed ("error", NULL, NULL, G_TYPE_ERROR, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tl_auth_client_init (TlAuthClient *self)
{
  self->client_name = g_strdup (PACKAGE_NAME);
  self->devices = g_list_store_new (TL_TYPE_DEVICE);
  self->attempts_left = -1;
  self->login_cancellable = g_cancellable_new ();
  self->cancellable = g_cancellable_new ();
  g_queue_init (&self->push_waiters);
}

TlAuthClient *
tl_auth_client_new (TlServerProfile *profile)
{
  g_return_val_if_fail (TL_IS_SERVER_PROFILE (profile), NULL);

  return g_object_new (TL_TYPE_AUTH_CLIENT, "profile", profile, NULL);
}

const char *
tl_auth_client_get_client_name (TlAuthClient *self)
{
  g_return_val_if_fail (TL_IS_AUTH_CLIENT (self), NULL);

  return self->client_name;
}

void
tl_auth_client_set_client_name (TlAuthClient *self,
                                const char   *client_name)
{
  g_return_if_fail (TL_IS_AUTH_CLIENT (self));

  if (client_name == NULL || *client_name == '\0')
    client_name = PACKAGE_NAME;

  set_string (self, &self->client_name, client_name, PROP_CLIENT_NAME);
}

TlServerProfile *
tl_auth_client_get_profile (TlAuthClient *self)
{
  g_return_val_if_fail (TL_IS_AUTH_CLIENT (self), NULL);
  return self->profile;
}

TlAuthState
tl_auth_client_get_state (TlAuthClient *self)
{
  g_return_val_if_fail (TL_IS_AUTH_CLIENT (self), TL_AUTH_STATE_IDLE);
  return self->state;
}

const char *
tl_auth_client_get_username (TlAuthClient *self)
{
  g_return_val_if_fail (TL_IS_AUTH_CLIENT (self), NULL);
  return self->username;
}

GListModel *
tl_auth_client_get_devices (TlAuthClient *self)
{
  g_return_val_if_fail (TL_IS_AUTH_CLIENT (self), NULL);
  return G_LIST_MODEL (self->devices);
}

TlDevice *
tl_auth_client_get_device (TlAuthClient *self)
{
  g_return_val_if_fail (TL_IS_AUTH_CLIENT (self), NULL);
  return self->device;
}

const char *
tl_auth_client_get_existing_session_client (TlAuthClient *self)
{
  g_return_val_if_fail (TL_IS_AUTH_CLIENT (self), NULL);
  return self->existing_session_client;
}

GDateTime *
tl_auth_client_get_existing_session_since (TlAuthClient *self)
{
  g_return_val_if_fail (TL_IS_AUTH_CLIENT (self), NULL);
  return self->existing_session_since;
}

gboolean
tl_auth_client_get_read_only_allowed (TlAuthClient *self)
{
  g_return_val_if_fail (TL_IS_AUTH_CLIENT (self), FALSE);
  return self->read_only_allowed;
}

gint64
tl_auth_client_get_deadline (TlAuthClient *self)
{
  g_return_val_if_fail (TL_IS_AUTH_CLIENT (self), 0);
  return self->deadline;
}

const char *
tl_auth_client_get_challenge (TlAuthClient *self)
{
  g_return_val_if_fail (TL_IS_AUTH_CLIENT (self), NULL);
  return self->challenge;
}

const char *
tl_auth_client_get_challenge_suite (TlAuthClient *self)
{
  g_return_val_if_fail (TL_IS_AUTH_CLIENT (self), NULL);
  return self->challenge_suite;
}

guint
tl_auth_client_get_response_digits (TlAuthClient *self)
{
  g_return_val_if_fail (TL_IS_AUTH_CLIENT (self), 0);
  return self->response_digits;
}

guint
tl_auth_client_get_code_digits (TlAuthClient *self)
{
  g_return_val_if_fail (TL_IS_AUTH_CLIENT (self), 0);
  return self->code_digits;
}

const char *
tl_auth_client_get_code_charset (TlAuthClient *self)
{
  g_return_val_if_fail (TL_IS_AUTH_CLIENT (self), NULL);
  return self->code_charset;
}

const char *
tl_auth_client_get_sent_to (TlAuthClient *self)
{
  g_return_val_if_fail (TL_IS_AUTH_CLIENT (self), NULL);
  return self->sent_to;
}

gint64
tl_auth_client_get_resend_at (TlAuthClient *self)
{
  g_return_val_if_fail (TL_IS_AUTH_CLIENT (self), 0);
  return self->resend_at;
}

const char * const *
tl_auth_client_get_card_indices (TlAuthClient *self)
{
  g_return_val_if_fail (TL_IS_AUTH_CLIENT (self), NULL);
  return (const char * const *) self->card_indices;
}

int
tl_auth_client_get_attempts_left (TlAuthClient *self)
{
  g_return_val_if_fail (TL_IS_AUTH_CLIENT (self), -1);
  return self->attempts_left;
}

gint64
tl_auth_client_get_retry_after (TlAuthClient *self)
{
  g_return_val_if_fail (TL_IS_AUTH_CLIENT (self), 0);
  return self->retry_after;
}

TlSession *
tl_auth_client_get_session (TlAuthClient *self)
{
  g_return_val_if_fail (TL_IS_AUTH_CLIENT (self), NULL);
  return self->session;
}

const GError *
tl_auth_client_get_error (TlAuthClient *self)
{
  g_return_val_if_fail (TL_IS_AUTH_CLIENT (self), NULL);
  return self->error;
}
