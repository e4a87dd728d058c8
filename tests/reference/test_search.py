"""Search: codes, words, synonyms, brand names, typos, and any input at all."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.reference.search import MAX_QUERY_CHARS, SearchEngine, clean_query
from desktop.reference.store import ReferenceStore


def codes(engine: SearchEngine, query: str, **kw: object) -> list[str]:
    return [r.code for r in engine.search(query, **kw).results]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("96372", "96372"),
        ("j3420", "J3420"),
        ("J3420", "J3420"),
        ("0173a", "0173A"),
        ("Z23", "Z23"),
        ("E538", "E53.8"),
        ("e53.8", "E53.8"),
        ("  96372  ", "96372"),
        ("jw", "JW"),
        ("JZ", "JZ"),
    ],
)
def test_exact_code_comes_first(engine: SearchEngine, query: str, first: str) -> None:
    results = engine.search(query).results
    assert results[0].code == first
    assert results[0].match == "exact"


def test_code_prefix(engine: SearchEngine) -> None:
    found = codes(engine, "9637", limit=50)
    assert {"96372", "96373", "96374", "96375", "96376", "96377", "96379"} <= set(found)
    assert all(c.startswith("9637") for c in found)
    icd = codes(engine, "E53", limit=10)
    assert icd[0] == "E53" and {"E53.8", "E53.9"} <= set(icd)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("im injection", "96372"),
        ("IM injection", "96372"),
        ("sc injection", "96372"),
        ("subq injection", "96372"),
        ("sub-q injection", "96372"),
        ("sq injection", "96372"),
        ("shot", "96372"),
        ("b12", "J3420"),
        ("B-12", "J3420"),
        ("vitamin b12", "J3420"),
        ("Toradol", "J1885"),
        ("toradol", "J1885"),
        ("Rocephin", "J0696"),
        ("ceftriaxone", "J0696"),
        ("Depo-Medrol", "J1010"),
        ("Kenalog", "J3301"),
        ("Depo-Provera", "J1050"),
        ("ketorolac", "J1885"),
    ],
)
def test_words_synonyms_and_brand_names(engine: SearchEngine, query: str, expected: str) -> None:
    found = codes(engine, query, limit=10)
    assert expected in found[:3], found


def test_im_injection_lists_96372_first(engine: SearchEngine) -> None:
    assert codes(engine, "im injection")[0] == "96372"


def test_curated_content_first_only_at_equal_relevance(engine: SearchEngine) -> None:
    # "injection" is a term of 96372: it comes first; curated rows no longer always do.
    assert codes(engine, "injection")[0] == "96372"
    # A diagnosis named in words lists the diagnosis before drugs that mention it.
    found = engine.search("osteoporosis", limit=10).results
    assert found[0].system == "ICD-10-CM", [r.code for r in found]


def test_last_word_is_a_prefix(engine: SearchEngine) -> None:
    assert "J0696" in codes(engine, "ceftri", limit=5)
    assert "E53.8" in codes(engine, "cyanocobalamin defic", limit=10)


@pytest.mark.parametrize(
    ("typo", "expected"),
    [("cefriaxone", "J0696"), ("ketorolak", "J1885"), ("cyanocobalamine", "J3420")],
)
def test_typos_are_corrected(engine: SearchEngine, typo: str, expected: str) -> None:
    resp = engine.search(typo, limit=10)
    assert expected in [r.code for r in resp.results][:3]
    assert resp.corrected is not None


def test_system_filter(engine: SearchEngine) -> None:
    results = engine.search("injection", system="HCPCS", limit=100).results
    assert results and {r.system for r in results} == {"HCPCS"}
    assert engine.search("96372", system="ICD-10-CM").results == []
    assert codes(engine, "96372", system="CPT")[0] == "96372"


def _sqlite_steps(store: ReferenceStore, run: Callable[[], object]) -> int:
    """SQLite's virtual-machine steps (in thousands) while ``run`` runs: a count of work
    that does not depend on the machine's speed or load."""
    steps = [0]

    def tick() -> int:
        steps[0] += 1
        return 0

    con = store._con
    con.set_progress_handler(tick, 1000)
    try:
        run()
    finally:
        con.set_progress_handler(None, 0)
    return steps[0]


@pytest.mark.parametrize(
    ("query", "system"),
    [
        ("vac", "ICD-10-CM"),
        ("in", "ICD-10-CM"),
        ("diabetes", "ICD-10-CM"),
        ("covid vacc", "ICD-10-CM"),
        ("a", "ICD-10-CM"),
        ("fracture of", "ICD-10-CM"),
        ("96372", "ICD-10-CM"),  # a code of another set, and its near matches
        ("J3420", "ICD-10-CM"),
        ("type 2 diabetes wit", "CPT"),  # words only ICD-10-CM rows have
        ("low back pain", "HCPCS"),
    ],
)
def test_a_system_filter_does_not_multiply_the_work(
    store: ReferenceStore, query: str, system: str
) -> None:
    # A plain JOIN made SQLite walk every ICD-10-CM code and ask FTS5 about each one
    # ("vac" with the ICD-10-CM chip took 6 s); the (system, code) index walked them all
    # for a code of another set; a filter to CPT read every ICD-10-CM match.
    engine = SearchEngine(store)
    engine.search("warm")  # word lists loaded outside the count
    for s in (None, system):  # rows tokenised once, outside the count
        engine.search(query, system=s)
    alone = _sqlite_steps(store, lambda: engine.search(query))
    filtered = _sqlite_steps(store, lambda: engine.search(query, system=system))
    assert filtered <= 2 * alone + 50, (alone, filtered)
    found = engine.search(query, system=system).results
    assert all(r.system == system for r in found)
    if system == "ICD-10-CM" and not query[0].isdigit() and query != "J3420":
        assert found


def test_a_long_query_does_not_ask_for_mixes_of_words_that_share_no_row(
    store: ReferenceStore,
) -> None:
    """When a mix of a long query's words finds nothing, the rows of its rarer words are
    read once, and the mixes whose words share no row are not asked for: the same results,
    with fewer full-text queries (14 had been asked for the query below, 11 finding
    nothing)."""
    query = "influenza vaccine administration medicare"

    def run(engine: SearchEngine) -> tuple[list[str], int]:
        engine.search(query)  # rows tokenised once, outside the count
        asked: list[str] = []
        store._con.set_trace_callback(asked.append)
        try:
            found = [r.code for r in engine.search(query).results]
        finally:
            store._con.set_trace_callback(None)
        return found, sum(1 for sql in asked if "bm25(" in sql)

    pruned, ranked = run(SearchEngine(store))
    # The same engine, with nothing known of which words share rows.
    unpruned_engine = SearchEngine(store)
    unpruned_engine._group_rows = lambda groups, system: {}  # type: ignore[method-assign]
    unpruned, ranked_all = run(unpruned_engine)
    assert pruned == unpruned
    assert pruned[0] == "G0008"  # Medicare's influenza vaccine administration
    assert ranked < ranked_all and ranked <= 6, (ranked, ranked_all)


@pytest.mark.parametrize("query", ["gout", "whooping cough", "sprain ankle", "shot"])
def test_a_repeated_search_tokenises_nothing_again(
    store: ReferenceStore, monkeypatch: pytest.MonkeyPatch, query: str
) -> None:
    """Rows, what headers lend their billable children and the children's titles are
    tokenised once and kept (the rows do not change under an engine): the lent texts had
    been made again at every search, a tenth of its work."""
    from desktop.reference.search.ranking import Text

    engine = SearchEngine(store)
    first = [r.code for r in engine.search(query).results]
    made: list[str] = []
    of = Text.of.__func__  # type: ignore[attr-defined]

    def counted(*args: object, **kw: object) -> Text:
        made.append(str(args[2]))  # (cls, weight, text, label)
        return of(*args, **kw)  # type: ignore[no-any-return]

    monkeypatch.setattr(Text, "of", classmethod(counted))
    assert [r.code for r in engine.search(query).results] == first
    assert made == []


def test_a_word_in_most_titles_is_not_what_the_rows_are_ranked_by(store: ReferenceStore) -> None:
    """bm25 counts every row of each word it ranks by. "encounter" is in 37,261 rows, so
    that count was the whole cost of a query finding 28 (2.4 ms): the rows that also have
    the rarer words are ranked by those, and no bm25 query names "encounter"."""
    query = "encounter for immunization"
    engine = SearchEngine(store)
    engine.search(query)  # rows tokenised once
    asked: list[str] = []
    store._con.set_trace_callback(asked.append)
    try:
        found = codes(engine, query)
    finally:
        store._con.set_trace_callback(None)
    ranked = [sql for sql in asked if "bm25(" in sql]
    assert ranked and not [sql for sql in ranked if '"encounter"' in sql], ranked
    assert found[0] == "Z23"


def test_icd_words(engine: SearchEngine) -> None:
    found = codes(engine, "encounter for immunization", limit=10)
    assert "Z23" in found[:3]


def test_no_results_offers_near_matches(engine: SearchEngine) -> None:
    resp = engine.search("96399999")
    assert resp.results == []
    resp = engine.search("qqqzzzxxy")
    assert resp.results == []
    unknown = engine.search("9639Z")
    assert (
        unknown.results == [] and unknown.suggestions and unknown.suggestions[0].startswith("963")
    )


def test_limit_is_respected(engine: SearchEngine) -> None:
    assert len(engine.search("a", limit=7).results) == 7
    assert len(engine.search("e", limit=1).results) == 1


@pytest.mark.parametrize(
    "query",
    ["", " ", "*", '"', "'", "NEAR(", "NEAR(a b", "-", "--", "a OR", "AND", "NOT x", "^",
     "x" * 10_000, "'; DROP TABLE codes; --", "\x00\x01\x1b[31m", "💉 shot", "(", ")", ":",
     "col:val", "{a b}", "a + b", "é", "ß", "\u202e96372", "9" * 300, "....", "E53.", "."],
)  # fmt: skip
def test_hostile_inputs_never_raise(engine: SearchEngine, query: str) -> None:
    resp = engine.search(query)
    assert isinstance(resp.results, list)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=300))
def test_any_text_returns_results_or_none(engine: SearchEngine, text: str) -> None:
    resp = engine.search(text, limit=5)
    assert len(resp.results) <= 5
    for r in resp.results:
        assert r.code and r.system in ("CPT", "HCPCS", "ICD-10-CM")


def test_clean_query_caps_and_strips() -> None:
    assert clean_query("  a\tb\n\x00c ") == "a b c"
    assert len(clean_query("x" * 10_000)) == MAX_QUERY_CHARS


@pytest.mark.parametrize("letters", ["s", "in", "a", "o", "e", "di"])
@pytest.mark.parametrize("system", [None, "ICD-10-CM"])
def test_letters_still_being_typed_never_ask_fts5_for_a_prefix(
    store: ReferenceStore, letters: str, system: str | None
) -> None:
    """A prefix query merges the rows of every word it starts: all the "s" words took 21 ms
    for the quick list of one letter. The list asks for the commonest words instead."""
    engine = SearchEngine(store)
    engine.search("warm")
    asked: list[str] = []
    store._con.set_trace_callback(asked.append)
    try:
        found = engine.search(letters, system=system).results
    finally:
        store._con.set_trace_callback(None)
    matches = [sql for sql in asked if "MATCH" in sql]
    assert all('"*' not in sql for sql in matches), matches
    assert found and all(system is None or r.system == system for r in found)
