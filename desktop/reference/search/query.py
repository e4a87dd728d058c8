"""What was typed -> what it asks for: codes, a dose, a system, and the words that matter.

People type codes in many forms ("J-0696", "j 1885", "cpt 96374", "icd-10 z23",
"99211-25", "J1100 x 10", "96365 96366"), a drug with its dose ("rocephin 500mg",
"b12 1000mcg", "bicillin 2.4 million units"), and sentences with words that narrow
nothing ("code for depo shot", "pt here for flu vaccine"). :func:`parse_query` takes
them apart; it never touches the database except through the ``is_code`` callback.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

MAX_WORDS = 8

_WORD = re.compile(r"[^\W_]+")
# System words and what they say about the wanted code set.
_SYSTEM_WORDS = re.compile(
    r"\b(?:icd[\s\-]*10(?:[\s\-]*cm)?|icd|hcpcs(?:[\s\-]*(?:level[\s\-]*)?(?:ii|2))?|cpt)\b"
)
_SYSTEM_OF = {"icd": "ICD-10-CM", "hcp": "HCPCS", "cpt": "CPT"}
_DX_WORDS = frozenset("dx diagnosis diagnoses diag".split())
# Words that narrow nothing: never required, never searched.
FILLER = frozenset(
    """
    code codes coding billing bill billed charge charged what whats which is are was the a an
    for pt pts patient patients here today needs need needed needing wants want please
    came come comes coming in into getting get gets got give given gave giving has had have
    having our my we me us office clinic number num dx diagnosis diagnoses diag cpt hcpcs
    icd use used using should would can could do does did how find look lookup up
    """.split()
)  # fmt: skip
# Words that narrow nothing in ICD-10-CM titles: never a required word on their own.
STOP_WORDS = frozenset("of the and or to by in on at from due other".split())
# Shorthands written with a slash, as in a chart ("htn f/u", "n/v", "uti w/ hematuria"):
# what they say, or nothing for those that narrow nothing (follow-up, rule out, complains
# of). Read before the words are split at the slash, whose letters alone had matched
# anything ("f" and "u" found the RSV vaccines' "prefusion F").
_SLASHED_MEANS = {
    "f/u": "", "f/up": "", "r/o": "", "c/o": "",
    "n/v/d": "nausea vomiting diarrhea", "n/v": "nausea with vomiting",
    "w/o": "without", "w/": "with", "h/o": "personal history of", "b/l": "bilateral",
}  # fmt: skip
# Alone, the ones that narrow nothing are searched spelled out ("f/u": follow-up, Z09).
_SLASHED_ALONE = {"f/u": "follow up", "f/up": "follow up", "r/o": "rule out", "c/o": "complaint"}
_SLASHED = re.compile(
    r"(?<![\w/])(?:(f/up|f/u|r/o|c/o|n/v/d|n/v|w/o|h/o|b/l|w/)(?![\w/])|(w/)(?=\w))"
)


def _unslashed(low: str) -> str:
    """``low`` with its slashed shorthands read (see _SLASHED_MEANS)."""
    if "/" not in low:
        return low
    said = _SLASHED.sub(lambda m: f" {_SLASHED_MEANS[m.group(1) or m.group(2)]} ", low)
    if _WORD.search(said) or said == low:
        return said
    return _SLASHED.sub(lambda m: f" {_SLASHED_ALONE.get(m.group(1) or '', '')} ", low)


# Phrases that narrow nothing ("shot of toradol" asks for toradol).
FILLER_PHRASES = (("shot", "of"), ("a", "shot", "of"), ("injection", "of"))
# Words that join codes ("96372 and J1885") or narrow nothing next to a code.
_JOINERS = frozenset("and plus with then also".split())
_MODIFIER_WORDS = frozenset("mod modifier modifiers".split())
_QUANTITY = re.compile(r"^(?:x|\*)(\d{1,4})$")
_CODE_THEN_QUANTITY = re.compile(r"^(.+?)(?:x|\*)(\d{1,4})$")
_UNIT_WORDS = frozenset("unit units u".split())
# A dose: a number and a unit, together or apart ("500mg", "1 gm", "2.4 million units").
_DOSE_UNITS = (
    "mg|mcg|µg|μg|ug|gm|g|grams|gram|milligrams|milligram|micrograms|microgram|ml|cc|"
    "milliliters|milliliter|units|unit|iu|u"
)
_DOSE = re.compile(
    rf"(?<![\d.,])(\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?|\.\d+)\s*(million\s+)?({_DOSE_UNITS})\b",
    re.IGNORECASE,
)
# Code shapes: CPT (5 digits, or 4 digits and a letter), HCPCS (letter and 4 digits),
# ICD-10-CM (letter, digit, character, then up to 4 more), a 2-character modifier.
_CODE_SHAPES = re.compile(
    r"^(?:\d{4}[0-9A-Z]|[A-Z]\d{4}|[A-Z]\d[0-9A-Z](?:\.?[0-9A-Z]{1,4})?|\d\d|[A-Z][A-Z0-9])$"
)
_THOUSANDS = re.compile(r"(?<![\d,])\d{1,3}(?:,\d{3})+(?![\d,])")
_PIECE_SPLIT = re.compile(r"[\s,;:#/()\[\]{}'\"+&|<>=!?]+")


@dataclass(frozen=True, slots=True)
class Dose:
    """A dose typed with a drug, and the billing units it comes to (None: not computed)."""

    amount: Decimal
    unit: str
    units: int | None = None

    def __str__(self) -> str:
        text = f"{format(self.amount.normalize(), ',f')} {self.unit}"
        if self.units is not None:
            text += f" = {self.units} unit" + ("" if self.units == 1 else "s")
        return text


@dataclass(slots=True)
class ParsedQuery:
    text: str  # the cleaned query
    codes: list[str] = field(default_factory=list)  # code keys found, in typed order
    quantities: dict[str, int] = field(default_factory=dict)  # code key -> units typed
    dose: Dose | None = None
    system: str | None = None  # a system named in the words ("cpt", "icd-10", "dx")
    words: list[str] = field(default_factory=list)  # the words that matter, lower case
    all_words: list[str] = field(default_factory=list)  # every word left, filler included
    weak: list[str] = field(default_factory=list)  # "with", "without": tie-breakers only
    other_modifiers: list[str] = field(default_factory=list)  # typed, not in the reference

    @property
    def only_codes(self) -> bool:
        return bool(self.codes) and not self.words


def words_of(text: str) -> list[str]:
    """Lower-case words as the full-text index sees them (diacritics removed)."""
    text = text.lower()
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _WORD.findall(text)


def code_shaped(key: str) -> bool:
    return bool(_CODE_SHAPES.match(key)) and any(ch.isdigit() for ch in key)


def _dose(text: str) -> tuple[Dose | None, str]:
    m = _DOSE.search(text)
    if m is None:
        return None, text
    try:
        amount = Decimal(m.group(1).replace(",", ""))
    except InvalidOperation:
        return None, text
    if m.group(2):
        amount *= 1_000_000
    unit = m.group(3).lower()
    canonical = {"µg": "mcg", "μg": "mcg", "ug": "mcg", "gm": "g", "gram": "g", "grams": "g",
                 "milligram": "mg", "milligrams": "mg", "microgram": "mcg",
                 "micrograms": "mcg", "cc": "mL", "ml": "mL", "milliliter": "mL",
                 "milliliters": "mL", "unit": "units", "iu": "units", "u": "units"}.get(
        unit, unit
    )  # fmt: skip
    if amount <= 0 or not amount.is_finite():
        return None, text
    return Dose(amount, canonical), text[: m.start()] + " " + text[m.end() :]


# One branch per thing a query may hold (system word, code, modifier, quantity, dose...).
def parse_query(  # noqa: C901
    q: str, is_code: Callable[[str], bool]
) -> ParsedQuery:
    """Take a cleaned query apart. ``is_code(key)`` says whether a code key exists."""
    out = ParsedQuery(q)
    low = _unslashed(q.lower())
    m = _SYSTEM_WORDS.search(low)
    if m:
        out.system = _SYSTEM_OF[m.group(0)[:3]]
        low = _SYSTEM_WORDS.sub(" ", low)
    # "1,000 mg" and "2,400,000 units" are one number each.
    low = _THOUSANDS.sub(lambda m: m.group(0).replace(",", ""), low)
    pieces = [p for p in _PIECE_SPLIT.split(low) if p and p != "-"]
    # Codes first: a piece or up to three adjacent pieces joined ("j 1885", "z00 00"), or
    # up to seven single characters ("J 3 4 2 0", read out one by one).
    rest: list[str] = []
    i = 0
    after_code = False
    modifier_at: set[int] = set()  # pieces that followed a code's dash ("96372-59")
    while i < len(pieces):
        found = False
        for n in (7, 6, 5, 4, 3, 2, 1):
            chunk = pieces[i : i + n]
            if len(chunk) < n or (n > 3 and any(len(c) != 1 for c in chunk)):
                continue
            parts = [p for c in chunk for p in c.split("-") if p]
            key = "".join(parts).upper().strip(".").replace(".", "")
            if n > 1 and any(not p.isalnum() and "." not in p for p in chunk):
                continue
            short_ok = (
                after_code
                or chunk[0].startswith("-")
                or (i > 0 and pieces[i - 1] in _MODIFIER_WORDS)
            )
            shaped = code_shaped(key) or (short_ok and len(key) == 2 and key.isalpha())
            if shaped and (len(key) > 2 or short_ok) and is_code(key):
                out.codes.append(key)
                i += n
                found = after_code = True
                break
            if n == 1 and "-" in chunk[0]:
                head, _sep, tail = chunk[0].partition("-")
                hkey = head.upper().replace(".", "")
                if code_shaped(hkey) and is_code(hkey):
                    out.codes.append(hkey)
                    tails = [t for t in tail.split("-") if t]
                    pieces[i : i + 1] = [head, *tails]
                    modifier_at |= set(range(i + 1, i + 1 + len(tails)))
                    i += 1
                    found = after_code = True
                    break
            if n == 1:
                qm = _CODE_THEN_QUANTITY.match(chunk[0])
                qkey = qm.group(1).upper().replace(".", "") if qm else ""
                if qm and code_shaped(qkey) and is_code(qkey):
                    key = qkey
                    out.codes.append(key)
                    out.quantities[key] = int(qm.group(2))
                    i += 1
                    found = after_code = True
                    break
        if found:
            continue
        piece = pieces[i]
        if (
            not (after_code and out.codes)
            and i > 0
            and pieces[i - 1] in _MODIFIER_WORDS
            and len(piece) == 2
            and piece.isalnum()
            and piece not in STOP_WORDS | FILLER  # "modifier to use", "modifier of ..."
        ):  # "mod 59" with no code: a modifier the reference lacks, not a word
            out.other_modifiers.append(piece.upper())
            i += 1
            continue
        if after_code and out.codes:
            last = out.codes[-1]
            qm = _QUANTITY.match(piece)
            if qm:
                out.quantities[last] = int(qm.group(1))
                i += 1
                continue
            if piece in ("x", "*") and i + 1 < len(pieces) and pieces[i + 1].isdigit():
                out.quantities[last] = int(pieces[i + 1])
                i += 2
                continue
            if piece.isdigit() and i + 1 < len(pieces) and pieces[i + 1] in _UNIT_WORDS:
                out.quantities[last] = int(piece)
                i += 2
                continue
            if piece in _MODIFIER_WORDS or piece in _JOINERS:
                i += 1
                continue
            named = i in modifier_at or (i > 0 and pieces[i - 1] in _MODIFIER_WORDS)
            if named and len(piece) == 2 and piece.isalnum():
                # A modifier the reference does not hold ("96372-59", "mod xu"): not a word
                # to search for ("59" found "Blood alcohol level of 40-59 mg").
                out.other_modifiers.append(piece.upper())
                i += 1
                continue
        rest.append(piece)
        after_code = False
        i += 1
    text = " ".join(rest)
    out.dose, text = _dose(text)
    words = words_of(text)
    words = _drop_phrases(words)
    if any(w in _DX_WORDS for w in words) and out.system is None:
        out.system = "ICD-10-CM"
    named_modifier = out.codes or out.other_modifiers
    kept = [w for w in words if w not in FILLER and not (named_modifier and w in _MODIFIER_WORDS)]
    if not kept and not out.codes and out.dose is None:
        # Only filler was typed ("code", "for"): search it rather than nothing.
        kept = words
    out.all_words = words[: MAX_WORDS * 2]
    out.weak = [w for w in kept if w in ("with", "without", "w", "wo")]
    words_left = [w for w in kept if w not in out.weak]
    narrow = [w for w in words_left if w not in STOP_WORDS]
    out.words = (narrow or words_left)[:MAX_WORDS]
    return out


def _drop_phrases(words: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(words):
        for phrase in FILLER_PHRASES:
            if tuple(words[i : i + len(phrase)]) == phrase and i + len(phrase) < len(words):
                i += len(phrase)
                break
        else:
            out.append(words[i])
            i += 1
    return out
