/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tl-types.h"

G_BEGIN_DECLS

#define TL_TYPE_SERVER_PROFILE (tl_server_profile_get_type ())

G_DECLARE_FINAL_TYPE (TlServerProfile, tl_server_profile, TL, SERVER_PROFILE, GObject)

/* A mode, a base URL ending in '/', and how to trust the server: the
 * system CAs when @pin_sha256 is NULL, otherwise exactly the certificate
 * whose SHA-256 (DER) fingerprint is @pin_sha256 (hex, with or without
 * colons, any case). Immutable. */
TlServerProfile *tl_server_profile_new             (TlMode            mode,
                                                    const char       *base_url,
                                                    const char       *pin_sha256);
/* Checks the URL: https (or http to a loopback address when
 * @allow_insecure_loopback, for tests), a host, and a pin of 64 hex
 * digits. TL_AUTH_ERROR_INVALID_INPUT with a sentence saying what to fix. */
gboolean         tl_server_profile_validate        (TlServerProfile  *self,
                                                    GError          **error);
TlMode           tl_server_profile_get_mode        (TlServerProfile  *self);
const char      *tl_server_profile_get_base_url    (TlServerProfile  *self);
/* Normalised: 64 lower-case hex digits, or NULL. */
const char      *tl_server_profile_get_pin_sha256  (TlServerProfile  *self);
gboolean         tl_server_profile_get_allow_insecure_loopback
                                                   (TlServerProfile  *self);
void             tl_server_profile_set_allow_insecure_loopback
                                                   (TlServerProfile  *self,
                                                    gboolean          allow);
/* base_url + path, e.g. "v1/login/start". */
char            *tl_server_profile_build_url       (TlServerProfile  *self,
                                                    const char       *path);

/* The SHA-256 fingerprint of a certificate, 64 lower-case hex digits. */
char            *tl_certificate_sha256             (GTlsCertificate  *certificate);

G_END_DECLS
