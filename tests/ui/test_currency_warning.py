"""The status bar, About and the code page say when reference data is past its window."""

from __future__ import annotations

import datetime as dt

from pytestqt.qtbot import QtBot

from desktop.reference.store import stale_code_set_warnings
from desktop.ui.main_window import MainWindow


def test_status_bar_and_about_warn_about_out_of_date_code_sets(
    main_window: MainWindow, qtbot: QtBot
) -> None:
    warnings = stale_code_set_warnings(main_window.store.info())
    # The bundled ICD-10-CM set is FY2026 (through 2026-09-30): past its window from then on.
    assert dt.date.today() > dt.date(2026, 9, 30)
    icd = [w for w in warnings if w.startswith("ICD-10-CM")]
    assert icd and "CDC" in icd[0] and "File > Import reference files" in icd[0]
    label = main_window.data_label
    assert "Out of date: ICD-10-CM" in label.text() and "Help > About" in label.text()
    assert all(w in label.toolTip() for w in warnings)
    dialog = main_window.show_about()
    qtbot.waitExposed(dialog)
    text = dialog.text.toPlainText()
    assert "Out of date" in text
    for w in warnings:
        assert w in text
    dialog.close()


def test_code_page_shows_mue_and_packaging(main_window: MainWindow, qtbot: QtBot) -> None:
    assert main_window.open_code("HCPCS", "J3420")
    qtbot.waitUntil(lambda: "J3420" in main_window.detail.toPlainText())
    text = main_window.detail.toPlainText()
    assert "Medicare MUE" in text and "1 unit" in text and "2026-04-01" in text
    assert "Date of service edit, clinical" in text
    assert "single-dose and multi-dose both exist" in text
