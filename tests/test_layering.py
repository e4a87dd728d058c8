"""The layering DESIGN.md promises: reference/ and records/ never import Qt, ui/ writes no SQL."""

from __future__ import annotations

import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import desktop

PACKAGE = Path(desktop.__file__).parent


def _modules(subpackage: str) -> list[str]:
    path = PACKAGE / subpackage
    found = [f"desktop.{subpackage}"]
    for info in pkgutil.walk_packages([str(path)], prefix=f"desktop.{subpackage}."):
        found.append(info.name)
    return found


def test_reference_and_records_run_without_qt() -> None:
    modules = _modules("reference") + _modules("records") + ["desktop.cli", "desktop.userdirs"]
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "qt = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6')))\n"
        "print(','.join(qt))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert len(modules) > 10
    assert out.stdout.strip() == "", f"Qt imported by the non-Qt layers: {out.stdout}"


def test_ui_writes_no_sql() -> None:
    sql = re.compile(
        r"\bSELECT\b.*\bFROM\b|\bINSERT\s+(OR\s+\w+\s+)?INTO\b|\bUPDATE\s+\w+\s+SET\b"
        r"|\bDELETE\s+FROM\b|\bCREATE\s+(TABLE|INDEX|VIRTUAL)\b|\bPRAGMA\b",
        re.IGNORECASE,
    )
    offenders = []
    for path in (PACKAGE / "ui").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if "sqlite3" in text or any(sql.search(line) and '"' in line for line in text.splitlines()):
            offenders.append(path.name)
    assert offenders == []
