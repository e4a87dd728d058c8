"""Tests for desktop.reference.importers.icd10cm_tabular.

Two kinds: small XML files written into tmp_path (always run), and the real FY2026 file
shipped in the simple-icd-10-cm==1.5.0 wheel (skipped when that package is absent).
"""

from __future__ import annotations

import importlib.metadata
import re
import time
import tracemalloc
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.reference.importers import icd10cm_tabular as tab
from desktop.reference.importers.icd10cm_tabular import (
    IcdBlock,
    IcdChapter,
    IcdCode,
    TabularReadError,
    bundled_tabular_xml,
    read_tabular,
    seventh_character_code,
    tabular_version,
)

CODE_LIST_NAME = "code-list-April-2026.txt"
# Pinned by simple-icd-10-cm==1.5.0 (FY2026 tabular, April 1 2026 update).
EXPECTED_TOTAL = 98_186
EXPECTED_BILLABLE = 74_719
EXPECTED_CHAPTERS = 22
EXPECTED_BLOCKS = 297


# --------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------


@dataclass
class Read:
    codes: list[IcdCode]
    blocks: list[IcdBlock] = field(default_factory=list)
    chapters: list[IcdChapter] = field(default_factory=list)
    events: list[str] = field(default_factory=list)  # "chapter:1", "block:A00-A09", "code:A00"
    seconds: float = 0.0

    def by_code(self) -> dict[str, IcdCode]:
        return {c.code: c for c in self.codes}


def read_all(path: Path) -> Read:
    result = Read(codes=[])

    def on_block(block: IcdBlock) -> None:
        result.blocks.append(block)
        result.events.append(f"block:{block.id}")

    def on_chapter(chapter: IcdChapter) -> None:
        result.chapters.append(chapter)
        result.events.append(f"chapter:{chapter.number}")

    start = time.perf_counter()
    for code in read_tabular(path, on_block=on_block, on_chapter=on_chapter):
        result.codes.append(code)
        result.events.append(f"code:{code.code}")
    result.seconds = time.perf_counter() - start
    return result


def write(tmp_path: Path, body: str, name: str = "tabular.xml") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


# --------------------------------------------------------------------------------------
# Small synthetic files
# --------------------------------------------------------------------------------------

SMALL_XML = """<?xml version="1.0" encoding="utf-8"?>
<ICD10CM.tabular>
  <version>2099</version>
  <introduction>
    <introSection type="title"><title>Intro</title>
      <instruction><note>ignored intro note</note></instruction>
    </introSection>
  </introduction>
  <chapter>
    <name>1</name>
    <desc>First chapter (A00-B10)</desc>
    <excludes2><note>chapter-level note, not a code note</note></excludes2>
    <sectionIndex>
      <sectionRef first="A00" last="A01" id="A00-A01">Range block</sectionRef>
      <sectionRef first="B10" last="B10" id="B10">Single block</sectionRef>
    </sectionIndex>
    <section id="A00-A01">
      <desc>Range block (A00-A01)</desc>
      <includes><note>section-level note</note></includes>
      <diag>
        <name>A00</name>
        <desc>Cholera</desc>
        <inclusionTerm><note>term one</note><note>term two</note></inclusionTerm>
        <includes><note>includes one</note></includes>
        <excludes1><note>ex1 a (X00.-)</note><note>ex1 b</note></excludes1>
        <excludes2><note>ex2</note></excludes2>
        <codeFirst><note>first</note></codeFirst>
        <useAdditionalCode><note>additional</note></useAdditionalCode>
        <codeAlso><note>also</note></codeAlso>
        <notes><note>plain note 1</note><note>plain note 2</note></notes>
        <diag>
          <name>A00.0</name>
          <desc>  Cholera due to Vibrio cholerae 01, biovar cholerae  </desc>
        </diag>
        <diag>
          <name>A00.9</name>
          <desc>Cholera, unspecified</desc>
        </diag>
      </diag>
      <diag>
        <name>A01</name>
        <desc>Leaf category</desc>
      </diag>
    </section>
    <section id="B10">
      <desc>Other human herpesviruses (B10)</desc>
      <diag>
        <name>B10</name>
        <desc>Other human herpesviruses</desc>
        <diag>
          <name>B10.0</name>
          <desc>Other human herpesvirus encephalitis</desc>
        </diag>
      </diag>
    </section>
  </chapter>
  <chapter>
    <name>19</name>
    <desc>Injury (S00-T88)</desc>
    <section id="S00-S09">
      <desc>Heading-only block</desc>
    </section>
    <section id="S00-S01">
      <desc>Injuries to the head (S00-S01)</desc>
      <diag>
        <name>S00</name>
        <desc>Superficial injury of head</desc>
        <sevenChrNote><note>The appropriate 7th character is to be added</note></sevenChrNote>
        <sevenChrDef>
          <extension char="A">initial encounter</extension>
          <note>inclusion line under A, ignored</note>
          <extension char="D">subsequent encounter</extension>
          <extension char="S">sequela</extension>
        </sevenChrDef>
        <diag>
          <name>S00.0</name>
          <desc>Superficial injury of scalp</desc>
          <diag>
            <name>S00.01</name>
            <desc>Abrasion of scalp</desc>
            <excludes1><note>open wound</note></excludes1>
          </diag>
        </diag>
        <diag>
          <name>S00.8</name>
          <desc>Nearest definition wins</desc>
          <sevenChrDef>
            <extension char="Q">only this one</extension>
          </sevenChrDef>
          <diag placeholder="true">
            <name>S00.8X</name>
            <desc>Placeholder level</desc>
            <diag>
              <name>S00.8X1</name>
              <desc>Six characters</desc>
            </diag>
          </diag>
        </diag>
      </diag>
      <diag>
        <name>S01</name>
        <desc>Leaf category with a definition</desc>
        <sevenChrDef><extension char="A">initial encounter</extension></sevenChrDef>
      </diag>
    </section>
    <section id="S06">
      <desc>Intracranial injury (S06)</desc>
      <diag>
        <name>S06</name>
        <desc>Intracranial injury</desc>
        <sevenChrDef>
          <extension char="A">initial encounter</extension>
          <extension char="D">subsequent encounter</extension>
          <extension char="S">sequela</extension>
        </sevenChrDef>
        <diag>
          <name>S06.1X6</name>
          <desc>Edema, six</desc>
        </diag>
        <diag>
          <name>S06.1X7</name>
          <desc>Edema, death</desc>
        </diag>
      </diag>
    </section>
  </chapter>
</ICD10CM.tabular>
"""


@pytest.fixture
def small(tmp_path: Path) -> Read:
    return read_all(write(tmp_path, SMALL_XML))


def test_small_yields_codes_in_document_order(small: Read) -> None:
    assert [c.code for c in small.codes] == [
        "A00",
        "A00.0",
        "A00.9",
        "A01",
        "B10",
        "B10.0",
        "S00",
        "S00.0",
        "S00.01",
        "S00.01XA",
        "S00.01XD",
        "S00.01XS",
        "S00.8",
        "S00.8X",
        "S00.8X1",
        "S00.8X1Q",
        "S01",
        "S01.XXXA",
        "S06",
        "S06.1X6",
        "S06.1X6A",
        "S06.1X6D",
        "S06.1X6S",
        "S06.1X7",
        "S06.1X7A",
    ]


def test_small_callbacks_come_before_their_contents(small: Read) -> None:
    assert small.chapters == [
        IcdChapter("1", "First chapter (A00-B10)"),
        IcdChapter("19", "Injury (S00-T88)"),
    ]
    assert small.blocks == [
        IcdBlock("A00-A01", "A00", "A01", "Range block (A00-A01)", "1"),
        IcdBlock("B10", "B10", "B10", "Other human herpesviruses (B10)", "1"),
        IcdBlock("S00-S09", "S00", "S09", "Heading-only block", "19"),
        IcdBlock("S00-S01", "S00", "S01", "Injuries to the head (S00-S01)", "19"),
        IcdBlock("S06", "S06", "S06", "Intracranial injury (S06)", "19"),
    ]
    events = small.events
    assert events[:3] == ["chapter:1", "block:A00-A01", "code:A00"]
    assert events.index("block:B10") < events.index("code:B10")
    assert events.index("code:A01") < events.index("block:B10")
    assert events.index("code:B10.0") < events.index("chapter:19")
    assert events.index("chapter:19") < events.index("block:S00-S09")
    assert events.index("block:S00-S09") + 1 == events.index("block:S00-S01")


def test_small_billable_parent_block_chapter(small: Read) -> None:
    codes = small.by_code()
    assert codes["A00"] == IcdCode(
        code="A00",
        title="Cholera",
        billable=False,
        parent=None,
        block="A00-A01",
        chapter="1",
        notes=codes["A00"].notes,
    )
    assert codes["A00.0"].title == "Cholera due to Vibrio cholerae 01, biovar cholerae"
    assert codes["A00.0"].billable and codes["A00.0"].parent == "A00"
    assert codes["A01"].billable and codes["A01"].parent is None  # leaf category
    assert not codes["B10"].billable and codes["B10"].block == "B10"
    assert codes["B10.0"].billable and codes["B10.0"].block == "B10"
    assert codes["S00.01"].chapter == "19" and codes["S00.01"].block == "S00-S01"


def test_small_notes_kinds_and_order(small: Read) -> None:
    codes = small.by_code()
    assert codes["A00"].notes == (
        ("inclusion_term", "term one"),
        ("inclusion_term", "term two"),
        ("includes", "includes one"),
        ("excludes1", "ex1 a (X00.-)"),
        ("excludes1", "ex1 b"),
        ("excludes2", "ex2"),
        ("code_first", "first"),
        ("use_additional_code", "additional"),
        ("code_also", "also"),
        ("note", "plain note 1"),
        ("note", "plain note 2"),
    )
    assert codes["A00.0"].notes == ()  # notes are not inherited
    # sevenChrNote and notes inside sevenChrDef are not code notes
    assert codes["S00"].notes == ()
    assert codes["S00.01"].notes == (("excludes1", "open wound"),)


def test_small_seventh_characters(small: Read) -> None:
    codes = small.by_code()
    leaf = codes["S00.01"]
    assert not leaf.billable  # pending 7th character
    assert not codes["S00"].billable and not codes["S00.0"].billable
    xa = codes["S00.01XA"]
    assert xa == IcdCode(
        code="S00.01XA",
        title="Abrasion of scalp, initial encounter",
        billable=True,
        parent="S00.01",
        block="S00-S01",
        chapter="19",
        notes=(),
    )
    assert codes["S00.01XS"].title == "Abrasion of scalp, sequela"
    # nearest definition wins; placeholder diag is an ordinary code
    assert codes["S00.8X"].title == "Placeholder level" and not codes["S00.8X"].billable
    assert codes["S00.8X1Q"].title == "Six characters, only this one"
    assert "S00.8X1A" not in codes
    # a leaf category under a definition is padded to six characters
    assert not codes["S01"].billable
    assert codes["S01.XXXA"].parent == "S01" and codes["S01.XXXA"].billable


def test_small_s06_exception(small: Read) -> None:
    codes = small.by_code()
    assert {"S06.1X6A", "S06.1X6D", "S06.1X6S", "S06.1X7A"} <= codes.keys()
    assert "S06.1X7D" not in codes and "S06.1X7S" not in codes
    assert not codes["S06.1X7"].billable


def test_small_version(tmp_path: Path) -> None:
    assert tabular_version(write(tmp_path, SMALL_XML)) == "2099"


def test_read_tabular_accepts_str_path(tmp_path: Path) -> None:
    path = write(tmp_path, SMALL_XML)
    assert len(list(read_tabular(str(path)))) == 25  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("seven", "char", "expected"),
    [
        ("S00.01", "A", "S00.01XA"),
        ("T36.0X1", "A", "T36.0X1A"),
        ("S00", "D", "S00.XXXD"),
        ("S02.1", "B", "S02.1XXB"),
        ("S06.1XA", "S", "S06.1XAS"),
    ],
)
def test_seventh_character_code(seven: str, char: str, expected: str) -> None:
    assert seventh_character_code(seven, char) == expected


_code_chars = st.sampled_from("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789")


@given(
    letter=st.sampled_from("ABCSTVWXYZ"),
    rest=st.lists(_code_chars, min_size=2, max_size=5).map("".join),
    char=_code_chars,
)
def test_seventh_character_code_shape(letter: str, rest: str, char: str) -> None:
    bare = letter + rest
    dotted = bare if len(bare) == 3 else f"{bare[:3]}.{bare[3:]}"
    result = seventh_character_code(dotted, char)
    assert len(result) == 8 and result[3] == "."
    flat = result.replace(".", "")
    assert flat.startswith(bare) and flat.endswith(char)
    assert set(flat[len(bare) : 6]) <= {"X"}


def test_seventh_character_code_rejects_seven_characters() -> None:
    with pytest.raises(ValueError, match=re.escape("S00.01XA")):
        seventh_character_code("S00.01XA", "A")


# --------------------------------------------------------------------------------------
# Malformed files
# --------------------------------------------------------------------------------------


def _assert_read_error(path: Path, *, line: bool) -> TabularReadError:
    with pytest.raises(TabularReadError) as info:
        for _ in read_tabular(path):
            pass
    message = str(info.value)
    assert str(path) in message
    if line:
        assert "line " in message
    return info.value


def test_truncated_file_raises(tmp_path: Path) -> None:
    text = SMALL_XML[: SMALL_XML.index("<name>S00.8</name>") + 5]
    path = write(tmp_path, text, "truncated.xml")
    seen: list[str] = []
    with pytest.raises(TabularReadError) as info:
        seen.extend(c.code for c in read_tabular(path))
    assert str(path) in str(info.value)
    last_line = text.count("\n") + 1
    assert f"line {last_line}," in str(info.value)  # the line where the text stops
    assert "A00" in seen  # codes before the cut were yielded
    assert isinstance(info.value, ValueError)
    assert info.value.__cause__ is not None


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"ICD-10-CM order file\nA00 Cholera\n",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00",
        b'{"not": "xml"}',
        b"<ICD10CM.tabular><chapter></ICD10CM.tabular>",
        b"<ICD10CM.tabular></ICD10CM.tabular><trailing/>",
    ],
    ids=["empty", "text", "binary", "json", "mismatched-tag", "junk-after-root"],
)
def test_non_xml_raises(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "not-tabular.xml"
    path.write_bytes(content)
    _assert_read_error(path, line=True)
    with pytest.raises(TabularReadError, match=re.escape("not-tabular.xml")):
        tabular_version(path)


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("<ClaML><chapter/></ClaML>", "root element is <ClaML>"),
        (
            "<ICD10CM.tabular><chapter><name>1</name><section id='A00-A09'>"
            "<diag><desc>no name</desc></diag></section></chapter></ICD10CM.tabular>",
            "without <name>",
        ),
        (
            "<ICD10CM.tabular><chapter><name>1</name><section id='A00'><diag><name>A00</name>"
            "<diag><name>A00.0</name></diag><excludes1><note>late</note></excludes1>"
            "</diag></section></chapter></ICD10CM.tabular>",
            "after the child codes of A00",
        ),
        (
            "<ICD10CM.tabular><chapter><name>1</name><section id='A00'><diag><name>A00.12345</name>"
            "<sevenChrDef><extension char='A'>initial</extension></sevenChrDef>"
            "</diag></section></chapter></ICD10CM.tabular>",
            "cannot add a 7th",
        ),
        (
            "<ICD10CM.tabular><chapter><name>1</name><section id='A00'><diag><name>A00</name>"
            "<excludes1><diag><name>A01</name></diag></excludes1>"
            "</diag></section></chapter></ICD10CM.tabular>",
            "<diag> inside <excludes1>",
        ),
        (
            "<ICD10CM.tabular><chapter><name>1</name><section id='A00'>"
            "<section id='A01'/></section></chapter></ICD10CM.tabular>",
            "<section> inside <section>",
        ),
    ],
    ids=[
        "wrong-root",
        "diag-without-name",
        "data-after-children",
        "too-long-for-7th",
        "diag-in-note",
        "nested-section",
    ],
)
def test_wrong_shape_raises(tmp_path: Path, body: str, reason: str) -> None:
    path = write(tmp_path, body, "odd.xml")
    error = _assert_read_error(path, line=False)
    assert reason in str(error)


def test_version_missing(tmp_path: Path) -> None:
    path = write(tmp_path, "<ICD10CM.tabular><chapter><name>1</name></chapter></ICD10CM.tabular>")
    with pytest.raises(TabularReadError, match="no <version>"):
        tabular_version(path)


def test_missing_file_is_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        list(read_tabular(tmp_path / "absent.xml"))


def test_bundled_locator_message_when_not_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(name: str) -> importlib.metadata.Distribution:
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "distribution", missing)
    with pytest.raises(FileNotFoundError, match=r"install simple-icd-10-cm==1\.5\.0"):
        bundled_tabular_xml()


# --------------------------------------------------------------------------------------
# The real file (simple-icd-10-cm==1.5.0)
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_xml() -> Path:
    try:
        return bundled_tabular_xml()
    except FileNotFoundError as exc:
        pytest.skip(f"real ICD-10-CM file unavailable ({exc})")


@pytest.fixture(scope="module")
def real(real_xml: Path) -> Read:
    return read_all(real_xml)


@pytest.fixture(scope="module")
def code_list(real_xml: Path) -> list[str]:
    """CDC-derived list shipped beside the XML (CRLF lines, no trailing newline).

    It is simple-icd-10-cm's tree walked in document order: every chapter number,
    every section id (including heading-only ones such as C00-C96), every code and
    every 7th-character code, without dots. A single-code section (B10, C7A, ...)
    appears twice: once as the block, then as the category.
    """
    path = real_xml.with_name(CODE_LIST_NAME)
    if not path.is_file():
        pytest.skip(f"{CODE_LIST_NAME} not found beside {real_xml}")
    return path.read_text(encoding="ascii").splitlines()


def _codes_only(code_list: list[str], real: Read) -> list[str]:
    """The list minus chapters and blocks; a block row precedes its same-named category."""
    pending = Counter(b.id for b in real.blocks) + Counter(c.number for c in real.chapters)
    out: list[str] = []
    for row in code_list:
        if pending[row]:
            pending[row] -= 1
        else:
            out.append(row)
    assert +pending == Counter(), f"chapters/blocks missing from the list: {+pending}"
    return out


def test_real_matches_code_list(real: Read, code_list: list[str]) -> None:
    yielded = [c.code.replace(".", "") for c in real.codes]
    expected = _codes_only(code_list, real)
    assert len(code_list) == len(expected) + EXPECTED_CHAPTERS + EXPECTED_BLOCKS
    assert len(set(yielded)) == len(yielded), "duplicate codes"
    assert set(yielded) == set(expected), (
        f"extra={sorted(set(yielded) - set(expected))[:20]} "
        f"missing={sorted(set(expected) - set(yielded))[:20]}"
    )
    assert yielded == expected  # same document order too


def test_real_counts(real: Read) -> None:
    total = len(real.codes)
    billable = sum(c.billable for c in real.codes)
    print(
        f"\nICD-10-CM 2026: {total} codes, {billable} billable, "
        f"{len(real.blocks)} blocks, {len(real.chapters)} chapters"
    )
    assert (total, billable) == (EXPECTED_TOTAL, EXPECTED_BILLABLE)
    assert len(real.chapters) == EXPECTED_CHAPTERS
    assert len(real.blocks) == EXPECTED_BLOCKS
    assert [c.number for c in real.chapters] == [str(n) for n in range(1, 23)]


def test_real_read_time(real: Read) -> None:
    print(f"\nread_tabular over the real file: {real.seconds:.2f} s")
    assert real.seconds < 10


def test_real_version(real_xml: Path) -> None:
    assert tabular_version(real_xml) == "2026"


def test_real_e53_8(real: Read) -> None:
    code = real.by_code()["E53.8"]
    assert code.title == "Deficiency of other specified B group vitamins"
    assert code.billable
    assert code.parent == "E53" and code.block == "E50-E64" and code.chapter == "4"
    assert code.notes == (
        ("inclusion_term", "Biotin deficiency"),
        ("inclusion_term", "Cyanocobalamin deficiency"),
        ("inclusion_term", "Folate deficiency"),
        ("inclusion_term", "Folic acid deficiency"),
        ("inclusion_term", "Pantothenic acid deficiency"),
        ("inclusion_term", "Vitamin B12 deficiency"),
        ("excludes1", "folate deficiency anemia (D52.-)"),
        ("excludes2", "vitamin B12 deficiency anemia (D51.-)"),
    )


def test_real_s00_01xa(real: Read) -> None:
    codes = real.by_code()
    xa = codes["S00.01XA"]
    assert xa.title == "Abrasion of scalp, initial encounter"
    assert xa.parent == "S00.01" and xa.billable and xa.notes == ()
    assert xa.block == "S00-S09" and xa.chapter == "19"
    assert not codes["S00.01"].billable
    assert codes["S00.01XD"].title == "Abrasion of scalp, subsequent encounter"
    assert codes["S00.01XS"].title == "Abrasion of scalp, sequela"
    assert codes["T36.0X1A"].parent == "T36.0X1"


def test_real_s06_exception_still_documented(real: Read) -> None:
    codes = real.by_code()
    assert "S06.1X7A" in codes and "S06.1X7D" not in codes and "S06.1X8S" not in codes
    assert any(
        kind == "note" and text.startswith("7th characters D and S do not apply")
        for kind, text in codes["S06"].notes
    ), "the S06 prose exception changed; review SEVENTH_CHARACTER_EXCEPTIONS"


def test_real_single_code_blocks(real: Read) -> None:
    codes = real.by_code()
    blocks = {b.id: b for b in real.blocks}
    b10 = blocks["B10"]
    assert (b10.first, b10.last, b10.chapter) == ("B10", "B10", "1")
    assert b10.title == "Other human herpesviruses (B10)"
    assert codes["B10"].title == "Other human herpesviruses"
    assert codes["B10"].block == "B10" and codes["B10"].parent is None
    single = sorted(b.id for b in real.blocks if b.first == b.last)
    assert {"B10", "B20", "C7A", "D3A", "Z68"} <= set(single)
    for block_id in single:
        assert codes[block_id].block == block_id, block_id


def test_real_excludes1(real: Read) -> None:
    s06 = real.by_code()["S06"]
    assert ("excludes1", "head injury NOS (S09.90)") in s06.notes
    assert sum(kind == "excludes1" for c in real.codes for kind, _ in c.notes) > 5_000


def test_real_structure(real: Read) -> None:
    seen: dict[str, IcdCode] = {}
    block_ids = {b.id for b in real.blocks}
    kinds: Counter[str] = Counter()
    for code in real.codes:
        assert code.title, code
        assert code.block in block_ids
        if code.parent is None:
            assert len(code.code) == 3 and "." not in code.code
        else:
            parent = seen[code.parent]  # parents come first
            assert not parent.billable
            assert code.code.replace(".", "").startswith(parent.code.replace(".", ""))
            assert parent.block == code.block
        kinds.update(kind for kind, _ in code.notes)
        assert all(text for _, text in code.notes)
        seen[code.code] = code
    assert set(kinds) == set(tab.NOTE_KINDS.values())
    # billable iff no child code
    has_child = {c.parent for c in real.codes if c.parent is not None}
    assert all(c.billable == (c.code not in has_child) for c in real.codes)


@pytest.mark.slow
def test_real_memory_stays_flat(real_xml: Path) -> None:
    tracemalloc.start()
    try:
        count = 0
        for _ in read_tabular(real_xml):
            count += 1
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    print(f"\npeak traced memory while streaming: {peak / 1e6:.2f} MB")
    assert count == EXPECTED_TOTAL
    assert peak < 5_000_000  # the file is 9.7 MB; a full tree would be ~100 MB


def test_real_truncated_copy(real_xml: Path, tmp_path: Path) -> None:
    data = real_xml.read_bytes()
    path = tmp_path / "icd10cm-truncated.xml"
    path.write_bytes(data[: len(data) // 2])
    count = 0
    with pytest.raises(TabularReadError) as info:
        for _ in read_tabular(path):
            count += 1
    assert str(path) in str(info.value) and "line " in str(info.value)
    assert 0 < count < EXPECTED_TOTAL
