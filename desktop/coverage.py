"""What the reference data covers, in a sentence (for a code QuickRef does not have).

Plain Python over the store. Codes of the small curated sets are grouped into ranges
("96360–96379"); a large set (ICD-10-CM) is described by its size.
"""

from __future__ import annotations

import re
from itertools import groupby

from desktop.reference.store import ReferenceDataError, ReferenceStore

# Looks like a code someone typed: 99213, 0001A, J1885, E53.8, Z23.
CODE_LIKE = re.compile(r"^(?:\d{4}[0-9A-Z]|[A-Z]\d{4}|[A-Z]\d{2}(?:\.?[0-9A-Z]{1,4})?)$")
FULL_SET_CODES = 10_000  # a set this large is described as a whole
GROUP_LISTED = 6  # a group with more codes than this is counted, not spanned


def looks_like_code(text: str) -> bool:
    return bool(CODE_LIKE.match(text.strip().upper()))


def _group_key(code: str) -> str:
    return code[:3] if code[:3].isdigit() else code[:1]


def _describe(codes: list[str]) -> str:
    parts: list[str] = []
    modifiers = [c for c in codes if len(c) == 2]
    rest = sorted(c for c in codes if len(c) != 2)
    for key, group in groupby(rest, key=_group_key):
        items = list(group)
        if len(items) == 1:
            parts.append(items[0])
        elif len(items) > GROUP_LISTED and not key.isdigit():
            parts.append(f"{len(items)} {key} codes ({items[0]}–{items[-1]})")
        else:
            parts.append(f"{items[0]}–{items[-1]}")
    if modifiers:
        word = "modifier" if len(modifiers) == 1 else "modifiers"
        parts.append(f"{word} {', '.join(sorted(modifiers))}")
    return ", ".join(parts)


def coverage_text(store: ReferenceStore) -> str:
    """E.g. "CPT 90460–90480, 96360–96379, 99211, modifier 25; HCPCS …; all of ICD-10-CM"."""
    try:
        sizes = {c.system: c.codes for c in store.info().code_sets}
        small = [s for s, n in sizes.items() if n < FULL_SET_CODES]
        rows = store.query(
            "SELECT system, code FROM codes WHERE status = 'active' AND system IN"
            f" ({','.join('?' * len(small))}) ORDER BY system, code",
            list(small),
        )
    except (ReferenceDataError, OSError):
        return ""
    by_system = {s: [str(r[1]) for r in g] for s, g in groupby(rows, key=lambda r: str(r[0]))}
    parts = []
    for system, count in sizes.items():
        if count >= FULL_SET_CODES:
            parts.append(f"all of {system} ({count:,} codes)")
        elif by_system.get(system):
            parts.append(f"{system} {_describe(by_system[system])}")
    return "; ".join(parts)
