"""The results list as a Qt model: search results, or pinned and recent codes.

A thin adapter over plain rows (:class:`ResultRow`) built from the search engine's
:class:`~desktop.reference.search.SearchResult` or the store's
:class:`~desktop.reference.store.CodeSummary`. The view paints them with
:class:`~desktop.ui.results_delegate.ResultsDelegate`; any other view still gets a
readable display text, a tooltip and an accessible description from the model.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from enum import IntEnum
from typing import TYPE_CHECKING, Any, NamedTuple

from PySide6.QtCore import (
    QAbstractListModel,
    QByteArray,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
)

from desktop.records.home import SECTION_PINNED as SECTION_PINNED
from desktop.records.home import SECTION_RECENT as SECTION_RECENT
from desktop.reference.store import CodeSummary
from desktop.ui.qt_values import ACCESSIBLE_TEXT_ROLE, DISPLAY_ROLE, TOOLTIP_ROLE, USER_ROLE

if TYPE_CHECKING:  # the search is loaded after the first paint
    from desktop.reference.search import SearchResult

_Index = QModelIndex | QPersistentModelIndex

SECTION_RESULTS = ""


class Role(IntEnum):
    """Custom data roles (``Qt.ItemDataRole.UserRole`` and up; plain ints, see
    :mod:`desktop.ui.qt_values`)."""

    CODE = USER_ROLE + 1
    SYSTEM = USER_ROLE + 2
    TITLE = USER_ROLE + 3
    BILLABLE = USER_ROLE + 4  # True, False or None (not applicable)
    STATUS = USER_ROLE + 5  # active | deleted | not_for_new_use | ...
    CODE_ID = USER_ROLE + 6
    SECTION = USER_ROLE + 7  # "" for search results, else a heading
    PINNED = USER_ROLE + 8
    MARKS = USER_ROLE + 9  # list[str]: the visible marks, as words
    SHOWN_TITLE = USER_ROLE + 10  # the title as painted (status first)
    MATCHED = USER_ROLE + 11  # the term or abbreviation that matched, or ""
    DOSE = USER_ROLE + 12  # a typed dose and its billing units, or ""


class ResultRow(NamedTuple):
    code_id: int
    system: str
    code: str
    title: str
    billable: bool | None
    status: str
    section: str = SECTION_RESULTS
    pinned: bool = False
    kind: str = ""  # the store's kind: code, drug, modifier, vaccine, ...
    matched: str = ""  # what matched when it is not the title ("chf")
    dose: str = ""  # "30 mg = 2 units"

    @classmethod
    def from_summary(
        cls, s: CodeSummary, section: str = SECTION_RESULTS, pinned: bool = False
    ) -> ResultRow:
        return cls(s.id, s.system, s.code, s.title, s.billable, s.status, section, pinned, s.kind)

    @property
    def shown_title(self) -> str:
        """The second line: the title, led by the status in capitals when not active."""
        if self.status == "active":
            return self.title
        return f"{status_label(self.status).upper()}: {self.title}"

    @classmethod
    def from_result(cls, r: SearchResult, pinned: bool = False) -> ResultRow:
        s = r.summary
        matched = r.matched or ""
        title_words = set(s.title.casefold().replace(",", " ").split())
        if set(matched.casefold().split()) <= title_words:  # the title says it already
            matched = ""
        dose = str(r.dose) if r.dose is not None and r.dose.units is not None else ""
        return cls(
            s.id, s.system, s.code, s.title, s.billable, s.status, SECTION_RESULTS, pinned,
            s.kind, matched, dose,
        )  # fmt: skip

    @property
    def marks(self) -> list[str]:
        """The row's marks as words (shown as text, never by colour alone)."""
        out = []
        if self.status != "active":
            out.append(status_label(self.status))
        if self.kind == "modifier":
            out.append("modifier")  # added to a code's line, never billed alone
        elif self.billable is True:
            out.append("billable")
        elif self.billable is False:
            out.append("not billable")
        if self.pinned:
            out.append("pinned")
        return out


def status_label(status: str) -> str:
    """``not_for_new_use`` -> ``not for new use``."""
    return status.replace("_", " ")


class ResultsModel(QAbstractListModel):
    """One row a code. Replace the rows with :meth:`set_rows` (one model reset)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[ResultRow] = []
        self.query = ""  # the query these rows answer ("" for the empty-search state)

    # ----------------------------------------------------------------- Qt API

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    # Qt's data(): one branch per item role.
    def data(  # noqa: C901
        self, index: _Index, role: int = DISPLAY_ROLE
    ) -> Any:
        if not index.isValid() or index.row() >= len(self._rows) or index.column() != 0:
            return None
        row = self._rows[index.row()]
        if role == DISPLAY_ROLE:
            return f"{row.code}  {row.system}  {row.shown_title}"
        if role in (TOOLTIP_ROLE, ACCESSIBLE_TEXT_ROLE):
            marks = ", ".join(row.marks)
            text = f"{row.code} ({row.system}, {marks}): {row.title}"
            if row.matched:
                text += f" (matched: {row.matched})"
            if row.dose:
                text += f"; {row.dose}"
            return text
        if role == Role.CODE:
            return row.code
        if role == Role.SYSTEM:
            return row.system
        if role == Role.TITLE:
            return row.title
        if role == Role.SHOWN_TITLE:
            return row.shown_title
        if role == Role.BILLABLE:
            return row.billable
        if role == Role.STATUS:
            return row.status
        if role == Role.CODE_ID:
            return row.code_id
        if role == Role.SECTION:
            return row.section
        if role == Role.PINNED:
            return row.pinned
        if role == Role.MARKS:
            return row.marks
        if role == Role.MATCHED:
            return row.matched
        if role == Role.DOSE:
            return row.dose
        return None

    # flags(): QAbstractListModel's own (enabled, selectable, never has children; none
    # for an invalid index), which is what every row is; also no Python call a row.

    def roleNames(self) -> dict[int, QByteArray]:
        names = dict(super().roleNames())
        for role in Role:
            names[int(role)] = QByteArray(role.name.lower().encode())
        return names

    # ----------------------------------------------------------------- ours

    def set_rows(self, rows: Iterable[ResultRow], query: str = "") -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.query = query
        self.endResetModel()

    def set_pinned(self, pinned: set[tuple[str, str]]) -> None:
        """Mark the rows of ``pinned`` codes (and unmark the rest) in place."""
        for i, r in enumerate(self._rows):
            now = (r.system, r.code) in pinned
            if now != r.pinned:
                self._rows[i] = r._replace(pinned=now)
                index = self.index(i, 0)
                self.dataChanged.emit(index, index)

    def rows(self) -> Sequence[ResultRow]:
        return tuple(self._rows)

    def row_at(self, row: int) -> ResultRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, system: str, code: str) -> int:
        """The row showing ``code`` of ``system``, or -1."""
        for i, r in enumerate(self._rows):
            if r.system == system and r.code == code:
                return i
        return -1

    def section_starts(self, row: int) -> bool:
        """Whether ``row`` is the first of a headed section (pinned, recent)."""
        r = self.row_at(row)
        if r is None or not r.section:
            return False
        prev = self.row_at(row - 1)
        return prev is None or prev.section != r.section
