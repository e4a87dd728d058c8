"""Streaming reader for CDC's ICD-10-CM Alphabetic Index XML (``icd10cm-index-*.xml``).

A clinic that imports the Index gets its entries as search terms: "Infection, ear,
middle" becomes a term of the code the Index gives it. Layout (FY2026 edition)::

    <ICD10CM.index>
      <version>2026</version> <title>ICD-10-CM INDEX TO DISEASES and INJURIES</title>
      <letter> <title>A</title>
        <mainTerm> <title>Abasia <nemod>(-astasia) (hysterical)</nemod></title>
          <code>F44.4</code> | <see>...</see> | <seeAlso>...</seeAlso>
          <term level="1"> <title>acute</title> <code>R10.0</code>
            <term level="2"> ... </term>
          </term>
        </mainTerm>
      </letter>
    </ICD10CM.index>

An entry's term is its main term and the titles of the terms it sits under, without the
nonessential modifiers (``nemod``): "Abdomen, abdominal, acute" -> R10.0. Entries with
only ``see`` / ``seeAlso`` point to another entry, not a code, and are skipped.

The file is read with :func:`xml.etree.ElementTree.iterparse`, as the tabular list is,
and elements are cleared once used (memory stays flat). A document type declaration is
refused before parsing: the Index has none, and refusing it rules out entity expansion
("billion laughs") and external entities. Size, nesting depth, title length and entry
count are bounded; a file past a bound is refused with a message, never half-read.
Only the standard library is used; this module never imports Qt.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from desktop.reference.importers.common import PUBLIC_DOMAIN, FormatInfo, ImportFileError
from desktop.safe_io import open_regular

FORMAT = "icd10cm-index"
ROOT_TAG = "ICD10CM.index"
MAX_BYTES = 300 * 1024 * 1024
MAX_DEPTH = 16  # <term level="..."> nesting below a main term
MAX_TITLE_CHARS = 400
MAX_ENTRIES = 2_000_000
_CODE = re.compile(r"^[A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?$")


@dataclass(frozen=True, slots=True)
class IndexEntry:
    term: str  # "Infection, ear, middle"
    code: str  # "H66.90" (as published, with the dot; a trailing "-" removed)
    line: int


INFO = FormatInfo(
    id=FORMAT,
    label="ICD-10-CM Alphabetic Index (CDC, XML): search terms",
    publisher="CDC NCHS",
    url="https://www.cdc.gov/nchs/icd/icd-10-cm/files.html",
    licence=PUBLIC_DOMAIN,
    completes=None,
    recognises=lambda lines: looks_like("\n".join(lines)),
)


def looks_like(head: str) -> bool:
    """Whether the first bytes of a file (as text) are the Alphabetic Index."""
    return f"<{ROOT_TAG}" in head[:4096]


def _refuse_doctype(path: Path) -> None:
    with open_regular(path) as fh:
        head = fh.read(64 * 1024)
    root = head.find(ROOT_TAG.encode())
    prolog = head if root < 0 else head[:root]
    if b"<!DOCTYPE" in prolog.upper() or b"<!ENTITY" in prolog.upper():
        raise ImportFileError(path, None, "has a document type declaration (not accepted)")


def _title(elem: ET.Element) -> str:
    """The title text without its nonessential modifiers."""
    parts = [elem.text or ""]
    for child in elem:
        if child.tag != "nemod":
            parts.append("".join(child.itertext()))
        parts.append(child.tail or "")
    return " ".join("".join(parts).split())


# One branch per element of the Index layout (letter, mainTerm, term, title, code, see).
def read_index(  # noqa: C901
    path: Path, progress: Callable[[int, int], None] | None = None
) -> Iterator[IndexEntry]:
    """Yield every Index entry that gives a code, in document order."""
    path = Path(path)
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise ImportFileError(path, None, f"is larger than {MAX_BYTES // (1024 * 1024)} MB")
    _refuse_doctype(path)
    titles: list[str] = []  # titles of the open mainTerm/term elements
    depth = 0
    count = 0
    try:
        with open(path, "rb") as source:
            parser = ET.iterparse(source, events=("start", "end"))
            for event, elem in parser:
                tag = elem.tag
                if event == "start":
                    depth += 1
                    if depth == 1 and tag != ROOT_TAG:
                        raise ImportFileError(
                            path, None, f"root element is <{tag}>, expected <{ROOT_TAG}>"
                        )
                    if tag in ("mainTerm", "term"):
                        titles.append("")
                        if len(titles) > MAX_DEPTH:
                            raise ImportFileError(
                                path, None, f"terms nested deeper than {MAX_DEPTH} levels"
                            )
                    continue
                depth -= 1
                if tag == "title" and titles and not titles[-1]:
                    text = _title(elem)
                    if len(text) > MAX_TITLE_CHARS:
                        raise ImportFileError(
                            path, None, f"a title is longer than {MAX_TITLE_CHARS} characters"
                        )
                    titles[-1] = text
                elif tag == "code" and titles:
                    code = (elem.text or "").strip().rstrip("-").rstrip(".").upper()
                    term = ", ".join(t for t in titles if t)
                    if _CODE.match(code) and term:
                        count += 1
                        if count > MAX_ENTRIES:
                            raise ImportFileError(path, None, f"more than {MAX_ENTRIES:,} entries")
                        yield IndexEntry(term, code, count)
                        if progress is not None and count % 5000 == 0:
                            progress(source.tell(), size)
                elif tag in ("mainTerm", "term"):
                    titles.pop()
                    elem.clear()
                elif tag == "letter":
                    elem.clear()
    except ET.ParseError as exc:
        line, column = exc.position
        raise ImportFileError(
            path, line, f"column {column}: not well-formed XML ({exc.msg})"
        ) from None
    if progress is not None:
        progress(size, size)
    if count == 0:
        raise ImportFileError(path, None, "no index entries with a code")
