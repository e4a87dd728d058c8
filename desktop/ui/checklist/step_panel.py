"""The current step: its label, state, an expandable "why", and what to do about it.

A tick step shows one big button, a yes/no step two, a choice step one button per
answer, a vaccines step the list of vaccine products, a drug step the drug and dose
editor. The panel emits what the user asks for; the dock writes it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.records.checklist import ChecklistRun, Checklists
from desktop.reference.search import SearchEngine
from desktop.reference.store import ChecklistStep
from desktop.ui.accessible import make_radio
from desktop.ui.checklist.choice_page import ChoicePage
from desktop.ui.checklist.drug_editor import BIG_BUTTON_HEIGHT, DrugDoseEditor
from desktop.ui.checklist.vaccines_page import VaccinesPage


class StepPanel(QGroupBox):
    """What to do for the current step.

    Signals:
        toggle_requested(): the tick button.
        answer_requested(bool): Yes (True) or No (False).
        choice_requested(str): the answer picked on a choice step.
        vaccines_requested(list): the vaccine product codes ticked on a vaccines step.
    """

    toggle_requested = Signal()
    answer_requested = Signal(bool)
    choice_requested = Signal(str)
    vaccines_requested = Signal(list)

    def __init__(
        self, book: Checklists, parent: QWidget | None = None, *, engine: SearchEngine | None = None
    ) -> None:
        super().__init__("Current step", parent)
        self.step_label = QLabel(self)
        self.step_label.setWordWrap(True)
        # Labels keep their text as their accessible name (a fixed name would hide it).
        self.step_label.setAccessibleDescription("Current step")
        self.step_need = QLabel(self)
        self.step_need.setWordWrap(True)
        self.step_need.setAccessibleDescription("Current step state")
        self.why_button = QToolButton(self)
        self.why_button.setText("Why this step?")
        self.why_button.setCheckable(True)
        self.why_button.setArrowType(Qt.ArrowType.RightArrow)
        self.why_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.why_button.setAccessibleName("Why this step? Show or hide the explanation")
        self.why_button.toggled.connect(self._show_why)
        self.why_text = QLabel(self)
        self.why_text.setWordWrap(True)
        self.why_text.setAccessibleDescription("Why this step")
        self.why_text.hide()
        for label in (self.step_label, self.step_need, self.why_text):
            # Wrapped text takes the width it is given, never widens the dock.
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.pages = QStackedWidget(self)
        # The tick and yes/no pages keep their buttons at their own (large) height.
        self.tick_page = QWidget(self)
        self.tick_button = QPushButton("Mark done  (Space)", self.tick_page)
        self.tick_button.setMinimumHeight(BIG_BUTTON_HEIGHT)
        # A toggle: readers say "pressed" when the step is done.
        self.tick_button.setCheckable(True)
        self.tick_button.setAccessibleName("Mark the current step done")
        self.tick_button.clicked.connect(self.toggle_requested)
        self.yes_no_page = QWidget(self)
        self.yes_button = QPushButton("&Yes  (Y)", self.yes_no_page)
        self.no_button = QPushButton("&No  (N)", self.yes_no_page)
        for b, text in ((self.yes_button, "Answer yes"), (self.no_button, "Answer no")):
            b.setMinimumHeight(BIG_BUTTON_HEIGHT)
            b.setCheckable(True)
            b.setAccessibleName(text)
            make_radio(b)  # yes or no, not both: read as a pair of radio buttons
        self.yes_button.clicked.connect(lambda: self.answer_requested.emit(True))
        self.no_button.clicked.connect(lambda: self.answer_requested.emit(False))
        yn_outer = QVBoxLayout(self.yes_no_page)
        yn_outer.setContentsMargins(0, 0, 0, 0)
        yn = QHBoxLayout()
        yn.addWidget(self.yes_button)
        yn.addWidget(self.no_button)
        yn_outer.addLayout(yn)
        yn_outer.addStretch(1)
        tl = QVBoxLayout(self.tick_page)
        tl.setContentsMargins(0, 0, 0, 0)
        tl.addWidget(self.tick_button)
        tl.addStretch(1)
        self.drug_editor = DrugDoseEditor(book, self, engine=engine)
        self.pages.addWidget(self.tick_page)
        self.pages.addWidget(self.yes_no_page)
        self.pages.addWidget(self.drug_editor)
        self.choice_page = ChoicePage(self)
        self.choice_page.chosen.connect(self.choice_requested)
        self.vaccines_page = VaccinesPage(book.reference, self)
        self.vaccines_page.recorded.connect(self.vaccines_requested)
        self.pages.addWidget(self.choice_page)
        self.pages.addWidget(self.vaccines_page)
        why_row = QHBoxLayout()
        why_row.addWidget(self.step_need, 1)
        why_row.addWidget(self.why_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.step_label)
        layout.addLayout(why_row)
        layout.addWidget(self.why_text)
        layout.addWidget(self.pages)
        # Tab from the step list reaches what to do (the drug field, the buttons) before
        # the "why" toggle.
        QWidget.setTabOrder(self.tick_button, self.yes_button)
        QWidget.setTabOrder(self.yes_button, self.no_button)
        QWidget.setTabOrder(self.no_button, self.drug_editor.search)
        QWidget.setTabOrder(self.drug_editor.record, self.why_button)

    def first_control(self, step: ChecklistStep | None) -> QWidget:
        """Where Tab from the step list goes for ``step``: what to do, not "why"."""
        if step is None:
            return self.why_button
        if step.kind == "tick":
            return self.tick_button
        if step.kind == "yes_no":
            return self.yes_button
        if step.kind == "choice":
            return self.choice_page.buttons[0] if self.choice_page.buttons else self.why_button
        if step.kind == "vaccines":
            return self.vaccines_page.view
        return self.drug_editor.search

    def _show_why(self, on: bool) -> None:
        self.why_text.setVisible(on)
        self.why_button.setArrowType(Qt.ArrowType.DownArrow if on else Qt.ArrowType.RightArrow)

    def clear(self) -> None:
        self.setEnabled(False)
        self.step_label.setText("")
        self.why_text.setText("")

    def show_step(self, run: ChecklistRun, step: ChecklistStep, row: int, status: str) -> None:
        self.setEnabled(run.is_open)
        self.setTitle(f"Step {row + 1} of {len(run.steps)}")
        self.step_label.setText(f"<b>{step.label}</b>")
        self.step_need.setText(status)
        self.why_text.setText(step.why)
        if step.kind == "tick":
            self.pages.setCurrentWidget(self.tick_page)
            done = run.is_done(step.key)
            self.tick_button.setText("Mark not done  (Space)" if done else "Mark done  (Space)")
            self.tick_button.setChecked(done)
        elif step.kind == "yes_no":
            self.pages.setCurrentWidget(self.yes_no_page)
            value = run.value(step.key)
            self.yes_button.setChecked(value == "yes")
            self.no_button.setChecked(value == "no")
        elif step.kind == "choice":
            self.choice_page.set_step(step, run.value(step.key))
            self.pages.setCurrentWidget(self.choice_page)
        elif step.kind == "vaccines":
            self.vaccines_page.set_checked(run.vaccines)
            self.pages.setCurrentWidget(self.vaccines_page)
        else:
            self.pages.setCurrentWidget(self.drug_editor)
