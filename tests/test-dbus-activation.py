#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Starts the installed app the way GNOME Shell does. The desktop file says
# DBusActivatable=true, so the Shell does not run its Exec line: it calls org.freedesktop.Application.Activate on the app's bus
# name, and the session bus starts the app from the D-Bus service file in
# share/dbus-1/services. Without that file nothing starts at all.
#
# So: build and install the tree into a temporary prefix, start a session
# bus whose XDG_DATA_DIRS has that prefix's share in front (the bus reads
# its service directories from it when it starts, as a desktop session
# does), launch the app by its desktop file ID as the Shell does
# (tests/tl-launch-app.c), and check
# that the window of the installed binary appears on the test session's X
# display; then quit it through its own action, and start it again cold
# with `gdbus call ... Activate`. Speaks TAP.
#
# Arguments: SOURCE_ROOT APP_ID TL_LAUNCH_APP. Runs inside build-aux/test-session (its
# Xvfb display), like every test.
import configparser
import os
import shutil
import subprocess
import sys
import tempfile
import time

import tl_tap

source_root = os.path.abspath(sys.argv[1])
app_id = sys.argv[2]
launch_app = sys.argv[3]
object_path = "/" + app_id.replace(".", "/")
slowdown = float(os.environ.get("TL_TEST_SLOWDOWN") or "1")

tap = tl_tap.Tap()
ok = tap.ok
require = tap.require


def run(argv, env=None, timeout=60):
    return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=timeout * slowdown)


def wait_for(what, timeout):
    """Polls what() until it returns something true, or None at the deadline."""
    deadline = time.monotonic() + timeout * slowdown
    while True:
        value = what()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.1)


tmp = tempfile.mkdtemp(prefix="tl-activation-")
prefix = os.path.join(tmp, "prefix")
build = os.path.join(tmp, "build")
share = os.path.join(prefix, "share")
bus = None
started = []  # app processes, killed at the end if a failure left them


def dbus_call(address, dest, path, method, *args):
    proc = run(["gdbus", "call", "--session", "--dest", dest, "--object-path", path,
                "--method", method, *args], env=dict(os.environ, DBUS_SESSION_BUS_ADDRESS=address))
    return proc


def owner_pid(address):
    """The process that owns the app's bus name, or None."""
    proc = dbus_call(address, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                     "org.freedesktop.DBus.GetConnectionUnixProcessID", app_id)
    if proc.returncode != 0:
        return None
    # "(uint32 1234,)"
    return int(proc.stdout.strip().strip("(),").split()[-1].rstrip(","))


def visible_windows(pid):
    proc = run(["xdotool", "search", "--onlyvisible", "--pid", str(pid)])
    return proc.stdout.split()


def check_started(address, how):
    """The installed binary, started by the bus, shows one window."""
    pid = wait_for(lambda: owner_pid(address), 30)
    require(pid is not None, f"{how}: the bus started something that owns {app_id}")
    started.append(pid)
    exe = os.path.realpath(f"/proc/{pid}/exe")
    installed = os.path.realpath(os.path.join(prefix, "bin", "trading-login"))
    ok(exe == installed, f"{how}: it is the installed trading-login", f"{exe} != {installed}")
    with open(f"/proc/{pid}/cmdline", "rb") as f:
        cmdline = f.read().split(b"\0")
    ok(b"--gapplication-service" in cmdline,
       f"{how}: started from the service file's Exec line", repr(cmdline))
    windows = wait_for(lambda: visible_windows(pid), 30)
    require(len(windows) == 1, f"{how}: one window is shown", repr(windows))
    name = run(["xdotool", "getwindowname", windows[0]]).stdout.strip()
    ok(name == "Trading Login", f"{how}: the window is titled “Trading Login”", repr(name))
    return pid


def quit_app(address, pid, how):
    proc = dbus_call(address, app_id, object_path, "org.freedesktop.Application.ActivateAction",
                     "quit", "[]", "{}")
    ok(proc.returncode == 0, f"{how}: app.quit over D-Bus", proc.stderr)
    gone = wait_for(lambda: owner_pid(address) is None and not os.path.exists(f"/proc/{pid}"), 30)
    ok(gone, f"{how}: the app has exited and left the bus")


try:
    # --- Install into a temporary prefix -------------------------------
    options = [f"--prefix={prefix}", "-Dtests=false"]
    if app_id.endswith(".Devel"):
        options.append("-Ddevelopment=true")
    env = dict(os.environ)
    for step in (["meson", "setup", build, source_root, *options],
                 ["meson", "compile", "-C", build],
                 ["meson", "install", "-C", build, "--quiet"]):
        proc = run(step, env=env, timeout=600)
        require(proc.returncode == 0, " ".join(step[:2]) + " into a temporary prefix",
                (proc.stdout + proc.stderr)[-3000:])

    service = os.path.join(share, "dbus-1", "services", app_id + ".service")
    require(os.path.isfile(service), f"installs share/dbus-1/services/{app_id}.service")
    keys = configparser.ConfigParser(interpolation=None)
    keys.optionxform = str
    keys.read(service, encoding="utf-8")
    ok(keys.get("D-BUS Service", "Name", fallback=None) == app_id,
       "the service file names the app ID", keys.get("D-BUS Service", "Name", fallback=None))
    exec_line = keys.get("D-BUS Service", "Exec", fallback="").split()
    ok(exec_line[:1] == [os.path.join(prefix, "bin", "trading-login")] and
       "--gapplication-service" in exec_line,
       "Exec runs the installed trading-login as a GApplication service", repr(exec_line))

    desktop = os.path.join(share, "applications", app_id + ".desktop")
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str
    entry.read(desktop, encoding="utf-8")
    ok(entry.get("Desktop Entry", "DBusActivatable", fallback=None) == "true",
       "the installed desktop file is D-Bus activatable")

    # --- A session bus that knows the prefix ---------------------------
    env = dict(os.environ)
    env["XDG_DATA_DIRS"] = share + ":" + os.environ.get("XDG_DATA_DIRS", "/usr/local/share:/usr/share")
    # GIO takes a desktop file only when its Exec program is on PATH, as
    # it is for any prefix a person installs to.
    env["PATH"] = os.path.join(prefix, "bin") + ":" + os.environ.get("PATH", "/usr/bin:/bin")
    # The installed app must find its own schema and HTTP module, not the
    # build tree's.
    for name in ("GSETTINGS_SCHEMA_DIR", "TL_HTTP_MODULE_DIR", "DBUS_SESSION_BUS_ADDRESS"):
        env.pop(name, None)
    # This bus has no keyring daemon, and one activated on it would share
    # the test session's keyring files: the app keeps its items in
    # libsecret's file backend instead, as inside Flatpak.
    env["SECRET_BACKEND"] = "file"
    env["SECRET_FILE_TEST_PATH"] = os.path.join(tmp, "keyrings", "default.keyring")
    env["SECRET_FILE_TEST_PASSWORD"] = "tl-activation"
    # No accessibility bus to start on it either.
    env["GTK_A11Y"] = "none"
    bus = subprocess.Popen(["dbus-daemon", "--session", "--nofork", "--print-address=1"],
                           env=env, stdout=subprocess.PIPE, text=True)
    address = bus.stdout.readline().strip()
    require(address != "", "a session bus started")

    listed = dbus_call(address, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                       "org.freedesktop.DBus.ListActivatableNames")
    ok(f"'{app_id}'" in listed.stdout, "the bus can activate the app's name", listed.stdout)

    # --- As GNOME Shell: the installed desktop file, by its ID ----------
    proc = run([launch_app, app_id + ".desktop"], env=dict(env, DBUS_SESSION_BUS_ADDRESS=address))
    ok(proc.returncode == 0, "launched by desktop file ID, as GNOME Shell does", proc.stderr)
    pid = check_started(address, "desktop launch")

    # A second activation reaches the running instance: no second process.
    proc = dbus_call(address, app_id, object_path, "org.freedesktop.Application.Activate", "{}")
    ok(proc.returncode == 0, "Activate again while it runs", proc.stderr)
    time.sleep(0.5)
    ok(owner_pid(address) == pid and len(visible_windows(pid)) == 1,
       "the running instance answers, with its one window")
    quit_app(address, pid, "desktop launch")

    # --- Cold start by the D-Bus call itself -----------------------------
    proc = dbus_call(address, app_id, object_path, "org.freedesktop.Application.Activate", "{}")
    ok(proc.returncode == 0, "gdbus call org.freedesktop.Application.Activate", proc.stderr)
    pid = check_started(address, "Activate")
    quit_app(address, pid, "Activate")
except tl_tap.Failed:
    pass
except subprocess.TimeoutExpired as e:
    ok(False, f"timed out: {' '.join(e.cmd)}")
finally:
    for pid in started:
        if os.path.exists(f"/proc/{pid}"):
            os.kill(pid, 9)
    if bus is not None:
        bus.terminate()
        bus.wait()
    shutil.rmtree(tmp, ignore_errors=True)

sys.exit(tap.finish())
