#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The Flatpak manifests cannot be built here: flatpak-builder is not
# installed and the runtime cannot be downloaded. So check what a build
# would rely on, for both manifests in flatpak/: valid JSON, the app ID,
# command and runtime, the least permissions (each one explained in
# flatpak/README.md), the modules, tests off, and every meson option they
# pass declared by the tree they build; for the one a repository would
# publish, a git source pinned to a commit of this repository (and to a
# tag, if it names one, that points at that commit); for the development
# one, a dir source that is this tree. Speaks TAP.
#
# Arguments: SOURCE_ROOT.
import json
import os
import re
import subprocess
import sys

import tl_tap

source_root = os.path.abspath(sys.argv[1])
flatpak_dir = os.path.join(source_root, "flatpak")
BASE_ID = "io.github.tradinglogin.TradingLogin"

# The GNOME runtime the manifests target: the newest stable one. GNOME
# releases every March and September and Flathub ends a runtime when the
# second one after it comes out (47 ended on 15 October 2025, 48 on 24
# March 2026), so in December 2026 GNOME 51 (September 2026) is current
# and 50 the only other supported one. Bump both manifests and this line
# together.
RUNTIME_VERSION = "51"

# Exactly these, and each for the reason flatpak/README.md gives.
FINISH_ARGS = {"--share=network", "--share=ipc", "--socket=wayland", "--socket=fallback-x11",
               "--device=dri"}
# Options meson itself has (meson setup --help), besides the tree's own.
MESON_BUILTINS = {"werror", "buildtype", "optimization", "debug", "warning_level", "b_lto",
                  "b_ndebug", "b_sanitize", "prefix", "libdir"}

tap = tl_tap.Tap()


def check(name, ok, detail=""):
    tap.ok(ok, name, detail)


def git(*args):
    return subprocess.run(["git", "-C", source_root, *args], capture_output=True, text=True)


in_git = git("rev-parse", "--git-dir").returncode == 0

with open(os.path.join(flatpak_dir, "README.md"), encoding="utf-8") as f:
    readme = f.read()


def declared_options(text):
    return set(re.findall(r"option\(\s*'([^']+)'", text))


def check_manifest(filename, app_id):
    path = os.path.join(flatpak_dir, filename)
    try:
        with open(path, encoding="utf-8") as f:
            manifest = json.load(f)
    except (OSError, ValueError) as e:
        check(f"{filename}: valid JSON", False, str(e))
        return None
    check(f"{filename}: valid JSON", True)

    check(f"{filename}: app ID {app_id}", manifest.get("id") == app_id, manifest.get("id"))
    check(f"{filename}: command", manifest.get("command") == "trading-login", manifest.get("command"))
    check(f"{filename}: runtime org.gnome.Platform {RUNTIME_VERSION}",
          manifest.get("runtime") == "org.gnome.Platform" and
          manifest.get("runtime-version") == RUNTIME_VERSION,
          f"{manifest.get('runtime')} {manifest.get('runtime-version')}")
    check(f"{filename}: sdk org.gnome.Sdk", manifest.get("sdk") == "org.gnome.Sdk")

    args = manifest.get("finish-args", [])
    check(f"{filename}: finish-args are exactly the least set", set(args) == FINISH_ARGS and
          len(args) == len(FINISH_ARGS), repr(sorted(set(args) ^ FINISH_ARGS)))
    for arg in args:
        check(f"{filename}: flatpak/README.md explains {arg}", f"`{arg}`" in readme)
    check(f"{filename}: no network while building",
          not re.search(r"--share=network", json.dumps(manifest.get("build-options", {})) +
                        json.dumps([m.get("build-options", {}) for m in manifest.get("modules", [])
                                    if isinstance(m, dict)])))

    modules = manifest.get("modules", [])
    names = [m.get("name") for m in modules if isinstance(m, dict)]
    check(f"{filename}: libqrencode is built before the app",
          names[:1] == ["libqrencode"] and names[-1:] == ["trading-login"], names)
    qr = modules[0] if modules else {}
    archives = [s for s in qr.get("sources", []) if s.get("type") == "archive"]
    check(f"{filename}: libqrencode's archive is pinned by sha256",
          archives and all(re.fullmatch(r"[0-9a-f]{64}", s.get("sha256", "")) for s in archives))

    app = modules[-1] if modules else {}
    opts = app.get("config-opts", [])
    check(f"{filename}: the app builds with meson", app.get("buildsystem") == "meson")
    check(f"{filename}: its tests are not run in the build (no display or keyring in the SDK)",
          app.get("run-tests", False) is False)
    check(f"{filename}: nor built (-Dtests=false)", "-Dtests=false" in opts, repr(opts))
    if app_id.endswith(".Devel"):
        check(f"{filename}: the development flavour (-Ddevelopment=true)", "-Ddevelopment=true" in opts)
    else:
        check(f"{filename}: the release flavour", "-Ddevelopment=true" not in opts)

    sources = app.get("sources", [])
    check(f"{filename}: one source for the app", len(sources) == 1, repr(sources))
    return manifest, opts, (sources[0] if sources else {})


def check_options(filename, opts, options_text, where):
    declared = declared_options(options_text)
    for opt in opts:
        m = re.match(r"-D([A-Za-z0-9_]+)=", opt)
        if not m:
            check(f"{filename}: {opt} is a -Dname=value option", False)
            continue
        name = m.group(1)
        check(f"{filename}: -D{name} is an option of {where}", name in declared or name in MESON_BUILTINS,
              f"declared: {sorted(declared)}")


# --- The one a repository would publish ---------------------------------
release = check_manifest(f"{BASE_ID}.json", BASE_ID)
if release:
    manifest, opts, source = release
    commit = source.get("commit", "")
    check(f"{BASE_ID}.json: a git source", source.get("type") == "git", source.get("type"))
    check(f"{BASE_ID}.json: fetched over https", source.get("url", "").startswith("https://"))
    check(f"{BASE_ID}.json: pinned to a whole commit ID", re.fullmatch(r"[0-9a-f]{40}", commit), commit)
    check(f"{BASE_ID}.json: not to a branch", "branch" not in source)
    if not in_git:
        tap.skip(f"{BASE_ID}.json: the pinned commit is in this repository",
                 "not a git checkout: the pinned commit cannot be looked up")
    else:
        exists = git("cat-file", "-e", f"{commit}^{{commit}}").returncode == 0
        check(f"{BASE_ID}.json: the pinned commit is in this repository", exists, commit)
        check(f"{BASE_ID}.json: and in this branch's history",
              exists and git("merge-base", "--is-ancestor", commit, "HEAD").returncode == 0)
        if "tag" in source:
            tagged = git("rev-parse", "--verify", "--quiet", f"refs/tags/{source['tag']}^{{commit}}")
            check(f"{BASE_ID}.json: tag {source['tag']} points at the pinned commit",
                  tagged.stdout.strip() == commit, tagged.stdout.strip())
        if exists:
            # What the pinned tree must have for this manifest to build it.
            at = git("show", f"{commit}:meson_options.txt")
            check_options(f"{BASE_ID}.json", opts, at.stdout, f"the pinned commit {commit[:10]}")
            service = git("cat-file", "-e", f"{commit}:data/{BASE_ID}.service.in").returncode == 0
            check(f"{BASE_ID}.json: the pinned commit installs the D-Bus service file", service)

# --- The development one: this tree -------------------------------------
devel = check_manifest(f"{BASE_ID}.Devel.json", BASE_ID + ".Devel")
if devel:
    manifest, opts, source = devel
    check(f"{BASE_ID}.Devel.json: a dir source", source.get("type") == "dir", source.get("type"))
    where = os.path.realpath(os.path.join(flatpak_dir, source.get("path", "")))
    check(f"{BASE_ID}.Devel.json: the dir is this source tree", where == os.path.realpath(source_root), where)
    with open(os.path.join(source_root, "meson_options.txt"), encoding="utf-8") as f:
        check_options(f"{BASE_ID}.Devel.json", opts, f.read(), "this tree")

sys.exit(tap.finish())
