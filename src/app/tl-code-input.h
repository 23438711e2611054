/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Input checking for the entries of one-time codes and responses. */
typedef enum
{
  TL_CODE_CHARSET_DIGITS,
  TL_CODE_CHARSET_UPPER_ALNUM,
} TlCodeCharset;

/* The contract's "digits" / "upper-alnum"; anything else reads as digits. */
TlCodeCharset tl_code_charset_from_string (const char    *charset);
/* Lets only the charset into @editable (an AdwEntryRow or GtkEntry):
 * letters become upper case, spaces and dashes people copy along with a
 * grouped code are dropped, anything else rings the bell; at most
 * @max_length characters (0: no limit). Call again to change the rules. */
void          tl_code_input_setup         (GtkEditable   *editable,
                                           TlCodeCharset  charset,
                                           guint          max_length);
/* Whether @text is exactly @length characters of @charset. */
gboolean      tl_code_input_is_complete   (const char    *text,
                                           TlCodeCharset  charset,
                                           guint          length);

G_END_DECLS
