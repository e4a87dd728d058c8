"""Pick the drug (HCPCS) and enter the dose: the billing units show as you type.

The drug search runs off the UI thread through a
:class:`~desktop.ui.search.controller.SearchController` on the HCPCS code set; the
answer is narrowed to drug codes (those with a billing unit). The dose field reads the
amount and the unit together ("1 g"); a bare number is in the drug's own unit.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from desktop.records.checklist import Checklists, DrugDose
from desktop.reference.billing.dose import packaging_of
from desktop.reference.search import SearchEngine, SearchResponse
from desktop.reference.store import CodeSummary
from desktop.reference.units import UnitError
from desktop.ui.accessible import Announcer, name_clear_button, plain_text
from desktop.ui.checklist.dose_text import dose_warning, split_dose
from desktop.ui.checklist.models import DrugResultsModel
from desktop.ui.search.controller import SearchController

UNITS = ("mcg", "mg", "g", "units", "mL")
BIG_BUTTON_HEIGHT = 40
DRUGS_SHOWN = 20
DRUG_ROWS_SHOWN = 4
# Wide enough for "1,000 mcg" at any scale: measured in characters, not pixels.
DOSE_FIELD_CHARS = 12


class DrugDoseEditor(QWidget):
    """Search a HCPCS drug code, enter the dose, see the billing units live.

    Signals:
        record_requested(): Enter in a dose field, or the Record button.
    """

    record_requested = Signal()

    def __init__(
        self,
        book: Checklists,
        parent: QWidget | None = None,
        *,
        engine: SearchEngine | None = None,
    ) -> None:
        super().__init__(parent)
        self.book = book
        self._engine = engine
        self._search: SearchController | None = None
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
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.results.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.results.hide()  # shown while there are drugs to pick from
        self.results_model.modelReset.connect(self._fit_results)
        self.chosen = QLabel("No drug chosen yet.", self)
        self.chosen.setWordWrap(True)
        self.chosen.setAccessibleDescription("Chosen drug")
        self.dose = QLineEdit(self)
        self.dose.setPlaceholderText("e.g. 1 g or 1000")
        self.dose.setAccessibleName("Dose given, amount and unit")
        self.dose.setToolTip("The amount and its unit, e.g. 1 g; a bare number is in the unit")
        self.unit = QComboBox(self)
        self.unit.addItems(UNITS)
        self.unit.setAccessibleName("Dose unit")
        # On Linux a combo box is read by its value; its label (below) names it.
        self.unit.view().setAccessibleName("Dose units")
        self.unit_label = QLabel("&Unit:", self)
        self.unit_label.setBuddy(self.unit)
        self.unit.setToolTip("The unit of a bare number in the dose field")
        self.single_dose = QCheckBox("Single-dose container (JZ / JW apply)", self)
        self.single_dose.setAccessibleName("Single-dose container")
        self.discarded = QLineEdit(self)
        self.discarded.setPlaceholderText("0")
        self.discarded.setAccessibleName("Amount discarded, in the dose unit")
        chars = self.fontMetrics().horizontalAdvance("0" * DOSE_FIELD_CHARS)
        for field in (self.dose, self.discarded):
            field.setMinimumWidth(chars)
            field.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.units_label = QLabel(self)
        self.units_label.setWordWrap(True)
        self.units_label.setAccessibleDescription("Billing units")
        self._said_units = ""
        self._announcer = Announcer(self)  # the units as a dose is typed: the last one
        self.record = QPushButton("&Record drug and dose", self)
        self.record.setMinimumHeight(BIG_BUTTON_HEIGHT)
        self.record.setAccessibleName("Record drug and dose")

        dose_row = QHBoxLayout()
        dose_row.addWidget(self.dose, 1)
        dose_row.addWidget(self.unit_label)
        dose_row.addWidget(self.unit)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
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
        name_clear_button(self.search, "Clear drug search")

        self.search.textChanged.connect(self._on_search_text)
        self.search.returnPressed.connect(self._choose_current)
        self.search.installEventFilter(self)
        self.results.activated.connect(lambda i: self.choose(self.results_model.summary(i.row())))
        self.results.installEventFilter(self)
        for w in (self.dose, self.discarded):
            w.textChanged.connect(self.update_units)
            w.returnPressed.connect(self.record_requested)
        self.unit.currentTextChanged.connect(self.update_units)
        self.single_dose.toggled.connect(self._single_dose_toggled)
        # Whether the container is known: from the drug's data, or the person said so.
        self._container_known = False
        self.single_dose.clicked.connect(self._container_stated)
        self.record.clicked.connect(self.record_requested)
        self.setTabOrder(self.search, self.results)
        self.setTabOrder(self.results, self.dose)
        self.setTabOrder(self.dose, self.unit)
        self.setTabOrder(self.unit, self.single_dose)
        self.setTabOrder(self.single_dose, self.discarded)
        self.setTabOrder(self.discarded, self.record)
        self._single_dose_toggled(False)
        self.update_units()

    # ------------------------------------------------------------------ search

    def _controller(self) -> SearchController:
        if self._search is None:
            engine = self._engine or SearchEngine(self.book.reference)
            self._search = SearchController(engine, self, limit=40, system="HCPCS")
            self._search.answered.connect(self._on_answered)
            self._search.cleared.connect(lambda: self.results_model.set_results([]))
        return self._search

    def _on_search_text(self, text: str) -> None:
        self._controller().set_query(text)

    def _on_answered(self, _query: str, response: object) -> None:
        assert isinstance(response, SearchResponse)
        if self._drug_ids is None:
            self._drug_ids = {d.id for d in self.book.reference.drugs()}
        drugs = [r.summary for r in response.results if r.summary.id in self._drug_ids]
        self.results_model.set_results(drugs[:DRUGS_SHOWN])
        if drugs:
            self.results.setCurrentIndex(self.results_model.index(0))

    def _fit_results(self) -> None:
        """The list as tall as its rows, up to four (it scrolls beyond); hidden if empty."""
        rows = self.results_model.rowCount()
        self.results.setVisible(rows > 0)
        if rows:
            row = max(self.results.sizeHintForRow(0), self.fontMetrics().height())
            frame = 2 * self.results.frameWidth()
            self.results.setFixedHeight(row * min(rows, DRUG_ROWS_SHOWN) + frame + 2)

    def shutdown(self) -> None:
        """Stop the drug search thread (before the dock goes away)."""
        if self._search is not None:
            self._search.shutdown()

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

    def choose(self, summary: CodeSummary | None) -> None:
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
        self.unit.setCurrentText(record.billing_unit.unit)  # the drug's own unit
        packaging = packaging_of(record)
        self._container_known = single_dose is not None or packaging in (
            "single_dose",
            "multi_dose",
        )
        self.single_dose.setChecked(
            (packaging == "single_dose") if single_dose is None else single_dose
        )
        self.update_units()

    def _container_stated(self) -> None:
        self._container_known = True
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
        self.unit.setCurrentText(drug.unit)
        self.dose.setText(f"{format(drug.dose, 'f')} {drug.unit}")
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
            raise UnitError("Enter the dose given, e.g. 1 g.")
        amount, unit = split_dose(self.dose.text(), self.unit.currentText())
        return self.book.drug_dose(
            self.code,
            amount,
            unit,
            single_dose=self.single_dose.isChecked() if self._container_known else None,
            discarded=self.discarded.text() or None,
        )

    def warning(self, drug: DrugDose) -> str:
        """A second-look warning for ``drug`` (empty when the dose looks usual)."""
        record = self.book.reference.get(drug.code, "HCPCS")
        if record is None or record.billing_unit is None:
            return ""
        mue = self.book.reference.mue(drug.code)
        return dose_warning(
            drug.units, record.billing_unit, drug.dose, drug.unit, mue.units if mue else None
        )

    def update_units(self) -> None:
        try:
            drug = self.checked()
        except UnitError as exc:
            self.units_label.setText(str(exc))
            self._say_units()
            return
        s = "" if drug.units == 1 else "s"
        dose = f"{format(drug.dose, 'f')} {drug.unit}"
        text = (
            f"{dose} = <b>{drug.units} billing unit{s}</b> of {drug.code} (per {drug.billing_unit})"
        )
        if drug.wasted:
            text += f"; discarded {format(drug.discarded, 'f')} {drug.unit} goes on a JW line"
        elif drug.single_dose and drug.discarded == 0:
            text += "; nothing discarded: JZ (Medicare)"
        elif drug.single_dose:
            text += "; enter the amount discarded (0 if none): Medicare needs JZ or JW"
        elif drug.single_dose is None:
            text += "; container not known: tick it if single-dose (Medicare: JZ or JW)"
        # The billing core's warnings (far off the unit, above the MUE); failing those,
        # the window's own second look at a dose far from one billing unit.
        warnings = list(drug.warnings) or [w for w in (self.warning(drug),) if w]
        for warning in warnings:
            text += f"<br><b>Check:</b> {html.escape(warning)}"
        self.units_label.setText(text)
        self._say_units()

    def _say_units(self) -> None:
        """Say the units line when it changes and a drug is chosen (what sighted users see
        change below the dose field as they type)."""
        text = plain_text(self.units_label.text())
        if self.code is not None and text != self._said_units:
            self._said_units = text
            self._announcer.say(self.units_label, text)
