#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Installs the build into a temporary DESTDIR and checks that every file a
# GNOME desktop needs lands where it looks for it. Speaks TAP.
import os
import subprocess
import sys
import tempfile

build_root, source_root, app_id, prefix, libdir = sys.argv[1:6]

with tempfile.TemporaryDirectory() as destdir:
    env = dict(os.environ, DESTDIR=destdir)
    proc = subprocess.run(["meson", "install", "-C", build_root, "--no-rebuild",
                           "--quiet", "--destdir", destdir, "--skip-subprojects"],
                          env=env, capture_output=True, text=True)
    root = destdir + prefix

    expected = [
        "bin/trading-login",
        "bin/trading-login-cli",
        "bin/trading-authd",
        "bin/trading-key",
        f"share/applications/{app_id}.desktop",
        f"share/metainfo/{app_id}.metainfo.xml",
        # DBusActivatable=true in the desktop file needs it (test-dbus-activation.py).
        f"share/dbus-1/services/{app_id}.service",
        f"share/icons/hicolor/scalable/apps/{app_id}.svg",
        f"share/icons/hicolor/symbolic/apps/{app_id}-symbolic.svg",
        "share/glib-2.0/schemas/io.github.tradinglogin.TradingLogin.gschema.xml",
        "lib/systemd/system/trading-authd.service",
        # Where trading-login looks for it (PKGLIBDIR, src/app/tl-http-loader.c).
        f"{libdir}/trading-login/libtlhttp.so",
    ]
    with open(os.path.join(source_root, "po", "LINGUAS"), encoding="utf-8") as f:
        for lang in f.read().split():
            expected.append(f"share/locale/{lang}/LC_MESSAGES/trading-login.mo")
    man_dir = os.path.join(source_root, "docs", "man")
    if os.path.isdir(man_dir):
        for page in sorted(os.listdir(man_dir)):
            if page.endswith(".1"):
                expected.append(f"share/man/man1/{page}")

    checks = [("meson install succeeds", proc.returncode == 0, proc.stderr.strip()[-300:])]
    for rel in expected:
        path = os.path.join(root, rel)
        ok = os.path.isfile(path) and os.path.getsize(path) > 0
        if ok and rel.startswith("bin/"):
            ok = os.access(path, os.X_OK)
        checks.append((f"installs {rel}", ok, ""))

    print(f"1..{len(checks)}")
    for i, (name, ok, detail) in enumerate(checks, 1):
        print(f"{'ok' if ok else 'not ok'} {i} - {name}" + ("" if ok or not detail else f" # {detail}"))
    sys.exit(0 if all(ok for _, ok, _ in checks) else 1)
