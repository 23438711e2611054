#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The Flatpak manifest cannot be built here (no runtime download), so check
# what a build would rely on: valid JSON, the app ID, command, runtime,
# least permissions, and the modules. Speaks TAP.
import json
import sys

path = sys.argv[1]
checks = []


def check(name, ok, detail=""):
    checks.append((name, bool(ok), detail))


try:
    with open(path, encoding="utf-8") as f:
        manifest = json.load(f)
except (OSError, ValueError) as e:
    print("1..1")
    print(f"not ok 1 - manifest is valid JSON # {e}")
    sys.exit(1)

check("valid JSON", True)
check("app ID", manifest.get("id") == "io.github.tradinglogin.TradingLogin", manifest.get("id"))
check("command", manifest.get("command") == "trading-login", manifest.get("command"))
check("runtime", manifest.get("runtime") == "org.gnome.Platform" and manifest.get("runtime-version") == "47")
check("sdk", manifest.get("sdk") == "org.gnome.Sdk")

args = manifest.get("finish-args", [])
for needed in ("--share=network", "--socket=wayland", "--socket=fallback-x11", "--device=dri"):
    check(f"finish-args has {needed}", needed in args)
for forbidden in ("--filesystem=home", "--filesystem=host", "--socket=x11",
                  "--talk-name=org.freedesktop.secrets", "--device=all", "--socket=session-bus"):
    check(f"finish-args lacks {forbidden}", forbidden not in args)

modules = manifest.get("modules", [])
names = [m.get("name") for m in modules if isinstance(m, dict)]
check("libqrencode is built before the app", names[:1] == ["libqrencode"] and names[-1:] == ["trading-login"], names)
qr = modules[0] if modules else {}
sources = qr.get("sources", [])
check("libqrencode source is pinned by sha256",
      sources and all(len(s.get("sha256", "")) == 64 for s in sources if s.get("type") == "archive"))
app = modules[-1] if modules else {}
check("app builds with meson", app.get("buildsystem") == "meson")
check("app runs its tests", app.get("run-tests") is True)

print(f"1..{len(checks)}")
failed = 0
for i, (name, ok, detail) in enumerate(checks, 1):
    print(f"{'ok' if ok else 'not ok'} {i} - {name}" + ("" if ok else f" # {detail}"))
    failed += not ok
sys.exit(1 if failed else 0)
