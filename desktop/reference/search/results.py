"""What a search returns: ranked results, with what matched and a typed dose's units."""

from __future__ import annotations

from dataclasses import dataclass, field

from desktop.reference.search.query import Dose
from desktop.reference.store import CodeSummary


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
