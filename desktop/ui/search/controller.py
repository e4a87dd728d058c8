"""What the results list should answer: the search controller (no widgets).

:class:`SearchController` owns the search thread (:class:`SearchRunner`) and decides
which answer is current: the text typed and the code-system filter chosen. An answer
for anything else (typing moved on, the filter changed, the data was switched) is
dropped here, so the widgets only ever see the answer to what is on screen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from desktop.reference.keys import clean_query
from desktop.ui.search.worker import SEARCH_LIMIT, EngineSource, SearchRunner, resolve

if TYPE_CHECKING:
    from desktop.reference.search import SearchEngine


class SearchController(QObject):
    """Searches as the query or filter changes, off the UI thread.

    Attributes:
        query: the text the answers are for (as typed).
        system: the code-system filter (None: all).

    Signals:
        answered(str, object): query, :class:`SearchResponse` for the current query.
        failed(str, str): query, a message for a person.
        cleared(): the query is empty (show the home list); pending answers dropped.
    """

    answered = Signal(str, object)
    failed = Signal(str, str)
    cleared = Signal()

    def __init__(
        self,
        engine: EngineSource,
        parent: QObject | None = None,
        *,
        limit: int = SEARCH_LIMIT,
        system: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.query = ""
        self.system = system
        self._runner = SearchRunner(engine, self, limit=limit)
        self._runner.answered.connect(self._on_answered)
        self._runner.failed.connect(self._on_failed)

    @property
    def engine(self) -> SearchEngine:
        return resolve(self._runner.engine)

    def set_query(self, text: str) -> None:
        """Search for ``text`` (an empty query emits :attr:`cleared` at once)."""
        self.query = text
        self._ask()

    def set_system(self, system: str | None) -> None:
        """Filter by ``system`` (None: all) and search again."""
        self.system = system or None
        self._ask()

    def rerun(self) -> None:
        """Search again for the current query (after the data changed)."""
        self._ask()

    def warm(self) -> None:
        """Get the search ready on its thread (called just after the first paint)."""
        self._runner.warm()

    def set_engine(self, engine: EngineSource) -> None:
        """Search new reference data; answers from the old data are dropped."""
        self._runner.set_engine(engine)

    def shutdown(self) -> None:
        """Stop the search thread (call before the owner goes away)."""
        self._runner.shutdown()

    def _ask(self) -> None:
        if not clean_query(self.query):
            self._runner.cancel()
            self.cleared.emit()
            return
        self._runner.request(self.query, self.system)

    def _on_answered(self, query: str, system: str, response: object) -> None:
        if query != self.query or (system or None) != self.system:
            return  # stale: the query or filter changed since; a newer answer is coming
        from desktop.reference.search import SearchResponse

        assert isinstance(response, SearchResponse)
        self.answered.emit(query, response)

    def _on_failed(self, message: str) -> None:
        self.failed.emit(self.query, message)
