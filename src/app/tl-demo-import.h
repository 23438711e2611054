/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* "Use a Demo Server…": the demo.json that "trading-authd demo" wrote,
 * picked in a file chooser. Inside a Flatpak sandbox the app cannot see
 * the folder the demo runs in on the host; GtkFileChooserNative (GTK 4.8
 * has no GtkFileDialog) then goes through the file chooser portal, and
 * the document portal hands the app the chosen file, and only that, at a
 * path of its own that stays valid, so that every login can read it
 * again. Outside a sandbox it is a GTK file chooser dialog. */

/* Makes the demo whose demo.json is @file the servers of @settings: sets
 * demo-data-dir to its folder and use-demo, and copies its addresses and
 * fingerprint. Changes nothing when the file is not a readable demo.json. */
gboolean tl_demo_import_file          (GSettings            *settings,
                                       GFile                *file,
                                       GError              **error);

/* Shows the chooser, modal to @parent, and imports the chosen file.
 * Finishes with G_IO_ERROR_CANCELLED when the person cancels. */
void     tl_demo_import_choose_async  (GtkWindow            *parent,
                                       GSettings            *settings,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data);
gboolean tl_demo_import_choose_finish (GAsyncResult         *result,
                                       GError              **error);

G_END_DECLS
