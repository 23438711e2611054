/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-resume-page"

#include "config.h"

#include <glib/gi18n.h>

#include "tl-format.h"
#include "tl-resume-page.h"

struct _TlResumePage
{
  TlPage         parent_instance;

  AdwStatusPage *status_page;
  GtkButton     *resume_button;
};

G_DEFINE_FINAL_TYPE (TlResumePage, tl_resume_page, TL_TYPE_PAGE)

static void
tl_resume_page_shown (TlPage *page)
{
  gtk_widget_grab_focus (GTK_WIDGET (TL_RESUME_PAGE (page)->resume_button));
}

static void
tl_resume_page_dispose (GObject *object)
{
  tl_page_dispose_template (TL_PAGE (object), TL_TYPE_RESUME_PAGE);

  G_OBJECT_CLASS (tl_resume_page_parent_class)->dispose (object);
}

static void
tl_resume_page_class_init (TlResumePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  TlPageClass *page_class = TL_PAGE_CLASS (klass);

  object_class->dispose = tl_resume_page_dispose;
  page_class->shown = tl_resume_page_shown;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/tl-resume-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TlResumePage, status_page);
  gtk_widget_class_bind_template_child (widget_class, TlResumePage, resume_button);
}

static void
tl_resume_page_init (TlResumePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

void
tl_resume_page_set_session (TlResumePage    *self,
                            const TlSession *session)
{
  g_autofree char *description = NULL;
  g_autofree char *until = NULL;

  g_return_if_fail (TL_IS_RESUME_PAGE (self));

  if (session == NULL)
    {
      adw_status_page_set_description (self->status_page, NULL);
      return;
    }

  if (session->expires_at != NULL)
    {
      g_autoptr(GDateTime) local = g_date_time_to_local (session->expires_at);

      until = g_date_time_format (local, "%X");
    }

  if (until != NULL)
    /* Translators: "alice is still logged in to Paper Trading (account DU1234) until 17:30:00." */
    description = g_strdup_printf (_("%s is still logged in to %s (account %s) until %s."),
                                   session->username, tl_mode_describe (session->mode),
                                   session->account, until);
  else
    description = g_strdup_printf (_("%s is still logged in to %s (account %s)."),
                                   session->username, tl_mode_describe (session->mode),
                                   session->account);

  adw_status_page_set_description (self->status_page, description);
}

const char *
tl_resume_page_get_description (TlResumePage *self)
{
  g_return_val_if_fail (TL_IS_RESUME_PAGE (self), NULL);

  return adw_status_page_get_description (self->status_page);
}
