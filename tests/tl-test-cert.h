/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A fresh self-signed certificate for 127.0.0.1 (EC P-256, with its
 * key), made with OpenSSL, and its SHA-256 fingerprint as OpenSSL
 * computes it (64 lower-case hex digits), for tests that need a TLS
 * server nobody trusts. Asserts on failure. */
GTlsCertificate *tl_test_cert_new (char **out_sha256);

G_END_DECLS
