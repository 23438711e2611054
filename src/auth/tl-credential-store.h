/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tl-session.h"

G_BEGIN_DECLS

#define TL_TYPE_CREDENTIAL_STORE (tl_credential_store_get_type ())

G_DECLARE_FINAL_TYPE (TlCredentialStore, tl_credential_store, TL, CREDENTIAL_STORE, GObject)

/* The keyring (libsecret): remembered usernames and session tokens. Two
 * versioned schemas named after the app ID; items carry readable labels
 * ("Trading Login username alice (paper, https://…)"). All async. */
TlCredentialStore *tl_credential_store_new                 (void);

/* Remembers @username for (base URL, mode), most recent first. */
void     tl_credential_store_remember_username_async       (TlCredentialStore  *self,
                                                            const char         *base_url,
                                                            TlMode              mode,
                                                            const char         *username,
                                                            GCancellable       *cancellable,
                                                            GAsyncReadyCallback callback,
                                                            gpointer            user_data);
gboolean tl_credential_store_remember_username_finish      (TlCredentialStore  *self,
                                                            GAsyncResult       *result,
                                                            GError            **error);
/* Returns (transfer full): NULL-terminated, most recently used first. */
void     tl_credential_store_list_usernames_async          (TlCredentialStore  *self,
                                                            const char         *base_url,
                                                            TlMode              mode,
                                                            GCancellable       *cancellable,
                                                            GAsyncReadyCallback callback,
                                                            gpointer            user_data);
char   **tl_credential_store_list_usernames_finish         (TlCredentialStore  *self,
                                                            GAsyncResult       *result,
                                                            GError            **error);
void     tl_credential_store_forget_username_async         (TlCredentialStore  *self,
                                                            const char         *base_url,
                                                            TlMode              mode,
                                                            const char         *username,
                                                            GCancellable       *cancellable,
                                                            GAsyncReadyCallback callback,
                                                            gpointer            user_data);
gboolean tl_credential_store_forget_username_finish        (TlCredentialStore  *self,
                                                            GAsyncResult       *result,
                                                            GError            **error);

/* Opens the keyring's encrypted transfer session (a Diffie-Hellman
 * exchange with the keyring daemon, several milliseconds) so that a save
 * later needs none: call it when a login starts, and the exchange
 * overlaps the network. Best effort; the save reports any failure. */
void     tl_credential_store_prepare_save                  (TlCredentialStore  *self,
                                                            GCancellable       *cancellable);

/* Session tokens per (base URL, mode, username), with their expiry. */
void     tl_credential_store_save_session_async            (TlCredentialStore  *self,
                                                            const char         *base_url,
                                                            const TlSession    *session,
                                                            GCancellable       *cancellable,
                                                            GAsyncReadyCallback callback,
                                                            gpointer            user_data);
gboolean tl_credential_store_save_session_finish           (TlCredentialStore  *self,
                                                            GAsyncResult       *result,
                                                            GError            **error);
/* @username NULL: the most recently saved unexpired session for
 * (base URL, mode). Returns (transfer full) (nullable): NULL without an
 * error when there is none. Expired items are deleted on the way. */
void     tl_credential_store_lookup_session_async          (TlCredentialStore  *self,
                                                            const char         *base_url,
                                                            TlMode              mode,
                                                            const char         *username,
                                                            GCancellable       *cancellable,
                                                            GAsyncReadyCallback callback,
                                                            gpointer            user_data);
TlSession *tl_credential_store_lookup_session_finish       (TlCredentialStore  *self,
                                                            GAsyncResult       *result,
                                                            GError            **error);
void     tl_credential_store_delete_session_async          (TlCredentialStore  *self,
                                                            const char         *base_url,
                                                            TlMode              mode,
                                                            const char         *username,
                                                            GCancellable       *cancellable,
                                                            GAsyncReadyCallback callback,
                                                            gpointer            user_data);
gboolean tl_credential_store_delete_session_finish         (TlCredentialStore  *self,
                                                            GAsyncResult       *result,
                                                            GError            **error);

G_END_DECLS
