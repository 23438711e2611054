/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define TL_AUTHD_CERT_FILE_NAME "tls-cert.pem"
#define TL_AUTHD_KEY_FILE_NAME  "tls-key.pem"

/* A self-signed certificate for 127.0.0.1, ::1 and localhost (EC P-256,
 * SHA-256, valid two years), written as PEM; the key file is 0600. */
gboolean         tl_authd_cert_generate    (const char       *cert_path,
                                            const char       *key_path,
                                            GError          **error);
/* Generates the pair in @dir unless both files exist. */
gboolean         tl_authd_cert_ensure      (const char       *dir,
                                            gboolean         *out_created,
                                            GError          **error);
GTlsCertificate *tl_authd_cert_load        (const char       *dir,
                                            GError          **error);
/* SHA-256 of the DER certificate, 64 lower-case hex digits. */
char            *tl_authd_cert_fingerprint (GTlsCertificate  *certificate);

G_END_DECLS
