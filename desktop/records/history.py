"""History of completed checklist runs: list, CSV export and printable HTML.

Reads only what a run keeps (times, template, drug, dose, units and the stored lines to
bill); there is nothing about the patient to show or export. The CSV is written to a
temporary file beside the target and moved into place, so a full disk never leaves a
half-written export behind. No Qt here: the window prints :func:`history_html`.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from desktop import csvout
from desktop.records.checklist import Billing
from desktop.records.store import UserStore

CSV_HEADER = (
    "completed (local time)",
    "completed (UTC)",
    "checklist",
    "code",
    "drug",
    "dose",
    "billing units",
    "container",
    "discarded",
    "separate E/M",
    "lines to bill",
)


class HistoryError(Exception):
    """The history could not be exported. ``str(exc)`` is meant for a person."""


# The history table's columns (window and printed report), matching HistoryEntry.cells().
COLUMNS = ("Completed", "Checklist", "Drug", "Dose", "Units", "Lines to bill")


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    run_id: int
    started_at: str  # ISO 8601, UTC
    completed_at: str  # ISO 8601, UTC
    template_id: str
    template_title: str
    code: str
    drug_code: str | None
    dose: str | None  # "1000 mcg"
    drug_units: int | None
    single_dose: bool | None
    discarded: str | None  # "200 mg"
    separate_em: bool | None
    billing: Billing

    @property
    def completed_local(self) -> str:
        return local_time(self.completed_at)

    def cells(self) -> tuple[str, ...]:
        """The row as shown in the history table and the printed report."""
        return (
            self.completed_local,
            f"{self.template_title} ({self.code})",
            self.drug_code or "",
            self.dose or "",
            "" if self.drug_units is None else str(self.drug_units),
            self.lines_text,
        )

    @property
    def lines_text(self) -> str:
        """The lines to bill on one line: ``96372 x 1; J3420 x 1 JZ``."""
        if self.billing.lines:
            return "; ".join(line.text for line in self.billing.lines)
        if self.billing.choices:
            return "choose: " + ", ".join(c.code for c in self.billing.choices)
        return ""

    @property
    def container(self) -> str:
        if self.single_dose is None:
            return ""
        return "single-dose" if self.single_dose else "multi-dose"


def local_time(iso: str) -> str:
    """``2026-03-02 14:05`` in the computer's time zone, from a stored UTC time."""
    try:
        when = dt.datetime.fromisoformat(iso)
    except ValueError:
        return iso
    return when.astimezone().strftime("%Y-%m-%d %H:%M")


def _yes_no(value: object) -> bool | None:
    return None if value is None else bool(value)


def completed_runs(user: UserStore, limit: int | None = None) -> list[HistoryEntry]:
    """Completed runs, newest first."""
    sql = (
        "SELECT id, started_at, completed_at, template_id, template_title, code, drug_code,"
        " dose_amount, dose_unit, drug_units, single_dose, discarded_amount, separate_em,"
        " billing_json FROM checklist_runs WHERE status = 'completed'"
        " ORDER BY completed_at DESC, id DESC"
    )
    params: tuple[object, ...] = ()
    if limit is not None:
        sql += " LIMIT ?"
        params = (int(limit),)
    out: list[HistoryEntry] = []
    for row in user.rows(sql, params):
        (
            run_id,
            started,
            completed,
            template_id,
            title,
            code,
            drug,
            dose,
            unit,
            units,
            single,
            discarded,
            em,
            billing_json,
        ) = row
        out.append(
            HistoryEntry(
                run_id=int(str(run_id)),
                started_at=str(started),
                completed_at=str(completed),
                template_id=str(template_id),
                template_title=str(title),
                code=str(code),
                drug_code=None if drug is None else str(drug),
                dose=None if dose is None else f"{dose} {unit}",
                drug_units=None if units is None else int(str(units)),
                single_dose=_yes_no(single),
                discarded=None if discarded is None else f"{discarded} {unit}",
                separate_em=_yes_no(em),
                billing=Billing.from_json(str(billing_json or "{}")),
            )
        )
    return out


def _row(e: HistoryEntry) -> list[str]:
    em = "" if e.separate_em is None else ("yes" if e.separate_em else "no")
    return [
        e.completed_local,
        e.completed_at,
        e.template_title,
        e.code,
        e.drug_code or "",
        e.dose or "",
        "" if e.drug_units is None else str(e.drug_units),
        e.container,
        e.discarded or "",
        em,
        e.lines_text,
    ]


def write_csv(entries: Sequence[HistoryEntry], stream: IO[str]) -> None:
    """The CSV of ``entries`` (header first; cells a spreadsheet would run are made text)."""
    csvout.write_csv(stream, CSV_HEADER, (_row(e) for e in entries))


def export_csv(user: UserStore, path: Path) -> int:
    """Write every completed run to ``path`` (UTF-8 with BOM, for spreadsheets). Returns
    the number of runs written."""
    entries = completed_runs(user)
    try:
        csvout.write_csv_file(path, CSV_HEADER, (_row(e) for e in entries), bom=True)
    except csvout.CsvWriteError as exc:
        raise HistoryError(f"Could not write {exc.path}: {exc.reason}.") from None
    return len(entries)


def history_html(entries: Sequence[HistoryEntry], title: str = "QuickRef checklist history") -> str:
    """A plain HTML table of ``entries`` for printing (no colours: the printer decides)."""
    head = "".join(f"<th align='left'>{html.escape(h)}</th>" for h in COLUMNS)
    body = []
    for e in entries:
        body.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in e.cells()) + "</tr>")
    printed = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M")
    return (
        f"<h2>{html.escape(title)}</h2>"
        f"<p>{len(entries)} completed run(s), printed {html.escape(printed)}. "
        "No patient information is recorded.</p>"
        "<table border='1' cellspacing='0' cellpadding='4' width='100%'>"
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )
