"""Query -> ranked results: the one search function the CLI and the window share.

Order of results (what a front desk most likely means first):
1. the exact code (96372, j3420, E538 for E53.8), and curated codes whose search
   term is exactly the query (a brand name such as "Toradol");
2. curated injection content: code prefixes, then full-text matches ranked by bm25;
3. everything else: code prefixes, then full-text matches (ranked once the query
   narrows; broad short prefixes are served unranked, in code order).

Words are expanded with synonyms (IM, SC/SQ/subq, shot, B12, ...), the last word is
a prefix, and a word not in the index's vocabulary is corrected against it. Any input
returns a response, never an exception: the text is cleaned, capped and quoted before
it reaches FTS5.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass, field

from desktop.reference.keys import SYSTEMS as SYSTEMS  # re-exported: the window imports it here
from desktop.reference.keys import code_key, term_key
from desktop.reference.store import CodeSummary, ReferenceStore

MAX_QUERY_CHARS = 200
MAX_WORDS = 8
DEFAULT_LIMIT = 50
MAX_LIMIT = 1000
# A broad prefix matches thousands of rows; above this many we serve them unranked.
RANK_CAP = 2000

_CODE_SHAPE = re.compile(r"^[A-Z0-9]{1,7}(\.[A-Z0-9]{0,4})?$")
_WORD = re.compile(r"[^\W_]+")
# Words that narrow nothing in ICD-10-CM titles; left out of bulk full-text matching.
_STOP_WORDS = frozenset("of the and for with without in on to by or due other unspecified".split())


@dataclass(frozen=True, slots=True)
class SearchResult:
    summary: CodeSummary
    match: str  # exact | term | prefix | text

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


def clean_query(text: str) -> str:
    """Normalise what was typed: NFKC, no control characters, single spaces, capped."""
    text = unicodedata.normalize("NFKC", text[: MAX_QUERY_CHARS * 4])
    text = "".join(" " if unicodedata.category(ch)[0] in "CZ" else ch for ch in text)
    return " ".join(text.split())[:MAX_QUERY_CHARS].strip()


class SearchEngine:
    """Search over one :class:`ReferenceStore`. Cheap to call; loads its word lists once."""

    def __init__(self, store: ReferenceStore) -> None:
        self.store = store
        self._synonyms = store.synonyms()
        self._vocab = store.vocabulary()
        self._vocab_set = set(self._vocab)

    # ------------------------------------------------------------------ public

    def search(
        self, query: str, limit: int = DEFAULT_LIMIT, system: str | None = None
    ) -> SearchResponse:
        q = clean_query(query)
        limit = max(1, min(int(limit), MAX_LIMIT))
        if system is not None and system not in SYSTEMS:
            system = None
        if not q:
            return SearchResponse(query, [])
        ranked: dict[int, str] = {}  # id -> match kind, in insertion order

        def add(ids: list[int], match: str) -> None:
            for i in ids:
                ranked.setdefault(i, match)

        words = self._words(q)
        corrected_words = self._correct(words)
        key = code_key(q)
        code_shaped = bool(_CODE_SHAPE.match(key)) and " " not in q
        exact: list[int] = []
        prefix: list[CodeSummary] = []
        if code_shaped:
            exact = [s.id for s in self.store.find(key, system)]
            if any(ch.isdigit() for ch in key):
                prefix = self._code_prefix(key, system, limit + len(exact))
        add(exact, "exact")
        add(self._exact_terms(q, system), "term")
        add([s.id for s in prefix if s.curated], "prefix")
        # A code-shaped query that found codes wants codes, not every text that cites them.
        if corrected_words and not (exact or prefix):
            match = self._fts_expression(corrected_words)
            add(self._fts_curated(match, system, limit), "text")
            add([s.id for s in prefix if not s.curated], "prefix")
            if len(ranked) < limit:
                add(self._bulk_text(corrected_words, system, limit), "text")
        else:
            add([s.id for s in prefix if not s.curated], "prefix")
        ids = list(ranked)[:limit]
        results = [SearchResult(s, ranked[s.id]) for s in self.store.summaries(ids)]
        corrected = None
        if corrected_words != words and results:
            corrected = " ".join(corrected_words)
        suggestions: list[str] = []
        if not results:
            suggestions = self.suggest(q, key if code_shaped else None, system)
        return SearchResponse(query, results, corrected, suggestions)

    def suggest(self, q: str, key: str | None, system: str | None = None) -> list[str]:
        """Near matches for a query that found nothing: shorter code prefixes or words."""
        if key:
            for n in range(len(key) - 1, 0, -1):
                near = self._code_prefix(key[:n], system, 5)
                if near:
                    return [s.code for s in near]
            return []
        out: list[str] = []
        for w in self._words(q)[:3]:
            from rapidfuzz import fuzz, process  # only for near matches: off the start-up path

            for word, _score, _i in process.extract(
                w, self._vocab, scorer=fuzz.ratio, limit=3, score_cutoff=60
            ):
                if word not in out:
                    out.append(word)
        return out[:5]

    # ------------------------------------------------------------------ parts

    @staticmethod
    def _words(q: str) -> list[str]:
        return _WORD.findall(q.lower())[:MAX_WORDS]

    def _correct(self, words: list[str]) -> list[str]:
        """Replace words that are in neither the vocabulary nor the synonyms."""
        out: list[str] = []
        for i, w in enumerate(words):
            last = i == len(words) - 1
            if (
                len(w) < 4
                or not w.isalpha()
                or not w.isascii()
                or w in self._vocab_set
                or w in self._synonyms
                or (last and self._is_vocab_prefix(w))
            ):
                out.append(w)
                continue
            from rapidfuzz import fuzz, process  # only for typos: off the start-up path

            best = process.extractOne(w, self._vocab, scorer=fuzz.ratio, score_cutoff=75)
            out.append(best[0] if best else w)
        return out

    def _is_vocab_prefix(self, w: str) -> bool:
        i = bisect.bisect_left(self._vocab, w)
        return i < len(self._vocab) and self._vocab[i].startswith(w)

    def _fts_expression(self, words: list[str], prefix_last: bool = True) -> str:
        """An FTS5 query: every word (or one of its synonyms) must match; last is a prefix."""
        merged: list[str] = []
        i = 0
        while i < len(words):
            pair = words[i] + words[i + 1] if i + 1 < len(words) else None
            if pair is not None and pair in self._synonyms:  # "sub q" -> "subq", "b 12" -> "b12"
                merged.append(pair)
                i += 2
            else:
                merged.append(words[i])
                i += 1
        groups = []
        for n, w in enumerate(merged):
            last = prefix_last and n == len(merged) - 1
            alternatives = [f'"{w}"*' if last else f'"{w}"']
            for means in self._synonyms.get(w, []):
                phrase = " ".join(_WORD.findall(means))
                if phrase:
                    alternatives.append(f'"{phrase}"')
            groups.append("(" + " OR ".join(alternatives) + ")")
        return " AND ".join(groups)

    def _exact_terms(self, q: str, system: str | None) -> list[int]:
        tk = term_key(q)
        if not tk:
            return []
        sql = "SELECT t.code_id FROM terms t JOIN codes c ON c.id = t.code_id WHERE t.term_key = ?"
        params: list[object] = [tk]
        if system:
            sql += " AND c.system = ?"
            params.append(system)
        return [int(r[0]) for r in self.store.query(sql + " ORDER BY c.code_key", params)]

    def _code_prefix(self, key: str, system: str | None, limit: int) -> list[CodeSummary]:
        sql = "SELECT id FROM codes WHERE code_key > ? AND code_key < ?"
        params: list[object] = [key, key + "~"]
        if system:
            sql += " AND system = ?"
            params.append(system)
        sql += " ORDER BY curated DESC, code_key LIMIT ?"
        params.append(limit)
        ids = [int(r[0]) for r in self.store.query(sql, params)]
        return self.store.summaries(ids)

    def _fts_curated(self, match: str, system: str | None, limit: int) -> list[int]:
        sql = (
            "SELECT f.rowid FROM fts_curated f JOIN codes c ON c.id = f.rowid"
            " WHERE fts_curated MATCH ?"
        )
        params: list[object] = [match]
        if system:
            sql += " AND c.system = ?"
            params.append(system)
        # Weights: code, title, description, terms. Deleted codes after active ones.
        sql += " ORDER BY c.status != 'active', bm25(fts_curated, 5.0, 10.0, 1.0, 8.0) LIMIT ?"
        params.append(limit)
        return [int(r[0]) for r in self.store.query(sql, params)]

    def _bulk_text(self, words: list[str], system: str | None, limit: int) -> list[int]:
        """Full-text search over the ~98k bulk rows, kept cheap while someone types.

        Little words ("of", "for", a lone letter) are left out when other words remain:
        each matches tens of thousands of rows and narrows nothing. A last word of one
        or two letters ("diabetes t") is not expanded as an FTS prefix, which would merge
        thousands of index terms; it filters the titles of the other words' matches.
        """
        keep = [
            w
            for i, w in enumerate(words)
            if i == len(words) - 1
            or w in self._synonyms
            or not ((len(w) <= 2 and w.isalpha()) or w in _STOP_WORDS)
        ]
        short = None
        if len(keep) > 1 and len(keep[-1]) < 3:
            short = keep.pop()
        match = self._fts_expression(keep, prefix_last=short is None)
        return self._fts_bulk(match, keep, system, limit, short)

    def _fts_bulk(
        self, match: str, words: list[str], system: str | None, limit: int, short: str | None
    ) -> list[int]:
        where = " WHERE fts_bulk MATCH ?"
        join = ""
        params: list[object] = [match]
        if system or short:
            join = " JOIN codes c ON c.id = f.rowid"
        if system:
            where += " AND c.system = ?"
            params.append(system)
        if short:
            where += (
                " AND (' ' || replace(replace(replace(c.title, '(', ' '), ',', ' '), '-', ' '))"
                " LIKE ?"
            )
            params.append(f"% {short}%")
        # A one-letter word or a short trailing prefix is a query still being typed:
        # serve it unranked rather than count and rank thousands of rows.
        broad = short is not None or (len(words) == 1 and len(words[0]) < 3)
        if not broad:
            count = self.store.query(
                f"SELECT count(*) FROM (SELECT 1 FROM fts_bulk f{join}{where} LIMIT {RANK_CAP})",
                params,
            )[0][0]
            broad = int(count) >= RANK_CAP
        if broad:
            sql = f"SELECT f.rowid FROM fts_bulk f{join}{where} LIMIT ?"
        else:
            sql = (
                f"SELECT f.rowid FROM fts_bulk f{join}{where}"
                " ORDER BY bm25(fts_bulk, 5.0, 10.0, 3.0) LIMIT ?"
            )
        return [int(r[0]) for r in self.store.query(sql, [*params, limit])]
