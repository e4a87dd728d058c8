"""The main window: search panel | code detail pane (| checklist dock).

The window lays out and wires its parts: the search panel and its controller
(:mod:`desktop.ui.search`), the detail pane, the actions table
(:mod:`desktop.ui.main_window.actions`) and the reference session
(:class:`desktop.session.ReferenceSession`). The checklist, the import dialog, the
history and the settings dialog are imported when first used.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QPoint, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractButton,
    QMainWindow,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop.records.home import home_list, pinned_keys, toggle_pin
from desktop.records.store import UserDataError, UserStore
from desktop.reference.keys import clean_query
from desktop.reference.store import CodeRecord, ReferenceDataError, ReferenceStore
from desktop.session import LicensedLoader, LicensedText, ReferenceSession, no_licensed_text
from desktop.ui.accessible import Announcer, announce
from desktop.ui.detail_view import DetailView
from desktop.ui.first_paint import after_first_paint
from desktop.ui.main_window import state
from desktop.ui.main_window.actions import Act, build_actions
from desktop.ui.main_window.chrome import (
    build_status_bar,
    install_menus,
    name_unnamed_buttons,
    results_menu,
)
from desktop.ui.main_window.copying import copy_text
from desktop.ui.main_window.keys import WindowKeys
from desktop.ui.main_window.windows import answer_words
from desktop.ui.navigation import NavigationHistory
from desktop.ui.qt_values import build_qt_namespace
from desktop.ui.results_model import ResultRow
from desktop.ui.search import SearchController, SearchPanel

if TYPE_CHECKING:
    from PySide6.QtCore import Qt

    from desktop.records.checklist import Checklists
    from desktop.reference.search import SearchEngine
    from desktop.ui.about_dialog import AboutDialog
    from desktop.ui.check_panel import CheckPanel
    from desktop.ui.checklist import ChecklistDock

__all__ = ["LicensedText", "MainWindow", "build_main_window", "no_licensed_text"]

PREVIEW_DELAY_MS = 60
STATUS_MS = 5000


class MainWindow(QMainWindow):
    """QuickRef's window. Build it with :func:`build_main_window`.

    Signals:
        code_opened(str, str): system, code now shown in the detail pane.
        results_updated(str): the query the list now answers ("" = pins and recents).
        copied(str): the text put on the clipboard.
    """

    code_opened = Signal(str, str)
    results_updated = Signal(str)
    copied = Signal(str)

    def __init__(
        self, session: ReferenceSession, user: UserStore, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.user = user
        self.history = NavigationHistory()
        self.checklist_dock: ChecklistDock | None = None
        self._checklists: Checklists | None = None
        self._pinned: set[tuple[str, str]] = set()
        self._about: AboutDialog | None = None
        self.check_panel: CheckPanel | None = None
        self._soft_selection = False  # the first result, selected for the user
        self._coverage_of: tuple[ReferenceStore | None, str] = (None, "")
        self._closed = False

        self.setWindowTitle("QuickRef")
        self.setObjectName("QuickRefMainWindow")
        self.setAccessibleName("QuickRef")
        # The engine is built on the search thread at the first search, not at start-up.
        self.search = SearchController(lambda: self.session.engine, self)
        self._announcer = Announcer(self)  # search answers: the last of a burst
        self._build_widgets()
        self.actions_by_id = build_actions(self, self._slots())
        self._build_menus()
        self._build_status_bar()
        self._wire()
        self._reload_pins()
        self._show_home()
        # An explicit minimum keeps the layout from changing it as the notice line comes
        # and goes (which some platform plugins warn about).
        fm = self.fontMetrics()
        self.setMinimumSize(fm.averageCharWidth() * 60, fm.height() * 20)
        system = state.restore_window(self, self.splitter)
        self.panel.set_system(system)
        self.search.system = self.panel.system()
        self.search_field.setFocus()

    # ================================================================ the parts

    @property
    def store(self) -> ReferenceStore:
        return self.session.store

    @property
    def licensed_text(self) -> LicensedText:
        return self.session.licensed_text

    @property
    def licensed_reloader(self) -> LicensedLoader | None:
        """Called after new data is switched in, to pick up newly imported texts."""
        return self.session.licensed_loader

    @licensed_reloader.setter
    def licensed_reloader(self, loader: LicensedLoader | None) -> None:
        self.session.licensed_loader = loader

    @property
    def checklists(self) -> Checklists:
        """The checklist service on the data in use (shared by the dock and history)."""
        if self._checklists is None or self._checklists.reference is not self.store:
            from desktop.records.checklist import Checklists

            self._checklists = Checklists(self.user, self.store)
        return self._checklists

    def action(self, act: Act) -> QAction:
        return self.actions_by_id[act]

    def _build_widgets(self) -> None:
        central = QWidget(self)
        central.setObjectName("central")
        self.panel = SearchPanel(central)
        self.detail = DetailView(central)
        self.splitter = QSplitter(parent=central)  # horizontal; by keyword: see qt_values
        self.splitter.setObjectName("splitter")
        self.splitter.addWidget(self.panel.results_pane)
        self.splitter.addWidget(self.detail)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        layout = QVBoxLayout(central)
        layout.addLayout(self.panel.top_row)
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)
        # The panel's parts, by the names the rest of the app and the tests use.
        self.search_field = self.panel.search_field
        self.system_group = self.panel.system_group
        self.system_buttons = self.panel.system_buttons
        self.notice = self.panel.notice
        self.notice_label = self.panel.notice_label
        self.results_model = self.panel.results_model
        self.results_view = self.panel.results_view

    @property
    def suggestion_buttons(self) -> list[QAbstractButton]:
        return list(self.panel.suggestion_buttons)

    def _slots(self) -> dict[Act, Callable[[], object]]:
        return {
            Act.IMPORT: self.import_reference_files,
            Act.SETTINGS: self.show_settings,
            Act.QUIT: self.close,
            Act.COPY: self.copy_current_code,
            Act.COPY_TITLE: self.copy_current_code_and_title,
            Act.FIND: self.focus_search,
            Act.CLEAR: self.clear_search,
            Act.PIN: self.toggle_pin,
            Act.HOME: self.show_pins_and_recents,
            Act.BACK: self.back,
            Act.FORWARD: self.forward,
            Act.CHECKLIST: lambda: self.open_checklist(None),
            Act.HISTORY: self.show_history,
            Act.CHECK_LINES: self.open_check_panel,
            Act.ABOUT: self.show_about,
        }

    def _build_menus(self) -> None:
        a = self.actions_by_id
        self.act_import, self.act_quit = a[Act.IMPORT], a[Act.QUIT]
        self.act_copy, self.act_copy_title = a[Act.COPY], a[Act.COPY_TITLE]
        self.act_find, self.act_clear = a[Act.FIND], a[Act.CLEAR]
        self.act_pin, self.act_home = a[Act.PIN], a[Act.HOME]
        self.act_back, self.act_forward = a[Act.BACK], a[Act.FORWARD]
        self.act_checklist, self.act_about = a[Act.CHECKLIST], a[Act.ABOUT]
        self.act_history, self.act_settings = a[Act.HISTORY], a[Act.SETTINGS]
        self.act_check_lines = a[Act.CHECK_LINES]
        self.addActions(self.system_group.actions())
        self.toolbar = install_menus(self, self.actions_by_id, self.system_group.actions())
        # Just after the first frame: reaching Qt's own buttons from Python makes PySide
        # work out their classes (a few ms). A name set then reaches a screen reader too.
        after_first_paint(self.search_field, lambda: name_unnamed_buttons(self, self.search_field))
        self._update_nav_actions()

    def _build_status_bar(self) -> None:
        self.data_label = build_status_bar(self)
        self.refresh_data_label()

    def refresh_data_label(self) -> None:
        """The status bar's data-version line, for the data in use."""
        from desktop.ui.main_window.check_lines import update_data_label

        update_data_label(self.data_label, self.store)

    def _wire(self) -> None:
        self.search_field.textChanged.connect(self._on_text_changed)
        self.search_field.returnPressed.connect(self.open_selected)
        self._keys = WindowKeys(self)
        for widget in (
            self.search_field,
            self.detail,
            self.results_view,  # typing there goes on in the search
        ):
            widget.installEventFilter(self._keys)
        # The views' inner widgets take the mouse's back and forward buttons. Reaching
        # them from Python costs ~12 ms the first time (PySide works out their type), so
        # that waits until the first frame is on screen.
        after_first_paint(self.search_field, self._finish_views)
        self.results_view.activated.connect(self.open_index)
        self.results_view.clicked.connect(self.open_index)
        self.results_view.customContextMenuRequested.connect(self._results_menu)
        self.results_view.selectionModel().currentChanged.connect(self._on_current_changed)
        self.detail.code_activated.connect(self.open_code)
        self.detail.checklist_activated.connect(self.open_checklist)
        self.system_group.triggered.connect(self._on_system_changed)
        self.panel.suggestion_chosen.connect(self.search_for)
        self.search.answered.connect(self._on_answered)
        self.search.failed.connect(self._on_search_failed)
        self.search.cleared.connect(self._show_home)
        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(PREVIEW_DELAY_MS)
        self._preview_timer.timeout.connect(self._preview_first)

        QWidget.setTabOrder(self.search_field, self.system_buttons[0])
        for first, second in zip(self.system_buttons, self.system_buttons[1:], strict=False):
            QWidget.setTabOrder(first, second)
        QWidget.setTabOrder(self.system_buttons[-1], self.results_view)
        QWidget.setTabOrder(self.results_view, self.detail)

    def _finish_views(self) -> None:
        """Just after the first frame: Qt's enums, the views' key filters and kept scroll
        grooves."""
        from desktop.ui.scrollbar_style import keep_groove  # QStyle's enums: ~13 ms

        build_qt_namespace()  # 30-45 ms: now, not when the first key is pressed

        for view in (self.results_view, self.detail):
            view.viewport().installEventFilter(self._keys)
            keep_groove(view.verticalScrollBar())

    # ================================================================ settings

    def save_settings(self) -> None:
        state.save_window(self, self.splitter, self.search.system)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._closed:
            self._closed = True
            try:
                self.save_settings()
            except OSError as exc:  # a full disk must not keep the window open
                self.statusBar().showMessage(f"Settings not saved: {exc}")
            self._preview_timer.stop()
            self.search.shutdown()
            if self.checklist_dock is not None:
                self.checklist_dock.shutdown()
            self.session.close_retired()
        super().closeEvent(event)

    # ================================================================ searching

    def _on_text_changed(self, text: str) -> None:
        self._preview_timer.stop()
        self.search.set_query(text)

    def _on_system_changed(self, action: QAction) -> None:
        name = action.text().replace("&", "")
        self.statusBar().showMessage(f"Showing {name} codes", STATUS_MS)
        self._preview_timer.stop()
        self.search.set_system(action.data() or None)

    def rerun_search(self) -> None:
        """Search again for what is typed (after the data or the filter changed)."""
        self.search.rerun()

    def _on_answered(self, query: str, response: object) -> None:
        from desktop.reference.search import SearchResponse  # loaded by the first search

        assert isinstance(response, SearchResponse)
        rows = [
            ResultRow.from_result(r, (r.system, r.code) in self._pinned) for r in response.results
        ]
        self.panel.show_rows(rows, query)
        coverage = self._coverage() if not response.results else ""
        self.panel.show_response_notice(response, self.search.system, coverage)
        if rows:
            # What Ctrl+C copies must be visible: select the first result (softly: the
            # first Down from the search field keeps it) and show it.
            self._soft_selection = self.panel.select((rows[0].system, rows[0].code))
            self._preview_timer.start()
        else:
            self._soft_selection = False
            self.detail.show_no_match(self.notice_label.text())
        notice = self.notice_label.text() if self.notice.isVisibleTo(self) else ""
        near = [b.text() for b in self.panel.suggestion_buttons]
        self._announcer.say(self.results_view, answer_words(response, len(rows), notice, near))
        self.results_updated.emit(query)

    def _on_search_failed(self, query: str, message: str) -> None:
        self.panel.show_failure(query, message)
        self.detail.show_no_match(f"Search failed: {message}")
        announce(self.results_view, f"Search failed: {message}", assertive=True)

    def _coverage(self) -> str:
        """What the data in use covers (worked out once per store)."""
        if self._coverage_of[0] is not self.store:
            from desktop.coverage import coverage_text

            self._coverage_of = (self.store, coverage_text(self.store))
        return self._coverage_of[1]

    def search_for(self, text: str) -> None:
        self.search_field.setText(text)
        self.search_field.setFocus()

    def _show_home(self) -> None:
        """The empty-search state: pinned codes, then recently viewed ones."""
        try:
            entries = home_list(self.user, self.store)
        except UserDataError as exc:
            entries = []
            self.statusBar().showMessage(str(exc))
        rows = [ResultRow.from_summary(e.summary, e.section, e.pinned) for e in entries]
        self._soft_selection = False
        self.panel.show_rows(rows, "", select=self.panel.current_key())
        self.panel.show_home_notice(not rows)
        self.results_updated.emit("")

    def show_pins_and_recents(self) -> None:
        self.clear_search()

    def _preview_first(self) -> None:
        """Show the selected (first) result in the pane (type, see)."""
        if not self.results_model.query:
            return
        key = self.panel.current_key()
        row = self.results_model.row_at(0)
        if key is None and row is not None:
            key = (row.system, row.code)
        if key is not None:
            self._show(*key, push=False)

    # ================================================================ opening codes

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self._soft_selection = False
            self._preview_timer.stop()
            key = self.panel.current_key()
            if key is not None:
                self._show(*key, push=False)

    def open_index(self, index: QModelIndex) -> None:
        if index.isValid():
            self.panel.results_view.setCurrentIndex(index)
            key = self.panel.current_key()
            if key is not None:
                self.open_code(*key)

    def open_selected(self) -> None:
        """Enter: open the selected result, or the first one; the focus goes to its row."""
        index = self.results_view.currentIndex()
        if not index.isValid():
            index = self.results_model.index(0, 0)
        self.open_index(index)
        if index.isValid():
            self.results_view.setFocus()  # Qt.FocusReason.OtherFocusReason

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
            self._show_home()
        return True

    def _show(self, system: str, code: str, *, push: bool) -> CodeRecord | None:
        try:
            view = self.session.code_view(system, code)
        except ReferenceDataError as exc:
            self.statusBar().showMessage(str(exc))
            return None
        if view is None:
            self.statusBar().showMessage(f"No code {code} in {system}.", STATUS_MS)
            return None
        rec = view.record
        pinned = (rec.system, rec.code) in self._pinned
        self.detail.show_record(rec, view.templates, view.licensed, pinned, view.mue)
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

    def _copy(self, text: str, message: str) -> None:
        QGuiApplication.clipboard().setText(text)
        self.statusBar().showMessage(message, STATUS_MS)
        self.copied.emit(text)

    def _settle_preview(self) -> None:
        """Show the pending preview now, so what is copied is what the pane shows."""
        if self._preview_timer.isActive():
            self._preview_timer.stop()
            self._preview_first()

    def copy_current_code(self) -> None:
        self._copy_current(with_title=False)

    def copy_current_code_and_title(self) -> None:
        self._copy_current(with_title=True)

    def _copy_current(self, *, with_title: bool) -> None:
        self._settle_preview()
        rec = self.current_record()
        if rec is None:
            self.statusBar().showMessage("No code to copy: open one first.", STATUS_MS)
            return
        self._copy(*copy_text(rec, with_title=with_title))

    def _reload_pins(self) -> None:
        try:
            self._pinned = pinned_keys(self.user)
        except UserDataError as exc:
            self._pinned = set()
            self.statusBar().showMessage(str(exc))

    def toggle_pin(self) -> None:
        self._settle_preview()
        rec = self.current_record()
        if rec is None:
            self.statusBar().showMessage("No code to pin: open one first.", STATUS_MS)
            return
        system, code = rec.system, rec.code
        try:
            message = toggle_pin(self.user, system, code, pinned=(system, code) in self._pinned)
        except UserDataError as exc:
            self.statusBar().showMessage(str(exc), STATUS_MS)
            return
        self._reload_pins()
        self.statusBar().showMessage(message, STATUS_MS)
        self._show(system, code, push=False)
        if not clean_query(self.search_field.text()):
            self._show_home()
        else:
            self.results_model.set_pinned(self._pinned)

    # ================================================================ keyboard

    def focus_search(self) -> None:
        from PySide6.QtCore import Qt

        self.search_field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_field.selectAll()

    def clear_search(self) -> None:
        from PySide6.QtCore import Qt

        self.search_field.clear()
        self.search_field.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def enter_results(self, key: Qt.Key) -> None:
        """Up/Down/PageUp/PageDown typed in the search field."""
        from PySide6.QtCore import Qt

        if self._soft_selection and key == Qt.Key.Key_Down:
            self._soft_selection = False  # the first Down enters the list where it is
            self._preview_timer.stop()
            self._preview_first()
        else:
            self.panel.move_in_results(key)
        if self.results_model.rowCount():  # the focus follows: the reader reads the row
            self.results_view.setFocus()  # Qt.FocusReason.OtherFocusReason

    def type_in_search(self, text: str) -> None:
        """Letters typed in the results list refine the search (as before the focus
        moved into the list)."""
        self.search_field.setFocus()  # Qt.FocusReason.OtherFocusReason
        self.search_field.insert(text)

    def _results_menu(self, pos: QPoint) -> None:
        results_menu(self, pos)

    # ================================================================ other windows

    def open_checklist(self, template_id: str | None = None) -> None:
        """Show the injection checklist dock; with ``template_id``, start that checklist."""
        from desktop.ui.main_window.checklist import open_checklist

        open_checklist(self, template_id)

    def offer_resume(self) -> bool:
        """At start: an unfinished checklist with progress (after a crash or power cut)
        opens in the checklist dock, resumed. True if one was offered."""
        from desktop.ui.main_window.windows import offer_resume

        return offer_resume(self)

    def open_check_panel(self) -> None:
        """Show the "Check lines" panel (the claim check)."""
        from desktop.ui.main_window.check_lines import open_check_panel

        open_check_panel(self)

    def show_history(self) -> None:
        from desktop.ui.main_window.windows import show_history

        show_history(self)

    def import_reference_files(self) -> None:
        from desktop.ui.import_dialog import run_import_dialog

        if run_import_dialog(self, self.store):
            self.reopen_reference()

    def show_settings(self) -> None:
        from desktop.ui.main_window.windows import show_settings

        show_settings(self)

    def reopen_reference(self) -> None:
        """Switch to the reference data now in use (after an import or use-bundled).

        The new store is opened and verified before anything changes; on failure the
        window keeps the data it has and says why.
        """
        from desktop.ui.main_window.reopen import reopen_reference

        reopen_reference(self)

    def forget_about_dialog(self) -> None:
        """Drop the About dialog (it shows the old data's sources)."""
        if self._about is not None:
            self._about.deleteLater()
            self._about = None

    def show_code(self, system: str, code: str) -> CodeRecord | None:
        """Show ``code`` in the pane without adding it to history or recents."""
        return self._show(system, code, push=False)

    def set_licensed_text_provider(self, provider: LicensedText | None) -> None:
        self.session.set_licensed_text(provider)
        rec = self.current_record()
        if rec is not None:
            self._show(rec.system, rec.code, push=False)

    def show_about(self) -> AboutDialog:
        from desktop.ui.main_window.windows import show_about

        return show_about(self)


def build_main_window(
    store: ReferenceStore | ReferenceSession,
    user: UserStore,
    *,
    licensed_text: LicensedText | None = None,
    engine: SearchEngine | None = None,
) -> MainWindow:
    """The main window on ``store`` (or a whole session) and ``user``, built but not shown."""
    if isinstance(store, ReferenceSession):
        session = store
    else:
        session = ReferenceSession(store, engine=engine, licensed_text=licensed_text)
    return MainWindow(session, user)
