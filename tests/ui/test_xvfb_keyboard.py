"""The window under a real X server (Xvfb, xcb): a front-desk look-up and a whole nurse
run, keyboard only. Runs tests/ui/xvfb_session.py in a subprocess."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SESSION = Path(__file__).with_name("xvfb_session.py")


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="xvfb-run is not installed")
def test_keyboard_only_look_up_and_nurse_run_under_xvfb(reference_db: Path, user_dir: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    env.update(QT_QPA_PLATFORM="xcb", PYTHONPATH=str(ROOT))
    out = subprocess.run(
        ["xvfb-run", "-a", "-s", "-screen 0 1366x768x24", sys.executable, str(SESSION),
         str(reference_db)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )  # fmt: skip
    assert out.returncode == 0, out.stdout + out.stderr
    assert "platform xcb" in out.stdout
    assert "ALL OK" in out.stdout
