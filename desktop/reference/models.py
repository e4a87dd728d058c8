"""What the reference store hands out: plain frozen records, and the rules of a code set's
window (when its release is in force). No SQL here; :mod:`desktop.reference.store` reads
the database and builds these.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:  # an annotation only: the window's start does not load decimal
    from decimal import Decimal


class ReferenceDataError(Exception):
    """The reference database cannot be used. ``str(exc)`` is meant for a person."""


class CodeSummary(NamedTuple):
    id: int
    system: str
    code: str
    title: str
    billable: bool | None
    status: str
    curated: bool
    kind: str


class BillingUnit(NamedTuple):
    amount: Decimal
    unit: str

    def __str__(self) -> str:
        return f"{format(self.amount, ',f')} {self.unit}"


class CrossRef(NamedTuple):
    relation: str  # use_instead | report_with | see_also
    system: str
    code: str
    title: str
    status: str
    note: str


class Note(NamedTuple):
    kind: str
    text: str
    source_id: str


class Question(NamedTuple):
    question: str
    answer: str
    source_id: str


class Source(NamedTuple):
    id: str
    title: str
    publisher: str
    url: str
    licence: str


class CodeRecord(NamedTuple):
    summary: CodeSummary
    description: str
    effective: str | None
    terminated: str | None
    billing_unit: BillingUnit | None
    routes: tuple[str, ...]
    single_dose: bool  # packaging == "single_dose"
    terms: tuple[str, ...]
    source: Source
    notes: tuple[Note, ...]
    questions: tuple[Question, ...]
    xrefs: tuple[CrossRef, ...]
    referenced_by: tuple[CrossRef, ...]
    parent: CodeSummary | None
    children: tuple[CodeSummary, ...]
    block: tuple[str, str] | None  # (id, title) for ICD-10-CM
    packaging: str | None = None  # drugs: single_dose | multi_dose | both (from the label)
    vaccine_group: str | None = None  # vaccines: influenza | pneumococcal | hepatitis_b | ...
    components: int | None = None  # vaccines: diseases protected against (90461)

    @property
    def code(self) -> str:
        return self.summary.code

    @property
    def system(self) -> str:
        return self.summary.system

    @property
    def title(self) -> str:
        return self.summary.title


class ChecklistStep(NamedTuple):
    key: str
    label: str
    why: str
    required: bool
    kind: str  # keys.STEP_KINDS
    stop_answer: str | None
    stop_message: str | None
    switch_to: str | None
    required_for: tuple[str, ...] = ()  # drug codes for which this step is required
    options: tuple[tuple[str, str], ...] = ()  # choice steps: (value, label)

    def required_with(self, drug_code: str | None) -> bool:
        """Whether the step must be done when ``drug_code`` is the drug recorded."""
        return self.required or (drug_code is not None and drug_code.upper() in self.required_for)


class ChecklistTemplate(NamedTuple):
    id: str
    title: str
    system: str
    code: str
    source_id: str
    steps: tuple[ChecklistStep, ...]


class CodeSetInfo(NamedTuple):
    system: str
    release: str
    source_id: str
    codes: int
    billable: int
    effective_from: str | None = None
    effective_through: str | None = None

    def current(self, today: dt.date | None = None) -> bool:
        """True when ``today`` lies inside the release's window (no window: True)."""
        return _in_window(self.effective_from, self.effective_through, today)


#: What to get when a code set is past its window: (who publishes it, the file to import).
UPDATE_SOURCES: dict[str, tuple[str, str]] = {
    "ICD-10-CM": (
        "CDC (NCHS)",
        "the ICD-10-CM tabular list XML for the current fiscal year "
        "(https://www.cdc.gov/nchs/icd/icd-10-cm/files.html)",
    ),
    "HCPCS": (
        "CMS",
        "the current quarter's HCPCS Level II alpha-numeric file "
        "(https://www.cms.gov/medicare/coding-billing/healthcare-common-procedure-system/"
        "quarterly-update)",
    ),
    "CPT": ("AMA", "the current CPT release (a licensed data file from the AMA)"),
    "MUE": (
        "CMS",
        "the current quarter's Medically Unlikely Edits table, practitioner services, as CSV "
        "(https://www.cms.gov/medicare/coding-billing/national-correct-coding-initiative-ncci-edits/"
        "medicare-ncci-medically-unlikely-edits)",
    ),
}


def _in_window(start: str | None, end: str | None, today: dt.date | None) -> bool:
    day = (today or dt.date.today()).isoformat()
    return (not start or start <= day) and (not end or day <= end)


def stale_code_set_warnings(info: DatabaseInfo, today: dt.date | None = None) -> list[str]:
    """One sentence a code set past its window: what is old and what to import."""
    out: list[str] = []
    sets = [(c.system, c.release, c.effective_from, c.effective_through) for c in info.code_sets]
    if info.mue is not None:
        m = info.mue
        sets.append(
            ("MUE", f"table effective {m.effective_from}", m.effective_from, m.effective_through)
        )
    for system, release, start, end in sets:
        if _in_window(start, end, today):
            continue
        who, what = UPDATE_SOURCES.get(system, ("the publisher", "the current file"))
        day = (today or dt.date.today()).isoformat()
        if end and day > end:
            out.append(
                f"{system} {release} is out of date (in force until {end}). Get {what} from "
                f"{who}, then use File > Import reference files."
            )
        else:
            out.append(f"{system} {release} is not in force yet (from {start}).")
    return out


class MueSetInfo(NamedTuple):
    effective_from: str
    effective_through: str | None
    source_id: str
    rows: int

    def current(self, today: dt.date | None = None) -> bool:
        return _in_window(self.effective_from, self.effective_through, today)


class Mue(NamedTuple):
    """A CMS Medically Unlikely Edit: the most units of ``code`` one provider reports for
    one patient, per claim line (indicator 1) or per day (2: policy, 3: clinical)."""

    code: str
    units: int
    indicator: int
    indicator_text: str
    rationale: str
    effective: str


#: MUE adjudication indicators in words (as importers/cms_mue.py, kept here so the store
#: does not import the importers). Source: sources.toml ``cms-mue-indicators``.
MUE_INDICATORS: dict[int, str] = {
    1: "Line edit: the limit applies to each claim line",
    2: "Date of service edit, policy: the limit applies to all lines for the code on one day"
    " (set by policy; not raised on appeal)",
    3: "Date of service edit, clinical: the limit applies to all lines for the code on one day"
    " (clinical; may be exceeded on appeal with records)",
}


class DatabaseInfo(NamedTuple):
    path: Path
    schema_version: int
    data_version: str
    released: str
    build_time: str
    checksum: str
    code_sets: tuple[CodeSetInfo, ...]
    sources: tuple[Source, ...]
    size_bytes: int
    mue: MueSetInfo | None = None
