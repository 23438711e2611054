/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tl-key-device.h"
#include "tl-key-request.h"

G_BEGIN_DECLS

#define TL_KEY_WATCHER_MIN_RETRY 1
#define TL_KEY_WATCHER_MAX_RETRY 30

#define TL_TYPE_KEY_WATCHER (tl_key_watcher_get_type ())

G_DECLARE_FINAL_TYPE (TlKeyWatcher, tl_key_watcher, TL, KEY_WATCHER, GObject)

/*
 * Long-polls v1/device/pending for one unlocked device and answers
 * pushes with v1/device/respond.
 *
 * Properties: "device" (construct-only), "connected" (read-only: the
 * last poll reached the server).
 *
 * Signals:
 *   request (TlKeyRequest*)          a push this watcher has not shown yet
 *   connection-lost (guint, GError*) a poll failed; the next try is in
 *                                    that many seconds. Emitted only when
 *                                    the delay changes: 1, 2, 4 … 30 s.
 *   failed (GError*)                 polling stopped for good (the
 *                                    certificate is not trusted)
 *   withdrawn (char *push_id)        a push shown before is no longer
 *                                    open (answered, expired, or the login
 *                                    went on with challenge/response)
 */
TlKeyWatcher *tl_key_watcher_new             (TlKeyDevice         *device,
                                              GBytes              *secret);

TlKeyDevice  *tl_key_watcher_get_device      (TlKeyWatcher        *self);
gboolean      tl_key_watcher_get_connected   (TlKeyWatcher        *self);

void          tl_key_watcher_start           (TlKeyWatcher        *self);
void          tl_key_watcher_stop            (TlKeyWatcher        *self);

void          tl_key_watcher_respond_async   (TlKeyWatcher        *self,
                                              const char          *push_id,
                                              gboolean             approve,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean      tl_key_watcher_respond_finish  (TlKeyWatcher        *self,
                                              GAsyncResult        *result,
                                              GError             **error);

/* Lets a later poll show @push_id again, after answering it failed. */
void          tl_key_watcher_forget          (TlKeyWatcher        *self,
                                              const char          *push_id);

G_END_DECLS
