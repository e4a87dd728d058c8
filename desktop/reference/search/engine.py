"""Query -> ranked results: the one search function the CLI and the window share.

1. Codes, in any written form, come first, in the order typed (``query.py``).
2. Words are matched best first, not all or nothing: rows matching every word that
   matters, then most of them (``ranking.py`` orders them). Words are expanded with
   synonyms and abbreviations (IM, SC, chf, t2dm, ...), and every word of three letters
   or more is also a prefix unless it is a known abbreviation ("cad" does not reach
   cadmium). A word found nowhere is corrected against the index's vocabulary.
3. The small curated set (injection content) is scored in memory; the ~98k ICD-10-CM
   rows through FTS5, in tiers of how many words a row matches, each tier ranked by
   bm25 (broad prefixes are served unranked, with a limit, to stay fast).

Any input returns a response, never an exception: the text is cleaned, capped and
quoted before it reaches FTS5.
"""

from __future__ import annotations

import bisect
import itertools
import re
import threading
from dataclasses import dataclass

from desktop.reference.keys import SYSTEMS, clean_query, code_key, term_key
from desktop.reference.search.groups import meant_phrase, word_groups
from desktop.reference.search.query import (
    ParsedQuery,
    parse_query,
    words_of,
)
from desktop.reference.search.ranking import (
    Candidate,
    Group,
    Scorer,
    Text,
    lend_exactness,
    rank,
    scattered,
)
from desktop.reference.search.results import SearchResponse, SearchResult, with_dose
from desktop.reference.search.words import Vocabulary
from desktop.reference.store import CodeSummary, ReferenceStore

DEFAULT_LIMIT = 50
MAX_LIMIT = 1000
# A broad word matches thousands of rows; above this many we serve them unranked.
RANK_CAP = 2000
# How many bulk rows a tier asks FTS5 for, at least (re-ranked in Python).
POOL = 40
# Rows matching fewer of the words are looked for when fewer than this match more.
FALLBACK = 3
# How many full-text rows (in bm25 order) are scored in full; the rest keep their order.
SCORED = 24
# A group in at most this many rows has them read (unranked, cheap) when a long query
# falls back to mixes of its words: mixes that cannot meet are not asked for.
FEW_ROWS = 1500
# A match estimated at this many rows or more is read unranked (the first rows found);
# given as the estimate, it asks for that.
UNRANKED = 4 * RANK_CAP
# A word in at least this many rows is not what a query's rows are ranked by, when the
# query has rarer words (see _ranked_by).
COMMON_ROWS = UNRANKED
# Words of how a drug is given, not which drug: they do not make a query a drug query.
_ACT_WORDS = frozenset(
    "shot shots injection injections inj infusion infusions dose oil depot ped modifier"
    " wasted waste discarded zero and the for per with"
    # routes: "sub q injection" is 96372, not Depo-SubQ Provera
    " subq sq sc im iv subcutaneous intramuscular intravenous".split()
)
# How many tokenised full-text rows are kept between searches.
ROW_CACHE = 20_000
# How many curated rows are scored at most (those with the most of the words).
CURATED_SCORED = 40

_CODE_SHAPE = re.compile(r"^[A-Z0-9]{1,7}(\.[A-Z0-9]{0,4})?$")


@dataclass(slots=True)
class _Curated:
    summary: CodeSummary
    texts: list[Text]
    components: int  # a vaccine's diseases (1 for anything else)


class SearchEngine:
    """Search over one :class:`ReferenceStore`. Cheap to call; loads its word lists once."""

    def __init__(self, store: ReferenceStore) -> None:
        self.store = store
        # The word lists are loaded on the first search (on the search thread in the
        # window), not here: building the window stays quick.
        self._loaded = False
        self._load_lock = threading.Lock()
        self._code_cache: dict[str, bool] = {}
        # Full-text rows already tokenised (typing meets the same rows key after key).
        self._rows: dict[int, tuple[CodeSummary, tuple[Text, ...], tuple[str, ...]]] = {}
        # Summaries of rows kept in bm25 order past the scored ones, and the billable
        # children of headers: the same few hundred rows come back key after key.
        self._summaries: dict[int, CodeSummary] = {}
        self._children: dict[int, tuple[CodeSummary, ...]] = {}
        # A header's texts as its billable children are lent them, and those children's
        # titles: made once, not once a search.
        self._lent: dict[int, tuple[Text, ...]] = {}
        self._child_titles: dict[int, Text] = {}

    @property
    def warmed(self) -> bool:
        """True once the word lists are loaded (by :meth:`warm` or a first search)."""
        return self._loaded

    def warm(self) -> None:
        """Load the word lists now (the window calls this on the search thread just after
        its first paint, so the first keystroke does not pay for them)."""
        self._load()

    def _load(self) -> None:
        with self._load_lock:
            if not self._loaded:
                self._load_words()
                self._loaded = True

    def _load_words(self) -> None:
        self._words = words = Vocabulary(self.store)
        self._curated = self._load_curated()
        self._curated_index: dict[str, set[int]] = {}
        for n, c in enumerate(self._curated):
            for t in c.texts:
                for w in t.token_set:
                    self._curated_index.setdefault(w, set()).add(n)
        self._curated_words = sorted(self._curated_index)
        # Words of drug names (brand and generic), not of the act of giving them.
        self._drug_words = {
            w
            for c in self._curated
            if c.summary.kind == "drug"
            for t in c.texts
            if t.label is not None
            for w in (*t.tokens, *t.joined)
            if len(w) >= 3 and w not in _ACT_WORDS
        }
        # "solumedrol" for Solu-Medrol: two words of a curated text typed as one.
        words.known |= {j for c in self._curated for t in c.texts for j in t.joined}
        # The code sets the full-text table holds (ICD-10-CM; CPT or HCPCS once imported):
        # a filter to another set finds nothing there, and need not read every match.
        self._bulk_systems = {
            s
            for s in SYSTEMS
            if self.store.query("SELECT 1 FROM codes WHERE system = ? AND curated = 0 LIMIT 1", [s])
        }

    # ------------------------------------------------------------------ public

    # The query's shapes in the order they are tried (codes, doses, words, fallbacks).
    def search(  # noqa: C901
        self, query: str, limit: int = DEFAULT_LIMIT, system: str | None = None
    ) -> SearchResponse:
        self._load()
        q = clean_query(query)
        limit = max(1, min(int(limit), MAX_LIMIT))
        if system is not None and system not in SYSTEMS:
            system = None
        if not q:
            return SearchResponse(query, [])
        out: dict[int, SearchResult] = {}

        def add(s: CodeSummary, match: str, matched: str | None = None) -> None:
            if s.id not in out:
                out[s.id] = SearchResult(s, match, matched)

        key = code_key(q.strip("-'\"()[]"))
        whole_code = bool(_CODE_SHAPE.match(key)) and " " not in q
        if whole_code:
            for s in self.store.find(key, system):
                add(s, "exact")
        parsed = parse_query(q, self._is_code)
        for k in parsed.codes:
            for s in self.store.find(k, system):
                add(s, "exact")
        # A code with a digit may be a code's start ("j34"); letters only ("epipen") are a word.
        code_like = whole_code and any(ch.isdigit() for ch in key)
        if code_like and len(parsed.codes) <= 1:
            for s in self._code_prefix(key, system, limit + len(out)):
                add(s, "prefix")
        corrected = None
        if parsed.words and not (whole_code and out):
            groups, corrected = word_groups(parsed, self._words, self._drug_words)
            for r in self._text(parsed, groups, system, limit):
                if r.summary.id not in out:
                    out[r.summary.id] = r
        results = list(out.values())[:limit]
        if parsed.dose is not None:
            results = with_dose(self.store, results, parsed.dose)
        suggestions: list[str] = []
        if not results:
            corrected = None
            suggestions = self.suggest(q, key if code_like else None, system)
        return SearchResponse(query, results, corrected, suggestions, parsed.other_modifiers)

    def suggest(self, q: str, key: str | None, system: str | None = None) -> list[str]:
        """Near matches for a query that found nothing: shorter code prefixes or words."""
        self._load()
        if key:
            for n in range(len(key) - 1, 0, -1):
                near = self._code_prefix(key[:n], system, 5)
                if near:
                    return [s.code for s in near]
            return []
        out: list[str] = []
        for w in words_of(q)[:3]:
            from rapidfuzz import fuzz, process  # only for near matches: off the start-up path

            for word, _score, _i in process.extract(
                w, self._words.words, scorer=fuzz.ratio, limit=3, score_cutoff=60
            ):
                if word not in out:
                    out.append(word)
        return out[:5]

    # ------------------------------------------------------------------ codes

    def _is_code(self, key: str) -> bool:
        hit = self._code_cache.get(key)
        if hit is None:
            hit = bool(self.store.query("SELECT 1 FROM codes WHERE code_key = ? LIMIT 1", [key]))
            if len(self._code_cache) > 5000:
                self._code_cache.clear()
            self._code_cache[key] = hit
        return hit

    def _code_prefix(self, key: str, system: str | None, limit: int) -> list[CodeSummary]:
        sql = "SELECT id FROM codes WHERE code_key > ? AND code_key < ?"
        params: list[object] = [key, key + "~"]
        if system:
            # "+system": never the (system, code) index, which walks all 98,186 ICD-10-CM
            # rows for a code of another set ("96372" with the ICD-10-CM chip: 200 ms).
            sql += " AND +system = ?"
            params.append(system)
        sql += " ORDER BY curated DESC, code_key LIMIT ?"
        params.append(limit)
        ids = [int(r[0]) for r in self.store.query(sql, params)]
        return self.store.summaries(ids)

    # ------------------------------------------------------------------ words

    # ------------------------------------------------------------------ text search

    def _text(
        self, parsed: ParsedQuery, groups: list[Group], system: str | None, limit: int
    ) -> list[SearchResult]:
        if not groups:
            return []
        pool = max(POOL, limit)
        if len(groups) == 1 and groups[0].prefix and len(groups[0].prefix) <= 2:
            return self._first_letters(groups[0], system, limit)
        phrase = term_key(" ".join(g_w for g in groups for g_w in g.words))
        phrase_all = term_key(" ".join(parsed.all_words))
        meant = (meant_phrase(groups), meant_phrase(groups, parsed.all_words))
        exact_keys = {k for k in (phrase, phrase_all, *meant) if k}
        # A term typed in the plural is that term ("injections", "shots").
        exact_keys |= {k[:-1] for k in exact_keys if len(k) > 4 and k.endswith("s")}
        cands: dict[int, Candidate] = {}
        for c in self._curated_candidates(groups, system):
            cands[c.summary.id] = c
        bulk = self._bulk_candidates(groups, system, pool)
        for c in bulk:
            cands.setdefault(c.summary.id, c)
        # Rows with a search term that is exactly the words typed, wherever bm25 put them.
        marks = ",".join("?" * len(exact_keys))
        exact_ids = [
            int(r[0])
            for r in self.store.query(
                f"SELECT code_id FROM terms WHERE term_key IN ({marks}) LIMIT 20",
                list[object](exact_keys),
            )
            if int(r[0]) not in cands or cands[int(r[0])].tail
        ]
        if exact_ids:
            self._load_rows([i for i in exact_ids if i not in self._rows])
            for i in exact_ids:
                row = self._rows.get(i)
                if row is not None and (not system or row[0].system == system):
                    cands[i] = Candidate(row[0], list(row[1]), 0)
        # The groups that name a drug (a brand or generic name): a drug row without them is
        # another drug, and never comes before the one named ("ondansetron 4 mg iv push"
        # is not iron sucrose, whose text says "IV push").
        drug_groups = [
            i
            for i, g in enumerate(groups)
            if any(w in self._drug_words for w in (*g.words, "".join(g.words)))
        ]
        scorer = Scorer(groups, exact_keys, parsed.weak, drug_groups)
        scored = [scorer.score(c) for c in cands.values()]
        lend_exactness(scored)
        # A drug named (a dose, a brand or generic name) asks for HCPCS at equal relevance.
        named_drug = parsed.dose is not None or bool(drug_groups)
        intent = parsed.system or ("HCPCS" if named_drug else None)
        ordered = rank([s for s in scored if s.matched_groups > 0], intent)
        return [SearchResult(s.candidate.summary, s.match, s.label) for s in ordered[: limit * 2]]

    def _first_letters(self, g: Group, system: str | None, limit: int) -> list[SearchResult]:
        """One or two letters, still being typed: a quick list, not a ranking.

        Curated rows with a word that is the letters, then with a word starting with
        them (active first, in code order); then full-text rows with the letters as a word
        or one of the commonest words they start, unranked.
        """
        word = g.words[0]
        whole = self._curated_index.get(word, set())
        starts: set[int] = set()
        i = bisect.bisect_left(self._curated_words, word)
        while i < len(self._curated_words) and self._curated_words[i].startswith(word):
            starts |= self._curated_index[self._curated_words[i]]
            i += 1
        whole_ids = {self._curated[n].summary.id for n in whole}
        rows = [self._curated[n].summary for n in whole | starts]
        rows = [s for s in rows if not system or s.system == system]
        # "j", "g", "z": the start of a code (J0696) before the start of a word ("joint").
        upper = word.upper()
        rows.sort(
            key=lambda s: (
                s.status != "active",
                not s.code.startswith(upper),
                s.id not in whole_ids,
                s.code,
            )
        )
        out = [SearchResult(s, "text") for s in rows[:limit]]
        if len(out) < limit:
            # The commonest words starting with the letters, not FTS5's "in"*: a prefix
            # query merges the rows of every word it starts (all the "s" words: 21 ms),
            # where these few are read lazily, 50 rows at most (0.3 ms).
            words = dict.fromkeys((word, *self._words.commonest(word, 8)))
            match = _fts_group(Group(g.words, [(w,) for w in words], None), False)
            ids = self._fts_bulk(match, system, limit - len(out), UNRANKED)
            out += [SearchResult(s, "prefix") for s in self._summaries_of(ids)]
        return out

    def _load_curated(self) -> list[_Curated]:
        rows = self.store.query(
            "SELECT id, system, code, title, billable, status, curated, kind, description,"
            " components FROM codes WHERE id IN (SELECT rowid FROM fts_curated)"
            " AND curated = 1 ORDER BY id"
        )
        terms: dict[int, list[str]] = {}
        for cid, term in self.store.query(
            "SELECT t.code_id, t.term FROM terms t JOIN codes c ON c.id = t.code_id"
            " WHERE c.curated = 1 ORDER BY t.code_id, t.term"
        ):
            terms.setdefault(int(cid), []).append(str(term))
        out = []
        for r in rows:
            s = CodeSummary(
                int(r[0]), str(r[1]), str(r[2]), str(r[3]),
                None if r[4] is None else bool(r[4]), str(r[5]), bool(r[6]), str(r[7]),
            )  # fmt: skip
            texts = [Text.of(1.0, s.title, None, title=True), Text.of(1.0, s.code, None)]
            texts += [Text.of(1.0, t, t) for t in terms.get(s.id, [])]
            texts.append(Text.of(0.5, str(r[8] or ""), None))
            # Anything but a combination vaccine counts as one: only combinations move.
            out.append(_Curated(s, texts, max(1, int(r[9] or 0))))
        return out

    def _curated_candidates(self, groups: list[Group], system: str | None) -> list[Candidate]:
        """Curated rows with any of the words; the ones with the most words when many."""
        count: dict[int, int] = {}
        for g in groups:
            rows: set[int] = set()
            for alt in g.alts:
                # The rows with every word of the alternative (a phrase matches only
                # there): "into the muscle" is not every row with "into".
                hit = self._curated_index.get(alt[0], set())
                for w in alt[1:]:
                    if not hit:
                        break
                    other = self._curated_index.get(w)
                    if other is not None:
                        hit = hit & other
                rows |= hit
            if g.prefix:
                i = bisect.bisect_left(self._curated_words, g.prefix)
                words = self._curated_words
                while i < len(words) and words[i].startswith(g.prefix):
                    rows |= self._curated_index[words[i]]
                    i += 1
            for n in rows:
                count[n] = count.get(n, 0) + 1
        curated = self._curated
        best = sorted(count, key=lambda n: (-count[n], curated[n].summary.status != "active", n))
        out = []
        for n in best:
            c = self._curated[n]
            if system and c.summary.system != system:
                continue
            out.append(Candidate(c.summary, c.texts, 0, spread=c.components))
            if len(out) >= CURATED_SCORED:
                break
        return out

    def _bulk_candidates(
        self, groups: list[Group], system: str | None, pool: int
    ) -> list[Candidate]:
        """ICD-10-CM (and imported) rows matching the most groups, in tiers."""
        live = [g for g in groups if self._words.group_freq(g, True) > 0]
        if not live:
            return []
        found: dict[int, int] = {}  # id -> bm25 rank (order found)

        def run(subset: list[Group], prefix: bool) -> None:
            if len(found) >= pool:  # full: the rows it would find could not be kept
                return
            ids = self._subset_rows(subset, prefix, system, pool)
            for i in ids:
                if len(found) >= pool:
                    break
                found.setdefault(i, len(found))

        short_alone = len(live) == 1 and len(live[0].words[0]) < 3 and live[0].prefix
        if not short_alone:  # a letter or two, still being typed: the prefix run only
            run(live, False)
        if len(found) < pool and any(g.prefix for g in live):
            run(live, True)
        size = len(live) - 1
        # Read once a mix of the words has found nothing: which words share no row.
        rows_of: dict[int, frozenset[int]] | None = None
        while size >= 1 and len(found) < FALLBACK:
            if len(live) <= 4:
                subsets = list(itertools.combinations(range(len(live)), size))
            else:  # drop the commonest words first
                by_freq = sorted(
                    range(len(live)), key=lambda n: self._words.group_freq(live[n], True)
                )
                subsets = [tuple(by_freq[:size])]
            for subset in subsets:
                if rows_of is not None and not _may_meet(subset, rows_of):
                    continue  # two of its words are in no row together
                if len(found) >= pool:
                    break
                before = len(found)
                run([live[n] for n in subset], True)
                if len(found) == before and rows_of is None and size >= 2:
                    rows_of = self._group_rows(live, system)
            size -= 1
        if not found:
            return []
        return self._bulk_rows(list(found), found)

    def _subset_rows(
        self, subset: list[Group], prefix: bool, system: str | None, limit: int
    ) -> list[int]:
        """The rows with every group of ``subset``, best first (see _ranked_by)."""
        match = " AND ".join(_fts_group(g, prefix) for g in subset)
        freqs = [self._words.group_freq(g, prefix) for g in subset]
        rare = [g for g, f in zip(subset, freqs, strict=True) if f < COMMON_ROWS]
        if (
            rare
            and len(rare) < len(subset)
            and sum(f for f in freqs if f < COMMON_ROWS) <= FEW_ROWS
        ):
            rare_match = " AND ".join(_fts_group(g, prefix) for g in rare)
            ids = self._ranked_by(match, rare_match, system, limit)
            if ids is not None:
                return ids
        return self._fts_bulk(match, system, limit, min(freqs))

    def _ranked_by(self, match: str, rare: str, system: str | None, limit: int) -> list[int] | None:
        """The rows of ``match`` in the bm25 order of its rarer words ``rare`` (None when
        they are more than a few). bm25 counts the rows of every word it ranks by: for a
        word in most titles ("encounter": 37,261 rows) that count is the whole cost of a
        query that finds 28 ("encounter for immunization": 2.4 ms, now about 0.8). The rows
        of ``match`` are among those of ``rare``, so at most as many."""
        ranked = self._fts_bulk(rare, system, FEW_ROWS + 1, 0)
        if len(ranked) > FEW_ROWS:
            return None
        keep = set(self._fts_bulk(match, system, FEW_ROWS + 1, UNRANKED))
        return [i for i in ranked if i in keep][:limit]

    def _group_rows(self, groups: list[Group], system: str | None) -> dict[int, frozenset[int]]:
        """The rows of each group that is in few (position -> row ids), to tell which
        words of a long query are in no row together before asking FTS5 for each mix of
        them ("influenza vaccine administration medicare": 11 of 14 find nothing)."""
        out: dict[int, frozenset[int]] = {}
        for n, g in enumerate(groups):
            if self._words.group_freq(g, True) > FEW_ROWS:
                continue
            ids = self._fts_bulk(_fts_group(g, True), system, FEW_ROWS + 1, UNRANKED)
            if len(ids) <= FEW_ROWS:  # a word with digits may be commoner than guessed
                out[n] = frozenset(ids)
        return out

    def _fts_bulk(self, match: str, system: str | None, limit: int, est: int) -> list[int]:
        if system and system not in self._bulk_systems:
            return []
        where = " WHERE fts_bulk MATCH ?"
        join = ""
        params: list[object] = [match]
        if system:
            # CROSS JOIN keeps the full-text match the outer loop. With a plain JOIN SQLite
            # walks every code of the system and asks FTS5 about each: "vac" with the
            # ICD-10-CM chip took 6 s, not 0.3 ms.
            join = " CROSS JOIN codes c ON c.id = f.rowid"
            where += " AND c.system = ?"
            params.append(system)
        broad = est >= UNRANKED  # surely broad: no need to count
        if RANK_CAP <= est < UNRANKED:
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
                " ORDER BY bm25(fts_bulk, 0.0, 10.0, 6.0) LIMIT ?"
            )
        return [int(r[0]) for r in self.store.query(sql, [*params, limit])]

    def _bulk_rows(self, ids: list[int], order: dict[int, int]) -> list[Candidate]:
        """The first rows scored in full (texts, terms, inclusion terms); the rest in order."""
        head, tail = ids[:SCORED], ids[SCORED:]
        missing = [i for i in head if i not in self._rows]
        if missing:
            self._load_rows(missing)
        incl: dict[int, tuple[str, ...]] = {}
        out = []
        for i in head:
            cached = self._rows.get(i)
            if cached is None:
                continue
            summary, texts, inclusion = cached
            incl[i] = inclusion
            out.append(Candidate(summary, list(texts), order[i]))
        # A header's inclusion terms speak for its billable children too.
        by_id = {c.summary.id: c for c in out}
        headers = [c for c in out if c.summary.billable is False and c.order < 8][:6]
        inherited: dict[str, tuple[Text, ...]] = {}
        lent, titles = self._lent, self._child_titles
        if len(lent) + len(titles) > ROW_CACHE:
            lent.clear()
            titles.clear()
        for h in headers:
            own = lent.get(h.summary.id)
            if own is None:
                own = tuple(Text.of(0.9, t, t, inherited=True) for t in incl[h.summary.id])
                if not own:  # a header named exactly: its default child answers too
                    own = (Text.of(0.8, h.summary.title, h.summary.title, inherited=True),)
                lent[h.summary.id] = own
            inherited[h.summary.code] = own
        header_order = {h.summary.code: h.order for h in headers}
        for child, parent in self._billable_children([h.summary for h in headers]):
            known = by_id.get(child.id)
            if known is not None:  # found on its own words: add the header's too
                known.texts.extend(inherited[parent])
                continue
            title = titles.get(child.id)
            if title is None:
                title = titles[child.id] = Text.of(1.0, child.title, None, title=True)
            out.append(Candidate(child, [title, *inherited[parent]], header_order[parent]))
        out += [Candidate(s, [], order[s.id], tail=True) for s in self._summaries_of(tail)]
        return out

    def _summaries_of(self, ids: list[int]) -> list[CodeSummary]:
        """``store.summaries``, kept between searches (the data does not change under an
        engine: new reference data gets a new one)."""
        cache = self._summaries
        missing = [i for i in ids if i not in cache]
        if missing:
            if len(cache) > ROW_CACHE:
                cache.clear()
            for s in self.store.summaries(missing):
                cache[s.id] = s
        return [cache[i] for i in ids if i in cache]

    def _load_rows(self, ids: list[int]) -> None:
        """Title, terms and inclusion terms of rows, tokenised once and kept for next time."""
        if len(self._rows) > ROW_CACHE:
            self._rows.clear()
        marks = ",".join("?" * len(ids))
        params: list[object] = list(ids)
        terms: dict[int, list[str]] = {}
        for cid, term in self.store.query(
            f"SELECT code_id, term FROM terms WHERE code_id IN ({marks})", params
        ):
            terms.setdefault(int(cid), []).append(str(term))
        incl: dict[int, list[str]] = {}
        for cid, text in self.store.query(
            f"SELECT code_id, text FROM notes WHERE code_id IN ({marks})"
            " AND kind = 'inclusion_term' ORDER BY code_id, ord",
            params,
        ):
            incl.setdefault(int(cid), []).append(str(text))
        for s in self.store.summaries(ids):
            row = [Text.of(1.0, s.title, None, title=True)]
            row += [Text.of(1.0, t, t) for t in terms.get(s.id, [])]
            row += [Text.of(0.9, t, t) for t in incl.get(s.id, [])]
            self._rows[s.id] = (s, tuple(row), tuple(incl.get(s.id, [])))

    def _billable_children(self, headers: list[CodeSummary]) -> list[tuple[CodeSummary, str]]:
        """(child, header code) for the billable children of ``headers``, at most 48."""
        missing = [h for h in headers if h.id not in self._children]
        if missing:
            if len(self._children) > ROW_CACHE:
                self._children.clear()
            one = (
                "SELECT id, parent FROM codes INDEXED BY codes_key WHERE code_key > ?"
                " AND code_key < ? AND parent = ? AND system = ? AND billable = 1"
            )
            params: list[object] = []
            for h in missing:
                k = code_key(h.code)
                params += [k, k + "~", h.code, h.system]
            rows = self.store.query(" UNION ALL ".join([one] * len(missing)), params)
            by_parent: dict[str, list[int]] = {}
            for i, p in rows:
                by_parent.setdefault(str(p), []).append(int(i))
            for h in missing:
                self._children[h.id] = tuple(self._summaries_of(by_parent.get(h.code, [])))
        out = [(c, h.code) for h in headers for c in self._children[h.id]]
        return out[:48]


def _may_meet(subset: tuple[int, ...], rows_of: dict[int, frozenset[int]]) -> bool:
    """False when the rows known of the subset's groups (by position) have none in common."""
    known = [rows_of[n] for n in subset if n in rows_of]
    if len(known) < 2:
        return True
    return bool(frozenset.intersection(*known))


def _fts_group(g: Group, prefix: bool) -> str:
    alts = [f'"{" ".join(a)}"' for a in g.alts]
    # What a word stands for, in any order ("infection of urinary tract" for "uti").
    alts += ["(" + " AND ".join(f'"{w}"' for w in a) + ")" for a in scattered(g)]
    if prefix and g.prefix:
        alts.append(f'"{g.prefix}"*')
    return "(" + " OR ".join(alts) + ")"
