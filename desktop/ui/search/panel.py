"""The search panel: the search field, code-system chips, notice line and results list.

It shows what it is given and emits what the user asks for; the window wires it to the
:class:`~desktop.ui.search.controller.SearchController` and the detail pane.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QItemSelectionModel, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.reference.keys import SYSTEMS, clean_query
from desktop.ui import colours
from desktop.ui.accessible import make_radio
from desktop.ui.first_paint import after_first_paint
from desktop.ui.qt_values import (
    CUSTOM_CONTEXT_MENU,
    SCROLL_BAR_ALWAYS_OFF,
    STRONG_FOCUS,
    TOOL_BUTTON_TEXT_ONLY,
    set_enum_property,
)
from desktop.ui.results_delegate import ResultsDelegate
from desktop.ui.results_model import ResultRow, ResultsModel, Role

if TYPE_CHECKING:  # the search is loaded after the first paint
    from PySide6.QtCore import Qt

    from desktop.reference.search import SearchResponse

MAX_SUGGESTIONS = 5
EMPTY_HOME = "Nothing pinned or viewed yet. Pin a code with Ctrl+D to keep it here."


def _looks_like_code(text: str) -> bool:
    from desktop.coverage import looks_like_code  # only when a search found nothing

    return looks_like_code(text)


def _mark_chip(button: QToolButton, checked: bool, palette: QPalette) -> None:
    """The chosen filter in bold and underlined, in the palette's highlight colours:
    it stands out in any scheme, and not by colour alone."""
    font = button.font()
    font.setBold(checked)
    font.setUnderline(checked)
    button.setFont(font)
    chip = palette.__copy__()  # QPalette(palette)'s overloads would build Qt's enums
    if checked:
        # The selection pair made readable (Qt's white on its selection blue is 3.6:1).
        fore, back = colours.selected(palette)
        for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
            chip.setColor(group, QPalette.ColorRole.Button, back)
            chip.setColor(group, QPalette.ColorRole.ButtonText, fore)
    button.setPalette(chip)
    button.setBackgroundRole(QPalette.ColorRole.Button)


class SearchPanel(QWidget):
    """Search field over chips, notice and results.

    Signals:
        suggestion_chosen(str): a "nearest match" button was pressed.
    """

    suggestion_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search_field = QLineEdit(self)
        self.search_field.setObjectName("search")
        self.search_field.setPlaceholderText("Search a code, drug, brand name or words (Ctrl+K)")
        self.search_field.setAccessibleName("Search")
        self.search_field.setAccessibleDescription(
            "Type a code, drug, brand name or words; results update as you type"
        )
        self.search_field.setClearButtonEnabled(True)
        font = self.search_field.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        self.search_field.setFont(font)

        self.system_group = QActionGroup(self)
        self.system_group.setExclusive(True)
        self.system_buttons: list[QToolButton] = []
        chips = QHBoxLayout()
        chips.setSpacing(2)
        for i, (label, system) in enumerate([("All", None), *((s, s) for s in SYSTEMS)], start=1):
            action = QAction(self)  # (text, parent) would make PySide load QIcon to choose
            action.setText(label)
            action.setCheckable(True)
            action.setData(system)
            # A list: setShortcut()'s overloads would make PySide build Qt's enums.
            action.setShortcuts([QKeySequence(f"Ctrl+{i}")])
            action.setChecked(system is None)
            what = "all code systems" if system is None else f"{system} codes only"
            action.setToolTip(f"Show {what} (Ctrl+{i})")
            self.system_group.addAction(action)
            button = QToolButton(self)
            button.setObjectName("systemChip")
            button.setDefaultAction(action)
            button.setAccessibleName(f"Show {what}")
            # Before the first frame: no Qt enum objects (desktop.ui.qt_values).
            set_enum_property(button, "toolButtonStyle", TOOL_BUTTON_TEXT_ONLY)
            set_enum_property(button, "focusPolicy", STRONG_FOCUS)
            button.setAutoRaise(False)
            make_radio(button)  # one of four, only one on: read as a radio group
            chips.addWidget(button)
            self.system_buttons.append(button)
            action.toggled.connect(lambda on, b=button: _mark_chip(b, on, self.palette()))
            _mark_chip(button, action.isChecked(), self.palette())

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.search_field, 1)
        top.addLayout(chips)

        # The notice line: "Showing results for ..." or "No results" with near matches.
        self.notice = QWidget(self)
        self.notice.setObjectName("notice")
        self.notice_label = QLabel(self.notice)
        self.notice_label.setObjectName("noticeLabel")
        self.notice_label.setWordWrap(True)
        # No fixed accessible name: it would replace the text ("No results for ...").
        self.notice_label.setAccessibleDescription("Search notice")
        self.suggestions_box = QHBoxLayout()
        self.suggestion_buttons: list[QPushButton] = []
        notice_layout = QVBoxLayout(self.notice)
        notice_layout.setContentsMargins(0, 0, 0, 0)
        notice_layout.addWidget(self.notice_label)
        notice_layout.addLayout(self.suggestions_box)
        self.notice.hide()

        self.results_model = ResultsModel(self)
        self.results_view = QListView(self)
        self.results_view.setObjectName("results")
        self.results_view.setModel(self.results_model)
        self.delegate = ResultsDelegate(self.results_view)
        self.results_view.setItemDelegate(self.delegate)
        # Just after the first frame: the row fonts' glyphs, before the first key needs them.
        after_first_paint(self.search_field, lambda: self.delegate.warm(self.results_view))
        self.results_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results_view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        # Rows elide their title to the width they get: no sideways scrolling.
        set_enum_property(self.results_view, "horizontalScrollBarPolicy", SCROLL_BAR_ALWAYS_OFF)
        set_enum_property(self.results_view, "contextMenuPolicy", CUSTOM_CONTEXT_MENU)
        self.results_view.setAccessibleName("Results")
        self.results_view.setAccessibleDescription(
            "Codes found; pinned and recent codes when the search is empty"
        )

        self.results_pane = QWidget(self)
        left = QVBoxLayout(self.results_pane)
        left.setContentsMargins(0, 0, 0, 0)
        left.addWidget(self.notice)
        left.addWidget(self.results_view, 1)
        self.top_row = top

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:  # light <-> dark: chips follow
            for button in self.system_buttons:
                action = button.defaultAction()
                _mark_chip(button, action is not None and action.isChecked(), self.palette())

    # ------------------------------------------------------------------ state

    def system(self) -> str | None:
        checked = self.system_group.checkedAction()
        data = checked.data() if checked is not None else None
        return str(data) if data else None

    def set_system(self, system: str | None) -> None:
        for action in self.system_group.actions():
            if (action.data() or None) == (system or None):
                action.setChecked(True)

    def current_key(self) -> tuple[str, str] | None:
        """(system, code) of the selected row, if any."""
        index = self.results_view.currentIndex()
        if not index.isValid():
            return None
        return str(index.data(Role.SYSTEM)), str(index.data(Role.CODE))

    # ------------------------------------------------------------------ showing

    def show_rows(
        self, rows: Sequence[ResultRow], query: str, *, select: tuple[str, str] | None = None
    ) -> None:
        """List ``rows`` and make ``select`` (if listed) the current row, quietly."""
        rows = list(rows)
        # Rows without a section heading are all the same height: the view then lays
        # out the list from one size hint, not one (a Python call) a row, every key.
        self.results_view.setUniformItemSizes(not any(r.section for r in rows))
        self.results_model.set_rows(rows, query)
        # Lay the list out now: left to the view, the layout runs inside the next paint
        # and asks for another one, so every answer was painted twice.
        self.results_view.doItemsLayout()
        self.select(select)

    def select(self, key: tuple[str, str] | None, *, quiet: bool = True) -> bool:
        """Make the row of ``key`` current (without signals when ``quiet``)."""
        if key is None:
            return False
        row = self.results_model.row_of(*key)
        if row < 0:
            return False
        selection = self.results_view.selectionModel()
        if quiet:
            selection.blockSignals(True)
        selection.setCurrentIndex(
            self.results_model.index(row, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
        )
        if quiet:
            selection.blockSignals(False)
            self.results_view.viewport().update()
        return True

    def show_home_notice(self, empty: bool) -> None:
        if empty:
            self.notice_label.setText(EMPTY_HOME)
            self.notice.show()
        else:
            self.notice.hide()
        self.set_suggestions([])

    def show_response_notice(
        self, response: SearchResponse, system: str | None, coverage: str = ""
    ) -> None:
        """The notice line for ``response``; ``coverage`` says what the data covers, for
        a code QuickRef does not have."""
        q = clean_query(response.query)
        if response.results and response.corrected:
            self.notice_label.setText(
                f"Showing results for “{response.corrected}” (you typed “{q}”)."
            )
            self.set_suggestions([])
            self.notice.show()
        elif response.results and response.other_modifiers:
            from desktop.reference.search.results import modifiers_phrase

            self.notice_label.setText(
                f"Not in QuickRef's data, left out: {modifiers_phrase(response.other_modifiers)}."
            )
            self.set_suggestions([])
            self.notice.show()
        elif not response.results:
            suggestions = response.suggestions[:MAX_SUGGESTIONS]
            where = "" if system is None else f" in {system}"
            text = f"No results for “{q}”{where}."
            if coverage and _looks_like_code(q):
                text += f" QuickRef's data covers {coverage}."
            if suggestions:
                text += " Nearest matches:"
            elif system is not None:
                text += " Try All code systems (Ctrl+1)."
            else:
                text += " Try fewer letters, a code, a drug or a brand name."
            self.notice_label.setText(text)
            self.set_suggestions(suggestions)
            self.notice.show()
        else:
            self.notice.hide()
            self.set_suggestions([])

    def show_failure(self, query: str, message: str) -> None:
        self.results_model.set_rows([], query)
        self.notice_label.setText(f"Search failed: {message}")
        self.set_suggestions([])
        self.notice.show()

    def set_suggestions(self, words: list[str]) -> None:
        for button in self.suggestion_buttons:
            self.suggestions_box.removeWidget(button)
            button.deleteLater()
        self.suggestion_buttons = []
        while self.suggestions_box.count():
            self.suggestions_box.takeAt(0)
        previous: QWidget = self.system_buttons[-1]
        for word in words:
            button = QPushButton(word, self.notice)
            button.setAccessibleName(f"Search for {word}")
            button.setToolTip(f"Search for {word}")
            button.setAutoDefault(False)
            button.clicked.connect(lambda _c=False, w=word: self.suggestion_chosen.emit(w))
            self.suggestions_box.addWidget(button)
            self.suggestion_buttons.append(button)
            QWidget.setTabOrder(previous, button)
            previous = button
        if words:
            self.suggestions_box.addStretch(1)
        QWidget.setTabOrder(previous, self.results_view)

    # ------------------------------------------------------------------ keyboard

    def move_in_results(self, key: Qt.Key) -> None:
        """Up/Down/PageUp/PageDown from the search field move the current row."""
        from PySide6.QtCore import Qt

        count = self.results_model.rowCount()
        if not count:
            return
        row = self.results_view.currentIndex().row()
        step = {
            Qt.Key.Key_Down: 1,
            Qt.Key.Key_Up: -1,
            Qt.Key.Key_PageDown: 10,
            Qt.Key.Key_PageUp: -10,
        }[key]
        row = 0 if row < 0 else max(0, min(count - 1, row + step))
        index = self.results_model.index(row, 0)
        self.results_view.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
        )
        self.results_view.scrollTo(index)
