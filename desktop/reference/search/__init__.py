"""Search: the one function the CLI and the window share (see ``engine.py``)."""

from desktop.reference.keys import MAX_QUERY_CHARS, SYSTEMS, clean_query
from desktop.reference.search.engine import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    RANK_CAP,
    SearchEngine,
)
from desktop.reference.search.query import MAX_WORDS, Dose
from desktop.reference.search.results import SearchResponse, SearchResult

__all__ = [
    "DEFAULT_LIMIT",
    "MAX_LIMIT",
    "MAX_QUERY_CHARS",
    "MAX_WORDS",
    "RANK_CAP",
    "SYSTEMS",
    "Dose",
    "SearchEngine",
    "SearchResponse",
    "SearchResult",
    "clean_query",
]
