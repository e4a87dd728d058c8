"""The injection checklist, as a dock beside the detail pane.

One run for one patient: tick the steps (Space), move with Up/Down, answer yes/no
questions (Y/N), pick the drug and dose, then Complete (Ctrl+Enter) for the lines to
bill. Every change goes through :class:`desktop.records.checklist.ChecklistRun`, which
writes it before the screen changes; a failed write (database locked, disk full) shows
its message in the banner and the screen keeps showing what is saved.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDockWidget,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListView,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.records.checklist import Billing, ChecklistError, ChecklistRun, Checklists
from desktop.records.history import local_time
from desktop.records.store import UserDataError
from desktop.reference.search import SearchEngine
from desktop.reference.store import ChecklistStep, ReferenceDataError
from desktop.reference.units import UnitError
from desktop.ui.accessible import announce, item_check_changed
from desktop.ui.checklist.banner import Banner
from desktop.ui.checklist.drug_editor import BIG_BUTTON_HEIGHT
from desktop.ui.checklist.models import ChecklistModel, StatusRole
from desktop.ui.checklist.step_delegate import LIST_STYLE, StepDelegate
from desktop.ui.checklist.step_panel import StepPanel
from desktop.ui.checklist.summary_page import SummaryPage

# The dock's width in average characters: wide enough for the dose row and the buttons,
# the same on every step (wrapped text never widens it).
DOCK_CHARS = 52
LIST_ROWS_SHOWN = 2  # at least two two-line steps stay in view
ROW_PADDING = 40  # the delegate's and the style sheet's padding around a row's text
_SAVE_ERRORS = (UserDataError, ChecklistError)


class ChecklistDock(QDockWidget):
    """The checklist for one patient at a time, with its summary.

    Signals:
        code_activated(str, str): system, code of a code link in the dock.
        run_changed(): another run is shown.
    """

    code_activated = Signal(str, str)
    run_changed = Signal()

    def __init__(
        self,
        book: Checklists,
        parent: QWidget | None = None,
        *,
        engine: SearchEngine | None = None,
    ) -> None:
        super().__init__("Injection checklist", parent)
        self.setObjectName("ChecklistDock")
        self.setAccessibleName("Injection checklist")
        self.book = book
        self.store = book.reference
        self.user = book.user
        self._run: ChecklistRun | None = None
        self._history: QWidget | None = None
        self._pending_start: str | None = None

        self.stack = QStackedWidget(self)
        self.setWidget(self.stack)
        self._build_run_page(engine)
        self.summary_page = SummaryPage(self.stack)
        self.summary_page.next_requested.connect(self.next_patient)
        self.summary_page.history_requested.connect(self.show_history)
        self.stack.addWidget(self.summary_page)
        # The summary page's parts, by the names the tests and screenshots use.
        self.lines_model = self.summary_page.lines_model
        self.lines_view = self.summary_page.lines_view
        self.reminders = self.summary_page.reminders
        self.copy_button = self.summary_page.copy_button
        self.next_button = self.summary_page.next_button
        self.copied_label = self.summary_page.copied_label
        self.stack.setCurrentWidget(self.run_page)
        self.stack.setMinimumWidth(self.fontMetrics().averageCharWidth() * DOCK_CHARS)
        self._sync()

    # ------------------------------------------------------------------ building

    def _build_run_page(self, engine: SearchEngine | None) -> None:
        page = self.run_page = QWidget(self.stack)
        self.title = QLabel(page)
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setTextInteractionFlags(
            Qt.TextInteractionFlag.LinksAccessibleByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
        )
        self.title.linkActivated.connect(self._link)
        # Labels keep their text as their accessible name (a fixed name would hide it).
        self.title.setAccessibleDescription("Checklist")
        self.progress_label = QLabel(page)
        self.progress_label.setWordWrap(True)
        self.progress_label.setAccessibleDescription("Progress")
        self._said_progress: tuple[int, str] = (0, "")  # (run id, words) last announced
        self.progress = QProgressBar(page)
        self.progress.setTextVisible(False)
        self.progress.setAccessibleName("Progress")
        self.progress.setMaximumHeight(10)
        self.banner = Banner(page)
        self.banner.action_triggered.connect(self._banner_action)
        for label in (self.title, self.progress_label):
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

        self.model = ChecklistModel(self)
        self.model.set_toggle_handler(self._toggle)
        self.view = QListView(page)
        self.view.setModel(self.model)
        self.view.setItemDelegate(StepDelegate(self.view))
        self.view.setAccessibleName("Checklist steps")
        self.view.setStyleSheet(LIST_STYLE)
        self.view.setWordWrap(True)
        self.view.setUniformItemSizes(False)
        self.view.setResizeMode(QListView.ResizeMode.Adjust)
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setAlternatingRowColors(True)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        # Room for a few rows whatever else the page holds.
        self.view.setMinimumHeight(
            LIST_ROWS_SHOWN * (2 * self.fontMetrics().height() + ROW_PADDING)
            + 2 * self.view.frameWidth()
            + 2
        )
        self.view.installEventFilter(self)
        self.view.selectionModel().currentChanged.connect(self._current_changed)

        self.step_panel = StepPanel(self.book, page, engine=engine)
        self.step_panel.toggle_requested.connect(self.toggle_current)
        self.step_panel.answer_requested.connect(self.answer_current)
        self.step_panel.choice_requested.connect(self.choose_current)
        self.step_panel.vaccines_requested.connect(self.record_vaccines)
        self.choice_page = self.step_panel.choice_page
        self.vaccines_page = self.step_panel.vaccines_page
        self.drug_editor = self.step_panel.drug_editor
        self.drug_editor.record_requested.connect(self.record_drug)
        # The panel's parts, by the names the tests and screenshots use.
        self.step_box = self.step_panel
        self.tick_button = self.step_panel.tick_button
        self.yes_button = self.step_panel.yes_button
        self.no_button = self.step_panel.no_button
        self.why_button = self.step_panel.why_button
        self.why_text = self.step_panel.why_text
        # The step's controls scroll when the screen is short; the list keeps its rows.
        scroll = self.step_scroll = QScrollArea(page)
        scroll.setWidget(self.step_panel)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)

        self.em_check = QCheckBox("Separate E/M visit done too (modifier 25)", page)
        self.em_check.setAccessibleName("A separate evaluation and management visit was done")
        self.em_check.setToolTip(
            "Tick only if a separate, significant visit took place: the summary then reminds "
            "you to add modifier 25 to the E/M code, never to the injection code."
        )
        self.em_check.toggled.connect(self._em_toggled)
        self.history_button = QPushButton("&History…", page)
        self.history_button.setAccessibleName("History of completed checklists")
        self.history_button.clicked.connect(self.show_history)
        self.afresh_button = QPushButton("Start a&fresh", page)
        self.afresh_button.setAccessibleName("Set this checklist aside and start afresh")
        self.afresh_button.clicked.connect(self.start_afresh)
        self.complete_button = QPushButton("&Complete  (Ctrl+Enter)", page)
        self.complete_button.setMinimumHeight(BIG_BUTTON_HEIGHT)
        self.complete_button.setAccessibleName("Complete the checklist")
        self.complete_button.setToolTip(
            "Complete (Ctrl+Enter): enabled when required steps are done"
        )
        self.complete_button.clicked.connect(self.complete)
        for seq in ("Ctrl+Return", "Ctrl+Enter"):
            sc = QShortcut(QKeySequence(seq), page)
            sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            sc.activated.connect(self.complete)
        buttons = QHBoxLayout()
        buttons.addWidget(self.history_button)
        buttons.addWidget(self.afresh_button)
        buttons.addStretch(1)
        buttons.addWidget(self.complete_button)

        layout = self._run_layout = QVBoxLayout(page)
        layout.addWidget(self.title)
        layout.addWidget(self.progress_label)
        layout.addWidget(self.progress)
        layout.addWidget(self.banner)
        layout.addWidget(self.view, 3)
        layout.addWidget(scroll, 2)
        layout.addWidget(self.em_check)
        layout.addLayout(buttons)
        self.stack.addWidget(page)

    # ------------------------------------------------------------------ public API

    @property
    def run(self) -> ChecklistRun | None:
        return self._run

    def start(self, template_id: str, *, set_aside: bool = False) -> None:
        """Show the checklist ``template_id``: the open run of it, or a new one.

        An unfinished run with progress is never dropped silently: the dock shows it and
        asks (in the banner) whether to set it aside, unless ``set_aside``.
        """
        self.show()
        self.raise_()
        run = self._run
        if run is None or not run.is_open:
            found = self._unfinished()
            if found is not None and found.done_count:
                self._set_run(found)
                run = found
        if run is not None and run.is_open and template_id in (run.template.id, run.origin):
            self.view.setFocus()
            return
        if run is not None and run.is_open and run.done_count and not set_aside:
            self._pending_start = template_id
            self.banner.show_message(
                "Unfinished",
                f"the checklist started {local_time(run.started_at)} is not done "
                f"({run.progress_text}). Finish it, or set it aside to start another.",
                "start-pending",
                "Set it aside, start the new one",
            )
            self.view.setFocus()
            return
        try:
            if run is not None and run.is_open:
                run.abandon()  # set aside (an untouched run is not worth keeping)
            self._set_run(self.book.start(template_id))
        except _SAVE_ERRORS as exc:
            self.banner.show_message("Could not start", str(exc))
            return
        self.banner.clear()
        self.view.setFocus()

    def _unfinished(self) -> ChecklistRun | None:
        try:
            return self.book.unfinished()
        except _SAVE_ERRORS as exc:
            self.banner.show_message("Could not read unfinished checklists", str(exc))
            return None

    def resume_unfinished(self) -> bool:
        """Load the unfinished run to resume (the one with progress), if any, and say so."""
        run = self._unfinished()
        if run is None:
            return False
        self._set_run(run)
        self.banner.show_message(
            "Resumed",
            f"the checklist started {local_time(run.started_at)} is back where it was "
            f"({run.progress_text} done). Nothing was lost.",
            "afresh",
            "Set aside, start afresh",
        )
        self.show()
        return True

    def shutdown(self) -> None:
        """Stop the drug search thread (before the dock goes away)."""
        self.drug_editor.shutdown()

    # ------------------------------------------------------------------ actions

    def toggle_current(self) -> None:
        step = self.current_step()
        if step is None or self._run is None:
            return
        if step.kind == "tick":
            self._toggle(step.key, not self._run.is_done(step.key))
        elif step.kind == "yes_no":
            self.no_button.setFocus()
        else:  # the first answer, the product list or the drug field
            self.step_panel.first_control(step).setFocus()

    def choose_current(self, value: str) -> None:
        step = self.current_step()
        run = self._run
        if step is None or run is None or step.kind != "choice":
            return
        try:
            run.choose(step.key, value)
        except _SAVE_ERRORS as exc:
            self.banner.show_message("Not saved", str(exc))
        self._sync()
        self.view.setFocus()

    def record_vaccines(self, codes: list[str]) -> None:
        step = self.current_step()
        run = self._run
        if step is None or run is None or step.kind != "vaccines":
            return
        try:
            run.set_vaccines(step.key, codes)
        except _SAVE_ERRORS as exc:
            self.banner.show_message("Not saved", str(exc))
        self._sync()
        self.view.setFocus()

    def answer_current(self, yes: bool) -> None:
        step = self.current_step()
        run = self._run
        if step is None or run is None or step.kind != "yes_no":
            return
        try:
            new = run.answer(step.key, yes)
        except _SAVE_ERRORS as exc:
            self.banner.show_message("Not saved", str(exc))
            self._sync()
            return
        if new is not run:
            self._set_run(new)
            self.banner.show_message(
                "Stop", f"{step.stop_message or ''} Now showing: {new.template.title}."
            )
            self.view.setFocus()
            return
        if step.stop_answer and run.value(step.key) == step.stop_answer:
            self.banner.show_message("Stop", step.stop_message or "This path ends here.")
        else:
            self.banner.clear()
        self._sync()
        self.view.setFocus()

    def record_drug(self) -> None:
        run = self._run
        if run is None:
            return
        try:
            drug = self.drug_editor.checked()
            step = self.current_step()
            run.set_drug(
                drug.code,
                drug.dose,
                drug.unit,
                single_dose=drug.single_dose,
                discarded=drug.discarded,
                key=step.key if step is not None and step.kind == "drug_dose" else None,
            )
        except UnitError as exc:
            self.drug_editor.units_label.setText(str(exc))
            self.banner.show_message("Check the dose", str(exc))
            return
        except _SAVE_ERRORS as exc:
            self.banner.show_message("Not saved", str(exc))
            return
        self.banner.clear()
        self._sync()
        self.view.setFocus()

    def complete(self) -> None:
        run = self._run
        if run is None or not run.can_complete:
            return
        try:
            billing = run.complete()
        except _SAVE_ERRORS as exc:
            self.banner.show_message("Not completed", str(exc))
            self._reload()
            return
        self.banner.clear()
        self._show_summary(run, billing)

    def next_patient(self) -> None:
        run = self._run
        if run is None:
            return
        try:
            new = run.next_patient()
        except _SAVE_ERRORS as exc:
            self.copied_label.setText(str(exc))
            return
        self._set_run(new)
        self.banner.clear()
        self.stack.setCurrentWidget(self.run_page)
        self.view.setFocus()

    def start_afresh(self) -> None:
        run = self._run
        if run is None:
            return
        try:
            if run.is_open:
                run.abandon()
            self._set_run(self.book.start(run.origin))
        except _SAVE_ERRORS as exc:
            self.banner.show_message("Not saved", str(exc))
            return
        self.banner.clear()
        self.view.setFocus()

    def copy_current_line(self) -> None:
        self.summary_page.copy_current_line()

    def copy_all(self) -> None:
        self.summary_page.copy_all()

    def show_history(self) -> None:
        from desktop.ui.history_dialog import HistoryDialog

        dialog = HistoryDialog(self.user, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._history = dialog
        dialog.show()

    # ------------------------------------------------------------------ internals

    def _reload(self) -> None:
        """Show the run as saved (another window may have changed it)."""
        run = self._run
        if run is None:
            return
        try:
            self._set_run(self.book.load(run.id))
        except _SAVE_ERRORS:
            self._sync()

    def _set_run(self, run: ChecklistRun) -> None:
        self._run = run
        self._pending_start = None
        self.model.set_run(run)
        first = next((i for i, s in enumerate(run.steps) if not run.is_done(s.key)), 0)
        self.view.selectionModel().setCurrentIndex(
            self.model.index(first), QItemSelectionModel.SelectionFlag.ClearAndSelect
        )
        self.drug_editor.load(run.drug)
        self.em_check.blockSignals(True)
        self.em_check.setChecked(bool(run.separate_em))
        self.em_check.blockSignals(False)
        QTimer.singleShot(
            0,
            self,
            lambda: self.view.scrollTo(
                self.view.currentIndex(), QAbstractItemView.ScrollHint.PositionAtCenter
            ),
        )
        if run.status == "completed" and run.billing is not None:
            self._show_summary(run, run.billing)
        else:
            self.stack.setCurrentWidget(self.run_page)
        self._sync()
        self.run_changed.emit()

    def _toggle(self, key: str, checked: bool) -> bool:
        run = self._run
        if run is None:
            return False
        try:
            if checked:
                run.tick(key)
            else:
                run.untick(key)
        except _SAVE_ERRORS as exc:
            self.banner.show_message("Not saved", str(exc))
            self._sync()
            return False
        if self.banner.isVisible() and self.banner.kind == "Not saved":
            self.banner.clear()
        self._sync()
        item_check_changed(self.view, self.model.row_of(key))  # readers hear the tick
        return True

    def _em_toggled(self, on: bool) -> None:
        run = self._run
        if run is None or not run.is_open:
            return
        try:
            run.set_separate_em(on)
        except _SAVE_ERRORS as exc:
            self.banner.show_message("Not saved", str(exc))
            self.em_check.blockSignals(True)
            self.em_check.setChecked(bool(run.separate_em))
            self.em_check.blockSignals(False)

    def current_step(self) -> ChecklistStep | None:
        index = self.view.currentIndex()
        return self.model.step_at(index.row()) if index.isValid() else None

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._show_step()

    def _show_step(self) -> None:
        step = self.current_step()
        run = self._run
        if step is None or run is None:
            self.step_panel.clear()
            return
        index = self.view.currentIndex()
        status = str(self.model.data(index, StatusRole))
        self.step_panel.show_step(run, step, index.row(), status)
        # The drug and vaccines steps need the room: the list keeps its few rows, the
        # editor (or the product list) the rest.
        drug = step.kind in ("drug_dose", "vaccines")
        self._run_layout.setStretchFactor(self.view, 2 if drug else 3)
        self._run_layout.setStretchFactor(self.step_scroll, 3 if drug else 2)
        QTimer.singleShot(0, self, lambda: self.view.scrollTo(self.view.currentIndex()))

    def _sync(self) -> None:
        run = self._run
        if run is None:
            self.title.setText("No checklist open.")
            self.progress_label.setText("")
            self.complete_button.setEnabled(False)
            self.afresh_button.setEnabled(False)
            self.step_panel.setEnabled(False)
            self.em_check.setEnabled(False)
            return
        t = run.template
        self.setWindowTitle(f"Checklist: {t.code}")
        self.title.setText(f"<b>{t.title}</b> · <a href='{t.system}:{t.code}'>{t.code}</a>")
        missing = len(run.missing_required())
        need = "all required steps done" if missing == 0 else f"{missing} required to go"
        progress = f"{run.progress_text} steps done · {need}"
        self.progress_label.setText(progress)
        if self._said_progress[0] == id(run) and self._said_progress[1] != progress:
            announce(self.progress_label, progress)  # a step ticked or answered
        self._said_progress = (id(run), progress)
        self.progress.setRange(0, len(run.steps))
        self.progress.setValue(run.done_count)
        self.complete_button.setEnabled(run.can_complete)
        self.afresh_button.setEnabled(run.is_open)
        self.em_check.setVisible(any(s.kind == "drug_dose" for s in run.steps))
        self.em_check.setEnabled(run.is_open)
        self.model.refresh()
        self._show_step()

    def _show_summary(self, run: ChecklistRun, billing: Billing) -> None:
        try:
            findings = self.book.check(run).findings
            error = None
        except (ChecklistError, ReferenceDataError) as exc:
            findings, error = (), str(exc)
        self.summary_page.show_billing(run, billing, findings, error)
        self.stack.setCurrentWidget(self.summary_page)
        # The focus goes to what the run produced, the lines to bill; "Next patient" is
        # a Tab away.
        self.focus_page()
        announce(self.lines_view, self.summary_page.spoken_summary(billing, findings))

    def focus_page(self) -> None:
        """Focus what the shown page is about: the lines to bill, or the steps."""
        if self.stack.currentWidget() is self.summary_page:
            target: QWidget = self.lines_view if self.lines_model.rowCount() else self.next_button
        else:
            target = self.view
        target.setFocus(Qt.FocusReason.OtherFocusReason)

    def _link(self, href: str) -> None:
        system, _, code = href.partition(":")
        if code:
            self.code_activated.emit(system, code)

    def _banner_action(self, action: str) -> None:
        if action == "afresh":
            self.start_afresh()
        elif action == "start-pending" and self._pending_start:
            self.start(self._pending_start, set_aside=True)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.view
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        ):
            from desktop.ui.checklist.step_keys import handle_step_key

            if handle_step_key(self, event.key()):
                return True
        return super().eventFilter(watched, event)
