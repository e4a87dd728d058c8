"""The results model: pytest-qt's model tester, roles and marks, on real search results."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester

from desktop.reference.search import SearchEngine
from desktop.reference.store import ReferenceStore
from desktop.ui.results_model import SECTION_PINNED, ResultRow, ResultsModel, Role


def test_model_passes_qtmodeltester(qtmodeltester: ModelTester, engine: SearchEngine) -> None:
    model = ResultsModel()
    qtmodeltester.check(model)  # empty
    rows = [ResultRow.from_result(r) for r in engine.search("b12", limit=30).results]
    model.set_rows(rows, "b12")
    qtmodeltester.check(model)
    model.set_rows([], "")
    qtmodeltester.check(model)


def test_roles_carry_code_system_title_billable_status(engine: SearchEngine) -> None:
    model = ResultsModel()
    model.set_rows([ResultRow.from_result(r) for r in engine.search("b12").results], "b12")
    index = model.index(model.row_of("HCPCS", "J3420"), 0)
    assert index.data(Role.CODE) == "J3420"
    assert index.data(Role.SYSTEM) == "HCPCS"
    assert "b-12" in index.data(Role.TITLE).lower()
    assert index.data(Role.BILLABLE) is True
    assert index.data(Role.STATUS) == "active"
    assert str(index.data(Qt.ItemDataRole.DisplayRole)).split()[0] == "J3420"
    assert model.query == "b12"
    names = model.roleNames()
    assert names[int(Role.CODE)] == b"code" and names[int(Role.BILLABLE)] == b"billable"


def test_marks_are_words(store: ReferenceStore) -> None:
    deleted = store.find("0001A", "CPT")[0]
    category = store.find("E53", "ICD-10-CM")[0]
    assert ResultRow.from_summary(deleted).marks[0] == "deleted"
    assert ResultRow.from_summary(category).marks == ["not billable"]
    pinned = ResultRow.from_summary(store.find("96372")[0], SECTION_PINNED, pinned=True)
    assert pinned.marks == ["billable", "pinned"]


def test_sections_start_once(store: ReferenceStore) -> None:
    model = ResultsModel()
    a, b = store.find("96372")[0], store.find("J3420")[0]
    model.set_rows(
        [ResultRow.from_summary(a, SECTION_PINNED), ResultRow.from_summary(b, SECTION_PINNED)]
    )
    assert model.section_starts(0) and not model.section_starts(1)
    assert model.index(5, 0).data(Role.CODE) is None


def test_rows_say_what_matched_and_the_dose_units(qtbot: object, engine: SearchEngine) -> None:
    from PySide6.QtWidgets import QListView

    from desktop.ui.results_delegate import ResultsDelegate

    model = ResultsModel()
    rows = [ResultRow.from_result(r) for r in engine.search("chf", limit=5).results]
    rows += [ResultRow.from_result(r) for r in engine.search("ketorolac 30 mg", limit=3).results]
    model.set_rows(rows, "mixed")
    chf = model.index(model.row_of("ICD-10-CM", "I50.9"), 0)
    assert chf.data(Role.MATCHED) == "chf"
    assert "matched: chf" in chf.data(Qt.ItemDataRole.AccessibleTextRole)
    drug = model.index(model.row_of("HCPCS", "J1885"), 0)
    assert drug.data(Role.DOSE) == "30 mg = 2 units"
    assert "30 mg = 2 units" in drug.data(Qt.ItemDataRole.ToolTipRole)
    # A row matched on its own title says nothing more.
    plain = ResultRow.from_result(engine.search("96372").results[0])
    assert plain.matched == "" and plain.dose == ""
    view = QListView()
    view.setModel(model)
    view.setItemDelegate(ResultsDelegate(view))
    view.resize(420, 400)
    view.show()
    assert not view.grab().isNull()  # paints the matched line and the dose without error
