/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define TL_TYPE_KEY_CLIENT (tl_key_client_get_type ())

G_DECLARE_FINAL_TYPE (TlKeyClient, tl_key_client, TL, KEY_CLIENT, GObject)

/* JSON over HTTPS to one server profile. The server is trusted through
 * the system CAs, or, when @pin_sha256 is given, only when its
 * certificate's SHA-256 (DER) is exactly that: CAs play no part then, so
 * a pinned self-signed certificate works and a CA-signed impostor does
 * not. */
TlKeyClient *tl_key_client_new         (const char           *base_url,
                                        const char           *pin_sha256);

const char  *tl_key_client_get_base_url (TlKeyClient         *self);

/* POSTs @body (a JSON object, serialised) to base URL + @path and
 * returns the answer's object. Errors are TL_AUTH_ERROR: the wire code
 * and the server's own sentence for an error answer; NETWORK, PROTOCOL
 * or CERTIFICATE for the rest; G_IO_ERROR_CANCELLED. */
void         tl_key_client_post_async  (TlKeyClient          *self,
                                        const char           *path,
                                        JsonNode             *body,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);
JsonObject  *tl_key_client_post_finish (TlKeyClient          *self,
                                        GAsyncResult         *result,
                                        GError              **error);

/* The contract's device proof: base64 HMAC-SHA256 over
 * "<action>:<device_id>:<push_id or empty>:<time>". */
char        *tl_key_client_proof       (GBytes               *secret,
                                        const char           *action,
                                        const char           *device_id,
                                        const char           *push_id,
                                        gint64                time);

G_END_DECLS
