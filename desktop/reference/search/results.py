"""What a search returns: ranked results, with what matched and a typed dose's units."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from desktop.reference.search.query import Dose
from desktop.reference.store import BillingUnit, CodeSummary, ReferenceStore
from desktop.reference.units import UnitError, billing_units


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
    for r in results:
        bu = units.get(r.summary.id)
        if bu is None:
            out.append(r)
            continue
        try:
            n: int | None = billing_units(bu, dose.amount, dose.unit)
        except UnitError:
            n = None
        out.append(SearchResult(r.summary, r.match, r.matched, Dose(dose.amount, dose.unit, n)))
    # A dose asks for a drug: drugs the dose fits first, keeping their order.
    return sorted(out, key=lambda r: 0 if r.dose is not None and r.dose.units else 1)


def modifiers_phrase(modifiers: list[str]) -> str:
    """ "modifier 59" or "modifiers 59, XU": the words the CLI and the window show."""
    return ("modifier " if len(modifiers) == 1 else "modifiers ") + ", ".join(modifiers)
