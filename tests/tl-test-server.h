/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "tl-srp.h"
#include "tl-types.h"

G_BEGIN_DECLS

/* A real trading-authd ("$TL_AUTHD demo DIR --port 0") in a private
 * directory, for tests. Every function g_assert()s on failure: a test
 * that cannot reach its server has nothing to say. */
typedef struct _TlTestServer TlTestServer;

TlTestServer *tl_test_server_new              (void);
/* Extra arguments for "demo", e.g. "--start-burst", "2", NULL. */
TlTestServer *tl_test_server_new_with_args    (const char   *first_arg,
                                               ...) G_GNUC_NULL_TERMINATED;
/* SIGTERM, wait for the process, remove the directory. */
void          tl_test_server_free             (TlTestServer *s);

const char   *tl_test_server_get_data_dir     (TlTestServer *s);
/* "https://127.0.0.1:PORT/live/" or ".../paper/". */
const char   *tl_test_server_get_base_url     (TlTestServer *s,
                                               TlMode        mode);
/* 64 lower-case hex digits. */
const char   *tl_test_server_get_cert_sha256  (TlTestServer *s);

/* demo.json's user of that mode, and its first device of @kind
 * ("ibkey", "totp", "card", "temp", "dsc", "sms"); (transfer none). */
JsonObject   *tl_test_server_get_user         (TlTestServer *s,
                                               TlMode        mode);
JsonObject   *tl_test_server_get_device       (TlTestServer *s,
                                               TlMode        mode,
                                               const char   *kind);

/* Runs "$TL_AUTHD ARGS… --data-dir DIR" with @stdin_text (or nothing)
 * on its standard input, asserts that it exits 0 and returns its
 * standard output. */
char         *tl_test_server_admin            (TlTestServer *s,
                                               const char   *stdin_text,
                                               const char   *arg,
                                               ...) G_GNUC_NULL_TERMINATED G_GNUC_WARN_UNUSED_RESULT;
/* Same, but returns the exit status and both outputs, asserting nothing. */
int           tl_test_server_admin_full       (TlTestServer *s,
                                               const char   *stdin_text,
                                               char        **out_stdout,
                                               char        **out_stderr,
                                               const char   *arg,
                                               ...) G_GNUC_NULL_TERMINATED;

/* Sends @signum to the server and waits for it to exit. */
void          tl_test_server_kill             (TlTestServer *s,
                                               int           signum);
/* Starts the server again on the same directory and port (after
 * tl_test_server_kill(), or kills it with SIGTERM first). */
void          tl_test_server_restart          (TlTestServer *s);

/* Moves the server's clock (test-only hook, see docs/server.md):
 * the server behaves as if now were real time + @seconds. */
void          tl_test_server_set_clock_offset (TlTestServer *s,
                                               gint64        seconds);
gint64        tl_test_server_get_clock_offset (TlTestServer *s);
/* Unix seconds as the server sees them. */
gint64        tl_test_server_now              (TlTestServer *s);

/* Makes a database that trusts nothing the process's default TLS
 * database, so that new connections do not parse the system's CA bundle
 * (see tl-test-server.c); for tests that make sessions of their own
 * rather than with tl_test_server_new_soup_session(). Their messages
 * must pin the certificate. */
void          tl_test_use_pin_database        (void);

/* A session for talking to the server (up to 64 connections at once).
 * The certificate is pinned per message: build messages with
 * tl_test_server_new_message(), which accepts exactly the server's
 * certificate (its SHA-256) on "accept-certificate". */
SoupSession  *tl_test_server_new_soup_session (TlTestServer *s) G_GNUC_WARN_UNUSED_RESULT;
/* A POST (when @json_body is non-NULL) or GET to base_url(@mode) + @path,
 * pinned to the server's certificate. */
SoupMessage  *tl_test_server_new_message      (TlTestServer *s,
                                               TlMode        mode,
                                               const char   *path,
                                               const char   *json_body,
                                               const char   *bearer) G_GNUC_WARN_UNUSED_RESULT;
/* Sends synchronously on a session of its own; returns the body parsed
 * as a JSON object (asserts it is one) and the HTTP status. */
JsonObject   *tl_test_server_send_json        (TlTestServer *s,
                                               TlMode        mode,
                                               const char   *path,
                                               const char   *json_body,
                                               const char   *bearer,
                                               guint        *out_status) G_GNUC_WARN_UNUSED_RESULT;
/* Sends a raw body (any bytes, any length) and returns the status and,
 * when it is JSON, the body. */
JsonObject   *tl_test_server_send_raw         (TlTestServer *s,
                                               TlMode        mode,
                                               const char   *path,
                                               GBytes       *body,
                                               guint        *out_status) G_GNUC_WARN_UNUSED_RESULT;

/* The last code the server "sent" by SMS or voice (DIR/sms.log), or NULL. */
char         *tl_test_server_read_sms         (TlTestServer *s) G_GNUC_WARN_UNUSED_RESULT;

/* The two halves of the password step, for a test that does something
 * between them. v1/login/start and the client's SRP math: returns the
 * client and @out_login_id, or NULL with the start answer's status and
 * body (@out_start_body, optional). */
TlSrpClient  *tl_test_server_start_login      (TlTestServer *s,
                                               TlMode        mode,
                                               const char   *username,
                                               const char   *password,
                                               char        **out_login_id,
                                               JsonObject  **out_start_body,
                                               guint        *out_status) G_GNUC_WARN_UNUSED_RESULT;
/* v1/login/verify with @client's proof; a 200 answer's M2 is checked.
 * Returns the answer (or error body). */
JsonObject   *tl_test_server_verify_login     (TlTestServer *s,
                                               TlMode        mode,
                                               const char   *login_id,
                                               TlSrpClient  *client,
                                               guint        *out_status) G_GNUC_WARN_UNUSED_RESULT;

/* The password step of a login: v1/login/start and v1/login/verify with
 * SRP. Returns the verify answer (or error body) and its status;
 * @out_login_id (optional) receives the login id. */
JsonObject   *tl_test_server_login_password   (TlTestServer *s,
                                               TlMode        mode,
                                               const char   *username,
                                               const char   *password,
                                               char        **out_login_id,
                                               guint        *out_status) G_GNUC_WARN_UNUSED_RESULT;

/* The code of demo.json's TOTP device of @mode at @unix_time. */
char         *tl_test_server_totp_code        (TlTestServer *s,
                                               TlMode        mode,
                                               gint64        unix_time) G_GNUC_WARN_UNUSED_RESULT;
/* A whole login of demo.json's user of @mode (password, then a TOTP
 * code); returns the session object (with "token"). The code used is
 * the one of the current 30 s step, so call it at most once per step
 * and mode, or pass @step_offset -1/+1 for the neighbours. */
JsonObject   *tl_test_server_login_totp       (TlTestServer *s,
                                               TlMode        mode,
                                               int           step_offset) G_GNUC_WARN_UNUSED_RESULT;

/* POSTs the printf-formatted JSON body to @path of @mode's profile. */
JsonObject   *tl_test_server_post              (TlTestServer *self,
                                                TlMode        mode,
                                                const char   *path,
                                                guint        *out_status,
                                                const char   *format,
                                                ...) G_GNUC_PRINTF (5, 6) G_GNUC_WARN_UNUSED_RESULT;
/* Asserts a contract error answer: the status and its "error" code. */
void          tl_test_assert_error             (JsonObject   *body,
                                                guint         status,
                                                guint         expected_status,
                                                const char   *expected_code);

G_END_DECLS
