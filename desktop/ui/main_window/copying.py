"""What the status bar says after a copy: the code, and for a deleted code, what replaces it."""

from __future__ import annotations

from desktop.reference.store import CodeRecord


def replacements(rec: CodeRecord) -> list[str]:
    """The codes to use instead of ``rec`` (its ``use_instead`` cross-references)."""
    return [x.code for x in rec.xrefs if x.relation == "use_instead"]


def copy_message(rec: CodeRecord, what: str) -> str:
    """``Copied 96372``; for a code that is not active, says so and names the replacement."""
    if rec.summary.status == "active":
        return f"Copied {what}"
    status = rec.summary.status.replace("_", " ")
    when = f" since {rec.terminated}" if rec.terminated else ""
    instead = replacements(rec)
    tail = f" Use {', '.join(instead)} instead." if instead else " Check before billing it."
    return f"Copied {what}. Careful: {rec.code} is {status}{when}.{tail}"


def copy_text(rec: CodeRecord, *, with_title: bool) -> tuple[str, str]:
    """(what goes on the clipboard, what the status bar says) for Copy code / Copy code
    and title."""
    if with_title:
        return f"{rec.code} {rec.title}", copy_message(rec, f"{rec.code} and its title")
    return rec.code, copy_message(rec, rec.code)
