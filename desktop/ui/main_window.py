"""The main window: search bar | results list | code detail pane (| checklist dock).

Typing searches as you go, on a worker thread (:mod:`desktop.ui.search_worker`), with
the same ``SearchEngine.search`` the CLI uses. The list shows pinned and recent codes
when the search is empty. Everything the mouse can do has a key: see :func:`_actions`.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QByteArray,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPoint,
    QSettings,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
)
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.records.store import UserDataError, UserStore
from desktop.reference.search import SYSTEMS, SearchEngine, SearchResponse, clean_query
from desktop.reference.store import (
    CodeRecord,
    Mue,
    ReferenceDataError,
    ReferenceStore,
    stale_code_set_warnings,
)
from desktop.ui.about_dialog import AboutDialog
from desktop.ui.detail_view import DetailView
from desktop.ui.navigation import NavigationHistory
from desktop.ui.results_delegate import ResultsDelegate
from desktop.ui.results_model import (
    SECTION_PINNED,
    SECTION_RECENT,
    ResultRow,
    ResultsModel,
    Role,
)
from desktop.ui.search_worker import SearchRunner

LicensedText = Callable[[str, str], str | None]
SETTINGS_NAME = "settings.ini"
MAX_SUGGESTIONS = 5
RECENTS_SHOWN = 20
PREVIEW_DELAY_MS = 60
STATUS_MS = 5000
CHECKLIST_MODULE = "desktop.ui.checklist_dock"
IMPORT_MODULE = "desktop.ui.import_dialog"


def no_licensed_text(system: str, code: str) -> str | None:
    """The default provider: no licensed CPT descriptors installed."""
    return None


def _module_available(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def settings_for(user: UserStore) -> QSettings:
    """The window's settings: an INI file in the user's data folder (beside user.sqlite)."""
    return QSettings(str(Path(user.path).parent / SETTINGS_NAME), QSettings.Format.IniFormat)


class MainWindow(QMainWindow):
    """QuickRef's window. Build it with :func:`build_main_window`."""

    code_opened = Signal(str, str)  # system, code: shown in the detail pane
    results_updated = Signal(str)  # the query the list now answers ("" = pins/recents)
    copied = Signal(str)  # the text put on the clipboard

    def __init__(
        self,
        store: ReferenceStore,
        user: UserStore,
        *,
        engine: SearchEngine | None = None,
        licensed_text: LicensedText | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.user = user
        self.licensed_text: LicensedText = licensed_text or no_licensed_text
        # Called after new data is switched in, to pick up newly imported licensed texts.
        self.licensed_reloader: Callable[[], LicensedText | None] | None = None
        self._retired_stores: list[ReferenceStore] = []
        self.settings = settings_for(user)
        self.history = NavigationHistory()
        self.checklist_dock: QDockWidget | None = None
        self._pinned: set[tuple[str, str]] = set()
        self._system: str | None = None
        self._about: AboutDialog | None = None
        self._closed = False

        self.setWindowTitle("QuickRef")
        self.setObjectName("QuickRefMainWindow")
        self.setAccessibleName("QuickRef")
        self.runner = SearchRunner(engine or SearchEngine(store), self)
        self.runner.answered.connect(self._on_answered)
        self.runner.failed.connect(self._on_search_failed)

        self._build_widgets()
        self._build_actions()
        self._build_status_bar()
        self._wire()
        self._reload_pins()
        self._show_home()
        # An explicit minimum size keeps the layout from changing it as the notice line
        # comes and goes (which some platform plugins warn about).
        fm = self.fontMetrics()
        self.setMinimumSize(fm.averageCharWidth() * 60, fm.height() * 20)
        self._restore_settings()
        self.search_field.setFocus()

    # ================================================================ building

    def _build_widgets(self) -> None:
        central = QWidget(self)
        central.setObjectName("central")
        self.search_field = QLineEdit(central)
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
            action = QAction(label, self)
            action.setCheckable(True)
            action.setData(system)
            action.setShortcut(QKeySequence(f"Ctrl+{i}"))
            action.setChecked(system is None)
            what = "all code systems" if system is None else f"{system} codes only"
            action.setToolTip(f"Show {what} (Ctrl+{i})")
            self.system_group.addAction(action)
            button = QToolButton(central)
            button.setDefaultAction(action)
            button.setAccessibleName(f"Show {what}")
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            chips.addWidget(button)
            self.system_buttons.append(button)

        top = QHBoxLayout()
        top.addWidget(self.search_field, 1)
        top.addLayout(chips)

        # The notice line: "Showing results for ..." or "No results" with near matches.
        self.notice = QWidget(central)
        self.notice.setObjectName("notice")
        self.notice_label = QLabel(self.notice)
        self.notice_label.setObjectName("noticeLabel")
        self.notice_label.setWordWrap(True)
        self.notice_label.setAccessibleName("Search notice")
        self.suggestions_box = QHBoxLayout()
        self.suggestion_buttons: list[QPushButton] = []
        notice_layout = QVBoxLayout(self.notice)
        notice_layout.setContentsMargins(0, 0, 0, 0)
        notice_layout.addWidget(self.notice_label)
        notice_layout.addLayout(self.suggestions_box)
        self.notice.hide()

        self.results_model = ResultsModel(self)
        self.results_view = QListView(central)
        self.results_view.setObjectName("results")
        self.results_view.setModel(self.results_model)
        self.results_view.setItemDelegate(ResultsDelegate(self.results_view))
        self.results_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results_view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.results_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.results_view.setAccessibleName("Results")
        self.results_view.setAccessibleDescription(
            "Codes found; pinned and recent codes when the search is empty"
        )

        self.detail = DetailView(central)

        left = QWidget(central)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.notice)
        left_layout.addWidget(self.results_view, 1)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, central)
        self.splitter.setObjectName("splitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.detail)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)

        layout = QVBoxLayout(central)
        layout.addLayout(top)
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)

    def _action(
        self,
        text: str,
        slot: Callable[[], Any],
        shortcuts: list[QKeySequence | str] | None = None,
        tip: str = "",
    ) -> QAction:
        action = QAction(text, self)
        keys = [QKeySequence(k) if isinstance(k, str) else k for k in shortcuts or []]
        if keys:
            action.setShortcuts(keys)
        hint = f" ({keys[0].toString(QKeySequence.SequenceFormat.NativeText)})" if keys else ""
        action.setToolTip((tip or text.replace("&", "").rstrip("…")) + hint)
        action.setStatusTip(tip or text.replace("&", ""))
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)  # shortcuts work wherever the focus is in the window
        return action

    def _build_actions(self) -> None:
        seq = QKeySequence.StandardKey
        self.act_import = self._action(
            "&Import reference files…",
            self.import_reference_files,
            tip="Import official code files or your clinic's licensed CPT file",
        )
        if not _module_available(IMPORT_MODULE):
            self.act_import.setEnabled(False)
            self.act_import.setToolTip("Importing reference files is not available in this build")
        self.act_quit = self._action("&Quit", self.close, [QKeySequence(seq.Quit), "Ctrl+Q"])

        self.act_copy = self._action(
            "&Copy code", self.copy_current_code, [QKeySequence(seq.Copy)], "Copy the code"
        )
        self.act_copy_title = self._action(
            "Copy code and &title",
            self.copy_current_code_and_title,
            ["Ctrl+Shift+C"],
            "Copy the code and its title",
        )
        self.act_find = self._action(
            "&Find", self.focus_search, ["Ctrl+K", QKeySequence(seq.Find)], "Search"
        )
        self.act_clear = self._action("C&lear search", self.clear_search, ["Esc"])
        self.act_pin = self._action(
            "&Pin or unpin code", self.toggle_pin, ["Ctrl+D"], "Pin or unpin the code"
        )
        self.act_home = self._action(
            "Pinned and &recent codes",
            self.show_pins_and_recents,
            ["Alt+Home"],
            "Show pinned and recently viewed codes",
        )
        self.act_back = self._action("&Back", self.back, ["Alt+Left"], "Back to the last code")
        self.act_forward = self._action("&Forward", self.forward, ["Alt+Right"], "Forward")
        self.act_checklist = self._action(
            "Injection &checklist",
            lambda: self.open_checklist(None),
            ["Ctrl+Shift+L"],
            "Open the injection checklist",
        )
        self.act_check_lines = self._action(
            "Check &lines…", self.open_check_panel, ["Ctrl+Shift+K"], "Check the lines of a claim"
        )
        self.act_about = self._action("&About QuickRef", self.show_about)

        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self.act_import)
        file_menu.addSeparator()
        file_menu.addAction(self.act_quit)
        edit_menu = bar.addMenu("&Edit")
        edit_menu.addActions([self.act_copy, self.act_copy_title])
        edit_menu.addSeparator()
        edit_menu.addActions([self.act_find, self.act_clear])
        self.addActions(self.system_group.actions())
        view_menu = bar.addMenu("&View")
        system_menu = view_menu.addMenu("Code &system")
        system_menu.addActions(self.system_group.actions())
        view_menu.addAction(self.act_home)
        go_menu = bar.addMenu("&Go")
        go_menu.addActions([self.act_back, self.act_forward])
        go_menu.addSeparator()
        go_menu.addAction(self.act_pin)
        tools_menu = bar.addMenu("&Tools")
        tools_menu.addAction(self.act_checklist)
        tools_menu.addAction(self.act_check_lines)
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.act_about)

        self.toolbar = QToolBar("Main toolbar", self)
        self.toolbar.setObjectName("mainToolbar")
        self.toolbar.setAccessibleName("Main toolbar")
        self.toolbar.setMovable(False)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action in (
            self.act_back,
            self.act_forward,
            None,
            self.act_copy,
            self.act_copy_title,
            self.act_pin,
            None,
            self.act_checklist,
        ):
            if action is None:
                self.toolbar.addSeparator()
                continue
            self.toolbar.addAction(action)
            widget = self.toolbar.widgetForAction(action)
            if widget is not None:
                widget.setAccessibleName(action.text().replace("&", ""))
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.toolbar)
        self._name_unnamed_buttons()
        self._update_nav_actions()

    def _name_unnamed_buttons(self) -> None:
        """Give Qt's own helper buttons (clear button, toolbar extension) a name."""
        for button in self.findChildren(QAbstractButton):
            if button.accessibleName():
                continue
            if button.parent() is self.search_field:
                button.setAccessibleName("Clear search")
            elif button.objectName() == "qt_toolbar_ext_button":
                button.setAccessibleName("More toolbar actions")
            elif button.text():
                button.setAccessibleName(button.text().replace("&", ""))

    def _build_status_bar(self) -> None:
        status = self.statusBar()
        status.setAccessibleName("Status bar")
        self.data_label = QLabel(status)
        self.data_label.setObjectName("dataVersion")
        self.data_label.setAccessibleName("Reference data version")
        self._update_data_label()
        self.data_label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        status.addPermanentWidget(self.data_label)

    def _mue(self, rec: CodeRecord) -> Mue | None:
        try:
            return self.store.mue(rec.code) if rec.system in ("CPT", "HCPCS") else None
        except ReferenceDataError:
            return None

    def _update_data_label(self) -> None:
        try:
            info = self.store.info()
            releases = " · ".join(f"{c.system} {c.release}" for c in info.code_sets)
            stale = stale_code_set_warnings(info)
            old = ", ".join(w.split()[0] for w in stale if "out of date" in w)
            warn = f" · Out of date: {old} (Help > About says what to import)" if old else ""
            self.data_label.setText(f"Data {info.data_version} · {releases}{warn}")
            self.data_label.setToolTip("\n".join([f"Reference database: {info.path}", *stale]))
        except ReferenceDataError as exc:
            self.data_label.setText("Reference data unreadable")
            self.data_label.setToolTip(str(exc))

    def _wire(self) -> None:
        self.search_field.textChanged.connect(self._on_text_changed)
        self.search_field.returnPressed.connect(self.open_selected)
        self.search_field.installEventFilter(self)
        self.detail.installEventFilter(self)
        for viewport in (self.results_view.viewport(), self.detail.viewport()):
            viewport.installEventFilter(self)
        self.results_view.activated.connect(self._open_index)
        self.results_view.clicked.connect(self._open_index)
        self.results_view.customContextMenuRequested.connect(self._results_menu)
        selection = self.results_view.selectionModel()
        selection.currentChanged.connect(self._on_current_changed)
        self.detail.code_activated.connect(self.open_code)
        self.detail.checklist_activated.connect(self.open_checklist)
        self.system_group.triggered.connect(self._on_system_changed)
        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(PREVIEW_DELAY_MS)
        self._preview_timer.timeout.connect(self._preview_first)

        QWidget.setTabOrder(self.search_field, self.system_buttons[0])
        for a, b in zip(self.system_buttons, self.system_buttons[1:], strict=False):
            QWidget.setTabOrder(a, b)
        QWidget.setTabOrder(self.system_buttons[-1], self.results_view)
        QWidget.setTabOrder(self.results_view, self.detail)

    # ================================================================ settings

    def _restore_settings(self) -> None:
        s = self.settings
        geometry = s.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            fm = self.fontMetrics()
            self.resize(fm.averageCharWidth() * 150, fm.height() * 40)
        state = s.value("window/state")
        if isinstance(state, QByteArray) and not state.isEmpty():
            self.restoreState(state)
        splitter = s.value("window/splitter")
        if isinstance(splitter, QByteArray) and not splitter.isEmpty():
            self.splitter.restoreState(splitter)
        else:
            width = self.width()
            self.splitter.setSizes([width * 2 // 5, width * 3 // 5])
        system = s.value("search/system", "")
        for action in self.system_group.actions():
            if (action.data() or "") == system:
                action.setChecked(True)
                self._system = action.data() or None

    def save_settings(self) -> None:
        s = self.settings
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState())
        s.setValue("window/splitter", self.splitter.saveState())
        s.setValue("search/system", self._system or "")
        s.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._closed:
            self._closed = True
            self.save_settings()
            self._preview_timer.stop()
            self.runner.shutdown()
            for old in self._retired_stores:
                old.close()
            self._retired_stores.clear()
        super().closeEvent(event)

    # ================================================================ searching

    def _on_text_changed(self, text: str) -> None:
        self._preview_timer.stop()
        if not clean_query(text):
            self.runner.latest += 1  # drop any answer still on its way
            self._show_home()
            return
        self.runner.request(text, self._system)

    def _on_system_changed(self, action: QAction) -> None:
        self._system = action.data() or None
        name = action.text().replace("&", "")
        self.statusBar().showMessage(f"Showing {name} codes", STATUS_MS)
        self._on_text_changed(self.search_field.text())

    def rerun_search(self) -> None:
        """Search again for what is typed (after the data or the filter changed)."""
        self._on_text_changed(self.search_field.text())

    def _on_answered(self, query: str, system: str, response: object) -> None:
        if query != self.search_field.text() or (system or None) != self._system:
            return  # the field changed since: a newer answer is on its way
        assert isinstance(response, SearchResponse)
        pinned = self._pinned
        rows = [ResultRow.from_result(r, (r.system, r.code) in pinned) for r in response.results]
        self.results_model.set_rows(rows, query)
        self._show_notice(response)
        self.results_updated.emit(query)
        if rows:
            self._preview_timer.start()

    def _on_search_failed(self, message: str) -> None:
        self.results_model.set_rows([], self.search_field.text())
        self.notice_label.setText(f"Search failed: {message}")
        self._set_suggestions([])
        self.notice.show()

    def _show_notice(self, response: SearchResponse) -> None:
        q = clean_query(response.query)
        if response.results and response.corrected:
            self.notice_label.setText(
                f"Showing results for “{response.corrected}” (you typed “{q}”)."
            )
            self._set_suggestions([])
            self.notice.show()
        elif not response.results:
            suggestions = response.suggestions[:MAX_SUGGESTIONS]
            where = "" if self._system is None else f" in {self._system}"
            text = f"No results for “{q}”{where}."
            if suggestions:
                text += " Nearest matches:"
            elif self._system is not None:
                text += " Try All code systems (Ctrl+1)."
            else:
                text += " Try fewer letters, a code, a drug or a brand name."
            self.notice_label.setText(text)
            self._set_suggestions(suggestions)
            self.notice.show()
        else:
            self.notice.hide()
            self._set_suggestions([])

    def _set_suggestions(self, words: list[str]) -> None:
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
            button.clicked.connect(lambda _c=False, w=word: self.search_for(w))
            self.suggestions_box.addWidget(button)
            self.suggestion_buttons.append(button)
            QWidget.setTabOrder(previous, button)
            previous = button
        if words:
            self.suggestions_box.addStretch(1)
        QWidget.setTabOrder(previous, self.results_view)

    def search_for(self, text: str) -> None:
        self.search_field.setText(text)
        self.search_field.setFocus()

    def _show_home(self) -> None:
        """The empty-search state: pinned codes, then recently viewed ones."""
        rows: list[ResultRow] = []
        seen: set[tuple[str, str]] = set()
        try:
            saved = [(SECTION_PINNED, p) for p in self.user.pins()]
            saved += [(SECTION_RECENT, r) for r in self.user.recents(RECENTS_SHOWN)]
        except UserDataError as exc:
            saved = []
            self.statusBar().showMessage(str(exc))
        for section, item in saved:
            key = (item.system, item.code)
            if key in seen:
                continue
            found = self.store.find(item.code, item.system)
            if found:
                seen.add(key)
                rows.append(ResultRow.from_summary(found[0], section, key in self._pinned))
        self.results_model.set_rows(rows, "")
        if rows:
            self.notice.hide()
        else:
            self.notice_label.setText(
                "Nothing pinned or viewed yet. Pin a code with Ctrl+D to keep it here."
            )
            self.notice.show()
        self._set_suggestions([])
        self.results_updated.emit("")

    def show_pins_and_recents(self) -> None:
        self.clear_search()

    def _preview_first(self) -> None:
        """Show the top result while nothing is selected (type, see)."""
        if self.results_view.currentIndex().isValid():
            return
        row = self.results_model.row_at(0)
        if row is not None and self.results_model.query:
            self._show(row.system, row.code, push=False)

    # ================================================================ opening codes

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self._preview_timer.stop()
            self._show(str(current.data(Role.SYSTEM)), str(current.data(Role.CODE)), push=False)

    def _open_index(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_code(str(index.data(Role.SYSTEM)), str(index.data(Role.CODE)))

    def open_selected(self) -> None:
        """Enter: open the selected result, or the first one."""
        index = self.results_view.currentIndex()
        if not index.isValid():
            index = self.results_model.index(0, 0)
        self._open_index(index)

    def open_code(self, system: str, code: str) -> bool:
        """Open ``code`` of ``system`` in the detail pane, add it to history and recents."""
        rec = self._show(system, code, push=True)
        if rec is None:
            return False
        try:
            self.user.add_recent(rec.system, rec.code)
        except UserDataError as exc:
            self.statusBar().showMessage(str(exc), STATUS_MS)
        if not clean_query(self.search_field.text()):
            self._refresh_home_keeping_current()
        return True

    def _show(self, system: str, code: str, *, push: bool) -> CodeRecord | None:
        try:
            rec = self.store.get(code, system or None)
            templates = self.store.templates_for(rec.code, rec.system) if rec else []
        except ReferenceDataError as exc:
            self.statusBar().showMessage(str(exc))
            return None
        if rec is None:
            self.statusBar().showMessage(f"No code {code} in {system}.", STATUS_MS)
            return None
        licensed = self.licensed_text(rec.system, rec.code)
        pinned = (rec.system, rec.code) in self._pinned
        self.detail.show_record(rec, templates, licensed, pinned, self._mue(rec))
        if push:
            self.history.push((rec.system, rec.code))
            self._update_nav_actions()
        self.code_opened.emit(rec.system, rec.code)
        return rec

    def back(self) -> None:
        entry = self.history.back()
        if entry is not None:
            self._show(*entry, push=False)
        self._update_nav_actions()

    def forward(self) -> None:
        entry = self.history.forward()
        if entry is not None:
            self._show(*entry, push=False)
        self._update_nav_actions()

    def _update_nav_actions(self) -> None:
        self.act_back.setEnabled(self.history.can_back())
        self.act_forward.setEnabled(self.history.can_forward())

    def current_record(self) -> CodeRecord | None:
        """The code the user is looking at (the detail pane's)."""
        return self.detail.record

    # ================================================================ copy, pins

    def _current_code(self) -> tuple[str, str, str] | None:
        rec = self.current_record()
        if rec is not None:
            return rec.system, rec.code, rec.title
        index = self.results_view.currentIndex()
        if index.isValid():
            return (
                str(index.data(Role.SYSTEM)),
                str(index.data(Role.CODE)),
                str(index.data(Role.TITLE)),
            )
        return None

    def _copy(self, text: str, what: str) -> None:
        QGuiApplication.clipboard().setText(text)
        self.statusBar().showMessage(f"Copied {what}", STATUS_MS)
        self.copied.emit(text)

    def copy_current_code(self) -> None:
        current = self._current_code()
        if current is None:
            self.statusBar().showMessage("No code to copy: open one first.", STATUS_MS)
            return
        self._copy(current[1], current[1])

    def copy_current_code_and_title(self) -> None:
        current = self._current_code()
        if current is None:
            self.statusBar().showMessage("No code to copy: open one first.", STATUS_MS)
            return
        self._copy(f"{current[1]} {current[2]}", f"{current[1]} and its title")

    def _reload_pins(self) -> None:
        try:
            self._pinned = {(p.system, p.code) for p in self.user.pins()}
        except UserDataError as exc:
            self._pinned = set()
            self.statusBar().showMessage(str(exc))

    def toggle_pin(self) -> None:
        current = self._current_code()
        if current is None:
            self.statusBar().showMessage("No code to pin: open one first.", STATUS_MS)
            return
        system, code, _title = current
        try:
            if (system, code) in self._pinned:
                self.user.unpin(system, code)
                message = f"Unpinned {code}"
            else:
                self.user.pin(system, code)
                message = f"Pinned {code}: it is listed when the search is empty"
        except UserDataError as exc:
            self.statusBar().showMessage(str(exc), STATUS_MS)
            return
        self._reload_pins()
        self.statusBar().showMessage(message, STATUS_MS)
        rec = self.current_record()
        if rec is not None and (rec.system, rec.code) == (system, code):
            self._show(system, code, push=False)
        if not clean_query(self.search_field.text()):
            self._refresh_home_keeping_current()
        else:
            rows = [
                ResultRow(
                    r.code_id,
                    r.system,
                    r.code,
                    r.title,
                    r.billable,
                    r.status,
                    r.section,
                    (r.system, r.code) in self._pinned,
                )
                for r in self.results_model.rows()
            ]
            self._set_rows_keeping_current(rows, self.results_model.query)

    def _refresh_home_keeping_current(self) -> None:
        index = self.results_view.currentIndex()
        key = None
        if index.isValid():
            key = (str(index.data(Role.SYSTEM)), str(index.data(Role.CODE)))
        self._show_home()
        self._select(key)

    def _set_rows_keeping_current(self, rows: list[ResultRow], query: str) -> None:
        index = self.results_view.currentIndex()
        key = None
        if index.isValid():
            key = (str(index.data(Role.SYSTEM)), str(index.data(Role.CODE)))
        self.results_model.set_rows(rows, query)
        self._select(key)

    def _select(self, key: tuple[str, str] | None) -> None:
        if key is None:
            return
        row = self.results_model.row_of(*key)
        if row >= 0:
            selection = self.results_view.selectionModel()
            selection.blockSignals(True)
            self.results_view.setCurrentIndex(self.results_model.index(row, 0))
            selection.blockSignals(False)

    # ================================================================ keyboard

    def focus_search(self) -> None:
        self.search_field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_field.selectAll()

    def clear_search(self) -> None:
        self.search_field.clear()
        self.search_field.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _move_in_results(self, key: int) -> None:
        count = self.results_model.rowCount()
        if not count:
            return
        row = self.results_view.currentIndex().row()
        step = {
            Qt.Key.Key_Down: 1,
            Qt.Key.Key_Up: -1,
            Qt.Key.Key_PageDown: 10,
            Qt.Key.Key_PageUp: -10,
        }[Qt.Key(key)]
        row = 0 if row < 0 else max(0, min(count - 1, row + step))
        index = self.results_model.index(row, 0)
        self.results_view.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
        )
        self.results_view.scrollTo(index)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.MouseButtonPress and isinstance(event, QMouseEvent):
            if event.button() == Qt.MouseButton.BackButton:
                self.back()
                return True
            if event.button() == Qt.MouseButton.ForwardButton:
                self.forward()
                return True
        elif kind == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            # Ctrl+C with no text selected copies the code, not an empty selection.
            if event.matches(QKeySequence.StandardKey.Copy) and not self._has_selected_text(
                watched
            ):
                event.ignore()
                return True
        elif (
            kind == QEvent.Type.KeyPress
            and watched is self.search_field
            and isinstance(event, QKeyEvent)
            and event.modifiers() in (Qt.KeyboardModifier.NoModifier,)
            and event.key()
            in (Qt.Key.Key_Down, Qt.Key.Key_Up, Qt.Key.Key_PageDown, Qt.Key.Key_PageUp)
        ):
            self._move_in_results(event.key())
            return True
        return super().eventFilter(watched, event)

    def _has_selected_text(self, widget: QObject) -> bool:
        if widget is self.search_field:
            return self.search_field.hasSelectedText()
        if widget is self.detail:
            return self.detail.textCursor().hasSelection()
        return False

    def _results_menu(self, pos: QPoint) -> None:
        index = self.results_view.indexAt(pos)
        if not index.isValid():
            index = self.results_view.currentIndex()
        if not index.isValid():
            return
        self.results_view.setCurrentIndex(index)
        menu = QMenu(self)
        menu.setAccessibleName("Result actions")
        open_action = menu.addAction("&Open")
        open_action.triggered.connect(lambda: self._open_index(index))
        menu.addActions([self.act_copy, self.act_copy_title, self.act_pin])
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(self.results_view.viewport().mapToGlobal(pos))

    # ================================================================ other windows

    def open_check_panel(self) -> None:
        """Show the "Check lines" panel (the claim check)."""
        from desktop.ui.check_panel import CheckPanel

        panel = getattr(self, "check_panel", None)
        if panel is None:
            panel = CheckPanel(lambda: self.store, self)
            panel.codeActivated.connect(self.open_code)
            self.check_panel = panel
        if panel.isVisible():
            panel.raise_()  # already open: bring it forward
            panel.activateWindow()
        else:
            panel.show()
        panel.lines.setFocus()

    def open_checklist(self, template_id: str | None = None) -> None:
        """Show the injection checklist dock; with ``template_id``, start that checklist."""
        try:
            module = importlib.import_module(CHECKLIST_MODULE)
            dock_class = module.ChecklistDock
        except (ImportError, AttributeError) as exc:
            self.statusBar().showMessage(
                f"The injection checklist is not available in this build ({exc}).", STATUS_MS
            )
            return
        new = self.checklist_dock is None
        if self.checklist_dock is None:
            dock = dock_class(self.store, self.user, self)
            self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
            code_activated = getattr(dock, "codeActivated", None)
            if code_activated is not None:
                code_activated.connect(self.open_code)
            self.checklist_dock = dock
        dock = self.checklist_dock
        dock.show()
        dock.raise_()
        resume = getattr(dock, "resume_unfinished", None)
        if template_id is None and new and resume is not None and resume():
            return
        if template_id is None and new:
            rec = self.current_record()
            templates = self.store.templates_for(rec.code, rec.system) if rec else []
            templates = templates or self.store.checklist_templates()[:1]
            template_id = templates[0].id if templates else None
        if template_id:
            dock.start(template_id)

    def import_reference_files(self) -> None:
        if not _module_available(IMPORT_MODULE):
            self.statusBar().showMessage("Importing is not available in this build.", STATUS_MS)
            return
        module = importlib.import_module(IMPORT_MODULE)
        if module.run_import_dialog(self, self.store):
            self.reopen_reference()

    def reopen_reference(self) -> None:
        """Switch to the reference data now in use (after an import or use-bundled).

        The new store is opened and verified before anything changes; on failure the
        window keeps the data it has and says why.
        """
        try:
            store = ReferenceStore(verify=True)
        except ReferenceDataError as exc:
            QMessageBox.warning(self, "Reference data", f"{exc}\nThe data in use is unchanged.")
            return
        self._retired_stores.append(self.store)
        self.store = store
        self.runner.set_engine(SearchEngine(store))
        if self.licensed_reloader is not None:
            self.set_licensed_text_provider(self.licensed_reloader())
        if self.checklist_dock is not None:  # it reads templates from the old data
            self.removeDockWidget(self.checklist_dock)
            self.checklist_dock.deleteLater()
            self.checklist_dock = None
        if self._about is not None:
            self._about.deleteLater()
            self._about = None
        self._update_data_label()
        self.rerun_search()
        rec = self.current_record()
        if rec is not None:
            self._show(rec.system, rec.code, push=False)
        self.statusBar().showMessage(
            f"Now using reference data {store.meta().get('data_version', '')}", STATUS_MS
        )

    def set_licensed_text_provider(self, provider: LicensedText | None) -> None:
        self.licensed_text = provider or no_licensed_text
        rec = self.current_record()
        if rec is not None:
            self._show(rec.system, rec.code, push=False)

    def show_about(self) -> AboutDialog:
        if self._about is None:
            self._about = AboutDialog(self.store, self)
        if self._about.isVisible():
            self._about.raise_()
            self._about.activateWindow()
        self._about.show()
        return self._about


def build_main_window(
    store: ReferenceStore,
    user: UserStore,
    *,
    licensed_text: LicensedText | None = None,
    engine: SearchEngine | None = None,
) -> MainWindow:
    """The main window on ``store`` and ``user``, built but not shown."""
    return MainWindow(store, user, engine=engine, licensed_text=licensed_text)
