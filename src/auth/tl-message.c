/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-message"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "tl-auth-error.h"
#include "tl-message.h"

static int
hex4 (const char *p)
{
  int value = 0;

  for (int k = 0; k < 4; k++)
    {
      int digit = g_ascii_xdigit_value (p[k]);

      if (digit < 0)
        return -1;
      value = value * 16 + digit;
    }

  return value;
}

/* json-glib 1.6 takes escapes JSON does not have ("\x", octal "\101"),
 * turns a malformed "\u" into bytes that are not UTF-8, and leaks its
 * string buffer on a broken surrogate pair; and a "\u0000" would cut a
 * C string short without a word. So only JSON's own escapes pass, and no
 * NUL. @i is on the backslash; it is left on the escape's last byte. */
static gboolean
check_escape (const char *data,
              gsize       length,
              gsize      *i)
{
  gsize at = *i + 1;
  int unit, low;

  if (at >= length)
    return FALSE;

  if (data[at] != '\0' && strchr ("\"\\/bfnrt", data[at]) != NULL)
    {
      *i = at;
      return TRUE;
    }

  if (data[at] != 'u' || length - at < 5 || (unit = hex4 (data + at + 1)) <= 0 ||
      (unit >= 0xdc00 && unit <= 0xdfff))
    return FALSE;
  at += 4;

  if (unit >= 0xd800 && unit <= 0xdbff)
    {
      if (length - at < 7 || data[at + 1] != '\\' || data[at + 2] != 'u' ||
          (low = hex4 (data + at + 3)) < 0xdc00 || low > 0xdfff)
        return FALSE;
      at += 6;
    }

  *i = at;
  return TRUE;
}

/* json-glib's parser recurses once per nesting level, so a body of 64 KiB
 * of '[' would exhaust the stack. Count the nesting before it sees the
 * body; strings are skipped so brackets inside them do not count.
 * Outside the one top-level object only white space may appear: json-glib
 * 1.6 leaks the second of several top-level values ("{} {}"). */
static gboolean
check_nesting (const char *data,
               gsize       length,
               GError    **error)
{
  guint depth = 0;
  gboolean in_string = FALSE;
  gboolean closed = FALSE;

  for (gsize i = 0; i < length; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\' && !check_escape (data, length, &i))
            {
              g_set_error_literal (error, TL_AUTH_ERROR, TL_AUTH_ERROR_BAD_REQUEST,
                                   _("The message has an invalid escape in a string."));
              return FALSE;
            }
          else if (c == '"')
            in_string = FALSE;
          continue;
        }

      /* Outside strings JSON has only these bytes. json-glib also takes
       * comments, single quotes and "var x = …", and leaks memory on some
       * of them. */
      if (c == '\0' || strchr (" \t\r\n{}[],:\"-+.0123456789eEtruefalsn", c) == NULL)
        {
          g_set_error_literal (error, TL_AUTH_ERROR, TL_AUTH_ERROR_BAD_REQUEST,
                               _("The message is not valid JSON."));
          return FALSE;
        }

      if (depth == 0 && c != ' ' && c != '\t' && c != '\r' && c != '\n' &&
          (c != '{' || closed))
        {
          g_set_error_literal (error, TL_AUTH_ERROR, TL_AUTH_ERROR_BAD_REQUEST,
                               _("The message is not a single JSON object."));
          return FALSE;
        }

      switch (c)
        {
        case '"':
          in_string = TRUE;
          break;
        case '{':
        case '[':
          if (++depth > TL_MESSAGE_MAX_DEPTH)
            {
              g_set_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_BAD_REQUEST,
                           _("The message is nested deeper than %d levels."),
                           TL_MESSAGE_MAX_DEPTH);
              return FALSE;
            }
          break;
        case '}':
        case ']':
          if (depth > 0 && --depth == 0)
            closed = TRUE;
          break;
        default:
          break;
        }
    }

  return TRUE;
}

JsonObject *
tl_message_parse (const char  *data,
                  gsize        length,
                  GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;

  if (length > TL_MESSAGE_MAX_BODY)
    {
      g_set_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_TOO_LARGE,
                   _("The message is larger than %d KiB."),
                   TL_MESSAGE_MAX_BODY / 1024);
      return NULL;
    }

  if (data == NULL || length == 0)
    {
      g_set_error_literal (error, TL_AUTH_ERROR, TL_AUTH_ERROR_BAD_REQUEST,
                           _("The message is empty."));
      return NULL;
    }

  if (!g_utf8_validate_len (data, length, NULL))
    {
      g_set_error_literal (error, TL_AUTH_ERROR, TL_AUTH_ERROR_BAD_REQUEST,
                           _("The message is not valid UTF-8."));
      return NULL;
    }

  if (!check_nesting (data, length, error))
    return NULL;

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, (gssize) length, &local_error))
    {
      g_set_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_BAD_REQUEST,
                   _("The message is not valid JSON: %s"), local_error->message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, TL_AUTH_ERROR, TL_AUTH_ERROR_BAD_REQUEST,
                           _("The message is not a JSON object."));
      return NULL;
    }

  return json_object_ref (json_node_get_object (root));
}

JsonObject *
tl_message_parse_bytes (GBytes  *body,
                        GError **error)
{
  gsize length = 0;
  const char *data = NULL;

  if (body != NULL)
    data = g_bytes_get_data (body, &length);

  return tl_message_parse (data, length, error);
}

static JsonNode *
get_member (JsonObject  *object,
            const char  *member,
            JsonNodeType type,
            GType        value_type,
            gboolean     optional,
            GError     **error)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (!optional)
        g_set_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_BAD_REQUEST,
                     _("The field “%s” is missing."), member);
      return NULL;
    }

  if (json_node_get_node_type (node) != type ||
      (type == JSON_NODE_VALUE && json_node_get_value_type (node) != value_type))
    {
      g_set_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_BAD_REQUEST,
                   _("The field “%s” has the wrong type."), member);
      return NULL;
    }

  return node;
}

static gboolean
check_string (const char  *member,
              const char  *value,
              GError     **error)
{
  /* The body was valid UTF-8, but json-glib decodes a lone "\uD800"
   * escape into bytes that are not. */
  if (!g_utf8_validate (value, -1, NULL))
    {
      g_set_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_BAD_REQUEST,
                   _("The field “%s” is not valid UTF-8."), member);
      return FALSE;
    }

  if (strlen (value) > TL_MESSAGE_MAX_STRING)
    {
      g_set_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_BAD_REQUEST,
                   _("The field “%s” is too long."), member);
      return FALSE;
    }

  return TRUE;
}

const char *
tl_message_get_string (JsonObject  *object,
                       const char  *member,
                       GError     **error)
{
  JsonNode *node = get_member (object, member, JSON_NODE_VALUE, G_TYPE_STRING, FALSE, error);
  const char *value;

  if (node == NULL)
    return NULL;

  value = json_node_get_string (node);
  return check_string (member, value, error) ? value : NULL;
}

gboolean
tl_message_get_optional_string (JsonObject  *object,
                                const char  *member,
                                const char **out_value,
                                GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  JsonNode *node = get_member (object, member, JSON_NODE_VALUE, G_TYPE_STRING, TRUE, &local_error);

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (node == NULL)
    return TRUE;

  if (!check_string (member, json_node_get_string (node), error))
    return FALSE;

  *out_value = json_node_get_string (node);
  return TRUE;
}

static gboolean
get_int (JsonObject  *object,
         const char  *member,
         gint64       min,
         gint64       max,
         gboolean     optional,
         gint64      *out_value,
         GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  JsonNode *node = get_member (object, member, JSON_NODE_VALUE, G_TYPE_INT64, optional, &local_error);
  gint64 value;

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (node == NULL)
    return TRUE;

  value = json_node_get_int (node);
  if (value < min || value > max)
    {
      g_set_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_BAD_REQUEST,
                   _("The field “%s” is out of range."), member);
      return FALSE;
    }

  *out_value = value;
  return TRUE;
}

gboolean
tl_message_get_int (JsonObject  *object,
                    const char  *member,
                    gint64       min,
                    gint64       max,
                    gint64      *out_value,
                    GError     **error)
{
  return get_int (object, member, min, max, FALSE, out_value, error);
}

gboolean
tl_message_get_optional_int (JsonObject  *object,
                             const char  *member,
                             gint64       min,
                             gint64       max,
                             gint64      *out_value,
                             GError     **error)
{
  return get_int (object, member, min, max, TRUE, out_value, error);
}

static gboolean
get_bool (JsonObject  *object,
          const char  *member,
          gboolean     optional,
          gboolean    *out_value,
          GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  JsonNode *node = get_member (object, member, JSON_NODE_VALUE, G_TYPE_BOOLEAN, optional, &local_error);

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (node != NULL)
    *out_value = json_node_get_boolean (node);
  return TRUE;
}

gboolean
tl_message_get_bool (JsonObject  *object,
                     const char  *member,
                     gboolean    *out_value,
                     GError     **error)
{
  return get_bool (object, member, FALSE, out_value, error);
}

gboolean
tl_message_get_optional_bool (JsonObject  *object,
                              const char  *member,
                              gboolean    *out_value,
                              GError     **error)
{
  return get_bool (object, member, TRUE, out_value, error);
}

JsonObject *
tl_message_get_object (JsonObject  *object,
                       const char  *member,
                       GError     **error)
{
  JsonNode *node = get_member (object, member, JSON_NODE_OBJECT, G_TYPE_INVALID, FALSE, error);

  return node != NULL ? json_node_get_object (node) : NULL;
}

JsonObject *
tl_message_get_optional_object (JsonObject *object,
                                const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

JsonArray *
tl_message_get_array (JsonObject  *object,
                      const char  *member,
                      guint        max_length,
                      GError     **error)
{
  JsonNode *node = get_member (object, member, JSON_NODE_ARRAY, G_TYPE_INVALID, FALSE, error);
  JsonArray *array;

  if (node == NULL)
    return NULL;

  array = json_node_get_array (node);
  if (json_array_get_length (array) > max_length)
    {
      g_set_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_BAD_REQUEST,
                   _("The field “%s” has too many entries."), member);
      return NULL;
    }

  return array;
}

GBytes *
tl_base64_decode_strict (const char  *text,
                         gsize        max_decoded,
                         GError     **error)
{
  static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  gsize length = text != NULL ? strlen (text) : 0;
  gsize padding = 0;
  guchar *decoded;
  gsize decoded_length;

  if (length == 0 || length % 4 != 0 || length / 4 * 3 > max_decoded + 2)
    goto invalid;

  if (text[length - 1] == '=')
    padding++;
  if (text[length - 2] == '=')
    padding++;

  for (gsize i = 0; i < length - padding; i++)
    if (text[i] == '\0' || strchr (alphabet, text[i]) == NULL)
      goto invalid;

  decoded = g_base64_decode (text, &decoded_length);
  if (decoded_length > max_decoded)
    {
      g_free (decoded);
      goto invalid;
    }

  return g_bytes_new_take (decoded, decoded_length);

invalid:
  g_set_error_literal (error, TL_AUTH_ERROR, TL_AUTH_ERROR_BAD_REQUEST,
                       _("A binary value is not valid base64 or is too long."));
  return NULL;
}

GBytes *
tl_message_get_base64 (JsonObject  *object,
                       const char  *member,
                       gsize        max_decoded,
                       GError     **error)
{
  const char *text = tl_message_get_string (object, member, error);
  g_autoptr(GError) local_error = NULL;
  GBytes *bytes;

  if (text == NULL)
    return NULL;

  bytes = tl_base64_decode_strict (text, max_decoded, &local_error);
  if (bytes == NULL)
    g_set_error (error, TL_AUTH_ERROR, TL_AUTH_ERROR_BAD_REQUEST,
                 _("The field “%s” is not valid base64 or is too long."), member);

  return bytes;
}

void
tl_message_add_base64 (JsonBuilder *builder,
                       const char  *member,
                       GBytes      *value)
{
  gsize length;
  const guchar *data = g_bytes_get_data (value, &length);
  g_autofree char *text = g_base64_encode (data, length);

  json_builder_set_member_name (builder, member);
  json_builder_add_string_value (builder, text);
}

GBytes *
tl_message_builder_end (JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  gsize length;
  char *text;

  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, &length);

  return g_bytes_new_take (text, length);
}

GBytes *
tl_message_object_to_bytes (JsonObject *object)
{
  g_autoptr(JsonNode) root = json_node_init_object (json_node_alloc (), object);
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  gsize length;
  char *text;

  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, &length);

  return g_bytes_new_take (text, length);
}

/**
 * tl_message_error_builder:
 *
 * Returns: (transfer full): a builder inside the error object, so the
 *   caller can add the per-code members before tl_message_builder_end().
 */
JsonBuilder *
tl_message_error_builder (const char *code,
                          const char *message)
{
  JsonBuilder *builder = json_builder_new_immutable ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_add_string_value (builder, code);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);

  return builder;
}
