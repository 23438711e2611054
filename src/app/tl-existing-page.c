/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-existing-page"

#include "config.h"

#include <glib/gi18n.h>

#include "tl-existing-page.h"

struct _TlExistingPage
{
  TlPage         parent_instance;

  AdwStatusPage *status_page;
  GtkLabel      *error_label;
  GtkButton     *continue_button;
};

G_DEFINE_FINAL_TYPE (TlExistingPage, tl_existing_page, TL_TYPE_PAGE)

static void
tl_existing_page_update (TlPage *page)
{
  TlExistingPage *self = TL_EXISTING_PAGE (page);
  TlAuthClient *client = tl_page_get_client (page);
  const char *other;
  GDateTime *since;
  g_autofree char *description = NULL;

  if (client == NULL || tl_auth_client_get_state (client) != TL_AUTH_STATE_EXISTING_SESSION)
    return;

  other = tl_auth_client_get_existing_session_client (client);
  since = tl_auth_client_get_existing_session_since (client);

  if (since != NULL)
    {
      g_autoptr(GDateTime) local = g_date_time_to_local (since);
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();
      g_autofree char *time = g_date_time_format (local, "%X");
      g_autofree char *date = g_date_time_format (local, "%x");
      g_autofree char *when = NULL;

      if (g_date_time_get_year (local) == g_date_time_get_year (now) &&
          g_date_time_get_day_of_year (local) == g_date_time_get_day_of_year (now))
        /* Translators: %s is a time of day. */
        when = g_strdup_printf (_("today at %s"), time);
      else
        /* Translators: a date, then a time of day. */
        when = g_strdup_printf (_("on %s at %s"), date, time);

      /* Translators: the first %s is a program ("trading-login"), the second a date and time. */
      description = g_strdup_printf (_("A session from %s, started %s, is still open. Continuing here ends it."),
                                     other != NULL && other[0] != '\0' ? other : _("another program"),
                                     when);
    }
  else
    description = g_strdup_printf (_("A session from %s is still open. Continuing here ends it."),
                                   other != NULL && other[0] != '\0' ? other : _("another program"));

  adw_status_page_set_description (self->status_page, description);
}

static void
continue_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(TlExistingPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (tl_auth_client_continue_finish (TL_AUTH_CLIENT (object), result, &error))
    return;

  gtk_widget_set_sensitive (GTK_WIDGET (self->continue_button), TRUE);
  if (tl_page_owns_error (TL_PAGE (self), object, error, TL_AUTH_STATE_EXISTING_SESSION))
    tl_page_set_label_text (self->error_label, error->message);
}

static void
continue_clicked_cb (TlExistingPage *self)
{
  TlAuthClient *client = tl_page_get_client (TL_PAGE (self));

  if (client == NULL)
    return;

  tl_page_set_label_text (self->error_label, NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->continue_button), FALSE);
  tl_auth_client_continue_async (client,
                                 tl_page_get_cancellable (TL_PAGE (self)),
                                 continue_cb, g_object_ref (self));
}

static void
tl_existing_page_shown (TlPage *page)
{
  TlExistingPage *self = TL_EXISTING_PAGE (page);

  tl_page_set_label_text (self->error_label, NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->continue_button), TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->continue_button));
}

static void
tl_existing_page_dispose (GObject *object)
{
  tl_page_dispose_template (TL_PAGE (object), TL_TYPE_EXISTING_PAGE);

  G_OBJECT_CLASS (tl_existing_page_parent_class)->dispose (object);
}

static void
tl_existing_page_class_init (TlExistingPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  TlPageClass *page_class = TL_PAGE_CLASS (klass);

  object_class->dispose = tl_existing_page_dispose;
  page_class->update = tl_existing_page_update;
  page_class->shown = tl_existing_page_shown;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/tl-existing-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TlExistingPage, status_page);
  gtk_widget_class_bind_template_child (widget_class, TlExistingPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, TlExistingPage, continue_button);
  gtk_widget_class_bind_template_callback (widget_class, continue_clicked_cb);
}

static void
tl_existing_page_init (TlExistingPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
