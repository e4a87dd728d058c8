"""What a search returns: ranked results, with what matched and a typed dose's units."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from desktop.reference.search.query import Dose
from desktop.reference.store import BillingUnit, CodeSummary, ReferenceStore
from desktop.reference.units import UnitError, billing_units, exact_units


@dataclass(frozen=True, slots=True)
class SearchResult:
    summary: CodeSummary
    match: str  # exact | term | prefix | text
    matched: str | None = None  # the term, abbreviation or index entry that matched
    dose: Dose | None = None  # the dose typed, with the billing units it comes to

    @property
    def code(self) -> str:
        return self.summary.code

    @property
    def system(self) -> str:
        return self.summary.system

    @property
    def title(self) -> str:
        return self.summary.title

    @property
    def billable(self) -> bool | None:
        return self.summary.billable


@dataclass(frozen=True, slots=True)
class SearchResponse:
    query: str
    results: list[SearchResult]
    corrected: str | None = None  # the words actually searched, when a typo was fixed
    suggestions: list[str] = field(default_factory=list)  # near matches when nothing matched
    # Modifiers typed after a code that the reference does not hold ("96372-59"): left out
    # of the search, and said so.
    other_modifiers: list[str] = field(default_factory=list)


def with_dose(store: ReferenceStore, results: list[SearchResult], dose: Dose) -> list[SearchResult]:
    """Billing units of the dose on each drug result; drugs first."""
    ids = [r.summary.id for r in results]
    if not ids:
        return results
    marks = ",".join("?" * len(ids))
    units: dict[int, BillingUnit] = {
        int(i): BillingUnit(Decimal(str(a)), str(u))
        for i, a, u in store.query(
            f"SELECT id, unit_amount, unit FROM codes WHERE id IN ({marks})"
            " AND unit_amount IS NOT NULL",
            list[object](ids),
        )
    }
    out = []
    whole: dict[int, bool] = {}  # the dose is a whole number of the code's units
    for r in results:
        bu = units.get(r.summary.id)
        if bu is None:
            out.append(r)
            continue
        try:
            n: int | None = billing_units(bu, dose.amount, dose.unit)
            whole[r.summary.id] = exact_units(bu, dose.amount, dose.unit) == n
        except UnitError:
            n = None
        out.append(SearchResult(r.summary, r.match, r.matched, Dose(dose.amount, dose.unit, n)))
    # A dose asks for a drug: drugs the dose fits first, keeping their order.
    out.sort(key=lambda r: 0 if r.dose is not None and r.dose.units else 1)
    return _by_size(out, whole)


def _by_size(out: list[SearchResult], whole: dict[int, bool]) -> list[SearchResult]:
    """One product in several sizes (found by the same brand or name, one after another):
    the size the dose is a whole number of, and the fewest units of, first. Beyfortus
    100 mg is one 1 mL syringe (90381 x 1), not two 0.5 mL ones (90380 x 2)."""
    i = 0
    while i < len(out):
        j = i + 1
        label = out[i].matched
        while (
            j < len(out)
            and label is not None
            and out[j].matched == label
            and out[j].dose is not None
        ):
            j += 1
        if j - i > 1 and out[i].dose is not None:
            run = out[i:j]
            run.sort(
                key=lambda r: (
                    not whole.get(r.summary.id, False),
                    (r.dose.units or 0) if r.dose else 0,
                )
            )
            out[i:j] = run
        i = j
    return out


def modifiers_phrase(modifiers: list[str]) -> str:
    """ "modifier 59" or "modifiers 59, XU": the words the CLI and the window show."""
    return ("modifier " if len(modifiers) == 1 else "modifiers ") + ", ".join(modifiers)
