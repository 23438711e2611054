/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* RFC 5054 appendix A groups. The protocol uses TL_SRP_GROUP_3072 with
 * TL_SRP_HASH_SHA256; the others exist for the RFC's test vectors and for
 * servers that want a different strength. */
typedef enum
{
  TL_SRP_GROUP_1024,
  TL_SRP_GROUP_2048,
  TL_SRP_GROUP_3072,
  TL_SRP_GROUP_4096,
} TlSrpGroup;

typedef enum
{
  TL_SRP_HASH_SHA1,
  TL_SRP_HASH_SHA256,
} TlSrpHash;

#define TL_SRP_DEFAULT_GROUP TL_SRP_GROUP_3072
#define TL_SRP_DEFAULT_HASH  TL_SRP_HASH_SHA256
#define TL_SRP_SALT_LENGTH   16

/* Wire names: "rfc5054-3072", "sha256". */
const char  *tl_srp_group_to_string   (TlSrpGroup  group);
gboolean     tl_srp_group_from_string (const char *name,
                                       TlSrpGroup *out_group);
const char  *tl_srp_hash_to_string    (TlSrpHash   hash);
gboolean     tl_srp_hash_from_string  (const char *name,
                                       TlSrpHash  *out_hash);
/* Byte length of N, which is the length of PAD(x). */
gsize        tl_srp_group_length      (TlSrpGroup  group);

/* Building blocks, public so the RFC 5054 appendix B vectors can be
 * checked one by one. Every value is big-endian bytes; x, v, k and u are
 * minimal (no padding), as the RFC prints them. */
GBytes      *tl_srp_compute_x         (TlSrpHash    hash,
                                       const char  *username,
                                       const char  *password,
                                       GBytes      *salt);
GBytes      *tl_srp_compute_verifier  (TlSrpGroup   group,
                                       TlSrpHash    hash,
                                       const char  *username,
                                       const char  *password,
                                       GBytes      *salt,
                                       GError     **error);
GBytes      *tl_srp_compute_k         (TlSrpGroup   group,
                                       TlSrpHash    hash);
GBytes      *tl_srp_compute_u         (TlSrpGroup   group,
                                       TlSrpHash    hash,
                                       GBytes      *A,
                                       GBytes      *B);
GBytes      *tl_srp_random_salt       (GError     **error);

/* Does ahead of a login what a process's first SRP computation in @group
 * with @hash would otherwise do first: OpenSSL's set-up (configuration,
 * providers, the random generators) and the group's numbers. Thread-safe;
 * nothing to do once done. */
void         tl_srp_prepare           (TlSrpGroup   group,
                                       TlSrpHash    hash);

/* Client: holds a, x and the session key; free with tl_srp_client_free(),
 * which wipes them. */
typedef struct _TlSrpClient TlSrpClient;

TlSrpClient *tl_srp_client_new        (TlSrpGroup   group,
                                       TlSrpHash    hash,
                                       const char  *username,
                                       const char  *password,
                                       GBytes      *salt,
                                       GBytes      *B,
                                       GError     **error);
/* @a is the private value; only tests pass one. NULL draws 256 random bits. */
TlSrpClient *tl_srp_client_new_with_a (TlSrpGroup   group,
                                       TlSrpHash    hash,
                                       const char  *username,
                                       const char  *password,
                                       GBytes      *salt,
                                       GBytes      *B,
                                       GBytes      *a,
                                       GError     **error);
GBytes      *tl_srp_client_get_A      (TlSrpClient *client);  /* PAD(A) */
GBytes      *tl_srp_client_get_M1     (TlSrpClient *client);
GBytes      *tl_srp_client_get_K      (TlSrpClient *client);
GBytes      *tl_srp_client_get_S      (TlSrpClient *client);  /* minimal bytes, for tests */
/* Constant-time; TL_AUTH_ERROR_SERVER_IDENTITY on mismatch. */
gboolean     tl_srp_client_verify_M2  (TlSrpClient *client,
                                       GBytes      *M2,
                                       GError     **error);
void         tl_srp_client_free       (TlSrpClient *client);

/* Server: holds b and v; free with tl_srp_server_free(), which wipes them. */
typedef struct _TlSrpServer TlSrpServer;

TlSrpServer *tl_srp_server_new        (TlSrpGroup   group,
                                       TlSrpHash    hash,
                                       const char  *username,
                                       GBytes      *salt,
                                       GBytes      *verifier,
                                       GError     **error);
TlSrpServer *tl_srp_server_new_with_b (TlSrpGroup   group,
                                       TlSrpHash    hash,
                                       const char  *username,
                                       GBytes      *salt,
                                       GBytes      *verifier,
                                       GBytes      *b,
                                       GError     **error);
/* The server side again, between a login's two requests, from the b and
 * PAD(B) kept at start: no exponentiation. Checks that @B is PAD(B) of a
 * value in 0 < B < N (TL_AUTH_ERROR_INVALID_INPUT otherwise). */
TlSrpServer *tl_srp_server_new_with_b_and_B (TlSrpGroup   group,
                                             TlSrpHash    hash,
                                             const char  *username,
                                             GBytes      *salt,
                                             GBytes      *verifier,
                                             GBytes      *b,
                                             GBytes      *B,
                                             GError     **error);
GBytes      *tl_srp_server_get_B      (TlSrpServer *server);  /* PAD(B) */
/* Checks A (TL_AUTH_ERROR_BAD_REQUEST when A mod N == 0) and M1 in
 * constant time (TL_AUTH_ERROR_INVALID_CREDENTIALS on mismatch); on
 * success M2 and K become available. */
gboolean     tl_srp_server_verify     (TlSrpServer *server,
                                       GBytes      *A,
                                       GBytes      *M1,
                                       GError     **error);
GBytes      *tl_srp_server_get_M2     (TlSrpServer *server);
GBytes      *tl_srp_server_get_K      (TlSrpServer *server);
GBytes      *tl_srp_server_get_S      (TlSrpServer *server);  /* minimal bytes, for tests */
void         tl_srp_server_free       (TlSrpServer *server);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TlSrpClient, tl_srp_client_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TlSrpServer, tl_srp_server_free)

G_END_DECLS
