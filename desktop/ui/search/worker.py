"""Runs searches off the UI thread, so a keystroke never waits on a query.

The search controller (:mod:`desktop.ui.search.controller`) asks with
:meth:`SearchRunner.request` (returns at once) and gets :attr:`SearchRunner.answered`
back on its own thread. Requests carry a sequence
number; the worker skips any request that a newer one has overtaken, so a burst of
typing costs one query for the latest text, not one per key. It calls the same
``SearchEngine.search`` the CLI does. SQLite releases the GIL while it works, so
the UI thread keeps handling input meanwhile.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeAlias

from PySide6.QtCore import QObject, QThread, Signal, Slot

from desktop.reference.store import ReferenceDataError

if TYPE_CHECKING:  # the search is imported on the search thread, after the first paint
    from desktop.reference.search import SearchEngine, SearchResponse

# A screenful is about a dozen rows; 50 leaves room to scroll and keeps each answer
# small (every row is built in Python while the UI thread may be painting).
SEARCH_LIMIT = 50
_RUNNERS: weakref.WeakSet[SearchRunner] = weakref.WeakSet()
# An engine, or a function that returns one (called on the search thread, so building
# the engine's word lists stays off the way to the first paint).
EngineSource: TypeAlias = "SearchEngine | Callable[[], SearchEngine]"


def resolve(source: EngineSource) -> SearchEngine:
    from desktop.reference.search import SearchEngine  # loaded on the search thread

    return source if isinstance(source, SearchEngine) else source()


@atexit.register
def _shutdown_all() -> None:
    """A window never closed must still not leave its thread running at exit."""
    for runner in list(_RUNNERS):
        runner.shutdown()


class _Worker(QObject):
    """Lives on the search thread."""

    answered = Signal(int)  # seq: the response waits in SearchRunner._answers
    failed = Signal(int, str)  # seq, message for a person

    def __init__(self, engine: EngineSource, runner: SearchRunner) -> None:
        super().__init__()
        self._engine = engine
        self._runner = runner

    @Slot()
    def warm(self) -> None:
        # A damaged file is left to the first search, which says so in its own words.
        with contextlib.suppress(ReferenceDataError):
            resolve(self._engine).warm()
        # What start-up made (the window, the modules, the word lists just loaded) lives
        # as long as the app: keep it out of the garbage collector's full passes, which
        # otherwise stop both threads for 20-30 ms now and then while a person types.
        gc.freeze()

    @Slot(int, str, str)
    def run(self, seq: int, query: str, system: str) -> None:
        if seq != self._runner.latest:  # overtaken by newer typing: skip
            return
        try:
            engine = resolve(self._engine)  # a factory is called here, off the UI thread
            response = engine.search(query, limit=self._runner.limit, system=system or None)
        except ReferenceDataError as exc:
            self.failed.emit(seq, str(exc))
            return
        # Python objects stay out of the queued signal: the answer is handed over in a
        # dict (one item, set under the GIL) and only its number crosses threads.
        self._runner._answers[seq] = (query, system, response)
        self.answered.emit(seq)


class SearchRunner(QObject):
    """Owns the search thread. Call :meth:`shutdown` before the owner goes away."""

    answered = Signal(str, str, object)  # query, system, SearchResponse (latest only)
    failed = Signal(str)
    _ask = Signal(int, str, str)
    _warm = Signal()

    def __init__(
        self, engine: EngineSource, parent: QObject | None = None, *, limit: int = SEARCH_LIMIT
    ) -> None:
        super().__init__(parent)
        self.limit = limit
        self.engine = engine
        self.latest = 0
        self._answers: dict[int, tuple[str, str, SearchResponse]] = {}
        self._thread: QThread | None = QThread()
        self._thread.setObjectName("quickref-search")
        self._worker = _Worker(engine, self)
        self._worker.moveToThread(self._thread)
        self._ask.connect(self._worker.run)
        self._warm.connect(self._worker.warm)
        self._worker.answered.connect(self._on_answered)
        self._worker.failed.connect(self._on_failed)
        self._thread.finished.connect(self._worker.deleteLater)
        self._thread.start()
        _RUNNERS.add(self)
        thread = self._thread

        def stop_thread() -> None:  # the runner was deleted with its parent, unshut
            try:
                thread.quit()
                thread.wait()
            except RuntimeError:  # at exit the thread object may already be gone
                pass

        self.destroyed.connect(stop_thread)

    def request(self, query: str, system: str | None = None) -> int:
        """Ask for ``query``; returns at once. Older pending requests are dropped."""
        self.latest += 1
        seq = self.latest
        if self._thread is None:  # after shutdown: answer in place
            self._worker.run(seq, query, system or "")
        else:
            self._ask.emit(seq, query, system or "")
        return seq

    def warm(self) -> None:
        """Build the engine and load its word lists on the search thread, now."""
        if self._thread is not None:
            self._warm.emit()

    def cancel(self) -> None:
        """Drop every answer still on its way."""
        self.latest += 1

    def set_engine(self, engine: EngineSource) -> None:
        """Search with ``engine`` from the next request on (new reference data)."""
        self.cancel()  # answers still in flight came from the old data
        self.engine = engine
        self._worker._engine = engine

    @Slot(int)
    def _on_answered(self, seq: int) -> None:
        answer = self._answers.pop(seq, None)
        if answer is not None and seq == self.latest:
            self.answered.emit(*answer)

    @Slot(int, str)
    def _on_failed(self, seq: int, message: str) -> None:
        if seq == self.latest:
            self.failed.emit(message)

    def shutdown(self) -> None:
        """Stop the thread and wait for it (a running query finishes first)."""
        thread, self._thread = self._thread, None
        if thread is not None:
            self.cancel()  # anything still queued is now stale
            thread.quit()
            thread.wait()
            # The worker now runs on this thread for any later (synchronous) request.
            self._worker = _Worker(self.engine, self)
            self._worker.answered.connect(self._on_answered)
            self._worker.failed.connect(self._on_failed)
