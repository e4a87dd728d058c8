"""The home list: pinned codes, then recently viewed ones, joined with the reference.

What the window lists while the search is empty, as plain data (no Qt): each saved code
is looked up in the reference data in use, so a code the data no longer has is left
out, and a code both pinned and recent is listed once, under the pins.
"""

from __future__ import annotations

from typing import NamedTuple

from desktop.records.store import UserStore
from desktop.reference.store import CodeSummary, ReferenceStore

SECTION_PINNED = "Pinned codes"
SECTION_RECENT = "Recently viewed"
RECENTS_SHOWN = 20


class HomeEntry(NamedTuple):
    """One row of the home list."""

    section: str  # SECTION_PINNED or SECTION_RECENT
    summary: CodeSummary
    pinned: bool


def pinned_keys(user: UserStore) -> set[tuple[str, str]]:
    """The (system, code) of every pinned code."""
    return {(p.system, p.code) for p in user.pins()}


def home_list(
    user: UserStore, reference: ReferenceStore, recents: int = RECENTS_SHOWN
) -> list[HomeEntry]:
    """Pins, then up to ``recents`` recently viewed codes, each once.

    Raises :class:`~desktop.records.store.UserDataError` when the user's data cannot be
    read.
    """
    pins = user.pins()
    pinned = {(p.system, p.code) for p in pins}
    saved = [(SECTION_PINNED, p) for p in pins]
    saved += [(SECTION_RECENT, r) for r in user.recents(recents)]
    out: list[HomeEntry] = []
    seen: set[tuple[str, str]] = set()
    for section, item in saved:
        key = (item.system, item.code)
        if key in seen:
            continue
        found = reference.find(item.code, item.system)
        if found:
            seen.add(key)
            out.append(HomeEntry(section, found[0], key in pinned))
    return out


def toggle_pin(user: UserStore, system: str, code: str, *, pinned: bool) -> str:
    """Unpin the code if ``pinned``, else pin it; returns what the status bar says.
    Raises :class:`~desktop.records.store.UserDataError` if the user's data refuses."""
    if pinned:
        user.unpin(system, code)
        return f"Unpinned {code}"
    user.pin(system, code)
    return f"Pinned {code}: it is listed when the search is empty"
