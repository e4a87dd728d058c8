"""The "Check lines" panel (the claim check) opened from the window, and the status
bar's data label with its out-of-date warning."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QLabel

from desktop.reference.store import ReferenceDataError, ReferenceStore, stale_code_set_warnings

if TYPE_CHECKING:
    from desktop.ui.main_window import MainWindow


def open_check_panel(window: MainWindow) -> None:
    """Show the window's "Check lines" panel, made on first use, with focus on the lines."""
    from desktop.ui.check_panel import CheckPanel

    panel = window.check_panel
    if panel is None:
        panel = CheckPanel(lambda: window.store, window)
        panel.code_activated.connect(window.open_code)
        window.check_panel = panel
    if panel.isVisible():
        panel.raise_()  # already open: bring it forward
        panel.activateWindow()
    else:
        panel.show()
    panel.lines.setFocus()


def update_data_label(label: QLabel, store: ReferenceStore) -> None:
    """The data version and releases, with the code sets out of date named."""
    try:
        info = store.info()
        releases = " · ".join(f"{c.system} {c.release}" for c in info.code_sets)
        stale = stale_code_set_warnings(info)
        old = ", ".join(w.split()[0] for w in stale if "out of date" in w)
        warn = f" · Out of date: {old} (Help > About says what to import)" if old else ""
        text = f"Data {info.data_version} · {releases}{warn}"
        label.setText(text)
        # The whole line too: a narrow window cuts the label short.
        label.setToolTip("\n".join([text, f"Reference database: {info.path}", *stale]))
    except ReferenceDataError as exc:
        label.setText("Reference data unreadable")
        label.setToolTip(str(exc))
