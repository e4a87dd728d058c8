"""The AT-SPI session: the real window under Xvfb and D-Bus, read as Orca reads it.

One session per test run (about 30 s): ``run.sh`` starts the AT-SPI bus,
the reader (system Python with pyatspi) and the driver (this Python, the real window
on the real reference database), and the tests read the checkpoint files. Skipped, with
the reason, where xvfb-run, dbus-run-session, the AT-SPI bus launcher or a system
Python with pyatspi is missing (CI installs them: packaging/dev.py DEBIAN_PACKAGES).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SYSTEM_PYTHON = Path("/usr/bin/python3")
BUS_LAUNCHER = Path("/usr/libexec/at-spi-bus-launcher")
SESSION_TIMEOUT_S = 400
SCREEN = "1366x768x24"


def missing_tools() -> str | None:
    for tool in ("xvfb-run", "dbus-run-session"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (Debian: xvfb, dbus)"
    if not BUS_LAUNCHER.exists():
        return f"{BUS_LAUNCHER} is missing (Debian: at-spi2-core)"
    if not SYSTEM_PYTHON.exists():
        return f"{SYSTEM_PYTHON} is missing"
    probe = subprocess.run(
        [str(SYSTEM_PYTHON), "-c", "import pyatspi"], capture_output=True, text=True
    )
    if probe.returncode != 0:
        return "the system Python has no pyatspi (Debian: python3-pyatspi)"
    return None


@dataclass
class Checkpoint:
    """What the reader saw at one point of the walk, and what the driver knew."""

    name: str
    driver: dict[str, Any]
    tree: dict[str, Any]
    events: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Session:
    folder: Path
    checkpoints: dict[str, Checkpoint]
    status: int
    log: str

    def at(self, name: str) -> Checkpoint:
        assert name in self.checkpoints, f"no checkpoint {name!r}: {self.log}"
        return self.checkpoints[name]


@pytest.fixture(scope="session")
def atspi(reference_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Session:
    reason = missing_tools()
    if reason is not None:
        pytest.skip(f"AT-SPI suite not run: {reason}")
    out = tmp_path_factory.mktemp("atspi")
    env = dict(os.environ, QUICKREF_DATA_DIR=str(out / "user"))
    env.pop("QT_QPA_PLATFORM", None)
    cmd = [
        "xvfb-run", "-a", "-s", f"-screen 0 {SCREEN}",
        "dbus-run-session", "--",
        "sh", str(HERE / "run.sh"), sys.executable, str(reference_db), str(out / "run"),
    ]  # fmt: skip
    done = subprocess.run(
        cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=SESSION_TIMEOUT_S
    )
    run = out / "run"
    logs = []
    for name in ("driver-error.txt", "driver.log", "reader.log"):
        path = run / name
        if path.exists():
            logs.append(f"--- {name}\n{path.read_text(encoding='utf-8')[-3000:]}")
    log = "\n".join(logs) + f"\n--- stderr\n{done.stderr[-2000:]}"
    checkpoints = {}
    for path in sorted(run.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        name = data["driver"]["name"]
        checkpoints[name] = Checkpoint(name, data["driver"], data["tree"] or {}, data["events"])
    return Session(run, checkpoints, done.returncode, log)


def walk(
    node: dict[str, Any], path: tuple[str, ...] = ()
) -> list[tuple[dict[str, Any], tuple[str, ...]]]:
    """Every node under ``node`` with the roles of its ancestors."""
    out = [(node, path)]
    for child in node.get("children", []):
        out.extend(walk(child, (*path, node.get("role", ""))))
    return out


def find(node: dict[str, Any], role: str, name: str | None = None) -> list[dict[str, Any]]:
    return [
        n
        for n, _ in walk(node)
        if n.get("role") == role and (name is None or n.get("name") == name)
    ]
