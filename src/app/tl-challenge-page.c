/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-challenge-page"

#include "config.h"

#include <glib/gi18n.h>

#include "tl-challenge-page.h"
#include "tl-code-input.h"
#include "tl-format.h"
#include "tl-qr-image.h"

struct _TlChallengePage
{
  TlPage         parent_instance;

  AdwStatusPage *status_page;
  GtkLabel      *challenge_label;
  GtkButton     *copy_button;
  TlQrImage     *qr_image;
  GtkLabel      *qr_caption;
  AdwEntryRow   *response_row;
  GtkLabel      *hint_label;
  GtkLabel      *error_label;
  GtkButton     *ok_button;
  GtkButton     *other_button;

  guint          response_digits;
  gboolean       busy;
};

G_DEFINE_FINAL_TYPE (TlChallengePage, tl_challenge_page, TL_TYPE_PAGE)

static void
update_ok (TlChallengePage *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->response_row));

  gtk_widget_set_sensitive (GTK_WIDGET (self->ok_button),
                            !self->busy &&
                            tl_code_input_is_complete (text, TL_CODE_CHARSET_DIGITS,
                                                       self->response_digits));
}

static void
response_changed_cb (TlChallengePage *self)
{
  tl_page_set_label_text (self->error_label, NULL);
  gtk_widget_remove_css_class (GTK_WIDGET (self->response_row), "error");
  update_ok (self);
}

static void
tl_challenge_page_update (TlPage *page)
{
  TlChallengePage *self = TL_CHALLENGE_PAGE (page);
  TlAuthClient *client = tl_page_get_client (page);
  TlDevice *device;
  GListModel *devices;
  TlDeviceKind kind;
  const char *challenge;
  g_autofree char *grouped = NULL;
  g_autofree char *instructions = NULL;
  g_autofree char *hint = NULL;

  if (client == NULL || tl_auth_client_get_state (client) != TL_AUTH_STATE_NEED_RESPONSE)
    return;

  device = tl_auth_client_get_device (client);
  devices = tl_auth_client_get_devices (client);
  kind = device != NULL ? tl_device_get_kind (device) : TL_DEVICE_KIND_IBKEY;
  challenge = tl_auth_client_get_challenge (client);
  self->response_digits = tl_auth_client_get_response_digits (client);
  if (self->response_digits == 0)
    self->response_digits = 8;

  grouped = tl_format_grouped (challenge);
  gtk_label_set_text (self->challenge_label, grouped);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->challenge_label),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, challenge != NULL ? challenge : "",
                                  -1);

  /* A card reader has a keypad, not a camera. */
  tl_qr_image_set_text (self->qr_image, kind == TL_DEVICE_KIND_IBKEY ? challenge : NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->qr_image), kind == TL_DEVICE_KIND_IBKEY);
  gtk_widget_set_visible (GTK_WIDGET (self->qr_caption), kind == TL_DEVICE_KIND_IBKEY);

  if (kind == TL_DEVICE_KIND_DSC)
    {
      instructions = g_strdup_printf (_("Press the button on your security card reader until “PIN>” shows, enter your PIN and press OK. "
                                        "At “CHALLNG>”, enter the challenge below and press OK. "
                                        "Then type the %u-digit response it shows."),
                                      self->response_digits);
    }
  else
    {
      instructions = g_strdup_printf (_("Open the authenticator app, choose “Challenge”, enter your PIN and then the challenge below. "
                                        "Type the %u-digit response the app shows."),
                                      self->response_digits);
    }
  adw_status_page_set_description (self->status_page, instructions);

  hint = g_strdup_printf (ngettext ("The response has %u digit.",
                                    "The response has %u digits.",
                                    self->response_digits),
                          self->response_digits);
  gtk_label_set_text (self->hint_label, hint);

  tl_code_input_setup (GTK_EDITABLE (self->response_row), TL_CODE_CHARSET_DIGITS,
                       self->response_digits);
  gtk_widget_set_visible (GTK_WIDGET (self->other_button),
                          devices != NULL && g_list_model_get_n_items (devices) > 1);
  update_ok (self);
}

static void
copy_clicked_cb (TlChallengePage *self)
{
  TlAuthClient *client = tl_page_get_client (TL_PAGE (self));
  const char *challenge = client != NULL ? tl_auth_client_get_challenge (client) : NULL;

  if (challenge == NULL)
    return;

  /* The digits without the grouping spaces, ready to paste. */
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), challenge);
  tl_page_toast (TL_PAGE (self), _("Challenge copied"));
}

static void
set_busy (TlChallengePage *self,
          gboolean         busy)
{
  self->busy = busy;
  /* Not insensitive: the entry keeps its focus while the answer is checked. */
  gtk_editable_set_editable (GTK_EDITABLE (self->response_row), !busy);
  update_ok (self);
}

static void
answer_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(TlChallengePage) self = user_data;
  g_autoptr(GError) error = NULL;

  set_busy (self, FALSE);
  if (tl_auth_client_answer_finish (TL_AUTH_CLIENT (object), result, &error))
    return;

  if (tl_page_owns_error (TL_PAGE (self), object, error, TL_AUTH_STATE_NEED_RESPONSE))
    {
      tl_page_set_label_text (self->error_label, error->message);
      gtk_widget_add_css_class (GTK_WIDGET (self->response_row), "error");
      gtk_widget_grab_focus (GTK_WIDGET (self->response_row));
      gtk_editable_select_region (GTK_EDITABLE (self->response_row), 0, -1);
    }
}

static void
ok_clicked_cb (TlChallengePage *self)
{
  TlAuthClient *client = tl_page_get_client (TL_PAGE (self));
  const char *response = gtk_editable_get_text (GTK_EDITABLE (self->response_row));

  if (client == NULL || self->busy ||
      !tl_code_input_is_complete (response, TL_CODE_CHARSET_DIGITS, self->response_digits))
    return;

  tl_page_set_label_text (self->error_label, NULL);
  set_busy (self, TRUE);
  tl_auth_client_answer_async (client, response, tl_page_get_cancellable (TL_PAGE (self)),
                               answer_cb, g_object_ref (self));
}

static void
tl_challenge_page_shown (TlPage *page)
{
  TlChallengePage *self = TL_CHALLENGE_PAGE (page);

  gtk_editable_set_text (GTK_EDITABLE (self->response_row), "");
  tl_page_set_label_text (self->error_label, NULL);
  set_busy (self, FALSE);
  tl_challenge_page_update (page);
  gtk_widget_grab_focus (GTK_WIDGET (self->response_row));
}

static void
tl_challenge_page_dispose (GObject *object)
{
  tl_page_dispose_template (TL_PAGE (object), TL_TYPE_CHALLENGE_PAGE);

  G_OBJECT_CLASS (tl_challenge_page_parent_class)->dispose (object);
}

static void
tl_challenge_page_class_init (TlChallengePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  TlPageClass *page_class = TL_PAGE_CLASS (klass);

  object_class->dispose = tl_challenge_page_dispose;
  page_class->update = tl_challenge_page_update;
  page_class->shown = tl_challenge_page_shown;

  g_type_ensure (TL_TYPE_QR_IMAGE);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/tl-challenge-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TlChallengePage, status_page);
  gtk_widget_class_bind_template_child (widget_class, TlChallengePage, challenge_label);
  gtk_widget_class_bind_template_child (widget_class, TlChallengePage, copy_button);
  gtk_widget_class_bind_template_child (widget_class, TlChallengePage, qr_image);
  gtk_widget_class_bind_template_child (widget_class, TlChallengePage, qr_caption);
  gtk_widget_class_bind_template_child (widget_class, TlChallengePage, response_row);
  gtk_widget_class_bind_template_child (widget_class, TlChallengePage, hint_label);
  gtk_widget_class_bind_template_child (widget_class, TlChallengePage, error_label);
  gtk_widget_class_bind_template_child (widget_class, TlChallengePage, ok_button);
  gtk_widget_class_bind_template_child (widget_class, TlChallengePage, other_button);
  gtk_widget_class_bind_template_callback (widget_class, copy_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, response_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, ok_clicked_cb);
}

static void
tl_challenge_page_init (TlChallengePage *self)
{
  self->response_digits = 8;
  gtk_widget_init_template (GTK_WIDGET (self));
  tl_code_input_setup (GTK_EDITABLE (self->response_row), TL_CODE_CHARSET_DIGITS,
                       self->response_digits);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->response_row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Response"),
                                  -1);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (self->response_row),
                                  GTK_ACCESSIBLE_RELATION_DESCRIBED_BY, self->hint_label, NULL,
                                  -1);
}

const char *
tl_challenge_page_get_shown_challenge (TlChallengePage *self)
{
  g_return_val_if_fail (TL_IS_CHALLENGE_PAGE (self), NULL);

  return gtk_label_get_text (self->challenge_label);
}

const char *
tl_challenge_page_get_instructions (TlChallengePage *self)
{
  g_return_val_if_fail (TL_IS_CHALLENGE_PAGE (self), NULL);

  return adw_status_page_get_description (self->status_page);
}
