/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-progress-page"

#include "config.h"

#include <glib/gi18n.h>

#include "tl-progress-page.h"

struct _TlProgressPage
{
  TlPage         parent_instance;

  AdwStatusPage *status_page;
  GtkSpinner    *spinner;
};

G_DEFINE_FINAL_TYPE (TlProgressPage, tl_progress_page, TL_TYPE_PAGE)

static void
tl_progress_page_update (TlPage *page)
{
  TlProgressPage *self = TL_PROGRESS_PAGE (page);
  TlAuthClient *client = tl_page_get_client (page);

  if (client == NULL)
    return;

  switch (tl_auth_client_get_state (client))
    {
    case TL_AUTH_STATE_CONNECTING:
      adw_status_page_set_title (self->status_page, _("Connecting to Server…"));
      break;
    case TL_AUTH_STATE_AUTHENTICATING:
      adw_status_page_set_title (self->status_page, _("Authenticating…"));
      break;
    default:
      break;
    }
}

static void
tl_progress_page_map (GtkWidget *widget)
{
  TlProgressPage *self = TL_PROGRESS_PAGE (widget);

  GTK_WIDGET_CLASS (tl_progress_page_parent_class)->map (widget);
  /* A spinner only spins while it can be seen. */
  gtk_spinner_start (self->spinner);
}

static void
tl_progress_page_unmap (GtkWidget *widget)
{
  TlProgressPage *self = TL_PROGRESS_PAGE (widget);

  gtk_spinner_stop (self->spinner);
  GTK_WIDGET_CLASS (tl_progress_page_parent_class)->unmap (widget);
}

static void
tl_progress_page_dispose (GObject *object)
{
  tl_page_dispose_template (TL_PAGE (object), TL_TYPE_PROGRESS_PAGE);

  G_OBJECT_CLASS (tl_progress_page_parent_class)->dispose (object);
}

static void
tl_progress_page_class_init (TlProgressPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  TlPageClass *page_class = TL_PAGE_CLASS (klass);

  object_class->dispose = tl_progress_page_dispose;
  widget_class->map = tl_progress_page_map;
  widget_class->unmap = tl_progress_page_unmap;
  page_class->update = tl_progress_page_update;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/tl-progress-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TlProgressPage, status_page);
  gtk_widget_class_bind_template_child (widget_class, TlProgressPage, spinner);
}

static void
tl_progress_page_init (TlProgressPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

const char *
tl_progress_page_get_title (TlProgressPage *self)
{
  g_return_val_if_fail (TL_IS_PROGRESS_PAGE (self), NULL);

  return adw_status_page_get_title (self->status_page);
}

void
tl_progress_page_set_message (TlProgressPage *self,
                              const char     *title)
{
  g_return_if_fail (TL_IS_PROGRESS_PAGE (self));

  adw_status_page_set_title (self->status_page, title);
}
