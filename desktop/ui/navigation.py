"""Back / forward history of opened codes (plain Python, no Qt)."""

from __future__ import annotations

MAX_HISTORY = 200

Entry = tuple[str, str]  # (system, code)


class NavigationHistory:
    # A plain class: a dataclass would load and run the dataclasses module at start.
    __slots__ = ("entries", "index")

    def __init__(self, entries: list[Entry] | None = None, index: int = -1) -> None:
        self.entries: list[Entry] = [] if entries is None else entries
        self.index = index

    def __repr__(self) -> str:
        return f"NavigationHistory(entries={self.entries!r}, index={self.index!r})"

    @property
    def current(self) -> Entry | None:
        return self.entries[self.index] if 0 <= self.index < len(self.entries) else None

    def push(self, entry: Entry) -> None:
        """Visit ``entry``: drops anything forward of here; a repeat is not pushed."""
        if self.current == entry:
            return
        del self.entries[self.index + 1 :]
        self.entries.append(entry)
        if len(self.entries) > MAX_HISTORY:
            del self.entries[: len(self.entries) - MAX_HISTORY]
        self.index = len(self.entries) - 1

    def can_back(self) -> bool:
        return self.index > 0

    def can_forward(self) -> bool:
        return self.index < len(self.entries) - 1

    def back(self) -> Entry | None:
        if not self.can_back():
            return None
        self.index -= 1
        return self.current

    def forward(self) -> Entry | None:
        if not self.can_forward():
            return None
        self.index += 1
        return self.current
