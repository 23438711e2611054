#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# What Flathub and the software centres need of the metainfo beyond what
# `appstreamcli validate` checks (data/meson.build runs that): a developer
# ID, brand colours for light and dark, screenshots that do not change
# under the page (at the release's tag, not a branch), and a description
# that says a server is needed. Speaks TAP.
#
# Arguments: METAINFO (the built, merged file) SOURCE_ROOT VERSION.
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import tl_tap

metainfo, source_root, version = sys.argv[1:4]
tap = tl_tap.Tap()


def check(name, cond, detail=""):
    tap.ok(cond, name, detail)


root = ET.parse(metainfo).getroot()

developer = root.find("developer")
check("<developer> has an ID", developer is not None and developer.get("id"))
names = developer.findall("name") if developer is not None else []
check("<developer> has one untranslated name", len(names) == 1 and names[0].text and
      names[0].get("{http://www.w3.org/XML/1998/namespace}lang") is None)

colors = {c.get("scheme_preference"): (c.text or "").strip()
          for c in root.findall("branding/color") if c.get("type") == "primary"}
hex_color = re.compile(r"^#[0-9a-fA-F]{6}$")
for scheme in ("light", "dark"):
    check(f"a primary brand colour for the {scheme} scheme",
          hex_color.match(colors.get(scheme, "")), repr(colors))
check("the light and dark colours differ", colors.get("light") != colors.get("dark"))

releases = [r.get("version") for r in root.findall("releases/release")]
check(f"the newest release is the project's version {version}", releases[:1] == [version], repr(releases))
tag = f"v{version}"

in_git = subprocess.run(["git", "-C", source_root, "rev-parse", "--git-dir"],
                        capture_output=True).returncode == 0
tag_exists = in_git and subprocess.run(["git", "-C", source_root, "rev-parse", "--verify", "--quiet",
                                        f"refs/tags/{tag}"], capture_output=True).returncode == 0

prefix = f"https://raw.githubusercontent.com/tradinglogin/trading-login/{tag}/"
images = [(i.text or "").strip() for i in root.findall("screenshots/screenshot/image")]
check("there are screenshots", images)
for url in images:
    check(f"{url} is at the release tag {tag}", url.startswith(prefix))
    rel = url[len(prefix):] if url.startswith(prefix) else ""
    path = os.path.join(source_root, rel)
    png = False
    if rel and os.path.isfile(path):
        with open(path, "rb") as f:
            png = f.read(8) == b"\x89PNG\r\n\x1a\n"
    check(f"{rel or url} is a PNG in the tree", png)
    if tag_exists:
        at_tag = subprocess.run(["git", "-C", source_root, "cat-file", "-e", f"{tag}:{rel}"],
                                capture_output=True).returncode == 0
        check(f"{rel} is in the repository at {tag}", at_tag)
    else:
        tap.skip(f"{rel} is in the repository at {tag}",
                 f"no tag {tag} in this repository yet: it is made at the release")

description = " ".join("".join(p.itertext()) for p in root.findall("description/p")
                       if p.get("{http://www.w3.org/XML/1998/namespace}lang") is None)
check("the description says a login server is needed", re.search(r"needs a login server", description))

sys.exit(tap.finish())
