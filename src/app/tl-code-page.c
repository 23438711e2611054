/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-code-page"

#include "config.h"

#include <glib/gi18n.h>

#include "tl-code-input.h"
#include "tl-code-page.h"
#include "tl-format.h"

struct _TlCodePage
{
  TlPage         parent_instance;

  AdwStatusPage *status_page;
  AdwEntryRow   *code_row;
  GtkLabel      *hint_label;
  GtkLabel      *error_label;
  GtkWidget     *resend_box;
  GtkLabel      *resend_label;
  GtkButton     *resend_button;
  GtkButton     *call_button;
  GtkButton     *ok_button;
  GtkButton     *other_button;

  TlCodeCharset  charset;
  guint          digits;
  gint64         resend_at;
  guint          tick_id;
  gboolean       busy;
  gboolean       resending;
};

G_DEFINE_FINAL_TYPE (TlCodePage, tl_code_page, TL_TYPE_PAGE)

static void
update_ok (TlCodePage *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->code_row));

  gtk_widget_set_sensitive (GTK_WIDGET (self->ok_button),
                            !self->busy && tl_code_input_is_complete (text, self->charset, self->digits));
}

static void
update_resend (TlCodePage *self)
{
  gint64 left = tl_seconds_until (self->resend_at);
  gboolean can_resend = tl_code_page_get_can_resend (self);

  if (left > 0)
    {
      g_autofree char *countdown = tl_format_countdown (left);
      /* Translators: %s is a countdown such as "0:23". */
      g_autofree char *text = g_strdup_printf (_("Didn’t get it? You can ask again in %s."), countdown);

      gtk_label_set_text (self->resend_label, text);
    }
  else
    gtk_label_set_text (self->resend_label, _("Didn’t get the text message? Ask for it again."));

  gtk_widget_set_sensitive (GTK_WIDGET (self->resend_button), can_resend);
  gtk_widget_set_sensitive (GTK_WIDGET (self->call_button), can_resend);
}

static gboolean
tick_cb (gpointer user_data)
{
  update_resend (user_data);

  return G_SOURCE_CONTINUE;
}

static void
code_changed_cb (TlCodePage *self)
{
  tl_page_set_label_text (self->error_label, NULL);
  gtk_widget_remove_css_class (GTK_WIDGET (self->code_row), "error");
  update_ok (self);
}

static void
tl_code_page_update (TlPage *page)
{
  TlCodePage *self = TL_CODE_PAGE (page);
  TlAuthClient *client = tl_page_get_client (page);
  TlDevice *device;
  GListModel *devices;
  TlDeviceKind kind;
  const char *sent_to;
  g_autofree char *description = NULL;
  g_autofree char *hint = NULL;

  if (client == NULL || tl_auth_client_get_state (client) != TL_AUTH_STATE_NEED_CODE)
    return;

  device = tl_auth_client_get_device (client);
  devices = tl_auth_client_get_devices (client);
  kind = device != NULL ? tl_device_get_kind (device) : TL_DEVICE_KIND_TOTP;
  sent_to = tl_auth_client_get_sent_to (client);
  self->charset = tl_code_charset_from_string (tl_auth_client_get_code_charset (client));
  self->digits = tl_auth_client_get_code_digits (client);
  if (self->digits == 0)
    self->digits = 6;
  self->resend_at = tl_auth_client_get_resend_at (client);

  adw_status_page_set_icon_name (self->status_page, tl_device_kind_icon_name (kind));

  switch (kind)
    {
    case TL_DEVICE_KIND_SMS:
      adw_status_page_set_title (self->status_page, _("Enter the Code from the Text Message"));
      if (sent_to != NULL && sent_to[0] != '\0')
        /* Translators: %u is the number of digits, %s a masked phone number. */
        description = g_strdup_printf (_("A %u-digit code was sent to %s."), self->digits, sent_to);
      else
        description = g_strdup_printf (_("A %u-digit code was sent to your phone."), self->digits);
      break;

    case TL_DEVICE_KIND_TEMP:
      adw_status_page_set_title (self->status_page, _("Enter Your Temporary Passcode"));
      description = g_strdup_printf (_("Type the %u-character temporary passcode you were given."),
                                     self->digits);
      break;

    case TL_DEVICE_KIND_TOTP:
    default:
      adw_status_page_set_title (self->status_page, _("Enter the Authenticator Code"));
      description = g_strdup_printf (_("Type the %u-digit code your authenticator app shows now."),
                                     self->digits);
      break;
    }
  adw_status_page_set_description (self->status_page, description);

  if (self->charset == TL_CODE_CHARSET_UPPER_ALNUM)
    {
      hint = g_strdup_printf (ngettext ("%u character: capital letters and digits.",
                                        "%u characters: capital letters and digits.",
                                        self->digits),
                              self->digits);
      adw_entry_row_set_input_purpose (self->code_row, GTK_INPUT_PURPOSE_FREE_FORM);
      adw_entry_row_set_input_hints (self->code_row,
                                     GTK_INPUT_HINT_UPPERCASE_CHARS | GTK_INPUT_HINT_NO_SPELLCHECK);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->code_row), _("_Passcode"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->code_row),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("Temporary passcode"),
                                      -1);
    }
  else
    {
      hint = g_strdup_printf (ngettext ("%u digit.", "%u digits.", self->digits), self->digits);
      adw_entry_row_set_input_purpose (self->code_row, GTK_INPUT_PURPOSE_DIGITS);
      adw_entry_row_set_input_hints (self->code_row, GTK_INPUT_HINT_NO_SPELLCHECK);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->code_row), _("_Code"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->code_row),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("Code"),
                                      -1);
    }
  gtk_label_set_text (self->hint_label, hint);
  tl_code_input_setup (GTK_EDITABLE (self->code_row), self->charset, self->digits);

  gtk_widget_set_visible (self->resend_box, kind == TL_DEVICE_KIND_SMS && self->resend_at != 0);
  gtk_widget_set_visible (GTK_WIDGET (self->other_button),
                          devices != NULL && g_list_model_get_n_items (devices) > 1);
  update_resend (self);
  update_ok (self);
}

static void
set_busy (TlCodePage *self,
          gboolean    busy)
{
  self->busy = busy;
  /* Not insensitive: the entry keeps its focus (and the text its place)
   * while the answer is checked. */
  gtk_editable_set_editable (GTK_EDITABLE (self->code_row), !busy);
  update_ok (self);
}

static void
answer_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(TlCodePage) self = user_data;
  g_autoptr(GError) error = NULL;

  set_busy (self, FALSE);
  if (tl_auth_client_answer_finish (TL_AUTH_CLIENT (object), result, &error))
    return;

  if (tl_page_owns_error (TL_PAGE (self), object, error, TL_AUTH_STATE_NEED_CODE))
    {
      tl_page_set_label_text (self->error_label, error->message);
      gtk_widget_add_css_class (GTK_WIDGET (self->code_row), "error");
      gtk_widget_grab_focus (GTK_WIDGET (self->code_row));
      gtk_editable_select_region (GTK_EDITABLE (self->code_row), 0, -1);
    }
}

static void
ok_clicked_cb (TlCodePage *self)
{
  TlAuthClient *client = tl_page_get_client (TL_PAGE (self));
  const char *code = gtk_editable_get_text (GTK_EDITABLE (self->code_row));

  if (client == NULL || self->busy || !tl_code_input_is_complete (code, self->charset, self->digits))
    return;

  tl_page_set_label_text (self->error_label, NULL);
  set_busy (self, TRUE);
  tl_auth_client_answer_async (client, code, tl_page_get_cancellable (TL_PAGE (self)),
                               answer_cb, g_object_ref (self));
}

static void
resend_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(TlCodePage) self = user_data;
  g_autoptr(GError) error = NULL;
  TlAuthClient *client = TL_AUTH_CLIENT (object);

  self->resending = FALSE;
  update_resend (self);

  if (tl_auth_client_resend_finish (client, result, &error))
    {
      const char *sent_to = tl_auth_client_get_sent_to (client);
      g_autofree char *message = NULL;

      if (sent_to != NULL && sent_to[0] != '\0')
        message = g_strdup_printf (_("A new code is on its way to %s."), sent_to);
      else
        message = g_strdup (_("A new code is on its way."));
      tl_page_toast (TL_PAGE (self), message);
      return;
    }

  if (tl_page_owns_error (TL_PAGE (self), object, error, TL_AUTH_STATE_NEED_CODE))
    tl_page_set_label_text (self->error_label, error->message);
}

static void
resend (TlCodePage *self,
        const char *channel)
{
  TlAuthClient *client = tl_page_get_client (TL_PAGE (self));

  if (client == NULL || !tl_code_page_get_can_resend (self))
    return;

  tl_page_set_label_text (self->error_label, NULL);
  self->resending = TRUE;
  update_resend (self);
  tl_auth_client_resend_async (client, channel, tl_page_get_cancellable (TL_PAGE (self)),
                               resend_cb, g_object_ref (self));
}

static void
resend_clicked_cb (TlCodePage *self)
{
  resend (self, "sms");
}

static void
call_clicked_cb (TlCodePage *self)
{
  resend (self, "voice");
}

static void
tl_code_page_shown (TlPage *page)
{
  TlCodePage *self = TL_CODE_PAGE (page);

  gtk_editable_set_text (GTK_EDITABLE (self->code_row), "");
  tl_page_set_label_text (self->error_label, NULL);
  self->resending = FALSE;
  set_busy (self, FALSE);
  tl_code_page_update (page);
  gtk_widget_grab_focus (GTK_WIDGET (self->code_row));
}

static void
tl_code_page_map (GtkWidget *widget)
{
  TlCodePage *self = TL_CODE_PAGE (widget);

  GTK_WIDGET_CLASS (tl_code_page_parent_class)->map (widget);
  update_resend (self);
  self->tick_id = g_timeout_add_seconds (1, tick_cb, self);
}

static void
tl_code_page_unmap (GtkWidget *widget)
{
  TlCodePage *self = TL_CODE_PAGE (widget);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  GTK_WIDGET_CLASS (tl_code_page_parent_class)->unmap (widget);
}

static void
tl_code_page_dispose (GObject *object)
{
  TlCodePage *self = (TlCodePage *) object;

  g_clear_handle_id (&self->tick_id, g_source_remove);
  tl_page_dispose_template (TL_PAGE (self), TL_TYPE_CODE_PAGE);

  G_OBJECT_CLASS (tl_code_page_parent_class)->dispose (object);
}

static void
tl_code_page_class_init (TlCodePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  TlPageClass *page_class = TL_PAGE_CLASS (klass);

  object_class->dispose = tl_code_page_dispose;
  widget_class->map = tl_code_page_map;
  widget_class->unmap = tl_code_page_unmap;
  page_class->update = tl_code_page_update;
  page_class->shown = tl_code_page_shown;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/tl-code-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TlCodePage, status_page);
  gtk_widget_class_bind_template_child (widget_class, TlCodePage, code_row);
  gtk_widget_class_bind_template_child (widget_class, TlCodePage, hint_label);
  gtk_widget_class_bind_template_child (widget_class, TlCodePage, error_label);
  gtk_widget_class_bind_template_child (widget_class, TlCodePage, resend_box);
  gtk_widget_class_bind_template_child (widget_class, TlCodePage, resend_label);
  gtk_widget_class_bind_template_child (widget_class, TlCodePage, resend_button);
  gtk_widget_class_bind_template_child (widget_class, TlCodePage, call_button);
  gtk_widget_class_bind_template_child (widget_class, TlCodePage, ok_button);
  gtk_widget_class_bind_template_child (widget_class, TlCodePage, other_button);
  gtk_widget_class_bind_template_callback (widget_class, code_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, ok_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, resend_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, call_clicked_cb);
}

static void
tl_code_page_init (TlCodePage *self)
{
  self->digits = 6;
  gtk_widget_init_template (GTK_WIDGET (self));
  tl_code_input_setup (GTK_EDITABLE (self->code_row), self->charset, self->digits);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (self->code_row),
                                  GTK_ACCESSIBLE_RELATION_DESCRIBED_BY, self->hint_label, NULL,
                                  -1);
}

const char *
tl_code_page_get_title (TlCodePage *self)
{
  g_return_val_if_fail (TL_IS_CODE_PAGE (self), NULL);

  return adw_status_page_get_title (self->status_page);
}

const char *
tl_code_page_get_description (TlCodePage *self)
{
  g_return_val_if_fail (TL_IS_CODE_PAGE (self), NULL);

  return adw_status_page_get_description (self->status_page);
}

gboolean
tl_code_page_get_can_resend (TlCodePage *self)
{
  g_return_val_if_fail (TL_IS_CODE_PAGE (self), FALSE);

  return !self->resending && self->resend_at != 0 && tl_seconds_until (self->resend_at) == 0;
}
