/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-key-cmd-watch"

#include "config.h"

#include <glib/gi18n.h>

#include "tl-auth-error.h"
#include "tl-key-command.h"
#include "tl-key-commands.h"
#include "tl-key-pin.h"
#include "tl-key-store.h"
#include "tl-key-watcher.h"

typedef struct _Watch Watch;

typedef struct
{
  Watch        *watch;
  TlKeyWatcher *watcher;
  gboolean      lost;
} Watched;

typedef struct
{
  Watched      *watched;
  TlKeyRequest *request;
  gboolean      approve;
  gboolean      responding;
  gboolean      withdrawn;
} Pending;

struct _Watch
{
  TlKeyCommand  command;
  TlKeyFilter   filter;
  gboolean      approve_all;
  TlKeyStore   *store;
  GPtrArray    *devices;     /* to unlock */
  guint         next_device;
  GPtrArray    *watched;     /* Watched* */
  GQueue        queue;       /* Pending*, waiting for the person */
  Pending      *current;     /* being asked about or answered */
  GCancellable *question;    /* the questions about current */
  gulong        question_handler;
  gboolean      stopping;
};

static void
pending_free (Pending *pending)
{
  tl_key_request_free (pending->request);
  g_free (pending);
}

static void
watched_free (Watched *watched)
{
  g_signal_handlers_disconnect_by_data (watched->watcher, watched);
  tl_key_watcher_stop (watched->watcher);
  g_object_unref (watched->watcher);
  g_free (watched);
}

static void
cancel_question (GCancellable *command,
                 GCancellable *question)
{
  g_cancellable_cancel (question);
}

/* Ctrl+C cancels the command, and with it the question being asked; a
 * withdrawn request cancels only its own question. */
static GCancellable *
new_question (Watch *self)
{
  g_autoptr(GCancellable) question = g_cancellable_new ();

  if (self->question != NULL)
    {
      g_cancellable_disconnect (self->command.cancellable, self->question_handler);
      g_clear_object (&self->question);
    }
  self->question = g_object_ref (question);
  self->question_handler = g_cancellable_connect (self->command.cancellable,
                                                  G_CALLBACK (cancel_question),
                                                  g_object_ref (question), g_object_unref);
  return self->question;
}

static void
clear_question (Watch *self)
{
  if (self->question == NULL)
    return;

  g_cancellable_disconnect (self->command.cancellable, self->question_handler);
  self->question_handler = 0;
  g_clear_object (&self->question);
}

static void
watch_clear (Watch *self)
{
  clear_question (self);
  tl_key_filter_clear (&self->filter);
  g_clear_object (&self->store);
  g_clear_pointer (&self->devices, g_ptr_array_unref);
  g_queue_clear_full (&self->queue, (GDestroyNotify) pending_free);
  g_clear_pointer (&self->current, pending_free);
  g_clear_pointer (&self->watched, g_ptr_array_unref);
  tl_key_command_clear (&self->command);
}

static void
stop (Watch        *self,
      const GError *error)
{
  if (self->stopping)
    return;

  self->stopping = TRUE;
  for (guint i = 0; self->watched != NULL && i < self->watched->len; i++)
    tl_key_watcher_stop (((Watched *) g_ptr_array_index (self->watched, i))->watcher);

  tl_key_command_done (&self->command, error);
}

static void
cancelled_cb (GCancellable *cancellable,
              Watch        *self)
{
  if (self->stopping)
    return;

  g_printerr (_("Stopped.\n"));
  stop (self, NULL);
}

static char *
request_summary (const TlKeyRequest *request)
{
  const char *unknown = _("unknown");

  /* TRANSLATORS: "alice (live) from trading-login 0.1.0 at 192.0.2.1" */
  return g_strdup_printf (_("%s (%s) from %s at %s"),
                          request->username,
                          request->mode != NULL ? request->mode : unknown,
                          request->client != NULL ? request->client : unknown,
                          request->ip != NULL ? request->ip : unknown);
}

static void process_queue (Watch *self);

static void
drop_current (Watch *self)
{
  clear_question (self);
  g_clear_pointer (&self->current, pending_free);
  process_queue (self);
}

static void
responded_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Pending *pending = user_data;
  Watch *self = pending->watched->watch;
  TlKeyWatcher *watcher = TL_KEY_WATCHER (object);
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = request_summary (pending->request);

  if (!tl_key_watcher_respond_finish (watcher, result, &error))
    {
      if (!self->stopping)
        {
          g_printerr (_("Could not answer the login request for %s: %s\n"), summary, error->message);
          tl_key_watcher_forget (watcher, pending->request->push_id);
        }
    }
  else if (pending->approve)
    g_print (_("Approved: %s\n"), summary);
  else
    g_print (_("Denied: %s\n"), summary);

  if (pending == self->current)
    drop_current (self);
  else
    pending_free (pending);
}

static void
respond (Watch   *self,
         Pending *pending,
         gboolean approve)
{
  pending->approve = approve;
  pending->responding = TRUE;
  tl_key_watcher_respond_async (pending->watched->watcher, pending->request->push_id,
                                approve, self->command.cancellable,
                                responded_cb, pending);
}

static void
approve_pin_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Watch *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) secret = NULL;

  if (self->stopping)
    return;

  secret = tl_key_pin_unlock_finish (result, NULL, &error);
  if (secret == NULL && self->current->withdrawn)
    {
      drop_current (self);
      return;
    }

  if (secret != NULL)
    {
      respond (self, self->current, TRUE);
      return;
    }

  if (g_error_matches (error, TL_KEY_ERROR, TL_KEY_ERROR_WRONG_PIN))
    {
      /* Whoever is guessing PINs should not get this login through. */
      g_printerr (_("Wrong PIN %d times: denying this login request.\n"), TL_KEY_PIN_ATTEMPTS);
      respond (self, self->current, FALSE);
      return;
    }

  stop (self, error);
}

static void ask_decision (Watch *self);

static void
decision_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Watch *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TlKeySecret) answer = NULL;
  g_autofree char *word = NULL;

  if (self->stopping)
    return;

  answer = tl_key_prompt_read_line_finish (TL_KEY_PROMPT (object), result, &error);
  if (answer == NULL && self->current->withdrawn)
    {
      drop_current (self);
      return;
    }

  if (answer == NULL)
    {
      if (g_error_matches (error, TL_KEY_ERROR, TL_KEY_ERROR_NO_INPUT))
        g_prefix_error (&error, "%s", _("Nobody is left to answer login requests: "));
      stop (self, error);
      return;
    }

  word = g_utf8_strdown (g_strstrip (answer), -1);

  if (g_str_equal (word, "a") || g_str_equal (word, "approve") ||
      g_str_equal (word, "y") || g_str_equal (word, "yes"))
    {
      TlKeyDevice *device = tl_key_watcher_get_device (self->current->watched->watcher);

      tl_key_pin_unlock_async (self->command.prompt, device, _("PIN to approve: "),
                               self->question, approve_pin_cb, self);
      return;
    }

  /* Denying needs no PIN: it can only stop a login, never let one in. */
  if (g_str_equal (word, "d") || g_str_equal (word, "deny") ||
      g_str_equal (word, "n") || g_str_equal (word, "no"))
    {
      respond (self, self->current, FALSE);
      return;
    }

  tl_key_prompt_print (self->command.prompt, _("Answer “approve” or “deny”.\n"));
  ask_decision (self);
}

static void
ask_decision (Watch *self)
{
  tl_key_prompt_read_line_async (self->command.prompt,
                                 _("Approve this login? [approve/deny]: "), FALSE,
                                 self->question, decision_cb, self);
}

static void
process_queue (Watch *self)
{
  g_autofree char *details = NULL;

  if (self->stopping || self->current != NULL || g_queue_is_empty (&self->queue))
    return;

  self->current = g_queue_pop_head (&self->queue);
  new_question (self);
  details = tl_key_request_describe (self->current->request);
  g_print (_("\nLogin request:\n%s"), details);

  ask_decision (self);
}

static void
request_cb (TlKeyWatcher *watcher,
            TlKeyRequest *request,
            Watched      *watched)
{
  Watch *self = watched->watch;
  Pending *pending;

  if (self->stopping)
    return;

  pending = g_new0 (Pending, 1);
  pending->watched = watched;
  pending->request = tl_key_request_copy (request);

  if (self->approve_all)
    {
      g_autofree char *summary = request_summary (request);

      g_print (_("Login request for %s: approving (--approve-all).\n"), summary);
      respond (self, pending, TRUE);
      return;
    }

  g_queue_push_tail (&self->queue, pending);
  process_queue (self);
}

static void
print_withdrawn (const Pending *pending)
{
  g_autofree char *summary = request_summary (pending->request);

  g_print (_("\nNo longer open: %s (the login ended, timed out or went on with a code).\n"), summary);
}

static void
withdrawn_cb (TlKeyWatcher *watcher,
              const char   *push_id,
              Watched      *watched)
{
  Watch *self = watched->watch;
  Pending *current = self->current;

  if (self->stopping)
    return;

  for (GList *l = self->queue.head; l != NULL; l = l->next)
    {
      Pending *pending = l->data;

      if (pending->watched == watched && g_str_equal (pending->request->push_id, push_id))
        {
          print_withdrawn (pending);
          g_queue_delete_link (&self->queue, l);
          pending_free (pending);
          return;
        }
    }

  /* Once answered, the server stops listing it: that is no news. */
  if (current != NULL && current->watched == watched && !current->responding &&
      g_str_equal (current->request->push_id, push_id))
    {
      print_withdrawn (current);
      current->withdrawn = TRUE;
      g_cancellable_cancel (self->question);
    }
}

static void
connection_lost_cb (TlKeyWatcher *watcher,
                    guint         delay,
                    GError       *error,
                    Watched      *watched)
{
  watched->lost = TRUE;
  g_printerr (_("Connection lost; retrying in %u s (%s)\n"), delay, error->message);
}

static void
connected_cb (TlKeyWatcher *watcher,
              GParamSpec   *pspec,
              Watched      *watched)
{
  if (!tl_key_watcher_get_connected (watcher) || !watched->lost)
    return;

  watched->lost = FALSE;
  g_printerr (_("Connected again to %s\n"),
              tl_key_device_get_server (tl_key_watcher_get_device (watcher)));
}

static void
failed_cb (TlKeyWatcher *watcher,
           GError       *error,
           Watched      *watched)
{
  stop (watched->watch, error);
}

static void
start_watching (Watch *self)
{
  for (guint i = 0; i < self->watched->len; i++)
    {
      Watched *watched = g_ptr_array_index (self->watched, i);
      g_autofree char *describe = tl_key_device_describe (tl_key_watcher_get_device (watched->watcher));

      g_print (_("Watching for login requests for %s.\n"), describe);
    }
  g_print (_("Press Ctrl+C to stop.\n"));

  for (guint i = 0; i < self->watched->len; i++)
    tl_key_watcher_start (((Watched *) g_ptr_array_index (self->watched, i))->watcher);
}

static void unlock_next (Watch *self);

static void
unlocked_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Watch *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) secret = NULL;
  TlKeyDevice *device;
  Watched *watched;

  if (self->stopping)
    return;

  secret = tl_key_pin_unlock_finish (result, NULL, &error);
  if (secret == NULL)
    {
      stop (self, error);
      return;
    }

  device = g_ptr_array_index (self->devices, self->next_device - 1);
  watched = g_new0 (Watched, 1);
  watched->watch = self;
  watched->watcher = tl_key_watcher_new (device, secret);
  g_signal_connect (watched->watcher, "request", G_CALLBACK (request_cb), watched);
  g_signal_connect (watched->watcher, "connection-lost", G_CALLBACK (connection_lost_cb), watched);
  g_signal_connect (watched->watcher, "notify::connected", G_CALLBACK (connected_cb), watched);
  g_signal_connect (watched->watcher, "failed", G_CALLBACK (failed_cb), watched);
  g_signal_connect (watched->watcher, "withdrawn", G_CALLBACK (withdrawn_cb), watched);
  g_ptr_array_add (self->watched, watched);

  unlock_next (self);
}

/* Polling signs every request with the device secret, so each device is
 * unlocked once, up front; approving asks for the PIN again. */
static void
unlock_next (Watch *self)
{
  TlKeyDevice *device;

  if (self->next_device >= self->devices->len)
    {
      start_watching (self);
      return;
    }

  device = g_ptr_array_index (self->devices, self->next_device++);
  tl_key_pin_unlock_async (self->command.prompt, device, NULL,
                           self->command.cancellable, unlocked_cb, self);
}

static void
listed_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Watch *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) devices = NULL;

  if (self->stopping)
    return;

  devices = tl_key_store_list_finish (TL_KEY_STORE (object), result, NULL, &error);
  if (devices == NULL)
    {
      stop (self, error);
      return;
    }

  self->devices = tl_key_filter_apply (&self->filter, devices);
  if (!tl_key_filter_check_any (&self->filter, self->devices, &error))
    {
      stop (self, error);
      return;
    }

  if (self->approve_all)
    g_printerr (_("\n"
                  "WARNING: --approve-all approves EVERY login request for these devices\n"
                  "WARNING: without asking. Anyone who has the password can log in.\n"
                  "WARNING: Use it only for demos and tests.\n"
                  "\n"));

  unlock_next (self);
}

int
tl_key_cmd_watch (int    argc,
                  char **argv)
{
  Watch self = { 0 };
  g_autoptr(GError) error = NULL;
  gboolean pin_stdin = FALSE;
  int status;
  const GOptionEntry entries[] = {
    TL_KEY_FILTER_ENTRIES (&self.filter),
    { "pin-stdin", 0, 0, G_OPTION_ARG_NONE, &pin_stdin, N_("Read PINs and answers from standard input instead of the terminal"), NULL },
    { "approve-all", 0, 0, G_OPTION_ARG_NONE, &self.approve_all, N_("DEMO AND TEST ONLY: approve every request without asking"), NULL },
    { NULL }
  };

  if (!tl_key_command_parse ("watch", NULL,
                             _("Waits for login requests (push notifications) for the enrolled devices, shows who, which mode, which client, from where and when, and asks to approve (with the PIN) or deny. Reconnects by itself when the network drops. Watches every matching device; each PIN is asked once at the start, since polling is signed with the device secret."),
                             entries, &argc, &argv))
    return TL_KEY_EXIT_USAGE;

  if (argc > 1)
    {
      watch_clear (&self);
      return tl_key_command_usage_error (_("watch takes no arguments besides options."));
    }

  if (!tl_key_filter_normalize (&self.filter, &error))
    {
      watch_clear (&self);
      return tl_key_command_usage_error (error->message);
    }

  tl_key_command_init (&self.command);
  self.command.prompt = tl_key_prompt_new (pin_stdin);
  self.store = tl_key_store_new ();
  self.watched = g_ptr_array_new_with_free_func ((GDestroyNotify) watched_free);
  g_queue_init (&self.queue);
  g_signal_connect (self.command.cancellable, "cancelled", G_CALLBACK (cancelled_cb), &self);

  tl_key_store_list_async (self.store, self.command.cancellable, listed_cb, &self);
  status = tl_key_command_run (&self.command);

  g_signal_handlers_disconnect_by_data (self.command.cancellable, &self);
  watch_clear (&self);

  return status;
}
