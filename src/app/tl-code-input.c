/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-code-input"

#include "config.h"

#include <string.h>

#include "tl-code-input.h"

#define CHARSET_KEY "tl-code-charset"

TlCodeCharset
tl_code_charset_from_string (const char *charset)
{
  return g_strcmp0 (charset, "upper-alnum") == 0 ? TL_CODE_CHARSET_UPPER_ALNUM
                                                 : TL_CODE_CHARSET_DIGITS;
}

static gboolean
char_allowed (char          c,
              TlCodeCharset charset)
{
  if (g_ascii_isdigit (c))
    return TRUE;

  return charset == TL_CODE_CHARSET_UPPER_ALNUM && g_ascii_isalpha (c);
}

static void
insert_text_cb (GtkEditable *editable,
                const char  *text,
                int          length,
                int         *position,
                gpointer     user_data)
{
  TlCodeCharset charset = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (editable), CHARSET_KEY));
  g_autoptr(GString) kept = g_string_new (NULL);
  gboolean rejected = FALSE;

  if (length < 0)
    length = (int) strlen (text);

  for (int i = 0; i < length; i++)
    {
      if (char_allowed (text[i], charset))
        g_string_append_c (kept, g_ascii_toupper (text[i]));
      else if (text[i] != ' ' && text[i] != '-')
        rejected = TRUE;
    }

  if (rejected)
    gtk_widget_error_bell (GTK_WIDGET (editable));

  if (kept->len == (gsize) length && strncmp (kept->str, text, (gsize) length) == 0)
    return;

  g_signal_handlers_block_by_func (editable, insert_text_cb, user_data);
  gtk_editable_insert_text (editable, kept->str, (int) kept->len, position);
  g_signal_handlers_unblock_by_func (editable, insert_text_cb, user_data);
  g_signal_stop_emission_by_name (editable, "insert-text");
}

void
tl_code_input_setup (GtkEditable   *editable,
                     TlCodeCharset  charset,
                     guint          max_length)
{
  GtkEditable *delegate;

  g_return_if_fail (GTK_IS_EDITABLE (editable));

  /* The text widget inside an entry row is the one that inserts. */
  delegate = editable;
  while (gtk_editable_get_delegate (delegate) != NULL)
    delegate = gtk_editable_get_delegate (delegate);

  if (g_object_get_data (G_OBJECT (delegate), CHARSET_KEY "-set") == NULL)
    {
      g_signal_connect (delegate, "insert-text", G_CALLBACK (insert_text_cb), NULL);
      g_object_set_data (G_OBJECT (delegate), CHARSET_KEY "-set", GINT_TO_POINTER (TRUE));
    }

  g_object_set_data (G_OBJECT (delegate), CHARSET_KEY, GINT_TO_POINTER (charset));
  if (GTK_IS_TEXT (delegate))
    gtk_text_set_max_length (GTK_TEXT (delegate), (int) max_length);
}

gboolean
tl_code_input_is_complete (const char    *text,
                           TlCodeCharset  charset,
                           guint          length)
{
  if (text == NULL || strlen (text) != length || length == 0)
    return FALSE;

  for (guint i = 0; i < length; i++)
    if (!char_allowed (text[i], charset) || g_ascii_islower (text[i]))
      return FALSE;

  return TRUE;
}
