/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-key-pin"

#include "config.h"

#include <glib/gi18n.h>

#include "tl-key-error.h"
#include "tl-key-pin.h"
#include "tl-worker.h"

gboolean
tl_key_pin_check (const char  *pin,
                  GError     **error)
{
  glong chars;

  if (pin == NULL || !g_utf8_validate (pin, -1, NULL))
    chars = 0;
  else
    chars = g_utf8_strlen (pin, -1);

  for (const char *p = pin; chars > 0 && *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      chars = 0;

  if (chars < TL_KEY_PIN_MIN_CHARS || chars > TL_KEY_PIN_MAX_CHARS)
    {
      g_set_error (error, TL_KEY_ERROR, TL_KEY_ERROR_BAD_PIN,
                   _("The PIN must have %d to %d characters."),
                   TL_KEY_PIN_MIN_CHARS, TL_KEY_PIN_MAX_CHARS);
      return FALSE;
    }

  return TRUE;
}

/* New PIN */

typedef struct
{
  TlKeyPrompt *prompt;
  TlKeySecret *first;
  guint        attempt;
} NewPinData;

static void
new_pin_data_free (NewPinData *data)
{
  g_clear_object (&data->prompt);
  g_clear_pointer (&data->first, tl_key_secret_free);
  g_free (data);
}

static void ask_new_first (GTask *task);

static void
new_pin_second_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  NewPinData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(TlKeySecret) second = NULL;

  second = tl_key_prompt_read_line_finish (data->prompt, result, &error);
  if (second == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (g_str_equal (second, data->first))
    {
      g_task_return_pointer (task, g_steal_pointer (&data->first),
                             (GDestroyNotify) tl_key_secret_free);
      return;
    }

  g_clear_pointer (&data->first, tl_key_secret_free);

  if (data->attempt >= TL_KEY_PIN_ATTEMPTS)
    {
      g_task_return_new_error (task, TL_KEY_ERROR, TL_KEY_ERROR_BAD_PIN,
                               _("The two PINs did not match."));
      return;
    }

  tl_key_prompt_print (data->prompt, _("The two PINs do not match. Try again.\n"));
  ask_new_first (g_steal_pointer (&task));
}

static void
new_pin_first_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  NewPinData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(TlKeySecret) pin = NULL;
  GCancellable *cancellable;

  pin = tl_key_prompt_read_line_finish (data->prompt, result, &error);
  if (pin == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (!tl_key_pin_check (pin, &error))
    {
      if (tl_key_prompt_get_use_stdin (data->prompt) || data->attempt >= TL_KEY_PIN_ATTEMPTS)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }

      tl_key_prompt_print (data->prompt, error->message);
      tl_key_prompt_print (data->prompt, "\n");
      ask_new_first (g_steal_pointer (&task));
      return;
    }

  /* A script typed it already; asking twice would only ask it to repeat
   * itself. */
  if (tl_key_prompt_get_use_stdin (data->prompt))
    {
      g_task_return_pointer (task, g_steal_pointer (&pin),
                             (GDestroyNotify) tl_key_secret_free);
      return;
    }

  data->first = g_steal_pointer (&pin);
  cancellable = g_task_get_cancellable (task);
  tl_key_prompt_read_line_async (data->prompt, _("Repeat the PIN: "), TRUE, cancellable,
                                 new_pin_second_cb, g_steal_pointer (&task));
}

static void
ask_new_first (GTask *task)
{
  NewPinData *data = g_task_get_task_data (task);
  g_autofree char *question = NULL;

  data->attempt++;
  question = g_strdup_printf (_("Choose a PIN for this device (%d to %d characters): "),
                              TL_KEY_PIN_MIN_CHARS, TL_KEY_PIN_MAX_CHARS);
  tl_key_prompt_read_line_async (data->prompt, question, TRUE,
                                 g_task_get_cancellable (task),
                                 new_pin_first_cb, task);
}

void
tl_key_pin_ask_new_async (TlKeyPrompt         *prompt,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  GTask *task;
  NewPinData *data;

  g_return_if_fail (TL_IS_KEY_PROMPT (prompt));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, tl_key_pin_ask_new_async);
  data = g_new0 (NewPinData, 1);
  data->prompt = g_object_ref (prompt);
  g_task_set_task_data (task, data, (GDestroyNotify) new_pin_data_free);

  ask_new_first (task);
}

TlKeySecret *
tl_key_pin_ask_new_finish (GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Unlock */

typedef struct
{
  TlKeyPrompt *prompt;
  TlKeyDevice *device;
  char        *question;
  TlKeySecret *pin;
  guint        attempt;
} UnlockData;

typedef struct
{
  GBytes      *secret;
  TlKeySecret *pin;
} UnlockResult;

static void
unlock_data_free (UnlockData *data)
{
  g_clear_object (&data->prompt);
  g_clear_object (&data->device);
  g_clear_pointer (&data->question, g_free);
  g_clear_pointer (&data->pin, tl_key_secret_free);
  g_free (data);
}

static void
unlock_result_free (UnlockResult *result)
{
  g_clear_pointer (&result->secret, g_bytes_unref);
  g_clear_pointer (&result->pin, tl_key_secret_free);
  g_free (result);
}

static void ask_pin (GTask *task);

static void
derive_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  UnlockData *data = task_data;
  GError *error = NULL;
  GBytes *secret;

  secret = tl_key_device_unlock (data->device, data->pin, &error);
  if (secret == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, secret, (GDestroyNotify) g_bytes_unref);
}

static void
wrong_pin (GTask *task)
{
  UnlockData *data = g_task_get_task_data (task);

  g_clear_pointer (&data->pin, tl_key_secret_free);

  if (data->attempt >= TL_KEY_PIN_ATTEMPTS)
    {
      g_task_return_new_error (task, TL_KEY_ERROR, TL_KEY_ERROR_WRONG_PIN,
                               _("Wrong PIN, %d times."), TL_KEY_PIN_ATTEMPTS);
      g_object_unref (task);
      return;
    }

  tl_key_prompt_print (data->prompt, _("Wrong PIN. Try again.\n"));
  ask_pin (task);
}

static void
derive_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  UnlockData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) secret = NULL;
  UnlockResult *unlocked;

  secret = g_task_propagate_pointer (G_TASK (result), &error);

  if (secret != NULL)
    {
      unlocked = g_new0 (UnlockResult, 1);
      unlocked->secret = g_steal_pointer (&secret);
      unlocked->pin = g_steal_pointer (&data->pin);
      g_task_return_pointer (task, unlocked, (GDestroyNotify) unlock_result_free);
      return;
    }

  if (g_error_matches (error, TL_KEY_ERROR, TL_KEY_ERROR_WRONG_PIN))
    {
      wrong_pin (g_steal_pointer (&task));
      return;
    }

  g_clear_pointer (&data->pin, tl_key_secret_free);
  g_task_return_error (task, g_steal_pointer (&error));
}

static void
pin_read_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  UnlockData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable;
  GTask *derive;

  data->pin = tl_key_prompt_read_line_finish (data->prompt, result, &error);
  if (data->pin == NULL)
    {
      /* A script that ran out of PINs to try gave a wrong one. */
      if (data->attempt > 1 && g_error_matches (error, TL_KEY_ERROR, TL_KEY_ERROR_NO_INPUT))
        g_task_return_new_error (task, TL_KEY_ERROR, TL_KEY_ERROR_WRONG_PIN,
                                 _("Wrong PIN."));
      else
        g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* A PIN that breaks the rules cannot be right; no need for scrypt. */
  if (!tl_key_pin_check (data->pin, NULL))
    {
      wrong_pin (g_steal_pointer (&task));
      return;
    }

  /* The worker reads data->device and data->pin; nothing else touches
   * them until derive_cb runs. */
  cancellable = g_task_get_cancellable (task);
  derive = g_task_new (NULL, cancellable, derive_cb, g_steal_pointer (&task));
  g_task_set_source_tag (derive, derive_thread);
  g_task_set_task_data (derive, data, NULL);
  tl_worker_run_in_thread (derive, derive_thread);
  g_object_unref (derive);
}

static void
ask_pin (GTask *task)
{
  UnlockData *data = g_task_get_task_data (task);

  data->attempt++;
  tl_key_prompt_read_line_async (data->prompt, data->question, TRUE,
                                 g_task_get_cancellable (task),
                                 pin_read_cb, task);
}

void
tl_key_pin_unlock_async (TlKeyPrompt         *prompt,
                         TlKeyDevice         *device,
                         const char          *question,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  GTask *task;
  UnlockData *data;

  g_return_if_fail (TL_IS_KEY_PROMPT (prompt));
  g_return_if_fail (TL_IS_KEY_DEVICE (device));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, tl_key_pin_unlock_async);
  data = g_new0 (UnlockData, 1);
  data->prompt = g_object_ref (prompt);
  data->device = g_object_ref (device);
  if (question != NULL)
    data->question = g_strdup (question);
  else
    {
      g_autofree char *what = tl_key_device_describe (device);
      data->question = g_strdup_printf (_("PIN for %s: "), what);
    }
  g_task_set_task_data (task, data, (GDestroyNotify) unlock_data_free);

  ask_pin (task);
}

GBytes *
tl_key_pin_unlock_finish (GAsyncResult  *result,
                          TlKeySecret  **out_pin,
                          GError       **error)
{
  UnlockResult *unlocked;
  GBytes *secret;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  unlocked = g_task_propagate_pointer (G_TASK (result), error);
  if (unlocked == NULL)
    return NULL;

  secret = g_steal_pointer (&unlocked->secret);
  if (out_pin != NULL)
    *out_pin = g_steal_pointer (&unlocked->pin);
  unlock_result_free (unlocked);

  return secret;
}
