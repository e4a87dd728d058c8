"""The reference data a running app uses: store, search engine and licensed texts.

:class:`ReferenceSession` is plain Python (no Qt): the window, the checklist and the
self-test share one, and :meth:`ReferenceSession.reopen` switches all of them to the
reference data now in use (after an import or ``db use-bundled``). The new store is
opened and verified before anything changes; on failure the session keeps what it had.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from desktop.reference.store import (
    ChecklistTemplate,
    CodeRecord,
    Mue,
    ReferenceDataError,
    ReferenceStore,
)

if TYPE_CHECKING:
    from desktop.reference.search import SearchEngine

LicensedText = Callable[[str, str], str | None]
LicensedLoader = Callable[[], LicensedText | None]


def no_licensed_text(system: str, code: str) -> str | None:
    """The default provider: no licensed CPT descriptors installed."""
    return None


def installed_licensed_text() -> LicensedText | None:
    """The clinic's own licensed CPT texts, if a file was imported (else None)."""
    from desktop.reference.licensed import LicensedTexts

    texts = LicensedTexts()
    return texts.text_for if texts else None


class ReferenceSession:
    """Owns the reference store in use, its search engine and the licensed texts.

    Attributes:
        store: the :class:`ReferenceStore` in use.
        engine: the :class:`SearchEngine` over ``store`` (built when first used).
        licensed_text: ``(system, code) -> text or None`` (loaded on first use).
        licensed_loader: called on :meth:`reopen` to pick up newly imported texts.
    """

    def __init__(
        self,
        store: ReferenceStore,
        *,
        engine: SearchEngine | None = None,
        licensed_text: LicensedText | None = None,
        licensed_loader: LicensedLoader | None = None,
    ) -> None:
        self.store = store
        self._engine = engine  # made when first needed: it reads the word lists
        self._engine_lock = threading.Lock()
        # Loaded when first needed (the first code shown), not at start-up.
        self._licensed: LicensedText | None = licensed_text
        self.licensed_loader = licensed_loader
        self._retired: list[ReferenceStore] = []

    @classmethod
    def open(cls, db: Path | None = None, *, verify: bool = False) -> ReferenceSession:
        """A session on ``db`` (default: the data in use) with the installed licensed
        texts (read when first needed)."""
        return cls(ReferenceStore(db, verify=verify), licensed_loader=installed_licensed_text)

    @property
    def engine(self) -> SearchEngine:
        """The search engine over :attr:`store` (built on first use, on any thread)."""
        from desktop.reference.search import SearchEngine  # not on the way to the first paint

        with self._engine_lock:
            if self._engine is None or self._engine.store is not self.store:
                self._engine = SearchEngine(self.store)
            return self._engine

    @property
    def licensed_text(self) -> LicensedText:
        if self._licensed is None:
            loaded = self.licensed_loader() if self.licensed_loader is not None else None
            self._licensed = loaded or no_licensed_text
        return self._licensed

    def set_licensed_text(self, provider: LicensedText | None) -> None:
        self._licensed = provider or no_licensed_text

    def reopen(self) -> ReferenceStore:
        """Switch to the reference data now in use; returns the new store.

        Raises :class:`~desktop.reference.store.ReferenceDataError` (and changes nothing)
        when the new data cannot be opened or verified. The old store stays open until
        :meth:`close`, since an answer from it may still be on its way.
        """
        store = ReferenceStore(verify=True)
        self._retired.append(self.store)
        from desktop.reference.search import SearchEngine

        with self._engine_lock:
            self.store = store
            self._engine = SearchEngine(store)
        self._licensed = None  # newly imported texts are read when next needed
        return store

    def close_retired(self) -> None:
        """Close the stores replaced by :meth:`reopen`."""
        for old in self._retired:
            old.close()
        self._retired.clear()

    def close(self) -> None:
        """Close every store this session opened or was given."""
        self.close_retired()
        self.store.close()

    def code_view(self, system: str, code: str) -> CodeView | None:
        """What the detail pane shows for ``code`` of ``system`` (any system when empty):
        the record, the checklists that start from it, the clinic's licensed text and
        the MUE (None if the MUE table cannot be read: the rest is still shown). None
        if there is no such code; :class:`ReferenceDataError` if the data cannot be read.
        """
        store = self.store
        rec = store.get(code, system or None)
        if rec is None:
            return None
        templates = store.templates_for(rec.code, rec.system)
        try:
            mue = store.mue_of(rec)
        except ReferenceDataError:
            mue = None
        return CodeView(rec, templates, self.licensed_text(rec.system, rec.code), mue)


class CodeView(NamedTuple):
    """One code as the detail pane shows it (see :meth:`ReferenceSession.code_view`)."""

    record: CodeRecord
    templates: list[ChecklistTemplate]
    licensed: str | None
    mue: Mue | None
