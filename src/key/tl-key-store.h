/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tl-key-device.h"

G_BEGIN_DECLS

#define TL_TYPE_KEY_STORE (tl_key_store_get_type ())

G_DECLARE_FINAL_TYPE (TlKeyStore, tl_key_store, TL, KEY_STORE, GObject)

/* Enrolled devices in the keyring (libsecret), one item each, schema
 * "io.github.tradinglogin.TradingLogin.Device" with the attributes
 * version "1", server, username and device-id. The item's secret is the
 * device record; the device secret inside it is sealed with the PIN. */
TlKeyStore *tl_key_store_new           (void);

/* Returns (transfer full): a GPtrArray of TlKeyDevice, sorted by
 * server, username, then activation time. Items that cannot be read are
 * skipped; their labels end up in @out_damaged (NULL-terminated, may be
 * empty) when that is not NULL. */
void        tl_key_store_list_async    (TlKeyStore          *self,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
GPtrArray  *tl_key_store_list_finish   (TlKeyStore          *self,
                                        GAsyncResult        *result,
                                        GStrv               *out_damaged,
                                        GError             **error);

void        tl_key_store_save_async    (TlKeyStore          *self,
                                        TlKeyDevice         *device,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
gboolean    tl_key_store_save_finish   (TlKeyStore          *self,
                                        GAsyncResult        *result,
                                        GError             **error);

void        tl_key_store_remove_async  (TlKeyStore          *self,
                                        TlKeyDevice         *device,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
gboolean    tl_key_store_remove_finish (TlKeyStore          *self,
                                        GAsyncResult        *result,
                                        GError             **error);

G_END_DECLS
