#!/usr/bin/env python3
"""One-step set-up for a source checkout: ``run`` launches QuickRef, ``test`` tests it.

Both commands (Python 3.11+, standard library only, so they work before anything is
installed):

1. install the Debian packages Qt needs, if any are missing (apt-get, as root; a
   non-root user is told the exact command);
2. create ``.venv`` if missing and install the project with its extras into it,
   again only when ``pyproject.toml`` changed since the last install;
3. rebuild ``desktop/data/reference.sqlite`` if it is missing or stale;
4. ``run``: start the window (extra arguments go to ``quickref``);
   ``test``: ruff check, ruff format --check, mypy, then the whole pytest suite
   (extra arguments go to pytest).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".quickref-installed"

# Qt's xcb and offscreen platforms, fonts, the X server for screenshots and window
# tests, and the tools packaging uses (desktop-file-validate, dpkg-deb, xvfb-run).
DEBIAN_PACKAGES = [
    "libgl1", "libegl1", "libxkbcommon0", "libxkbcommon-x11-0", "libfontconfig1",
    "libglib2.0-0", "libdbus-1-3", "libxcb-cursor0", "libxcb-icccm4", "libxcb-keysyms1",
    "libxcb-shape0", "libxcb-render-util0", "libxcb-image0", "libxcb-randr0",
    "libxcb-xinerama0", "libxcb-xkb1", "fonts-dejavu-core", "xvfb", "xauth",
    "desktop-file-utils", "util-linux", "binutils",
    # The screen-reader tests (tests/a11y): the AT-SPI bus and registry, a D-Bus session,
    # and pyatspi for the system Python that plays the screen reader.
    "at-spi2-core", "python3-pyatspi", "dbus", "dbus-x11",
]  # fmt: skip


def say(msg: str) -> None:
    print(f"[dev] {msg}", flush=True)


def run(cmd: list[str | Path], **kw: object) -> None:
    subprocess.run([str(c) for c in cmd], check=True, cwd=ROOT, **kw)  # type: ignore[call-overload]


def ensure_system_packages() -> None:
    if not sys.platform.startswith("linux") or shutil.which("dpkg-query") is None:
        return
    missing = []
    for pkg in DEBIAN_PACKAGES:
        r = subprocess.run(
            ["dpkg-query", "-W", "-f=${Status}", pkg], capture_output=True, text=True
        )
        if "install ok installed" not in r.stdout:
            missing.append(pkg)
    if not missing:
        return
    cmd = ["apt-get", "install", "-y", "--no-install-recommends", *missing]
    if os.geteuid() != 0:
        say("missing system packages; install them with:")
        print("  sudo apt-get update && sudo " + " ".join(cmd))
        sys.exit(1)
    say(f"installing system packages: {' '.join(missing)}")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    run(["apt-get", "update", "-q"], env=env)
    run(cmd, env=env)


def ensure_venv() -> None:
    if not PY.exists():
        say("creating .venv")
        try:
            run([sys.executable, "-m", "venv", VENV])
        except subprocess.CalledProcessError:
            say("python3 -m venv failed: on Debian, install it with: apt-get install python3-venv")
            sys.exit(1)
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text().strip() == wanted:
        return
    say("installing QuickRef and its dependencies into .venv")
    run([PY, "-m", "pip", "install", "-q", "--upgrade", "pip"])
    run([PY, "-m", "pip", "install", "-q", "-e", ".[test,package]"])
    STAMP.write_text(wanted)


def ensure_reference_db() -> None:
    run([BIN / "quickref", "db", "build", "--if-stale"])


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("run", "test", "setup"):
        print(__doc__)
        print("usage: python3 packaging/dev.py run|test|setup [ARGS...]")
        return 2
    if sys.version_info < (3, 11):  # noqa: UP036 - this script may run on any python3
        say(f"QuickRef needs Python 3.11 or newer (this is {sys.version.split()[0]})")
        return 1
    command, rest = argv[0], argv[1:]
    ensure_system_packages()
    ensure_venv()
    ensure_reference_db()
    if command == "setup":
        return 0
    if command == "run":
        return subprocess.call([str(BIN / "quickref"), *rest], cwd=ROOT)
    for check in (
        [BIN / "ruff", "check", "."],
        [BIN / "ruff", "format", "--check", "."],
        [BIN / "mypy"],
    ):
        say(" ".join([Path(check[0]).name, *(str(c) for c in check[1:])]))
        rc = subprocess.call([str(c) for c in check], cwd=ROOT)
        if rc:
            return rc
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    return subprocess.call([str(PY), "-m", "pytest", *rest], cwd=ROOT, env=env)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
