"""Start-up imports only what the first paint needs (issue 9 item 7)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFERRED = (
    "desktop.ui.checklist",
    "desktop.records.checklist",
    "desktop.ui.import_dialog",
    "desktop.ui.history_dialog",
    "desktop.records.history",
    "desktop.ui.settings_dialog",
    "desktop.ui.about_dialog",
    "desktop.reference.licensed",
    "desktop.reference.update",
    "desktop.reference.build",
    "desktop.coverage",
    "rapidfuzz",
)
PROBE = """
import sys
from desktop.records.store import UserStore
from desktop.self_test import _wait_for_paint
from desktop.session import ReferenceSession
from desktop.ui.app import application
from desktop.ui.main_window import build_main_window
app = application(defer_icon=True)
win = build_main_window(ReferenceSession.open(sys.argv[1]), UserStore())
assert _wait_for_paint(app, win)
print("\\n".join(sorted(sys.modules)))
"""


def test_first_paint_imports_none_of_the_deferred_modules(
    reference_db: Path, user_dir: Path
) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run(
        [sys.executable, "-c", PROBE, str(reference_db)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    loaded = set(out.stdout.split())
    assert "desktop.ui.main_window" in loaded
    early = sorted(m for m in loaded if m.startswith(DEFERRED))
    assert early == []


def test_ui_uses_plain_imports_only() -> None:
    """No importlib in ui/: a lazy import is a plain import inside the function."""
    ui = ROOT / "desktop" / "ui"
    offenders = [
        str(path.relative_to(ROOT))
        for path in ui.rglob("*.py")
        if "importlib" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []
