/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-message"

#include "config.h"

#include <string.h>

#include "tl-auth-error.h"
#include "tl-message.h"
#include "tl-session.h"
#include "tl-types.h"

static JsonObject *
parse (const char  *text,
       GError     **error)
{
  return tl_message_parse (text, strlen (text), error);
}

static void
test_parse_rejects_bad_bodies (void)
{
  static const char * const bad[] = {
    "", "[]", "42", "\"x\"", "{", "{\"a\":}", "{\"a\":1,}", "null",
    "{\"a\": \"\xff\xfe\"}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) object = parse (bad[i], &error);

      g_assert_null (object);
      g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_BAD_REQUEST);
    }
}

static void
test_parse_limits (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) deep = g_string_new ("{\"a\":");
  g_autoptr(GString) shallow = g_string_new ("{\"a\":\"");
  g_autofree char *huge = g_malloc0 (TL_MESSAGE_MAX_BODY + 2);
  JsonObject *object;

  /* Deep nesting is refused before json-glib recurses into it. */
  for (guint i = 0; i < 60000; i++)
    g_string_append_c (deep, '[');
  object = parse (deep->str, &error);
  g_assert_null (object);
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_BAD_REQUEST);
  g_clear_error (&error);

  /* Brackets inside strings are text, not nesting. */
  for (guint i = 0; i < 100; i++)
    g_string_append (shallow, "[[{{");
  g_string_append (shallow, "\"}");
  object = parse (shallow->str, &error);
  g_assert_no_error (error);
  g_clear_pointer (&object, json_object_unref);

  memset (huge, ' ', TL_MESSAGE_MAX_BODY + 1);
  object = tl_message_parse (huge, TL_MESSAGE_MAX_BODY + 1, &error);
  g_assert_null (object);
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_TOO_LARGE);
}

static void
test_typed_getters (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object =
    parse ("{\"s\": \"text\", \"i\": 7, \"b\": true, \"o\": {}, \"a\": [1, 2, 3],"
           " \"n\": null, \"neg\": -1, \"f\": 1.5}", &error);
  const char *optional = "default";
  gint64 number = 0;
  gboolean flag = FALSE;

  g_assert_no_error (error);
  g_assert_cmpstr (tl_message_get_string (object, "s", &error), ==, "text");
  g_assert_true (tl_message_get_int (object, "i", 0, 10, &number, &error));
  g_assert_cmpint (number, ==, 7);
  g_assert_true (tl_message_get_bool (object, "b", &flag, &error));
  g_assert_true (flag);
  g_assert_nonnull (tl_message_get_object (object, "o", &error));
  g_assert_nonnull (tl_message_get_array (object, "a", 3, &error));
  g_assert_true (tl_message_get_optional_string (object, "n", &optional, &error));
  g_assert_cmpstr (optional, ==, "default");
  g_assert_no_error (error);

  g_assert_null (tl_message_get_string (object, "missing", &error));
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_BAD_REQUEST);
  g_assert_nonnull (strstr (error->message, "missing"));
  g_clear_error (&error);

  g_assert_null (tl_message_get_string (object, "i", &error));
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_BAD_REQUEST);
  g_clear_error (&error);

  g_assert_false (tl_message_get_int (object, "neg", 0, 10, &number, &error));
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_BAD_REQUEST);
  g_clear_error (&error);

  g_assert_false (tl_message_get_int (object, "f", 0, 10, &number, &error));
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_BAD_REQUEST);
  g_clear_error (&error);

  g_assert_null (tl_message_get_array (object, "a", 2, &error));
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_BAD_REQUEST);
  g_clear_error (&error);
}

static void
test_base64_strict (void)
{
  static const char * const bad[] = {
    "", "abc", "ab=c", "a===", "ab c", "ab\ncd", "abc-", "abc_", "====",
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = tl_base64_decode_strict ("aGVsbG8=", 16, &error);

  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), "hello", 5);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GBytes) decoded = tl_base64_decode_strict (bad[i], 16, &error);

      g_assert_null (decoded);
      g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_BAD_REQUEST);
      g_clear_error (&error);
    }

  /* The bound is on the decoded size. */
  g_assert_null (tl_base64_decode_strict ("aGVsbG8=", 4, &error));
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_BAD_REQUEST);
}

static void
test_builder_round_trip (void)
{
  g_autoptr(JsonBuilder) builder = tl_message_error_builder ("locked", "Locked.");
  g_autoptr(GBytes) value = g_bytes_new_static ("\x00\x01\xff", 3);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) decoded = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GError) error = NULL;
  gint64 retry_after = 0;

  json_builder_set_member_name (builder, "retry_after");
  json_builder_add_int_value (builder, 60);
  tl_message_add_base64 (builder, "blob", value);
  body = tl_message_builder_end (builder);

  object = tl_message_parse_bytes (body, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (tl_message_get_string (object, "error", &error), ==, "locked");
  g_assert_cmpstr (tl_message_get_string (object, "message", &error), ==, "Locked.");
  g_assert_true (tl_message_get_int (object, "retry_after", 0, G_MAXINT, &retry_after, &error));
  g_assert_cmpint (retry_after, ==, 60);
  decoded = tl_message_get_base64 (object, "blob", 3, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (decoded, value));
}

static void
test_username_rule (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *normalized = NULL;
  g_autofree char *max = g_strnfill (64, 'a');
  g_autofree char *too_long = g_strnfill (65, 'a');
  gboolean changed = FALSE;

  g_assert_true (tl_username_is_valid ("alice"));
  g_assert_true (tl_username_is_valid ("u1234567"));
  g_assert_true (tl_username_is_valid (max));
  g_assert_false (tl_username_is_valid (too_long));
  g_assert_false (tl_username_is_valid (""));
  g_assert_false (tl_username_is_valid ("Alice"));
  g_assert_false (tl_username_is_valid ("al ice"));
  g_assert_false (tl_username_is_valid ("al_ice"));
  g_assert_false (tl_username_is_valid ("ålice"));

  normalized = tl_username_normalize ("  Alice ", &changed, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (normalized, ==, "alice");
  g_assert_true (changed);
  g_clear_pointer (&normalized, g_free);

  normalized = tl_username_normalize ("bob", &changed, &error);
  g_assert_cmpstr (normalized, ==, "bob");
  g_assert_false (changed);
  g_clear_pointer (&normalized, g_free);

  normalized = tl_username_normalize ("bob.smith", &changed, &error);
  g_assert_null (normalized);
  g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_BAD_CHARACTER);
  g_assert_cmpstr (error->message, ==, "Use only lower-case letters and digits.");
}

static void
test_session_json (void)
{
  const char *text =
    "{\"token\": \"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA_\", \"username\": \"alice\","
    " \"mode\": \"paper\", \"account\": \"DU1234567\", \"read_only\": false,"
    " \"expires_at\": \"2030-01-02T03:04:05Z\"}";
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = parse (text, &error);
  g_autoptr(TlSession) session = tl_session_from_json (object, TRUE, &error);
  g_autoptr(TlSession) copy = NULL;
  g_autoptr(JsonObject) back = NULL;
  g_autoptr(JsonObject) without_token = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (session->username, ==, "alice");
  g_assert_cmpint (session->mode, ==, TL_MODE_PAPER);
  g_assert_cmpstr (session->account, ==, "DU1234567");
  g_assert_cmpint (g_date_time_get_year (session->expires_at), ==, 2030);
  g_assert_cmpint (tl_session_seconds_left (session), >, 0);

  copy = tl_session_copy (session);
  back = tl_session_to_json (copy, TRUE);
  g_assert_cmpstr (json_object_get_string_member (back, "token"), ==, session->token);
  g_assert_cmpstr (json_object_get_string_member (back, "expires_at"), ==, "2030-01-02T03:04:05Z");

  without_token = tl_session_to_json (copy, FALSE);
  g_assert_false (json_object_has_member (without_token, "token"));
}

static void
test_session_json_rejects (void)
{
  static const char * const bad[] = {
    "{\"username\": \"alice\", \"mode\": \"paper\", \"account\": \"D\", \"read_only\": false, \"expires_at\": \"2030-01-02T03:04:05Z\"}",
    "{\"token\": \"short\", \"username\": \"alice\", \"mode\": \"paper\", \"account\": \"D\", \"read_only\": false, \"expires_at\": \"2030-01-02T03:04:05Z\"}",
    "{\"token\": \"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\", \"username\": \"Alice\", \"mode\": \"paper\", \"account\": \"D\", \"read_only\": false, \"expires_at\": \"2030-01-02T03:04:05Z\"}",
    "{\"token\": \"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\", \"username\": \"alice\", \"mode\": \"demo\", \"account\": \"D\", \"read_only\": false, \"expires_at\": \"2030-01-02T03:04:05Z\"}",
    "{\"token\": \"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\", \"username\": \"alice\", \"mode\": \"paper\", \"account\": \"D\", \"read_only\": \"no\", \"expires_at\": \"2030-01-02T03:04:05Z\"}",
    "{\"token\": \"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\", \"username\": \"alice\", \"mode\": \"paper\", \"account\": \"D\", \"read_only\": false, \"expires_at\": \"tomorrow\"}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) object = parse (bad[i], &error);
      g_autoptr(TlSession) session = NULL;

      g_assert_no_error (error);
      session = tl_session_from_json (object, TRUE, &error);
      g_assert_null (session);
      g_assert_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_BAD_REQUEST);
    }
}

static void
test_kinds_and_modes (void)
{
  TlDeviceKind kind;
  TlMode mode;

  for (guint i = TL_DEVICE_KIND_IBKEY; i <= TL_DEVICE_KIND_TEMP; i++)
    {
      g_assert_true (tl_device_kind_from_string (tl_device_kind_to_string (i), &kind));
      g_assert_cmpint (kind, ==, i);
      g_assert_nonnull (tl_device_kind_describe (i));
    }
  g_assert_false (tl_device_kind_from_string ("fax", &kind));
  g_assert_true (tl_mode_from_string ("live", &mode));
  g_assert_cmpint (mode, ==, TL_MODE_LIVE);
  g_assert_false (tl_mode_from_string ("LIVE", &mode));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/tl/message/parse/bad-bodies", test_parse_rejects_bad_bodies);
  g_test_add_func ("/tl/message/parse/limits", test_parse_limits);
  g_test_add_func ("/tl/message/getters", test_typed_getters);
  g_test_add_func ("/tl/message/base64", test_base64_strict);
  g_test_add_func ("/tl/message/builder", test_builder_round_trip);
  g_test_add_func ("/tl/types/username", test_username_rule);
  g_test_add_func ("/tl/types/kinds-and-modes", test_kinds_and_modes);
  g_test_add_func ("/tl/session/json", test_session_json);
  g_test_add_func ("/tl/session/json-rejects", test_session_json_rejects);

  return g_test_run ();
}
