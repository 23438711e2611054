/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-card-page"

#include "config.h"

#include <glib/gi18n.h>

#include "tl-card-page.h"
#include "tl-code-input.h"

struct _TlCardPage
{
  TlPage         parent_instance;

  AdwStatusPage *status_page;
  GtkListBox    *code_list;
  GtkLabel      *error_label;
  GtkButton     *ok_button;
  GtkButton     *other_button;

  GPtrArray     *entries;
  GStrv          indices;
  guint          per_entry;
  gboolean       busy;
};

G_DEFINE_FINAL_TYPE (TlCardPage, tl_card_page, TL_TYPE_PAGE)

static gboolean
is_complete (TlCardPage *self)
{
  if (self->entries->len == 0)
    return FALSE;

  for (guint i = 0; i < self->entries->len; i++)
    if (!tl_code_input_is_complete (gtk_editable_get_text (g_ptr_array_index (self->entries, i)),
                                    TL_CODE_CHARSET_UPPER_ALNUM, self->per_entry))
      return FALSE;

  return TRUE;
}

static void
update_ok (TlCardPage *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->ok_button), !self->busy && is_complete (self));
}

static void
entry_changed_cb (TlCardPage  *self,
                  GtkEditable *editable)
{
  guint position;

  tl_page_set_label_text (self->error_label, NULL);
  gtk_widget_remove_css_class (GTK_WIDGET (editable), "error");
  update_ok (self);

  /* A full code moves on to the next index, as on paper. */
  if (g_ptr_array_find (self->entries, editable, &position) &&
      position + 1 < self->entries->len &&
      tl_code_input_is_complete (gtk_editable_get_text (editable),
                                 TL_CODE_CHARSET_UPPER_ALNUM, self->per_entry))
    gtk_widget_grab_focus (g_ptr_array_index (self->entries, position + 1));
}

static char *
describe_indices (const char * const *indices)
{
  guint n = indices != NULL ? g_strv_length ((char **) indices) : 0;

  if (n == 0)
    return g_strdup (_("Enter the code from your security code card."));
  if (n == 1)
    return g_strdup_printf (_("Enter the code at index number %s."), indices[0]);
  if (n == 2)
    /* Translators: two index numbers on the security code card, e.g. "12" and "57". */
    return g_strdup_printf (_("Enter the codes at index numbers %s and %s."), indices[0], indices[1]);

  {
    g_autofree char *head = g_strjoinv (", ", (char **) indices);
    char *comma = g_strrstr (head, ", ");

    *comma = '\0';
    /* Translators: a list of index numbers, then the last one. */
    return g_strdup_printf (_("Enter the codes at index numbers %s and %s."), head, indices[n - 1]);
  }
}

static void
rebuild (TlCardPage *self)
{
  GtkWidget *child;
  guint n = self->indices != NULL ? g_strv_length (self->indices) : 0;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->code_list))) != NULL)
    gtk_list_box_remove (self->code_list, child);
  g_ptr_array_set_size (self->entries, 0);

  for (guint i = 0; i < MAX (n, 1); i++)
    {
      GtkWidget *row = adw_entry_row_new ();
      g_autofree char *title = NULL;

      if (n == 0)
        title = g_strdup (_("Code"));
      else
        /* Translators: %s is an index number on the security code card. */
        title = g_strdup_printf (_("Code at index %s"), self->indices[i]);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_entry_row_set_activates_default (ADW_ENTRY_ROW (row), TRUE);
      adw_entry_row_set_input_hints (ADW_ENTRY_ROW (row),
                                     GTK_INPUT_HINT_UPPERCASE_CHARS | GTK_INPUT_HINT_NO_SPELLCHECK);
      gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, title,
                                      -1);
      gtk_widget_add_css_class (row, "code-entry");
      tl_code_input_setup (GTK_EDITABLE (row), TL_CODE_CHARSET_UPPER_ALNUM, self->per_entry);
      g_signal_connect_object (row, "changed", G_CALLBACK (entry_changed_cb), self, G_CONNECT_SWAPPED);

      gtk_list_box_append (self->code_list, row);
      g_ptr_array_add (self->entries, row);
    }
}

static gboolean
same_indices (const char * const *a,
              const char * const *b)
{
  if (a == NULL || b == NULL)
    return a == b;

  return g_strv_equal (a, b);
}

static void
tl_card_page_update (TlPage *page)
{
  TlCardPage *self = TL_CARD_PAGE (page);
  TlAuthClient *client = tl_page_get_client (page);
  const char * const *indices;
  GListModel *devices;
  g_autofree char *description = NULL;
  guint length, n, per_entry;

  if (client == NULL || tl_auth_client_get_state (client) != TL_AUTH_STATE_NEED_CARD)
    return;

  indices = tl_auth_client_get_card_indices (client);
  devices = tl_auth_client_get_devices (client);
  length = tl_auth_client_get_response_digits (client);
  n = indices != NULL ? g_strv_length ((char **) indices) : 0;

  /* Codes of equal length per index; if the lengths do not divide
   * evenly, one entry takes them all. */
  if (n > 1 && length % n != 0)
    n = 0;
  per_entry = n > 0 ? length / n : length;

  if (per_entry != self->per_entry || self->entries->len == 0 ||
      !same_indices ((const char * const *) self->indices, n > 0 ? indices : NULL))
    {
      g_strfreev (self->indices);
      self->indices = n > 0 ? g_strdupv ((char **) indices) : NULL;
      self->per_entry = per_entry;
      rebuild (self);
    }

  description = describe_indices (indices);
  adw_status_page_set_description (self->status_page, description);
  gtk_widget_set_visible (GTK_WIDGET (self->other_button),
                          devices != NULL && g_list_model_get_n_items (devices) > 1);
  update_ok (self);
}

static void
set_busy (TlCardPage *self,
          gboolean    busy)
{
  self->busy = busy;
  /* Not insensitive: the entries keep their focus while the answer is checked. */
  for (guint i = 0; i < self->entries->len; i++)
    gtk_editable_set_editable (g_ptr_array_index (self->entries, i), !busy);
  update_ok (self);
}

static void
answer_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(TlCardPage) self = user_data;
  g_autoptr(GError) error = NULL;

  set_busy (self, FALSE);
  if (tl_auth_client_answer_finish (TL_AUTH_CLIENT (object), result, &error))
    return;

  if (tl_page_owns_error (TL_PAGE (self), object, error, TL_AUTH_STATE_NEED_CARD))
    {
      tl_page_set_label_text (self->error_label, error->message);
      for (guint i = 0; i < self->entries->len; i++)
        gtk_widget_add_css_class (g_ptr_array_index (self->entries, i), "error");
      if (self->entries->len > 0)
        gtk_widget_grab_focus (g_ptr_array_index (self->entries, 0));
    }
}

static void
ok_clicked_cb (TlCardPage *self)
{
  TlAuthClient *client = tl_page_get_client (TL_PAGE (self));
  g_autoptr(GString) response = g_string_new (NULL);

  if (client == NULL || self->busy || !is_complete (self))
    return;

  for (guint i = 0; i < self->entries->len; i++)
    g_string_append (response, gtk_editable_get_text (g_ptr_array_index (self->entries, i)));

  tl_page_set_label_text (self->error_label, NULL);
  set_busy (self, TRUE);
  tl_auth_client_answer_async (client, response->str, tl_page_get_cancellable (TL_PAGE (self)),
                               answer_cb, g_object_ref (self));
}

static void
tl_card_page_shown (TlPage *page)
{
  TlCardPage *self = TL_CARD_PAGE (page);

  tl_card_page_update (page);
  for (guint i = 0; i < self->entries->len; i++)
    gtk_editable_set_text (g_ptr_array_index (self->entries, i), "");
  tl_page_set_label_text (self->error_label, NULL);
  set_busy (self, FALSE);
  if (self->entries->len > 0)
    gtk_widget_grab_focus (g_ptr_array_index (self->entries, 0));
}

static void
tl_card_page_dispose (GObject *object)
{
  TlCardPage *self = (TlCardPage *) object;

  g_clear_pointer (&self->entries, g_ptr_array_unref);
  g_clear_pointer (&self->indices, g_strfreev);
  tl_page_dispose_template (TL_PAGE (self), TL_TYPE_CARD_PAGE);

  G_OBJECT_CLASS (tl_card_page_parent_class)->dispose (object);
}

static void
tl_card_page_class_init (TlCardPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  TlPageClass *page_class = TL_PAGE_CLASS (klass);

  object_class->dispose = tl_card_page_dispose;
  page_class->update = tl_card_page_update;
  page_class->shown = tl_card_page_shown;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/tl-card-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TlCardPage, status_page);
  gtk_widget_class_bind_template_child (widget_class, TlCardPage, code_list);
  gtk_widget_class_bind_template_child (widget_class, TlCardPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, TlCardPage, ok_button);
  gtk_widget_class_bind_template_child (widget_class, TlCardPage, other_button);
  gtk_widget_class_bind_template_callback (widget_class, ok_clicked_cb);
}

static void
tl_card_page_init (TlCardPage *self)
{
  self->entries = g_ptr_array_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
}

const char *
tl_card_page_get_description (TlCardPage *self)
{
  g_return_val_if_fail (TL_IS_CARD_PAGE (self), NULL);

  return adw_status_page_get_description (self->status_page);
}

GtkWidget *
tl_card_page_get_entry (TlCardPage *self,
                        guint       n)
{
  g_return_val_if_fail (TL_IS_CARD_PAGE (self), NULL);

  return n < self->entries->len ? g_ptr_array_index (self->entries, n) : NULL;
}
