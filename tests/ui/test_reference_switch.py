"""After an import is switched in, the open window uses the new data and licensed texts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop.records.store import UserStore
from desktop.reference import update
from desktop.reference.licensed import LicensedTexts
from desktop.reference.store import ReferenceStore
from desktop.ui.main_window import MainWindow, build_main_window
from desktop.ui.results_model import Role
from tests.reference.codefiles import write_cpt, write_order_file

LICENSED_HEADING = "Licensed AMA CPT descriptor"


@pytest.fixture
def window(mini_bundled: Path, qtbot: QtBot) -> Iterator[MainWindow]:
    def licensed() -> object:
        texts = LicensedTexts()
        return texts.text_for if texts else None

    user = UserStore()
    win = build_main_window(ReferenceStore(), user, licensed_text=licensed())  # type: ignore[arg-type]
    win.licensed_reloader = licensed  # type: ignore[assignment]
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.close()
    win.store.close()
    win.deleteLater()
    user.close()


def codes_listed(win: MainWindow) -> list[str]:
    model = win.results_model
    return [model.index(r, 0).data(Role.CODE) for r in range(model.rowCount())]


def test_switch_to_imported_data_and_licensed_text(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    window.open_code("CPT", "96372")
    assert LICENSED_HEADING not in window.detail.toPlainText()
    before = window.data_label.text()

    order = write_order_file(
        tmp_path / "icd10cm_order_2027.txt",
        [
            ("E53", False, "Deficiency of other B group vitamins"),
            ("E53.8", True, "Deficiency of other specified B group vitamins"),
            ("E53.81", True, "Deficiency of vitamin zetamin"),
            ("E53.9", True, "Vitamin B deficiency, unspecified"),
            ("Z23", True, "Encounter for immunization"),
        ],
    )
    made_up = "Licensed-text stand-in for the test, not AMA text"
    cpt = write_cpt(tmp_path / "LONGULT.txt", [("96372", made_up)])
    staged = update.prepare_import([order, cpt])
    staged.commit()

    old_store = window.store
    window.reopen_reference()
    assert window.store is not old_store
    assert window.data_label.text() != before and "+local.1" in window.data_label.text()
    # The detail pane of the code on screen now carries the licensed text, marked as such.
    page = window.detail.toPlainText()
    assert LICENSED_HEADING in page and made_up in page
    # Searches run on the new data.
    window.search_field.setText("zetamin")
    qtbot.waitUntil(lambda: "E53.81" in codes_listed(window), timeout=5000)
    assert QApplication.activeModalWidget() is None
