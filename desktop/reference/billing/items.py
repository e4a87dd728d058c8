"""Claim lines as typed: "96372", "J1885x4", "J1885*4", "99213-25", "J1885 x4 JZ", "D51.0".

A line is a code with optional units (after x or *) and modifiers (after - or a space);
several lines may be given at once, separated by commas, semicolons or new lines. An
unknown code gets near matches. Used by :mod:`.claim`.
"""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from desktop.reference.store import CodeRecord, ReferenceStore

__all__ = ["ClaimError", "ClaimLine", "parse_items"]

_MAX_ITEMS = 200
_ITEM = re.compile(
    r"(?P<code>[A-Za-z0-9.]+?)(?:\s*[xX*×]\s*(?P<units>[0-9]+(?:\.[0-9]+)?)(?:\s*units?)?)?"
    r"(?P<mods>(?:\s*[-\s]\s*[A-Za-z0-9]{2})*)",
    re.ASCII,
)


class ClaimError(ValueError):
    """Lines that cannot be checked (bad syntax, unknown code); the message says why."""


@dataclass(frozen=True, slots=True)
class ClaimLine:
    code: str
    system: str
    units: Decimal
    modifiers: tuple[str, ...]
    record: CodeRecord = field(repr=False, compare=False)

    def as_dict(self) -> dict[str, object]:
        units: object = (
            int(self.units) if self.units == self.units.to_integral() else float(self.units)
        )
        return {
            "code": self.code,
            "system": self.system,
            "units": units,
            "modifiers": list(self.modifiers),
        }


# ---------------------------------------------------------------------- parsing


def _split_items(items: list[str] | tuple[str, ...] | str) -> list[str]:
    if isinstance(items, str):
        items = [items]
    out: list[str] = []
    for item in items:
        out.extend(p.strip() for p in re.split(r"[,;\n]+", item) if p.strip())
    return out


def parse_items(store: ReferenceStore, items: list[str] | tuple[str, ...] | str) -> list[ClaimLine]:
    """The claim lines of ``items``; raises :class:`ClaimError` for bad syntax or codes."""
    parts = _split_items(items)
    if not parts:
        raise ClaimError("Give the lines to check, for example: 96372 J1885x4-JZ 99213-25 D51.0")
    if len(parts) > _MAX_ITEMS:
        raise ClaimError(f"Too many lines ({len(parts)}); a claim has at most {_MAX_ITEMS}.")
    lines: list[ClaimLine] = []
    for part in parts:
        shown = part[:40]
        whole = _record(store, part) if len(part) <= 10 and " " not in part else None
        if whole is not None:  # a code that looks like units (an ICD-10-CM "X" placeholder)
            lines.append(ClaimLine(whole.code, whole.system, Decimal(1), (), whole))
            continue
        m = _ITEM.fullmatch(part)
        if m is None:
            raise ClaimError(
                f"'{shown}' is not a claim line. Write a code with optional units and "
                "modifiers: 96372, J1885x4, J1885*4, 99213-25, J1885x4-JZ, D51.0."
            )
        code = m.group("code")
        record = _record(store, code)
        if record is None:
            stem = re.fullmatch(r"(.+?)[xX]", code)
            if stem and _record(store, stem.group(1)) is not None:
                raise ClaimError(
                    f"'{shown}': give the units after the x (for example {stem.group(1)}x2)."
                )
            raise ClaimError(_unknown(store, code))
        try:
            units = Decimal(m.group("units")) if m.group("units") else Decimal(1)
        except InvalidOperation:  # pragma: no cover - the pattern rules it out
            raise ClaimError(f"'{shown}': the units are not a number.") from None
        if units <= 0 or units > 100_000:
            raise ClaimError(f"'{shown}': units must be between 1 and 100,000.")
        mods = tuple(x.upper() for x in re.findall(r"[A-Za-z0-9]{2}", m.group("mods") or ""))
        lines.append(ClaimLine(record.code, record.system, units, mods, record))
    return lines


# The reference file is opened immutable: a code's record cannot change while the store is
# open, so each store keeps the records the check has read (a claim repeats a few codes).
_RECORDS: weakref.WeakKeyDictionary[ReferenceStore, dict[str, CodeRecord | None]] = (
    weakref.WeakKeyDictionary()
)
_MAX_CACHED = 2000


def _record(store: ReferenceStore, code: str) -> CodeRecord | None:
    cache = _RECORDS.setdefault(store, {})
    key = code.upper()
    if key not in cache:
        if len(cache) >= _MAX_CACHED:
            cache.clear()
        found = store.find(code)
        cache[key] = store.record(found[0].id) if found else None
    return cache[key]


def _unknown(store: ReferenceStore, code: str) -> str:
    from desktop.reference.search import SearchEngine

    near = [r.summary.code for r in SearchEngine(store).search(code, limit=5).results][:5]
    hint = f" Near matches: {', '.join(near)}." if near else ""
    return f"'{code[:20]}' is not a code in the reference data.{hint}"
