/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "tl-auth-client.h"

G_BEGIN_DECLS

#define TL_TYPE_PAGE (tl_page_get_type ())

G_DECLARE_DERIVABLE_TYPE (TlPage, tl_page, TL, PAGE, AdwBin)

/* What every page of the window shares: the login it shows ("client"),
 * the window's cancellable, the widget Enter activates, and a way to
 * show a toast. Pages only draw what the client reports and call its
 * async methods with what the person chose. */
struct _TlPageClass
{
  AdwBinClass parent_class;

  /* The window is about to show this page for the client's current state. */
  void (*shown)  (TlPage *self);
  /* The client changed, or one of its properties did: redraw from it. */
  void (*update) (TlPage *self);
};

TlAuthClient *tl_page_get_client          (TlPage        *self);
void          tl_page_set_client          (TlPage        *self,
                                           TlAuthClient  *client);
GCancellable *tl_page_get_cancellable     (TlPage        *self);
void          tl_page_set_cancellable     (TlPage        *self,
                                           GCancellable  *cancellable);
GtkWidget    *tl_page_get_default_widget  (TlPage        *self);
void          tl_page_set_default_widget  (TlPage        *self,
                                           GtkWidget     *widget);
void          tl_page_shown               (TlPage        *self);
void          tl_page_update              (TlPage        *self);
/* Whether an async call's @error is this page's to show: not a
 * cancellation, from the current client, and the client is still in
 * @state (otherwise the window shows the new state and its error). */
gboolean      tl_page_owns_error          (TlPage        *self,
                                           GObject       *source,
                                           const GError  *error,
                                           TlAuthState    state);
/* Emits "toast": the window shows @message briefly. */
void          tl_page_toast               (TlPage        *self,
                                           const char    *message);
/* Asks the window to show the page for the client's current state, for
 * when a step ended without changing it. Emits "step-done". */
void          tl_page_step_done           (TlPage        *self);

/* For the pages' dispose: drops the bin's child first (AdwBin keeps a
 * pointer to it that the template's teardown would leave dangling), then
 * disposes the template of @type. */
void          tl_page_dispose_template    (TlPage        *self,
                                           GType          type);

/* Small shared helpers for the pages' labels. */
void          tl_page_set_label_text      (GtkLabel      *label,
                                           const char    *text);

G_END_DECLS
