"""File > Import reference files...: the real dialog on real files and a real database."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop.reference import paths, update
from desktop.reference.store import ReferenceStore
from desktop.ui.import_dialog import ImportDialog
from tests.reference.codefiles import write_order_file

ORDER = [
    ("E53", False, "Deficiency of other B group vitamins"),
    ("E53.8", True, "Deficiency of other specified B group vitamins (cobalamin)"),
    ("E53.81", True, "Deficiency of vitamin zetamin"),
    ("Z23", True, "Encounter for immunization"),
]


@pytest.fixture
def dialog(qtbot: QtBot, mini_bundled: Path) -> Iterator[ImportDialog]:
    d = ImportDialog(None, mini_bundled)
    qtbot.addWidget(d)
    d.show()
    yield d
    d.wait_for_worker()


def _run(qtbot: QtBot, d: ImportDialog, files: list[Path]) -> None:
    d.add_files(files)
    assert d.import_button.isEnabled()
    with qtbot.waitSignal(d.import_finished, timeout=30_000):
        d.import_button.click()


def test_import_review_export_switch(
    qtbot: QtBot, dialog: ImportDialog, mini_bundled: Path, tmp_path: Path
) -> None:
    order = write_order_file(tmp_path / "icd10cm_order_2027.txt", ORDER)
    _run(qtbot, dialog, [order])
    assert dialog.pages.currentIndex() == 2, dialog.last_error
    model = dialog.changes_model
    rows = {model.index(r, 0).data(): model.index(r, 2).data() for r in range(model.rowCount())}
    assert rows == {"added": "E53.81", "deleted": "E53.9", "retitled": "E53.8"}
    assert "1 added, 1 deleted, 1 retitled" in dialog.summary_label.text()
    assert paths.default_reference_db() == mini_bundled  # nothing switched before Switch
    out = tmp_path / "changes.csv"
    assert dialog.export_csv(out) == 3
    if os.environ.get("QUICKREF_SCREENSHOTS"):
        dialog.grab().save(str(Path(os.environ["QUICKREF_SCREENSHOTS"]) / "import-changes.png"))
    dialog.switch_button.click()
    assert dialog.result() == ImportDialog.DialogCode.Accepted
    assert dialog.switched_to is not None and paths.default_reference_db() == dialog.switched_to
    with ReferenceStore() as store:
        assert store.get("E53.81") is not None


def test_cancel_on_review_keeps_the_data(
    qtbot: QtBot, dialog: ImportDialog, mini_bundled: Path, tmp_path: Path
) -> None:
    _run(qtbot, dialog, [write_order_file(tmp_path / "icd10cm_order_2027.txt", ORDER)])
    staged = dialog.staged
    assert staged is not None and staged.staged_db is not None and staged.staged_db.exists()
    dialog.discard_button.click()
    assert dialog.result() == ImportDialog.DialogCode.Rejected
    assert not staged.staged_db.exists()
    assert paths.default_reference_db() == mini_bundled


def test_bad_file_shows_file_and_line(
    qtbot: QtBot, dialog: ImportDialog, mini_bundled: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "icd10cm_order_2027.txt"
    bad.write_bytes(b"")
    _run(qtbot, dialog, [bad])
    assert dialog.pages.currentIndex() == 0
    assert "icd10cm_order_2027.txt" in dialog.error_label.text()
    assert "Nothing was changed" in dialog.error_label.text()
    assert paths.default_reference_db() == mini_bundled


def test_cancel_while_importing(
    qtbot: QtBot,
    dialog: ImportDialog,
    mini_bundled: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    started = []
    real = update.prepare_import

    def slow(files, *, base=None, progress=None):  # type: ignore[no-untyped-def]
        def wrapped(fraction: float, message: str) -> None:
            started.append(message)
            # As if Cancel was pressed as soon as work starts (the button sets this event).
            assert dialog._worker is not None
            dialog._worker.cancel_requested.set()
            assert progress is not None
            progress(fraction, message)

        return real(files, base=base, progress=wrapped)

    monkeypatch.setattr(update, "prepare_import", slow)
    _run(qtbot, dialog, [write_order_file(tmp_path / "icd10cm_order_2027.txt", ORDER)])
    assert started and "cancelled" in dialog.error_label.text()
    assert paths.default_reference_db() == mini_bundled
    assert not list(paths.user_reference_dir().glob(".staging-*"))
