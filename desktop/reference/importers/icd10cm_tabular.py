"""Streaming reader for CDC's ICD-10-CM tabular list XML (``icd10cm-tabular-*.xml``).

The file is read with :func:`xml.etree.ElementTree.iterparse` and every element is
cleared as soon as it has been used, so memory stays flat however large the file is.

Structure of the XML (FY2026 edition)::

    <ICD10CM.tabular>
      <version>2026</version>
      <introduction>...</introduction>
      <chapter>
        <name>1</name> <desc>...</desc> (notes) <sectionIndex>...</sectionIndex>
        <section id="A00-A09"> <desc>...</desc> (notes)
          <diag> <name>A00</name> <desc>...</desc> (notes) (sevenChrNote) (sevenChrDef)
            <diag>...</diag> ...
          </diag>
        </section>
      </chapter>
    </ICD10CM.tabular>

A diag's own data (name, desc, notes, sevenChrDef) always precedes its child diags;
the reader relies on that and raises :class:`TabularReadError` if it is broken.

Seventh characters: a ``<sevenChrDef>`` applies to the diag that carries it and to all
its descendants (the nearest definition wins). A leaf under such a definition is not
reportable on its own; the reader yields it (``billable=False``) followed by one
generated code per extension, e.g. ``S00.01`` + ``A`` -> ``S00.01XA``.

Only the standard library is used; this module never imports Qt.
"""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from desktop.reference.importers.common import PUBLIC_DOMAIN, FormatInfo

__all__ = [
    "BUNDLED_DISTRIBUTION",
    "BUNDLED_XML_RELPATH",
    "NOTE_KINDS",
    "SEVENTH_CHARACTER_EXCEPTIONS",
    "IcdBlock",
    "IcdChapter",
    "IcdCode",
    "TabularReadError",
    "bundled_tabular_xml",
    "read_tabular",
    "seventh_character_applies",
    "seventh_character_code",
    "tabular_version",
]

BUNDLED_DISTRIBUTION = "simple-icd-10-cm"
BUNDLED_VERSION = "1.5.0"
BUNDLED_XML_RELPATH = "simple_icd_10_cm/data/icd10c-tabular-April-1-2026.xml"

ROOT_TAG = "ICD10CM.tabular"
#: CDC's FY2026 file is ~10 MB; titles and notes are at most a few hundred characters.
MAX_FILE_BYTES = 512 * 1024 * 1024
MAX_TEXT = 4000
_YEAR = re.compile(r"^[0-9]{4}$")

#: XML container element -> note kind reported in :attr:`IcdCode.notes`.
NOTE_KINDS: dict[str, str] = {
    "inclusionTerm": "inclusion_term",
    "includes": "includes",
    "excludes1": "excludes1",
    "excludes2": "excludes2",
    "codeFirst": "code_first",
    "useAdditionalCode": "use_additional_code",
    "codeAlso": "code_also",
    "notes": "note",
}

_SEVENTH_PAD_TO = 6  # characters (without dot) before the 7th character

#: 7th characters that the XML rules out only in prose. Category S06 carries the note
#: "7th characters D and S do not apply to codes in category S06 with 6th character 7 -
#: death due to brain injury prior to regaining consciousness, or 8 - death due to other
#: cause prior to regaining consciousness." CDC's code list accordingly has S06.1X7A but
#: no S06.1X7D / S06.1X7S. Maps category -> ((6th characters, excluded 7th characters), ...).
SEVENTH_CHARACTER_EXCEPTIONS: dict[str, tuple[tuple[frozenset[str], frozenset[str]], ...]] = {
    "S06": ((frozenset("78"), frozenset("DS")),),
}


@dataclass(frozen=True, slots=True)
class IcdChapter:
    number: str  # "1" .. "22"
    title: str  # "Certain infectious and parasitic diseases (A00-B99)"


@dataclass(frozen=True, slots=True)
class IcdBlock:
    id: str  # "A00-A09", or "B10" when the section is a single category
    first: str  # first category, no dots
    last: str  # last category, no dots (== first for a single-category section)
    title: str
    chapter: str  # IcdChapter.number


@dataclass(frozen=True, slots=True)
class IcdCode:
    code: str  # as published, with dot: "E53.8", "S00.01XA"; a category has none: "E53"
    title: str
    billable: bool  # no child codes and no pending 7th character
    parent: str | None  # parent code with dot; None for a category
    block: str  # IcdBlock.id
    chapter: str  # IcdChapter.number
    notes: tuple[tuple[str, str], ...]  # (kind, text) in document order


class TabularReadError(ValueError):
    """The file is not a well-formed ICD-10-CM tabular XML (truncated, not XML, ...)."""


def bundled_tabular_xml() -> Path:
    """Path of the tabular XML shipped in the ``simple-icd-10-cm`` wheel.

    The package is located through its installed metadata and never imported (its
    import parses the whole file and takes seconds).
    """
    import importlib.metadata  # only the build needs it; kept off the app's start-up

    hint = (
        f"install {BUNDLED_DISTRIBUTION}=={BUNDLED_VERSION} "
        f"(pip install {BUNDLED_DISTRIBUTION}=={BUNDLED_VERSION}, or the 'data' extra), "
        f"which carries {BUNDLED_XML_RELPATH}"
    )
    try:
        dist = importlib.metadata.distribution(BUNDLED_DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        raise FileNotFoundError(f"ICD-10-CM tabular XML not found: {hint}") from None
    path = Path(str(dist.locate_file(BUNDLED_XML_RELPATH)))
    if not path.is_file():
        raise FileNotFoundError(
            f"ICD-10-CM tabular XML not found at {path} "
            f"({BUNDLED_DISTRIBUTION} {dist.version} is installed): {hint}"
        )
    return path


FORMAT = "icd10cm-xml"
SYSTEM = "ICD-10-CM"


def looks_like(first_line: str) -> bool:
    """True when a file starts like XML (the reader then checks it is the tabular list)."""
    return first_line.lstrip().startswith("<")


INFO = FormatInfo(
    id=FORMAT,
    label="ICD-10-CM tabular list (CDC, XML)",
    publisher="CDC NCHS",
    url="https://www.cdc.gov/nchs/icd/icd-10-cm/files.html",
    licence=PUBLIC_DOMAIN,
    completes=SYSTEM,
    recognises=lambda lines: bool(lines) and looks_like(lines[0]),
)


def _with_dot(code: str) -> str:
    return code if len(code) <= 3 else f"{code[:3]}.{code[3:]}"


def seventh_character_code(code: str, char: str) -> str:
    """``S00.01`` + ``A`` -> ``S00.01XA``; ``T36.0X1`` + ``A`` -> ``T36.0X1A``."""
    bare = code.replace(".", "")
    if len(bare) > _SEVENTH_PAD_TO:
        raise ValueError(f"{code} already has {len(bare)} characters; cannot add a 7th")
    return _with_dot(bare.ljust(_SEVENTH_PAD_TO, "X") + char)


def seventh_character_applies(code: str, char: str) -> bool:
    """False for the few extensions excluded in prose (see SEVENTH_CHARACTER_EXCEPTIONS)."""
    bare = code.replace(".", "")
    for sixth, excluded in SEVENTH_CHARACTER_EXCEPTIONS.get(bare[:3], ()):
        if len(bare) >= 6 and bare[5] in sixth and char in excluded:
            return False
    return True


def _text(elem: ET.Element) -> str:
    return (elem.text or "").strip()


class _Diag:
    """A ``<diag>`` being read; emitted when its first child starts or when it ends."""

    __slots__ = ("code", "emitted", "notes", "parent", "seventh", "title")

    def __init__(self, parent: _Diag | None) -> None:
        self.parent = parent
        self.code = ""
        self.title = ""
        self.notes: list[tuple[str, str]] = []
        # Nearest sevenChrDef (own or inherited), as (char, text) in document order.
        self.seventh: tuple[tuple[str, str], ...] | None = (
            parent.seventh if parent is not None else None
        )
        self.emitted = False


class _Reader:
    """State of one pass over the file. ``run`` is the generator behind read_tabular."""

    def __init__(
        self,
        path: Path,
        on_block: Callable[[IcdBlock], None] | None,
        on_chapter: Callable[[IcdChapter], None] | None,
    ) -> None:
        self.path = path
        self.on_block = on_block
        self.on_chapter = on_chapter
        self.chapter_number = ""
        self.chapter_title = ""
        self.chapter_emitted = False
        self.block_id = ""
        self.block_title = ""
        self.block_emitted = False

    def fail(self, reason: str) -> TabularReadError:
        return TabularReadError(f"{self.path}: {reason}")

    # -- chapters and blocks ---------------------------------------------------------

    def emit_chapter(self) -> None:
        if self.chapter_emitted:
            return
        if not self.chapter_number:
            raise self.fail("<chapter> without <name>")
        self.chapter_emitted = True
        if self.on_chapter is not None:
            self.on_chapter(IcdChapter(self.chapter_number, self.chapter_title))

    def emit_block(self) -> None:
        if self.block_emitted:
            return
        self.block_emitted = True
        first, sep, last = self.block_id.partition("-")
        if not sep:
            last = first
        if not first or not last:
            raise self.fail(f"<section> with a malformed id {self.block_id!r}")
        if self.on_block is not None:
            self.on_block(
                IcdBlock(
                    id=self.block_id,
                    first=first.replace(".", ""),
                    last=last.replace(".", ""),
                    title=self.block_title,
                    chapter=self.chapter_number,
                )
            )

    # -- codes -----------------------------------------------------------------------

    def make_code(self, diag: _Diag, billable: bool) -> IcdCode:
        if not diag.code:
            raise self.fail("<diag> without <name>")
        if len(diag.code) > 16:
            raise self.fail(f"<diag> name {_echo(diag.code)!r} is not an ICD-10-CM code")
        for what, text in (("title", diag.title), *(("a note", t) for _k, t in diag.notes)):
            if len(text) > MAX_TEXT:
                raise self.fail(f"{what} of {diag.code} is longer than {MAX_TEXT:,} characters")
        diag.emitted = True
        return IcdCode(
            code=diag.code,
            title=diag.title,
            billable=billable,
            parent=diag.parent.code if diag.parent is not None else None,
            block=self.block_id,
            chapter=self.chapter_number,
            notes=tuple(diag.notes),
        )

    def leaf_codes(self, diag: _Diag) -> Iterator[IcdCode]:
        if diag.seventh is None:
            yield self.make_code(diag, billable=True)
            return
        yield self.make_code(diag, billable=False)
        for char, text in diag.seventh:
            if not seventh_character_applies(diag.code, char):
                continue
            try:
                code = seventh_character_code(diag.code, char)
            except ValueError as exc:
                raise self.fail(str(exc)) from None
            yield IcdCode(
                code=code,
                title=f"{diag.title}, {text}",
                billable=True,
                parent=diag.code,
                block=self.block_id,
                chapter=self.chapter_number,
                notes=(),
            )

    # -- the pass ----------------------------------------------------------------------

    def run(self) -> Iterator[IcdCode]:
        try:
            with _open(self.path) as source:
                yield from self._events(source)
        except ET.ParseError as exc:
            raise _parse_error(self.path, exc) from exc

    # One streaming state machine over the XML events: split, its state would be shared
    # by every part.
    def _events(self, source: BinaryIO) -> Iterator[IcdCode]:  # noqa: C901
        # ``elems`` mirrors the open elements, ``diags`` the open <diag>s.
        elems: list[ET.Element] = []
        diags: list[_Diag] = []
        in_section = False
        for event, elem in ET.iterparse(source, events=("start", "end")):
            tag = elem.tag
            if event == "start":
                if tag == "diag":
                    if not in_section or elems[-1].tag not in ("section", "diag"):
                        where = f"<{elems[-1].tag}>" if elems else "the document"
                        raise self.fail(f"<diag> inside {where}, not in a <section> or <diag>")
                    parent = diags[-1] if diags else None
                    if parent is None:
                        self.emit_block()
                    elif not parent.emitted:
                        yield self.make_code(parent, billable=False)
                    diags.append(_Diag(parent))
                elif not elems:
                    if tag != ROOT_TAG:
                        raise self.fail(f"root element is <{tag}>, expected <{ROOT_TAG}>")
                elif elems[-1].tag == "diag" and diags[-1].emitted:
                    raise self.fail(
                        f"<{tag}> after the child codes of {diags[-1].code}; "
                        "a code's data must precede its children"
                    )
                elif tag == "section":
                    if elems[-1].tag != "chapter":
                        raise self.fail(f"<section> inside <{elems[-1].tag}>, not in a <chapter>")
                    self.emit_chapter()
                    in_section = True
                    self.block_id = (elem.get("id") or "").strip()
                    self.block_title = ""
                    self.block_emitted = False
                elif tag == "chapter":
                    if elems[-1].tag != ROOT_TAG:
                        raise self.fail(f"<chapter> inside <{elems[-1].tag}>")
                    self.chapter_number = ""
                    self.chapter_title = ""
                    self.chapter_emitted = False
                elems.append(elem)
                continue

            # end event
            elems.pop()
            if not elems:
                continue  # end of the root; let the parser check what follows
            owner = elems[-1].tag
            if tag == "diag":
                diag = diags.pop()
                if not diag.emitted:
                    yield from self.leaf_codes(diag)
            elif tag == "section":
                self.emit_block()
                in_section = False
            elif tag == "chapter":
                self.emit_chapter()
            elif owner == "diag":
                self.diag_data(diags[-1], elem)
            elif owner == "section":
                if tag == "desc":
                    self.block_title = _text(elem)
            elif owner == "chapter":
                if tag == "name":
                    self.chapter_number = _text(elem)
                elif tag == "desc":
                    self.chapter_title = _text(elem)
            elif owner != ROOT_TAG:
                continue  # inside a container: read when the container ends
            # Done with this element: drop it so the tree never grows.
            elem.clear()
            parent_elem = elems[-1]
            if len(parent_elem) and parent_elem[-1] is elem:
                del parent_elem[-1]

    def diag_data(self, diag: _Diag, elem: ET.Element) -> None:
        tag = elem.tag
        if tag == "name":
            diag.code = _text(elem)
        elif tag == "desc":
            diag.title = _text(elem)
        elif tag in NOTE_KINDS:
            kind = NOTE_KINDS[tag]
            diag.notes.extend((kind, _text(note)) for note in elem.iter("note"))
        elif tag == "sevenChrDef":
            # <note> children of sevenChrDef (inclusion terms for one extension) are ignored.
            seventh = tuple((ext.get("char", ""), _text(ext)) for ext in elem.iter("extension"))
            for char, _ in seventh:
                if len(char) != 1 or not char.isalnum():
                    raise self.fail(f"bad <extension char={char!r}> under {diag.code}")
            diag.seventh = seventh


def _echo(text: str) -> str:
    from desktop.safe_io import echo

    return echo(text, 60)


def _open(path: Path) -> BinaryIO:
    """The file for reading, if it is a regular file of a sane size (else TabularReadError)."""
    from desktop.safe_io import NotRegularFileError, open_regular

    if not os.path.exists(path):
        return open(path, "rb")  # raises FileNotFoundError, as the build expects
    try:
        fh = open_regular(path)
    except NotRegularFileError as exc:
        raise TabularReadError(f"{path}: {exc.reason}") from None
    size = os.fstat(fh.fileno()).st_size
    if size > MAX_FILE_BYTES:
        fh.close()
        raise TabularReadError(
            f"{path}: is {size / 1e6:,.0f} MB; the tabular XML is at most "
            f"{MAX_FILE_BYTES / 1e6:,.0f} MB"
        )
    return fh


def _parse_error(path: Path, exc: ET.ParseError) -> TabularReadError:
    line, column = exc.position
    return TabularReadError(
        f"{path}: line {line}, column {column}: not well-formed XML ({exc.msg})"
    )


def read_tabular(
    path: Path,
    on_block: Callable[[IcdBlock], None] | None = None,
    on_chapter: Callable[[IcdChapter], None] | None = None,
) -> Iterator[IcdCode]:
    """Yield every code of the tabular list in document order (categories first).

    ``on_chapter`` is called for each chapter before any of its blocks, ``on_block``
    for each ``<section>`` (including heading-only sections with no codes, such as
    ``C00-C96``) before any of its codes. Raises :class:`TabularReadError` for a file
    that is not well-formed or not shaped like the tabular list; codes read before
    the error have already been yielded.
    """
    return _Reader(Path(path), on_block, on_chapter).run()


def tabular_version(path: Path) -> str:
    """The ``<version>`` text of the file, e.g. ``"2026"``; reads only its first lines."""
    path = Path(path)
    try:
        with _open(path) as source:
            depth = 0
            for event, elem in ET.iterparse(source, events=("start", "end")):
                if event == "end":
                    if elem.tag == "version" and depth == 2:
                        version = _text(elem)
                        if _YEAR.match(version):
                            return version
                        if version:
                            raise TabularReadError(
                                f"{path}: <version> {_echo(version)!r} is not a year "
                                "(four digits, such as 2026)"
                            )
                        break
                    depth -= 1
                    continue
                depth += 1
                if depth == 1 and elem.tag != ROOT_TAG:
                    raise TabularReadError(
                        f"{path}: root element is <{elem.tag}>, expected <{ROOT_TAG}>"
                    )
                if depth == 2 and elem.tag != "version":
                    break  # <version> comes first; anything else means there is none
    except ET.ParseError as exc:
        raise _parse_error(path, exc) from exc
    raise TabularReadError(f"{path}: no <version> at the start of the file")
