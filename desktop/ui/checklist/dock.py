"""The injection checklist, as a dock beside the detail pane.

One run for one patient: tick the steps (Space), move with Up/Down, answer yes/no
questions (Y/N), pick the drug and dose, then Complete for the lines to bill. Every
change goes through :class:`desktop.records.checklist.ChecklistRun`, which writes it
before the screen changes; a failed write (database locked, disk full) shows its
message in the banner and the screen keeps showing what is saved.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import (
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QFontMetrics,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QPalette,
    QShortcut,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDockWidget,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.records.checklist import (
    Billing,
    ChecklistError,
    ChecklistRun,
    Checklists,
    DrugDose,
)
from desktop.records.history import local_time
from desktop.records.store import UserDataError, UserStore
from desktop.reference.search import SearchEngine
from desktop.reference.store import ChecklistStep, ReferenceStore
from desktop.reference.units import UnitError
from desktop.ui.checklist_model import ChecklistModel, DrugResultsModel, StatusRole

UNITS = ("mcg", "mg", "g", "units", "mL")
# Big enough to hit with a gloved finger or a shaky mouse; sizes only, colours come
# from the palette.
INDICATOR = 26
LIST_STYLE = (
    "QListView::item { padding: 8px 6px; }"
    f"QListView::indicator {{ width: {INDICATOR}px; height: {INDICATOR}px; }}"
)
BIG_BUTTON_HEIGHT = 40


class StepDelegate(QStyledItemDelegate):
    """Rows as tall as their wrapped text at the list's real width (the stock size hint
    under-measures wrapped text beside the large tick box, and clips the status line)."""

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        view = self.parent()
        width = view.viewport().width() if isinstance(view, QAbstractItemView) else 400
        text_width = max(width - INDICATOR - 40, 80)
        metrics = QFontMetrics(opt.font)
        text = metrics.boundingRect(
            QRect(0, 0, text_width, 100_000), int(Qt.TextFlag.TextWordWrap), opt.text
        )
        return QSize(width, max(text.height() + 22, INDICATOR + 18))


class Banner(QFrame):
    """A message strip with an optional action button. Kind is in words, not colour."""

    actionTriggered = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.ToolTipBase)
        self.setForegroundRole(QPalette.ColorRole.ToolTipText)
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setForegroundRole(QPalette.ColorRole.ToolTipText)
        self.label.setAccessibleName("Checklist message")
        self._action = ""
        self.button = QPushButton(self)
        self.button.hide()
        self.button.clicked.connect(lambda: self.actionTriggered.emit(self._action))
        self.close_button = QToolButton(self)
        self.close_button.setText("✕")
        self.close_button.setAccessibleName("Dismiss message")
        self.close_button.setToolTip("Dismiss message")
        self.close_button.clicked.connect(self.clear)
        row = QHBoxLayout(self)
        row.addWidget(self.label, 1)
        row.addWidget(self.button)
        row.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    def show_message(self, kind: str, text: str, action: str = "", action_text: str = "") -> None:
        self.label.setText(f"<b>{kind}:</b> {text}" if kind else text)
        self._action = action
        self.button.setVisible(bool(action))
        self.button.setText(action_text)
        self.button.setAccessibleName(action_text.replace("&", ""))
        self.show()

    def text(self) -> str:
        return self.label.text()

    def clear(self) -> None:
        self.label.clear()
        self._action = ""
        self.hide()


class DrugDoseEditor(QWidget):
    """Search a HCPCS drug code, enter the dose, see the billing units live."""

    recordRequested = Signal()

    def __init__(self, book: Checklists, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.book = book
        self._engine: SearchEngine | None = None
        self._drug_ids: set[int] | None = None
        self.code: str | None = None
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Drug: generic or brand name, or J code")
        self.search.setAccessibleName("Search drug")
        self.search.setClearButtonEnabled(True)
        self.results_model = DrugResultsModel(self)
        self.results = QListView(self)
        self.results.setModel(self.results_model)
        self.results.setAccessibleName("Drug codes found")
        self.results.setMaximumHeight(90)
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.chosen = QLabel("No drug chosen yet.", self)
        self.chosen.setWordWrap(True)
        self.chosen.setAccessibleName("Chosen drug")
        self.dose = QLineEdit(self)
        self.dose.setPlaceholderText("Dose given, e.g. 1000")
        self.dose.setAccessibleName("Dose given")
        self.unit = QComboBox(self)
        self.unit.addItems(UNITS)
        self.unit.setAccessibleName("Dose unit")
        self.single_dose = QCheckBox("Single-dose container (JZ / JW apply)", self)
        self.single_dose.setAccessibleName("Single-dose container")
        self.discarded = QLineEdit(self)
        self.discarded.setPlaceholderText("0")
        self.discarded.setAccessibleName("Amount discarded, in the dose unit")
        self.units_label = QLabel(self)
        self.units_label.setWordWrap(True)
        self.units_label.setAccessibleName("Billing units")
        self.record = QPushButton("&Record drug and dose", self)
        self.record.setMinimumHeight(BIG_BUTTON_HEIGHT)
        self.record.setAccessibleName("Record drug and dose")

        dose_row = QHBoxLayout()
        dose_row.addWidget(self.dose, 1)
        dose_row.addWidget(self.unit)
        form = QFormLayout()
        form.addRow("&Dose:", dose_row)
        form.addRow("", self.single_dose)
        form.addRow("Discarded:", self.discarded)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.results)
        layout.addWidget(self.chosen)
        layout.addLayout(form)
        layout.addWidget(self.units_label)
        layout.addWidget(self.record)
        label = form.labelForField(dose_row)
        if isinstance(label, QLabel):
            label.setBuddy(self.dose)

        self.search.textChanged.connect(self._search)
        self.search.returnPressed.connect(self._choose_current)
        self.search.installEventFilter(self)
        self.results.activated.connect(lambda i: self.choose(self.results_model.summary(i.row())))
        self.results.installEventFilter(self)
        for w in (self.dose, self.discarded):
            w.textChanged.connect(self.update_units)
            w.returnPressed.connect(self.recordRequested)
        self.unit.currentTextChanged.connect(self.update_units)
        self.single_dose.toggled.connect(self._single_dose_toggled)
        self.record.clicked.connect(self.recordRequested)
        self.setTabOrder(self.search, self.results)
        self.setTabOrder(self.results, self.dose)
        self.setTabOrder(self.dose, self.unit)
        self.setTabOrder(self.unit, self.single_dose)
        self.setTabOrder(self.single_dose, self.discarded)
        self.setTabOrder(self.discarded, self.record)
        self._single_dose_toggled(False)
        self.update_units()

    # ------------------------------------------------------------------ search

    def _search(self, text: str) -> None:
        if self._engine is None:
            self._engine = SearchEngine(self.book.reference)
            self._drug_ids = {d.id for d in self.book.reference.drugs()}
        found = self._engine.search(text, limit=40, system="HCPCS").results if text else []
        drugs = [r.summary for r in found if r.summary.id in (self._drug_ids or set())]
        self.results_model.set_results(drugs[:20])
        if drugs:
            self.results.setCurrentIndex(self.results_model.index(0))

    def _choose_current(self) -> None:
        index = self.results.currentIndex()
        row = index.row() if index.isValid() else 0
        self.choose(self.results_model.summary(row))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if watched is self.search and event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up):
                self.results.setFocus()
                return False
            if watched is self.results and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._choose_current()
                return True
        return super().eventFilter(watched, event)

    def choose(self, summary: Any) -> None:
        if summary is None:
            return
        self.set_code(summary.code)
        self.dose.setFocus()
        self.dose.selectAll()

    def set_code(self, code: str, single_dose: bool | None = None) -> None:
        record = self.book.reference.get(code, "HCPCS")
        if record is None or record.billing_unit is None:
            return
        self.code = record.code
        self.chosen.setText(
            f"<b>{record.code}</b> {record.title} (billed per {record.billing_unit})"
        )
        self.unit.setCurrentText(record.billing_unit.unit)
        self.single_dose.setChecked(record.single_dose if single_dose is None else single_dose)
        self.update_units()

    def load(self, drug: DrugDose | None) -> None:
        """Show a recorded drug (or clear the editor)."""
        if drug is None:
            self.code = None
            self.chosen.setText("No drug chosen yet.")
            self.search.clear()
            self.dose.clear()
            self.discarded.clear()
            self.single_dose.setChecked(False)
            self.update_units()
            return
        self.set_code(drug.code, drug.single_dose)
        self.dose.setText(format(drug.dose, "f"))
        self.unit.setCurrentText(drug.unit)
        self.discarded.setText("" if drug.discarded is None else format(drug.discarded, "f"))
        self.update_units()

    def _single_dose_toggled(self, on: bool) -> None:
        self.discarded.setEnabled(on)
        if not on:
            self.discarded.clear()
        self.update_units()

    def checked(self) -> DrugDose:
        """The drug and dose as entered, checked against the reference (no write)."""
        if self.code is None:
            raise UnitError("Choose the drug first: search by name, brand or J code.")
        if not self.dose.text().strip():
            raise UnitError("Enter the dose given.")
        return self.book.drug_dose(
            self.code,
            self.dose.text(),
            self.unit.currentText(),
            single_dose=self.single_dose.isChecked(),
            discarded=self.discarded.text() or None,
        )

    def update_units(self) -> None:
        try:
            drug = self.checked()
        except UnitError as exc:
            self.units_label.setText(str(exc))
            return
        s = "" if drug.units == 1 else "s"
        text = f"= <b>{drug.units} billing unit{s}</b> of {drug.code} (per {drug.billing_unit})"
        if drug.discarded is not None:
            text += f"; discarded {format(drug.discarded, 'f')} {drug.unit} goes on a JW line"
        elif drug.single_dose:
            text += "; nothing discarded: JZ"
        self.units_label.setText(text)


class ChecklistDock(QDockWidget):
    """The checklist for one patient at a time, with its summary."""

    codeActivated = Signal(str, str)  # system, code
    runChanged = Signal()

    def __init__(
        self, store: ReferenceStore, user: UserStore, parent: QWidget | None = None
    ) -> None:
        super().__init__("Injection checklist", parent)
        self.setObjectName("ChecklistDock")
        self.setAccessibleName("Injection checklist")
        self.store = store
        self.user = user
        self.book = Checklists(user, store)
        self._run: ChecklistRun | None = None
        self._history: QWidget | None = None

        self.stack = QStackedWidget(self)
        self.setWidget(self.stack)
        self._build_run_page()
        self._build_summary_page()
        self.stack.setCurrentWidget(self.run_page)
        self._sync()

    # ------------------------------------------------------------------ building

    def _build_run_page(self) -> None:
        page = self.run_page = QWidget(self.stack)
        self.title = QLabel(page)
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setTextInteractionFlags(
            Qt.TextInteractionFlag.LinksAccessibleByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
        )
        self.title.linkActivated.connect(self._link)
        self.title.setAccessibleName("Checklist title")
        self.progress_label = QLabel(page)
        self.progress_label.setAccessibleName("Progress")
        self.progress = QProgressBar(page)
        self.progress.setTextVisible(False)
        self.progress.setAccessibleName("Progress")
        self.progress.setMaximumHeight(10)
        self.banner = Banner(page)
        self.banner.actionTriggered.connect(self._banner_action)

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
        self.view.installEventFilter(self)
        self.view.selectionModel().currentChanged.connect(self._current_changed)

        # The current step: label, expandable "why", and what to do.
        box = self.step_box = QGroupBox("Current step", page)
        self.step_label = QLabel(box)
        self.step_label.setWordWrap(True)
        self.step_label.setAccessibleName("Current step")
        self.step_need = QLabel(box)
        self.step_need.setAccessibleName("Current step state")
        self.why_button = QToolButton(box)
        self.why_button.setText("Why this step?")
        self.why_button.setCheckable(True)
        self.why_button.setArrowType(Qt.ArrowType.RightArrow)
        self.why_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.why_button.setAccessibleName("Why this step? Show or hide the explanation")
        self.why_button.toggled.connect(self._show_why)
        self.why_text = QLabel(box)
        self.why_text.setWordWrap(True)
        self.why_text.setAccessibleName("Why this step")
        self.why_text.hide()
        self.step_actions = QStackedWidget(box)
        # The tick and yes/no pages keep their buttons at their own (large) height, with
        # the space the taller drug page needs left empty below them.
        tick_page = QWidget(box)
        self.tick_button = QPushButton("Mark done  (Space)", tick_page)
        self.tick_button.setMinimumHeight(BIG_BUTTON_HEIGHT)
        self.tick_button.setAccessibleName("Mark the current step done or not done")
        self.tick_button.clicked.connect(self.toggle_current)
        yes_no = QWidget(box)
        self.yes_button = QPushButton("&Yes  (Y)", yes_no)
        self.no_button = QPushButton("&No  (N)", yes_no)
        for b, text in ((self.yes_button, "Answer yes"), (self.no_button, "Answer no")):
            b.setMinimumHeight(BIG_BUTTON_HEIGHT)
            b.setCheckable(True)
            b.setAccessibleName(text)
        self.yes_button.clicked.connect(lambda: self.answer_current(True))
        self.no_button.clicked.connect(lambda: self.answer_current(False))
        yn_outer = QVBoxLayout(yes_no)
        yn_outer.setContentsMargins(0, 0, 0, 0)
        yn = QHBoxLayout()
        yn.addWidget(self.yes_button)
        yn.addWidget(self.no_button)
        yn_outer.addLayout(yn)
        yn_outer.addStretch(1)
        tl = QVBoxLayout(tick_page)
        tl.setContentsMargins(0, 0, 0, 0)
        tl.addWidget(self.tick_button)
        tl.addStretch(1)
        self._tick_page = tick_page
        self.drug_editor = DrugDoseEditor(self.book, box)
        self.drug_editor.recordRequested.connect(self.record_drug)
        self.step_actions.addWidget(tick_page)
        self.step_actions.addWidget(yes_no)
        self.step_actions.addWidget(self.drug_editor)
        self._yes_no_page = yes_no
        why_row = QHBoxLayout()
        why_row.addWidget(self.step_need, 1)
        why_row.addWidget(self.why_button)
        bl = QVBoxLayout(box)
        bl.addWidget(self.step_label)
        bl.addLayout(why_row)
        bl.addWidget(self.why_text)
        bl.addWidget(self.step_actions)

        self.em_check = QCheckBox("A separate E/M visit was also done (modifier 25)", page)
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
        self.complete_button = QPushButton("&Complete", page)
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

        layout = QVBoxLayout(page)
        layout.addWidget(self.title)
        layout.addWidget(self.progress_label)
        layout.addWidget(self.progress)
        layout.addWidget(self.banner)
        layout.addWidget(self.view, 3)
        layout.addWidget(box, 2)
        layout.addWidget(self.em_check)
        layout.addLayout(buttons)
        self.stack.addWidget(page)

    def _build_summary_page(self) -> None:
        page = self.summary_page = QWidget(self.stack)
        self.summary_title = QLabel(page)
        self.summary_title.setWordWrap(True)
        self.summary_title.setAccessibleName("Summary title")
        self.lines_model = QStandardItemModel(self)
        self.lines_view = QTableView(page)
        self.lines_view.setModel(self.lines_model)
        self.lines_view.setAccessibleName("Lines to bill")
        self.lines_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.lines_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.lines_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.lines_view.setWordWrap(True)
        self.lines_view.setShowGrid(False)
        self.lines_view.verticalHeader().hide()
        self.lines_view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = self.lines_view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        header.sectionResized.connect(lambda *_: self._fit_lines())
        self.lines_view.doubleClicked.connect(lambda _i: self.copy_current_line())
        copy_sc = QShortcut(QKeySequence(QKeySequence.StandardKey.Copy), self.lines_view)
        copy_sc.setContext(Qt.ShortcutContext.WidgetShortcut)
        copy_sc.activated.connect(self.copy_current_line)
        self.reminders = QLabel(page)
        self.reminders.setWordWrap(True)
        self.reminders.setAccessibleName("Reminders")
        self.reminders.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.copy_button = QPushButton("Copy &line", page)
        self.copy_button.setAccessibleName("Copy the selected line")
        self.copy_button.clicked.connect(self.copy_current_line)
        self.copy_all_button = QPushButton("Copy &all", page)
        self.copy_all_button.setAccessibleName("Copy all lines and reminders")
        self.copy_all_button.clicked.connect(self.copy_all)
        self.summary_history = QPushButton("&History…", page)
        self.summary_history.setAccessibleName("History of completed checklists")
        self.summary_history.clicked.connect(self.show_history)
        self.next_button = QPushButton("&Next patient", page)
        self.next_button.setMinimumHeight(BIG_BUTTON_HEIGHT)
        self.next_button.setAccessibleName("Next patient: start a new checklist")
        self.next_button.clicked.connect(self.next_patient)
        self.copied_label = QLabel(page)
        self.copied_label.setAccessibleName("Copy status")
        row = QHBoxLayout()
        row.addWidget(self.copy_button)
        row.addWidget(self.copy_all_button)
        row.addWidget(self.summary_history)
        row.addStretch(1)
        row.addWidget(self.next_button)
        layout = QVBoxLayout(page)
        layout.addWidget(self.summary_title)
        layout.addWidget(self.lines_view, 1)
        layout.addWidget(self.reminders)
        layout.addWidget(self.copied_label)
        layout.addStretch(1)
        layout.addLayout(row)
        self.stack.addWidget(page)

    # ------------------------------------------------------------------ public API

    @property
    def run(self) -> ChecklistRun | None:
        return self._run

    def start(self, template_id: str) -> None:
        """Show the checklist ``template_id``: the open run of it, or a new one."""
        self.show()
        self.raise_()
        run = self._run
        if run is not None and run.is_open and template_id in (run.template.id, run.origin):
            self.view.setFocus()
            return
        try:
            if run is not None and run.is_open and run.done_count == 0:
                run.abandon()  # an untouched run is not worth keeping
            self._set_run(self.book.start(template_id))
        except (UserDataError, ChecklistError) as exc:
            self.banner.show_message("Could not start", str(exc))
            return
        self.banner.clear()
        self.view.setFocus()

    def resume_unfinished(self) -> bool:
        """Load the most recent unfinished run, if there is one, and say so."""
        try:
            run = self.book.unfinished()
        except (UserDataError, ChecklistError) as exc:
            self.banner.show_message("Could not read unfinished checklists", str(exc))
            return False
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

    # ------------------------------------------------------------------ actions

    def toggle_current(self) -> None:
        step = self._current_step()
        if step is None or self._run is None:
            return
        if step.kind == "tick":
            self._toggle(step.key, not self._run.is_done(step.key))
        elif step.kind == "yes_no":
            self.no_button.setFocus()
        else:
            self.drug_editor.search.setFocus()

    def answer_current(self, yes: bool) -> None:
        step = self._current_step()
        run = self._run
        if step is None or run is None or step.kind != "yes_no":
            return
        try:
            new = run.answer(step.key, yes)
        except (UserDataError, ChecklistError) as exc:
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
            step = self._current_step()
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
        except (UserDataError, ChecklistError) as exc:
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
        except (UserDataError, ChecklistError) as exc:
            self.banner.show_message("Not completed", str(exc))
            return
        self.banner.clear()
        self._show_summary(run, billing)

    def next_patient(self) -> None:
        run = self._run
        if run is None:
            return
        try:
            new = run.next_patient()
        except (UserDataError, ChecklistError) as exc:
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
        except (UserDataError, ChecklistError) as exc:
            self.banner.show_message("Not saved", str(exc))
            return
        self.banner.clear()
        self.view.setFocus()

    def copy_current_line(self) -> None:
        index = self.lines_view.currentIndex()
        item = self.lines_model.itemFromIndex(index) if index.isValid() else None
        text = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if text:
            QGuiApplication.clipboard().setText(str(text))
            self.copied_label.setText(f"Copied: {text}")

    def copy_all(self) -> None:
        run = self._run
        if run is not None and run.billing is not None:
            QGuiApplication.clipboard().setText(run.billing.text)
            self.copied_label.setText("Copied all lines and reminders.")

    def show_history(self) -> None:
        from desktop.ui.history_dialog import HistoryDialog

        dialog = HistoryDialog(self.user, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._history = dialog
        dialog.show()

    # ------------------------------------------------------------------ internals

    def _set_run(self, run: ChecklistRun) -> None:
        self._run = run
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
        self.runChanged.emit()

    def _toggle(self, key: str, checked: bool) -> bool:
        run = self._run
        if run is None:
            return False
        try:
            if checked:
                run.tick(key)
            else:
                run.untick(key)
        except (UserDataError, ChecklistError) as exc:
            self.banner.show_message("Not saved", str(exc))
            self._sync()
            return False
        if self.banner.isVisible() and self.banner.text().startswith("<b>Not saved"):
            self.banner.clear()
        self._sync()
        return True

    def _em_toggled(self, on: bool) -> None:
        run = self._run
        if run is None or not run.is_open:
            return
        try:
            run.set_separate_em(on)
        except (UserDataError, ChecklistError) as exc:
            self.banner.show_message("Not saved", str(exc))
            self.em_check.blockSignals(True)
            self.em_check.setChecked(bool(run.separate_em))
            self.em_check.blockSignals(False)

    def _current_step(self) -> ChecklistStep | None:
        index = self.view.currentIndex()
        return self.model.step_at(index.row()) if index.isValid() else None

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._show_step()

    def _show_why(self, on: bool) -> None:
        self.why_text.setVisible(on)
        self.why_button.setArrowType(Qt.ArrowType.DownArrow if on else Qt.ArrowType.RightArrow)

    def _show_step(self) -> None:
        step = self._current_step()
        run = self._run
        if step is None or run is None:
            self.step_box.setEnabled(False)
            self.step_label.setText("")
            self.why_text.setText("")
            return
        self.step_box.setEnabled(run.is_open)
        n = self.view.currentIndex().row() + 1
        self.step_box.setTitle(f"Step {n} of {len(run.steps)}")
        self.step_label.setText(f"<b>{step.label}</b>")
        self.step_need.setText(self.model.data(self.view.currentIndex(), StatusRole))
        self.why_text.setText(step.why)
        if step.kind == "tick":
            self.step_actions.setCurrentWidget(self._tick_page)
            done = run.is_done(step.key)
            self.tick_button.setText("Mark not done  (Space)" if done else "Mark done  (Space)")
        elif step.kind == "yes_no":
            self.step_actions.setCurrentWidget(self._yes_no_page)
            value = run.value(step.key)
            self.yes_button.setChecked(value == "yes")
            self.no_button.setChecked(value == "no")
        else:
            self.step_actions.setCurrentWidget(self.drug_editor)

    def _sync(self) -> None:
        run = self._run
        if run is None:
            self.title.setText("No checklist open.")
            self.progress_label.setText("")
            self.complete_button.setEnabled(False)
            self.afresh_button.setEnabled(False)
            self.step_box.setEnabled(False)
            self.em_check.setEnabled(False)
            return
        t = run.template
        self.setWindowTitle(f"Checklist: {t.code}")
        self.title.setText(f"<b>{t.title}</b> · <a href='{t.system}:{t.code}'>{t.code}</a>")
        missing = len(run.missing_required())
        need = "all required steps done" if missing == 0 else f"{missing} required to go"
        self.progress_label.setText(f"{run.progress_text} steps done · {need}")
        self.progress.setRange(0, len(run.steps))
        self.progress.setValue(run.done_count)
        self.complete_button.setEnabled(run.can_complete)
        self.afresh_button.setEnabled(run.is_open)
        self.em_check.setVisible(_has_drug_step(run))
        self.em_check.setEnabled(run.is_open)
        self.model.refresh()
        self._show_step()

    def _show_summary(self, run: ChecklistRun, billing: Billing) -> None:
        self.summary_title.setText(
            f"<b>{run.template.title}</b><br>Completed. "
            + ("Lines to bill:" if billing.lines else "Choose the administration code:")
        )
        self.lines_model.clear()
        self.lines_model.setHorizontalHeaderLabels(["Line to bill", "What it is"])
        for line in billing.lines:
            self.lines_model.appendRow(_line_items(line.text, line.title, line.note))
        if billing.choices:
            if billing.lines:
                header = QStandardItem("Choose what applies:")
                header.setFlags(Qt.ItemFlag.ItemIsEnabled)
                self.lines_model.appendRow([header, QStandardItem()])
            for c in billing.choices:
                self.lines_model.appendRow(_line_items(c.text, c.title, c.note, choice=True))
        if self.lines_model.rowCount():
            self.lines_view.setCurrentIndex(self.lines_model.index(0, 0))
        reminders = "".join(f"<li>{html.escape(r)}</li>" for r in billing.reminders)
        self.reminders.setText(f"<b>Reminders</b><ul>{reminders}</ul>" if reminders else "")
        self.copied_label.setText("Select a line and press Ctrl+C or “Copy line”.")
        self.lines_view.setMaximumHeight(16777215)
        self.stack.setCurrentWidget(self.summary_page)
        self.next_button.setFocus()
        QTimer.singleShot(0, self, self._fit_lines)

    def _fit_lines(self) -> None:
        """The lines list as tall as its lines (it scrolls if there are many); once laid out,
        so wrapped lines are measured at their real width."""
        view = self.lines_view
        view.resizeRowsToContents()
        height = view.verticalHeader().length() + view.horizontalHeader().height()
        view.setMaximumHeight(height + 2 * view.frameWidth() + 2)

    def _link(self, href: str) -> None:
        system, _, code = href.partition(":")
        if code:
            self.codeActivated.emit(system, code)

    def _banner_action(self, action: str) -> None:
        if action == "afresh":
            self.start_afresh()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.view
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        ):
            key = event.key()
            step = self._current_step()
            if key == Qt.Key.Key_Space:
                self.toggle_current()
                return True
            if step is not None and step.kind == "yes_no" and key in (Qt.Key.Key_Y, Qt.Key.Key_N):
                self.answer_current(key == Qt.Key.Key_Y)
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and step is not None:
                if step.kind == "drug_dose":
                    self.drug_editor.search.setFocus()
                elif step.kind == "yes_no":
                    self.no_button.setFocus()
                return True
        return super().eventFilter(watched, event)


def _has_drug_step(run: ChecklistRun) -> bool:
    return any(s.kind == "drug_dose" for s in run.steps)


def _line_items(text: str, title: str, note: str, *, choice: bool = False) -> list[QStandardItem]:
    """One row: what to copy (bold for a definite line) and what it is."""
    line = QStandardItem(text)
    line.setData(text, Qt.ItemDataRole.UserRole)
    line.setData(f"{text}. {title}. {note}", Qt.ItemDataRole.AccessibleTextRole)
    font = line.font()
    font.setPointSizeF(font.pointSizeF() * 1.15)
    font.setBold(not choice)
    line.setFont(font)
    what = QStandardItem(f"{title}\n{'If: ' if choice else ''}{note}" if note else title)
    what.setData(text, Qt.ItemDataRole.UserRole)
    what.setToolTip(title)
    return [line, what]
