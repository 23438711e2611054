/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The contract's body limit, and our own limits on what a body may hold:
 * nothing in the protocol nests deeper than 4 or needs strings longer
 * than a few KiB. */
#define TL_MESSAGE_MAX_BODY       (64 * 1024)
#define TL_MESSAGE_MAX_DEPTH      8
#define TL_MESSAGE_MAX_STRING     4096

/* Parses a request or response body into its root object. Errors are
 * TL_AUTH_ERROR_TOO_LARGE or TL_AUTH_ERROR_BAD_REQUEST (clients turn the
 * latter into TL_AUTH_ERROR_PROTOCOL). */
JsonObject *tl_message_parse          (const char  *data,
                                       gsize        length,
                                       GError     **error);
JsonObject *tl_message_parse_bytes    (GBytes      *body,
                                       GError     **error);

/* Typed member access. A missing member, null, or a value of the wrong
 * type or out of range is a TL_AUTH_ERROR_BAD_REQUEST naming the member.
 * The _optional variants accept absent and null and leave the default. */
const char *tl_message_get_string     (JsonObject  *object,
                                       const char  *member,
                                       GError     **error);
gboolean    tl_message_get_optional_string
                                      (JsonObject  *object,
                                       const char  *member,
                                       const char **out_value,
                                       GError     **error);
gboolean    tl_message_get_int        (JsonObject  *object,
                                       const char  *member,
                                       gint64       min,
                                       gint64       max,
                                       gint64      *out_value,
                                       GError     **error);
gboolean    tl_message_get_optional_int
                                      (JsonObject  *object,
                                       const char  *member,
                                       gint64       min,
                                       gint64       max,
                                       gint64      *out_value,
                                       GError     **error);
gboolean    tl_message_get_bool       (JsonObject  *object,
                                       const char  *member,
                                       gboolean    *out_value,
                                       GError     **error);
gboolean    tl_message_get_optional_bool
                                      (JsonObject  *object,
                                       const char  *member,
                                       gboolean    *out_value,
                                       GError     **error);
JsonObject *tl_message_get_object     (JsonObject  *object,
                                       const char  *member,
                                       GError     **error);
JsonObject *tl_message_get_optional_object
                                      (JsonObject  *object,
                                       const char  *member);
JsonArray  *tl_message_get_array      (JsonObject  *object,
                                       const char  *member,
                                       guint        max_length,
                                       GError     **error);
/* Strict RFC 4648 section 4 base64 with padding; @max_decoded bounds the
 * decoded length. Returns (transfer full). */
GBytes     *tl_message_get_base64     (JsonObject  *object,
                                       const char  *member,
                                       gsize        max_decoded,
                                       GError     **error);
GBytes     *tl_base64_decode_strict   (const char  *text,
                                       gsize        max_decoded,
                                       GError     **error);

/* Builders. */
void        tl_message_add_base64     (JsonBuilder *builder,
                                       const char  *member,
                                       GBytes      *value);
GBytes     *tl_message_builder_end    (JsonBuilder *builder);
GBytes     *tl_message_object_to_bytes(JsonObject  *object);
/* {"error": code, "message": message} plus nothing else; callers add
 * per-code members through @builder_out if they need to. */
JsonBuilder *tl_message_error_builder (const char  *code,
                                       const char  *message);

G_END_DECLS
