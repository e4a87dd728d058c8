"""Search rules of issue 10, each with real queries on the real database."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.reference.diagnosis_terms import read_diagnosis_terms
from desktop.reference.paths import bundled_data_dir
from desktop.reference.search import SearchEngine
from desktop.reference.search.query import words_of
from desktop.reference.store import ReferenceStore


def codes(engine: SearchEngine, query: str, limit: int = 10) -> list[str]:
    return [r.code for r in engine.search(query, limit=limit).results]


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("J-0696", "J0696"), ("j 1885", "J1885"), ("cpt 96374", "96374"),
        ("icd-10 z23", "Z23"), ("ICD 10 E11.9", "E11.9"), ("z00 00", "Z00.00"),
        ("J1100 x 10", "J1100"), ("j0696 *4", "J0696"), ("J3420 1 unit", "J3420"),
        ("hcpcs j1885", "J1885"), ("(E55.9)", "E55.9"), ("963 72", "96372"),
    ],
)  # fmt: skip
def test_codes_in_any_written_form(engine: SearchEngine, query: str, first: str) -> None:
    assert codes(engine, query)[0] == first


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("99211-25", ["99211", "25"]),
        ("99211 mod 25", ["99211", "25"]),
        ("96365 96366", ["96365", "96366"]),
        ("96372 and J1885", ["96372", "J1885"]),
        ("96374, 96375", ["96374", "96375"]),
    ],
)
def test_several_codes_all_found_in_order(
    engine: SearchEngine, query: str, expected: list[str]
) -> None:
    assert codes(engine, query)[: len(expected)] == expected


@pytest.mark.parametrize(
    ("query", "code", "units"),
    [("ketorolac 30 mg", "J1885", 2), ("rocephin 500mg", "J0696", 2), ("b12 1000mcg", "J3420", 1),
     ("rocephin 1 g", "J0696", 4), ("bicillin la 2.4 million units", "J0561", 24),
     ("toradol60mg", "J1885", 4), ("rocephin 1,000 mg", "J0696", 4),
     ("bicillin 2,400,000 units", "J0561", 24)],
)  # fmt: skip
def test_drug_with_dose_first_with_billing_units(
    engine: SearchEngine, query: str, code: str, units: int
) -> None:
    first = engine.search(query).results[0]
    assert first.code == code
    assert first.dose is not None and first.dose.units == units
    assert str(first.dose).endswith(f"= {units} units" if units > 1 else "= 1 unit")


@pytest.mark.parametrize(
    ("query", "expected"),
    [("code for depo shot", "J1050"), ("pt here for flu vaccine", "G0008"),
     ("shot of toradol", "J1885"), ("patient needs toradol shot", "J1885"),
     ("influenza vaccine administration medicare", "G0008"),
     ("what is the dx code for anxiety", "F41.9")],
)  # fmt: skip
def test_filler_words_never_empty_a_result(engine: SearchEngine, query: str, expected: str) -> None:
    assert expected in codes(engine, query)[:5]


def test_best_match_not_all_or_nothing(engine: SearchEngine) -> None:
    # "daily" and "office" narrow nothing here: the rows with the other words come first.
    assert codes(engine, "lovenox injection daily")[0] == "J1650"
    assert codes(engine, "injection given in the office im")[0] == "96372"
    # A word that exists anywhere never leaves the list empty.
    assert codes(engine, "qqqzzz hypothyroidism")


@pytest.mark.parametrize(
    ("query", "first", "matched"),
    [("chf", "I50.9", "chf"), ("hld", "E78.5", "hld"), ("cad", "I25.10", "cad"),
     ("ra", "M06.9", "ra"), ("osa", "G47.33", "osa"), ("sinus infection", "J32.9", None),
     ("pink eye", "H10.9", None), ("yearly physical", "Z00.00", None),
     ("ear infection", "H66.90", None), ("sugar", "E11.9", "sugar"),
     ("hbp", "I10", "hbp"), ("aki", "N17.9", "aki"), ("lbp", "M54.50", "lbp"),
     ("uti in pregnancy", "O23.40", None)],
)  # fmt: skip
def test_diagnoses_in_shorthand_and_lay_words(
    engine: SearchEngine, query: str, first: str, matched: str | None
) -> None:
    top = engine.search(query).results[0]
    assert top.code == first
    assert top.matched == (matched or query)


def test_a_lay_term_combines_with_the_side_typed(engine: SearchEngine) -> None:
    # "ear infection" stands for otitis media, so the side picks the child code.
    assert codes(engine, "right ear infection", 1) == ["H66.91"]
    assert codes(engine, "left ear infection", 1) == ["H66.92"]


def test_short_words_are_not_prefixes_of_unrelated_words(engine: SearchEngine) -> None:
    assert not any(r.title.lower().startswith("toxic effect of cadmium")
                   for r in engine.search("cad").results[:5])  # fmt: skip
    assert "J0461" not in codes(engine, "ra", 5)  # atropine


def test_typo_correction_leaves_known_words_alone(engine: SearchEngine) -> None:
    for q in ("hld", "chf", "headach"):
        assert engine.search(q).corrected is None
    fixed = engine.search("hypertention")
    assert fixed.corrected == "hypertension" and fixed.results[0].code == "I10"


def test_ranking_rules(engine: SearchEngine) -> None:
    # Billable before its header; the unspecified default; active before deleted.
    gout = codes(engine, "gout")
    assert gout.index("M10.9") < gout.index("M10") if "M10" in gout else gout[0] == "M10.9"
    assert codes(engine, "hypothyroidism")[0] == "E03.9"
    covid = engine.search("covid shot", limit=50).results
    assert covid[0].code == "90480"
    statuses = [r.summary.status for r in covid]
    assert statuses == sorted(statuses, key=lambda s: s != "active")
    # A diagnosis word ranks ICD-10-CM first, a drug HCPCS, an act CPT.
    assert engine.search("osteoporosis").results[0].system == "ICD-10-CM"
    assert engine.search("ondansetron").results[0].system == "HCPCS"
    assert engine.search("iv push").results[0].system == "CPT"
    # A drug named with the act ("b-12 inj", "toradol shot"): the drug before 96372.
    assert codes(engine, "b-12 inj")[:2] == ["J3420", "96372"]
    assert codes(engine, "toradol shot")[:2] == ["J1885", "96372"]


def test_inclusion_terms_of_a_header_reach_its_billable_children(
    engine: SearchEngine,
) -> None:
    # Z00.0's inclusion term ("adult periodic examination") is on the header only.
    # The children match all three words only through it, so they lead.
    top = codes(engine, "adult periodic examination", 3)
    assert {"Z00.00", "Z00.01"} <= set(top), top


def test_every_diagnosis_term_points_to_a_billable_code_that_means_it(
    store: ReferenceStore,
) -> None:
    entries = read_diagnosis_terms(bundled_data_dir())
    assert len(entries) >= 300
    sources = {s.id for s in store.sources()}
    for e in entries:
        assert e.source in sources, e
        found = [s for s in store.find(e.code, "ICD-10-CM") if s.code == e.code]
        assert found and found[0].billable, e
        record = store.record(found[0].id)
        assert record is not None
        texts = [record.title] + [n.text for n in record.notes if n.kind == "inclusion_term"]
        if record.parent is not None:
            parent = store.record(record.parent.id)
            assert parent is not None
            texts += [n.text for n in parent.notes if n.kind == "inclusion_term"]
        title_words = {w[:5] for t in texts for w in words_of(t) if len(w) >= 3}
        said = {w[:5] for w in words_of(f"{e.term} {e.means or ''}") if len(w) >= 3}
        assert title_words & said, f"{e.term} -> {e.code} {record.title}"


def test_diagnosis_terms_file_errors_are_clear(tmp_path: Path) -> None:
    from desktop.reference.diagnosis_terms import DiagnosisTermsError

    (tmp_path / "diagnosis_terms.toml").write_text(
        '[[group]]\nsource = "x"\nterms = [{ term = "chf", code = "I50.9" }]\n'
    )
    with pytest.raises(DiagnosisTermsError, match="unknown source"):
        read_diagnosis_terms(tmp_path, {"y"})


@pytest.mark.parametrize(
    ("query", "first"),
    [
        # the code that says no more than was typed, before narrower ones
        ("type 2 diabetes without complications", "E11.9"),  # not E11.A "... in remission"
        ("opioid dependence", "F11.20"),  # "uncomplicated", not "with unspecified ... disorder"
        ("alcohol dependence", "F10.20"),
        ("prostate cancer", "C61"),  # the diagnosis, before drugs whose text names it
    ],
)
def test_the_default_code_before_narrower_ones(
    engine: SearchEngine, query: str, first: str
) -> None:
    assert engine.search(query, limit=5).results[0].code == first


def test_unspecified_counts_only_for_the_condition_itself() -> None:
    from desktop.reference.search.ranking import _is_default

    assert _is_default(tuple(words_of("Peripheral vascular disease, unspecified")))
    assert not _is_default(
        tuple(words_of("Opioid dependence with unspecified opioid-induced disorder"))
    )


@pytest.mark.parametrize(
    ("query", "code"),
    [("t2dm", "E11.9"), ("t1dm", "E10.9"), ("pvd", "I73.9"), ("pad", "I73.9"), ("sob", "R06.02")],
)
def test_more_abbreviations(engine: SearchEngine, query: str, code: str) -> None:
    assert engine.search(query, limit=3).results[0].code == code


def test_a_group_scores_typed_words_over_what_they_stand_for_over_a_prefix() -> None:
    from desktop.reference.search.ranking import Group, Text, _GroupTest

    title = Text.of(1.0, "Otitis media, unspecified, right ear", None, title=True)
    typed = _GroupTest(Group(("otitis",), [("otitis",), ("ear", "infection")], None, 1))
    stands_for = _GroupTest(Group(("aom",), [("aom",), ("otitis", "media")], None, 1))
    phrase_typed = _GroupTest(Group(("right", "ear"), [("right", "ear")], None, 1))
    prefix = _GroupTest(Group(("medi",), [("medi",)], "medi", 1))
    wrong_order = _GroupTest(Group(("ear", "right"), [("ear", "right")], None, 1))
    absent = _GroupTest(Group(("knee",), [("knee",)], "kne", 1))
    assert typed.hits(title) == 1.0
    assert stands_for.hits(title) == 0.9
    assert phrase_typed.hits(title) == 1.0
    assert prefix.hits(title) == 0.7
    assert wrong_order.hits(title) == 0.0  # a phrase is its words in order
    assert absent.hits(title) == 0.0


def test_a_group_stops_at_the_best_hit_and_keeps_the_title_and_label() -> None:
    """Scoring stops looking at a row's texts once a group has its best possible hit (the
    words as typed, in a text of full weight): no text weighs more, and the title's hit
    and the label are those a full look gives."""
    import pytest

    from desktop.reference.search.ranking import BEST_HIT, Candidate, Group, Scorer, Text
    from desktop.reference.store import CodeSummary

    with pytest.raises(ValueError):
        Text.of(BEST_HIT + 0.1, "anything", None)
    summary = CodeSummary(1, "ICD-10-CM", "I50.9", "Heart failure, unspecified", True,
                          "active", False, "code")  # fmt: skip
    texts = [
        Text.of(1.0, summary.title, None, title=True),
        Text.of(1.0, "chf", "chf"),
        Text.of(0.5, "heart failure described in our words", None),
    ]
    heart = Group(("heart",), [("heart",)], None, 1)
    chf = Group(("chf",), [("chf",)], None, 1)
    on_title = Scorer([heart], set(), []).score(Candidate(summary, texts, 0))
    assert on_title.matched_groups == 1 and on_title.quality == 1.0 and on_title.label is None
    on_term = Scorer([chf], set(), []).score(Candidate(summary, texts, 0))
    assert on_term.quality == 1.0 and on_term.label == "chf"  # the title did not match it


@pytest.mark.parametrize(
    ("query", "first"),
    [
        # an abbreviation's meaning turned round in the title ("infection of urinary tract")
        ("uti in pregnancy second trimester", "O23.42"),
        ("uti pregnancy third trimester", "O23.43"),
        ("uti in pregnancy first trimester", "O23.41"),
    ],
)
def test_what_an_abbreviation_means_matches_in_any_order(
    engine: SearchEngine, query: str, first: str
) -> None:
    assert codes(engine, query)[0] == first


def test_a_phrase_with_a_short_word_is_searched_by_its_other_words(
    engine: SearchEngine,
) -> None:
    """Searching "hep c" (hepatitis c): "c" is not in the vocabulary, but "hepatitis" is, so
    the full-text rows are searched too, not only the one term that says "hep c"."""
    found = codes(engine, "hep c", 10)
    assert found[0] == "B19.20"  # the default code stays first
    assert {"B18.2", "B17.10"} <= set(found)  # chronic and acute hepatitis C


def test_a_title_turned_round_does_not_hide_the_term_that_matched(
    engine: SearchEngine,
) -> None:
    first = engine.search("uti pregnancy").results[0]
    assert first.code == "O23.40"
    assert first.matched == "uti in pregnancy"  # why it matched, not the title's words


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("cad with angina", "I25.119"),  # not I25.10 "... without angina pectoris"
        ("cad without angina", "I25.10"),  # said "without": that one
        ("angina", "I20.9"),
    ],
)
def test_a_title_that_rules_a_word_out_does_not_answer_it(
    engine: SearchEngine, query: str, first: str
) -> None:
    assert codes(engine, query)[0] == first


def test_a_title_ruling_out_a_typed_word_ranks_after_those_that_have_it(
    engine: SearchEngine,
) -> None:
    found = codes(engine, "nausea and vomiting", 10)
    assert found[0] == "R11.2"
    assert "R11.11" in found  # "Vomiting without nausea": listed, after the others
    assert found.index("R11.11") > found.index("R11.0")
    assert found.index("R11.11") >= 4  # after the anti-nausea shot that has the word too


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("knee injection", "20610"),
        ("cortisone shot in the shoulder", "20610"),
        ("ultrasound guided knee injection", "20611"),
        ("wrist injection", "20605"),
        ("finger joint injection", "20600"),
        ("trigger point injection", "20552"),
        ("tpi", "20552"),
    ],
)
def test_joint_and_trigger_point_injections_in_plain_words(
    engine: SearchEngine, query: str, first: str
) -> None:
    assert codes(engine, query)[0] == first


def test_an_injection_into_a_joint_points_away_from_96372(store: ReferenceStore) -> None:
    shot = store.get("96372", "CPT")
    joint = store.get("20610", "CPT")
    assert shot is not None and joint is not None
    assert ("20610", "see_also") in {(x.code, x.relation) for x in shot.xrefs}
    assert ("96372", "see_also") in {(x.code, x.relation) for x in joint.xrefs}
    assert store.mue("20610") is not None  # the CMS MUE row came with it


@pytest.mark.parametrize(("letter", "first"), [("j", 5), ("J", 5), ("g", 3)])
def test_a_first_letter_lists_the_codes_it_starts(
    engine: SearchEngine, letter: str, first: int
) -> None:
    """A person typing "j" is starting a J code: J codes come before rows that merely have a
    word starting with j ("joint"). (G0008, G0009 and G0010 are the only curated G codes.)"""
    found = codes(engine, letter, 5)
    assert all(c.startswith(letter.upper()) for c in found[:first])


@pytest.mark.parametrize(
    ("query", "first"),
    [("vaccine refused", "Z28.21"), ("refused vaccine", "Z28.21"),
     ("sprained ankle", "S93.409A"), ("vomited", "R11.10")],
)  # fmt: skip
def test_an_inflected_word_is_searched_by_its_stem_not_corrected(
    engine: SearchEngine, query: str, first: str
) -> None:
    """The word "refused" is in no title; taken as a typo it became "reduced". Its stem begins
    "refusal", so it is an inflection: searched as that stem, with no "did you mean"."""
    found = engine.search(query)
    assert found.corrected is None
    assert found.results[0].code == first


def test_a_typo_one_edit_away_is_still_corrected(engine: SearchEngine) -> None:
    # "diabetis" ends in "s" and "diabeti" begins "diabetic", but one edit makes "diabetes".
    found = engine.search("diabetis")
    assert found.corrected == "diabetes"
    assert found.results[0].code == "E11.9"


def test_a_plural_is_its_singular_not_a_near_word(engine: SearchEngine) -> None:
    found = engine.search("bleeding gums")
    assert found.corrected is None  # never "bleeding guns"


@pytest.mark.parametrize(
    ("query", "prefix"),
    [("wrist sprain", "S63.509"), ("fracture of femur", "M80.05"), ("dog bite", "W54.0XX")],
)
def test_an_injury_lists_the_initial_encounter_before_the_sequela(
    engine: SearchEngine, query: str, prefix: str
) -> None:
    """ICD-10-CM's 7th character A (initial encounter, active treatment) is what a person
    naming an injury means; bm25 put the shorter "..., sequela" title first."""
    found = [c for c in codes(engine, query, 20) if c.startswith(prefix) and len(c) == 8]
    assert found, query
    assert found[0].endswith("A"), found


@pytest.mark.parametrize(
    "query",
    ["injection in the muscle", "shot in the muscle", "muscle injection", "into the muscle",
     "shot in the butt", "injection under the skin"],
)  # fmt: skip
def test_a_route_in_plain_words_finds_the_injection_code(engine: SearchEngine, query: str) -> None:
    """The words "in the muscle" are intramuscular, "under the skin" subcutaneous: 96372, not the
    muscle relaxant orphenadrine or a trigger-point injection."""
    assert "96372" in codes(engine, query, 2)
    assert codes(engine, query, 2)[0] not in ("J2360", "20552")


def test_a_vein_in_plain_words_is_intravenous(engine: SearchEngine) -> None:
    assert codes(engine, "injection into the vein", 1) == ["96374"]


@pytest.mark.parametrize(
    ("query", "first"),
    [("poison ivy", "L23.7"), ("gonorrhea", "A54.9"), ("chlamydia", "A74.9"),
     ("well woman exam", "Z01.419"), ("covid positive", "U07.1"), ("flu a", "J10.1"),
     ("influenza b", "J10.1"), ("gonorrhea screening", "Z11.3"), ("std test", "Z11.3"),
     ("broken arm", "S42.309A")],
)  # fmt: skip
def test_lay_names_the_titles_do_not_use(engine: SearchEngine, query: str, first: str) -> None:
    assert codes(engine, query, 1) == [first]


def test_a_typo_of_a_brand_name_is_corrected_to_the_brand(engine: SearchEngine) -> None:
    # "Solu-Medrol" is a term, in no title: the correction looks among terms too.
    found = engine.search("solumedral")
    assert found.corrected == "solumedrol"
    assert found.results[0].code in ("J2920", "J2930")


def test_two_edits_and_another_first_letter_is_not_a_correction(engine: SearchEngine) -> None:
    # "epipen" was rewritten to "pipe" and listed "Assault by pipe bomb".
    found = engine.search("epipen")
    assert found.corrected is None
    assert not any("bomb" in r.title.lower() for r in found.results)
    # Nothing found: the suggestions are words, not code prefixes ("E00").
    assert found.suggestions and all(not s[:1].isupper() for s in found.suggestions)


@pytest.mark.parametrize(
    ("query", "first"),
    [("J 3 4 2 0", "J3420"), ("9 6 3 7 2", "96372"), ("z 2 3", "Z23"), ("e 1 1 . 9", "E11.9")],
)
def test_a_code_read_out_one_character_at_a_time(
    engine: SearchEngine, query: str, first: str
) -> None:
    assert codes(engine, query)[0] == first


@pytest.mark.parametrize("query", ["96372-59", "96372 mod 59", "96372-xu", "20610-rt"])
def test_a_modifier_the_reference_lacks_is_not_a_word_to_search(
    engine: SearchEngine, query: str
) -> None:
    found = engine.search(query)
    assert [r.code for r in found.results] == [query[:5]]
    assert found.other_modifiers == [query[-2:].upper()]


@pytest.mark.parametrize(
    ("query", "first"),
    [("promethazine 25", "J2550"), ("toradol 60", "J1885"), ("methylprednisolone 125", "J2930")],
)
def test_a_bare_number_with_a_drug_is_a_dose_not_a_word(
    engine: SearchEngine, query: str, first: str
) -> None:
    """The "25" of "promethazine 25" found etanercept, 25 mg first; it now only breaks ties
    (125 picks the 125 mg methylprednisolone code)."""
    found = codes(engine, query, 5)
    assert found[0] == first
    assert "J1438" not in found


def test_solu_cortef_is_hydrocortisone_not_solu_medrol(engine: SearchEngine) -> None:
    # "solu cortef" listed Solu-Medrol (methylprednisolone) first: another drug.
    assert codes(engine, "solu cortef", 1) == ["J1720"]
    first = engine.search("hydrocortisone 250 mg").results[0]
    assert first.code == "J1720" and first.dose is not None and first.dose.units == 3


@pytest.mark.parametrize(
    ("query", "term_codes", "others"),
    [
        # "hep b" stands for "hepatitis b": with "vaccine" it is exactly that term, so the
        # hepatitis B vaccines come before the combinations that also contain it.
        ("hep b vaccine", {"90739", "90743", "90744", "90746"}, {"90697", "90723", "90636"}),
        ("hepb vaccine", {"90739", "90743", "90744", "90746"}, {"90697", "90723", "90636"}),
    ],
)
def test_a_shorthand_phrase_spelled_out_is_an_exact_term(
    engine: SearchEngine, query: str, term_codes: set[str], others: set[str]
) -> None:
    found = codes(engine, query)
    assert set(found[: len(term_codes)]) == term_codes
    assert all(found.index(c) > len(term_codes) - 1 for c in others if c in found)


def test_a_shorthand_of_several_meanings_is_left_as_typed(engine: SearchEngine) -> None:
    # "tdap" stands for tetanus, diphtheria and pertussis: "tdap vaccine" is not the
    # term "tetanus vaccine" of Td (90714).
    assert codes(engine, "tdap vaccine")[0] == "90715"


@pytest.mark.parametrize(
    ("query", "drug"),
    [
        ("ondansetron 4 mg iv push", "J2405"),
        ("zofran iv push", "J2405"),
        ("benadryl 50 mg iv push", "J1200"),
        ("infed 100 mg iv", "J1750"),
    ],
)
def test_another_drug_never_comes_before_the_drug_named(
    engine: SearchEngine, query: str, drug: str
) -> None:
    """Iron sucrose's text says how it is given ("into a vein", "infusion"): matching those
    words does not put it before the drug the query names."""
    found = [r.summary for r in engine.search(query, limit=10).results]
    codes_found = [s.code for s in found]
    assert drug in codes_found
    before = found[: codes_found.index(drug)]
    assert [s.code for s in before if s.kind == "drug"] == [], (query, codes_found)


def test_how_a_drug_is_given_does_not_make_a_query_a_drug_query(engine: SearchEngine) -> None:
    # "iron infusion" is a term of the iron drugs: "infusion" alone still asks for the act.
    assert codes(engine, "infusion", 4) == ["96365", "96366", "96367", "96368"]


@pytest.mark.parametrize(
    ("query", "code"), [("high bp", "I10"), ("bp high", "I10"), ("low bp", "I95.9")]
)
def test_bp_is_blood_pressure(engine: SearchEngine, query: str, code: str) -> None:
    # "high bp" had listed the high-dose flu vaccine first ("high" in its title).
    assert codes(engine, query, 1) == [code]


def test_rows_covering_more_typed_words_come_first(engine: SearchEngine) -> None:
    """A phrase of two typed words ("std exposure", a term of Z20.2) covers more of the
    query than one generic word ("visit", in every visit code's title)."""
    assert codes(engine, "std exposure visit", 1) == ["Z20.2"]


@pytest.mark.parametrize(
    ("query", "singles", "combinations"),
    [
        # At a tie, code order had put Twinrix (hepatitis A and B) or Vaxelis first.
        ("hep b", {"90739", "90743", "90744", "90746"}, {"90636", "90697", "90723"}),
        ("hep a vaccine", {"90632", "90633"}, {"90636"}),
        ("ipv", {"90713"}, {"90696", "90697", "90698", "90723"}),
    ],
)
def test_a_disease_name_lists_its_single_vaccine_before_combinations(
    engine: SearchEngine,
    store: ReferenceStore,
    query: str,
    singles: set[str],
    combinations: set[str],
) -> None:
    found = codes(engine, query, 20)
    last_single = max(found.index(c) for c in singles)
    assert all(found.index(c) > last_single for c in combinations if c in found), found
    for c in singles | combinations:  # the premise: what the data says of each product
        record = store.get(c)
        assert record is not None and record.summary.kind == "vaccine"


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("sub q injection", "96372"),  # had listed Depo-SubQ Provera (J1050) first
        ("subq injection", "96372"),
        ("depo subq provera", "J1050"),  # the brand still finds its drug
    ],
)
def test_a_route_word_is_how_a_drug_is_given_not_which_drug(
    engine: SearchEngine, query: str, first: str
) -> None:
    assert codes(engine, query, 3)[0] == first


@pytest.mark.parametrize(
    ("query", "first", "header"),
    [
        # The header's title is the words typed, but a claim needs a billable code.
        ("sprain ankle", "S93.409A", "S93.4"),
        ("ankle sprain", "S93.409A", "S93.4"),
        # A37 (a header) is exactly "whooping cough": its billable codes answer before the
        # vaccines whose terms also say it.
        ("whooping cough", "A37.90", "A37"),
    ],
)
def test_a_header_named_exactly_lists_a_billable_code_first(
    engine: SearchEngine, store: ReferenceStore, query: str, first: str, header: str
) -> None:
    found = codes(engine, query, 10)
    assert found[0] == first, found
    record = store.get(header, "ICD-10-CM")
    assert record is not None and record.summary.billable is False  # the premise
    if header in found:
        assert found.index(header) > 0


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("mumps", "B26.9"),  # "Mumps NOS", not mumps orchitis (B26.0)
        ("allergic reaction", "T78.40XA"),  # "Allergic reaction NOS", not T80.5
        ("migraine", "G43.909"),  # its own term stays before the other G43 codes
    ],
)
def test_the_nos_code_is_the_condition_named_alone(
    engine: SearchEngine, query: str, first: str
) -> None:
    assert codes(engine, query, 5)[0] == first


@pytest.mark.parametrize(
    ("query", "first"),
    [
        # The term is "hepatitis a and b vaccine": the small word between the shorthands
        # is part of it. Had listed the hepatitis B vaccines.
        ("hep a and b vaccine", "90636"),
        ("hep a & b vaccine", "90636"),
        ("hep a vaccine", "90632"),  # "hep a" is hepatitis A: not the hepatitis B vaccines
    ],
)
def test_a_shorthand_spelled_out_keeps_the_small_words_between(
    engine: SearchEngine, query: str, first: str
) -> None:
    found = codes(engine, query, 5)
    assert found[0] == first
    assert not {"90739", "90743", "90744", "90746"} & set(found[:3])


@pytest.mark.parametrize(
    ("query", "first", "units"),
    [
        # Nirsevimab comes in 0.5 mL (50 mg, 90380) and 1 mL (100 mg, 90381) syringes: the
        # code is chosen by the dose given (AAP), not two small syringes for one large.
        ("beyfortus 100 mg", "90381", 1),
        ("beyfortus 200 mg", "90381", 2),  # the second season: two 1 mL shots
        ("beyfortus 50 mg", "90380", 1),
        ("nirsevimab 100mg", "90381", 1),
    ],
)
def test_a_product_in_several_sizes_is_billed_in_the_size_the_dose_is(
    engine: SearchEngine, query: str, first: str, units: int
) -> None:
    top = engine.search(query).results[0]
    assert top.code == first
    assert top.dose is not None and top.dose.units == units


@pytest.mark.parametrize(
    ("query", "firsts"),
    [
        # "11" and "year" had found the Moderna vaccine "through 11 years" before Tdap.
        ("tdap 11 year old", {"90715"}),
        ("dtap 4 year old", {"90700", "90696"}),
        ("fever 3 month old", {"R50.9"}),
        ("flu shot over 65", {"90653", "90662", "G0008", "90471"}),  # not a COVID product
    ],
)
def test_an_age_says_who_the_patient_is_not_which_code(
    engine: SearchEngine, query: str, firsts: set[str]
) -> None:
    assert codes(engine, query, 3)[0] in firsts


@pytest.mark.parametrize(
    ("typed", "spaced"),
    [
        ("backpain", "back pain"),
        ("lowbackpain", "low back pain"),
        ("chestpain", "chest pain"),
        ("sorethroat", "sore throat"),
        ("highbloodpressure", "high blood pressure"),
        ("shortnessofbreath", "shortness of breath"),
        ("earinfection", "ear infection"),
        ("pt here for kneepain", "pt here for knee pain"),
    ],
)
def test_words_typed_without_spaces_are_searched_as_the_words(
    engine: SearchEngine, typed: str, spaced: str
) -> None:
    """A front desk typing fast runs words together: found nowhere, and not one edit from a
    word, they are the words they run together ("sorethroat" had become "strepthroat";
    "backpain", "burnout" found nothing), and the window says what was searched."""
    response = engine.search(typed)
    assert [r.code for r in response.results[:5]] == codes(engine, spaced)[:5]
    assert response.results and response.corrected == spaced


@pytest.mark.parametrize("typo", ["cystits", "endcarditis", "adrenalits", "surgedry", "tippig"])
def test_a_typo_that_also_splits_into_words_is_still_a_typo(
    engine: SearchEngine, typo: str
) -> None:
    # "cyst its", "end carditis", "surge dry": one edit from a word, it is that word.
    response = engine.search(typo)
    assert response.corrected is not None and " " not in response.corrected


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("htn f/u", "I10"),  # follow-up narrows nothing
        ("dm2 f/u", "E11.9"),
        ("n/v", "R11.2"),  # nausea with vomiting
        ("r/o strep", "J02.0"),  # rule out
        ("c/o cough", "R05.9"),  # complains of
        ("h/o covid", "Z86.16"),  # personal history of
        ("h/o dvt", "Z86.718"),  # 2026.12.8: the term "personal history of dvt"
        ("hx dvt", "Z86.718"),  # "hx" is history (a synonym)
        ("h/o mi", "I25.2"),  # 2026.12.9: had listed the other personal-history codes
        ("cad w/o angina", "I25.10"),
    ],
)
def test_shorthands_written_with_a_slash_are_read(
    engine: SearchEngine, query: str, first: str
) -> None:
    """Split at the slash, their letters alone matched anything ("htn f/u" listed the RSV
    vaccines, whose titles say "prefusion F"; "n/v" found nothing)."""
    assert codes(engine, query)[0] == first


def test_a_slash_shorthand_alone_is_searched_spelled_out(engine: SearchEngine) -> None:
    response = engine.search("f/u")  # follow-up, not nothing
    assert response.results and "follow" in (response.results[0].matched or "").lower()
    assert codes(engine, "ketorolac 30mg/ml")[0] == "J1885"  # other slashes as before


@pytest.mark.parametrize(
    ("query", "first"),
    [("tdap adult", "90715"), ("tdap vaccine adult", "90715"), ("td vaccine adult", "90714")],
)
def test_a_patients_age_group_only_breaks_ties(
    engine: SearchEngine, query: str, first: str
) -> None:
    """The word "adult" says who the patient is, like an age: it had listed the hepatitis
    vaccines ("adult dose") before Tdap."""
    assert codes(engine, query)[0] == first


def test_an_age_group_still_breaks_ties_among_the_vaccines_named(engine: SearchEngine) -> None:
    assert codes(engine, "hep b vaccine adult")[0] in ("90739", "90743", "90746")


@pytest.mark.parametrize("query", ["mod 59", "modifier 59", "modifier xu"])
def test_a_modifier_the_reference_lacks_is_said_even_without_a_code(
    engine: SearchEngine, query: str
) -> None:
    # "mod 59" had listed "Blood alcohol level of 40-59 mg/100 ml" and BMI 50.0-59.9.
    response = engine.search(query)
    assert response.other_modifiers == [query.split()[-1].upper()]
    assert {r.summary.system for r in response.results} <= {"CPT", "HCPCS"}
    assert all(r.summary.kind == "modifier" for r in response.results[:3])
    assert codes(engine, "mod 25")[0] == "25"
