"""History of completed runs and its CSV export, on the real per-user database."""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.records.checklist import Checklists
from desktop.records.history import (
    CSV_HEADER,
    HistoryError,
    completed_runs,
    export_csv,
    history_html,
    write_csv,
)
from desktop.records.store import UserStore
from desktop.reference.store import ReferenceStore


@pytest.fixture
def book(user_dir: Path, store: ReferenceStore) -> Iterator[Checklists]:
    with UserStore() as user:
        yield Checklists(user, store)


def finish(book: Checklists, code: str, dose: str, unit: str, **kw: object) -> int:
    run = book.start("injection-96372")
    for step in run.steps:
        if step.kind == "tick":
            run.tick(step.key)
        elif step.kind == "yes_no":
            run.answer(step.key, False)
        elif step.kind == "choice":
            run.choose(step.key, "medicare")
        else:
            kw.setdefault("discarded", "0")
            kw.setdefault("single_dose", False)
            run.set_drug(code, dose, unit, **kw)  # type: ignore[arg-type]
    run.complete()
    return run.id


def test_history_lists_completed_runs_newest_first(book: Checklists) -> None:
    first = finish(book, "J3420", "1000", "mcg", single_dose=True)
    second = finish(book, "J0696", "1", "g")
    book.start("injection-96372").tick("confirm-order")  # unfinished: not in the history
    entries = completed_runs(book.user)
    assert [e.run_id for e in entries] == [second, first]
    assert entries[1].drug_code == "J3420" and entries[1].dose == "1000 mcg"
    assert entries[1].drug_units == 1 and entries[1].lines_text == "96372 x 1; J3420 x 1 JZ"
    assert entries[0].drug_units == 4


def test_csv_export_contains_the_completed_runs(book: Checklists, tmp_path: Path) -> None:
    finish(book, "J3420", "1000", "mcg", single_dose=True)
    finish(book, "J0696", "300", "mg", single_dose=True, discarded="250")
    out = tmp_path / "history.csv"
    assert export_csv(book.user, out) == 2
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert tuple(rows[0]) == CSV_HEADER
    body = [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    assert [r["drug"] for r in body] == ["J0696", "J3420"]
    assert body[1]["billing units"] == "1" and body[1]["lines to bill"] == "96372 x 1; J3420 x 1 JZ"
    assert body[0]["discarded"] == "250 mg"
    assert body[0]["lines to bill"] == "96372 x 1; J0696 x 2; J0696 x 1 JW"
    assert all(r["completed (UTC)"].endswith("+00:00") for r in body)


def test_export_to_an_unwritable_place_says_so(book: Checklists, tmp_path: Path) -> None:
    finish(book, "J3420", "1000", "mcg")
    with pytest.raises(HistoryError, match="Could not write"):
        export_csv(book.user, tmp_path / "no-such-folder" / "history.csv")
    assert not list(tmp_path.glob(".quickref-*"))


def test_printable_html_escapes_and_has_no_colours(book: Checklists) -> None:
    finish(book, "J3420", "1000", "mcg", single_dose=True)
    page = history_html(completed_runs(book.user))
    assert "J3420 x 1 JZ" in page and "color" not in page.lower()


def test_csv_export_writes_formula_like_cells_as_text(book: Checklists) -> None:
    """A title from the reference data that a spreadsheet would run (OWASP CSV injection)."""
    finish(book, "J3420", "1000", "mcg", single_dose=True)
    [entry] = completed_runs(book.user)
    crafted = dataclasses.replace(entry, template_title='=HYPERLINK("http://x.invalid","go")')
    buf = io.StringIO()
    write_csv([crafted], buf)
    rows = list(csv.reader(io.StringIO(buf.getvalue())))
    title = rows[1][CSV_HEADER.index("checklist")]
    assert title == "'" + crafted.template_title
