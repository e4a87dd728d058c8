"""The code detail pane: one code's whole record as rich text with code links.

Every code mentioned (use instead, report with, see also, parent, children, referenced
by) is a ``code:SYSTEM/CODE`` link; the checklist link is ``checklist:ID``. The view
never opens links itself: it emits :attr:`DetailView.code_activated` and
:attr:`DetailView.checklist_activated`, and the window decides. Colours are taken from
the palette each time the page is rendered, and the page is rendered again when the
palette changes (light / dark scheme).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote

from PySide6.QtCore import QEvent, Signal
from PySide6.QtGui import QKeyEvent, QPalette
from PySide6.QtWidgets import QTextBrowser, QWidget

from desktop.reference.store import ChecklistTemplate, CodeRecord, CodeSummary, CrossRef, Mue
from desktop.ui import colours, detail_accessible
from desktop.ui.qt_values import (
    KEY_L,
    STRONG_FOCUS,
    TEXT_BROWSER_INTERACTION,
    TEXT_SELECTABLE_BY_KEYBOARD,
    set_enum_property,
)

if TYPE_CHECKING:  # QUrl and QTextCursor load when a link is used, not at start
    from PySide6.QtCore import QUrl

CODE_SCHEME = "code"
CHECKLIST_SCHEME = "checklist"
LICENSED_HEADING = "Licensed AMA CPT descriptor"
CHECKLIST_LINK_TEXT = "Open the injection checklist"
MAX_CHILDREN = 300
EXPAND_SCHEME = "expand"
LONG_LIST = 12  # a back-reference list longer than this starts collapsed

# What html.escape(text) does (quote=True), without loading the html package and its
# entity table on the way to the window's first frame.
_HTML_ESCAPES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"}
)


def escape(text: str) -> str:
    """``text`` made safe for HTML text and quoted attribute values."""
    return text.translate(_HTML_ESCAPES)


# Notes in the order a biller needs them: what decides the claim first.
NOTE_ORDER = (
    "status",
    "billing",
    "payer",
    "documentation",
    "clinical",
    "code_first",
    "use_additional_code",
    "code_also",
    "includes",
    "inclusion_term",
    "excludes1",
    "excludes2",
    "note",
)

RELATIONS: tuple[tuple[str, str], ...] = (
    ("use_instead", "Use instead"),
    ("report_with", "Report with"),
    ("see_also", "See also"),
)
NOTE_KINDS: dict[str, str] = {
    "status": "Status",
    "billing": "Billing",
    "payer": "Payers",
    "documentation": "Documentation",
    "clinical": "Clinical",
    "inclusion_term": "Inclusion terms",
    "includes": "Includes",
    "excludes1": "Excludes 1 (never coded together)",
    "excludes2": "Excludes 2 (not included here)",
    "code_first": "Code first",
    "use_additional_code": "Use additional code",
    "code_also": "Code also",
    "note": "Notes",
}


def code_url(system: str, code: str) -> QUrl:
    from PySide6.QtCore import QUrl

    return QUrl(f"{CODE_SCHEME}:{quote(system)}/{quote(code)}")


def parse_code_url(url: QUrl) -> tuple[str, str] | None:
    """``code:CPT/90471`` -> ``("CPT", "90471")``; anything else -> None."""
    if url.scheme() != CODE_SCHEME:
        return None
    system, _, code = url.path().partition("/")
    return (unquote(system), unquote(code)) if system and code else None


def _link(system: str, code: str, text: str | None = None) -> str:
    href = code_url(system, code).toString()
    return f'<a href="{escape(href)}">{escape(text or code)}</a>'


def _status_text(rec: CodeRecord) -> str:
    s = rec.summary
    words = []
    if s.kind == "modifier":
        words.append("Modifier (added to a code's line, not billed alone)")
    elif s.billable is True:
        words.append("Billable")
    elif s.billable is False:
        words.append("Not billable")
    status = s.status.replace("_", " ")
    words.append(status.capitalize())
    if rec.effective:
        words.append(f"effective {rec.effective}")
    if rec.terminated:
        words.append(f"ended {rec.terminated}")
    return ", ".join(words)


def _css(palette: QPalette) -> str:
    """The page's colours: palette roles paired and made readable by :mod:`colours`."""
    body, _base = colours.text(palette)
    quiet, _ = colours.quiet(palette)
    link, _ = colours.link(palette)
    warn_fg, warn_bg = colours.warning(palette)
    _, box = colours.boxed(palette)
    return (
        f"body {{ color: {body.name()}; }}"
        f"a {{ color: {link.name()}; }}"
        f"h1 {{ margin-bottom: 2px; }}"
        f"h3 {{ margin-top: 14px; margin-bottom: 4px; }}"
        f".quiet {{ color: {quiet.name()}; }}"
        f".warn {{ background-color: {warn_bg.name()}; color: {warn_fg.name()};"
        " font-weight: bold; }"
        f".licensed {{ background-color: {box.name()}; }}"
        "td { padding: 1px 8px 1px 0; vertical-align: top; }"
    )


def _ref_rows(refs: Sequence[CrossRef | CodeSummary], show_note: bool = True) -> str:
    rows = []
    for x in refs:
        extra = ""
        if x.status != "active":
            extra = f' <span class="warn">&nbsp;{escape(x.status.replace("_", " "))}&nbsp;</span>'
        note = ""
        if show_note and isinstance(x, CrossRef) and x.note:
            note = f'<br><span class="quiet">{escape(x.note)}</span>'
        system = "" if isinstance(x, CodeSummary) else f" ({escape(x.system)})"
        rows.append(
            f"<tr><td><b>{_link(x.system, x.code)}</b>{system}</td>"
            f"<td>{escape(x.title)}{extra}{note}</td></tr>"
        )
    return "<table>" + "".join(rows) + "</table>"


def note_text(text: str) -> str:
    """A note as a sentence: the source's leading ", " of a continued phrase dropped
    (CDC's "Code also, if applicable, ..." arrives as ", if applicable, ...")."""
    cleaned = text.lstrip(" ,;:").strip()
    return cleaned[:1].upper() + cleaned[1:] if cleaned else text


def _expander(section: str, title: str, body: str, open_: bool) -> str:
    """A collapsed section: a link that shows or hides ``body``."""
    href = f"{EXPAND_SCHEME}:{quote(section)}"
    action = "hide" if open_ else "show"
    head = f'<h3>{escape(title)} <a href="{href}">({action})</a></h3>'
    return head + (body if open_ else "")


def record_html(
    rec: CodeRecord,
    palette: QPalette,
    templates: Sequence[ChecklistTemplate] = (),
    licensed_text: str | None = None,
    pinned: bool = False,
    mue: Mue | None = None,
    expanded: frozenset[str] = frozenset(),
) -> str:
    """The detail page of one code (HTML for ``QTextBrowser``); ``expanded`` names the
    collapsed sections (deleted codes, long back-reference lists) shown open."""
    s = rec.summary
    parts = [f"<html><head><style>{_css(palette)}</style></head><body>"]
    pin = ' <span class="quiet">(pinned)</span>' if pinned else ""
    parts.append(f"<h1>{escape(s.code)} <span class='quiet'>{escape(s.system)}</span>{pin}</h1>")
    status = escape(_status_text(rec))
    if s.status != "active":
        status = f'<span class="warn">&nbsp;{status}&nbsp;</span>'
    parts.append(f"<p><b>{escape(s.title)}</b><br>{status}</p>")
    if rec.description:
        heading = "Plain-language description" if s.system == "CPT" else "Description"
        parts.append(f"<h3>{heading}</h3><p>{escape(rec.description)}</p>")
    if licensed_text:
        parts.append(
            f"<h3>{LICENSED_HEADING}</h3>"
            '<table class="licensed" width="100%" cellpadding="6"><tr><td>'
            f"{escape(licensed_text)}<br>"
            '<span class="quiet">Licensed text from your clinic\'s AMA CPT data file, '
            "shown under that licence; not part of QuickRef.</span></td></tr></table>"
        )
    facts = []
    if rec.billing_unit:
        facts.append(("Billing unit", escape(str(rec.billing_unit))))
    if rec.routes:
        facts.append(("Routes", escape(", ".join(rec.routes))))
    packaging = {
        "single_dose": "single-dose (JZ / JW apply for Medicare Part B)",
        "multi_dose": "multi-dose (no JZ / JW)",
        "both": "single-dose and multi-dose both exist: check the vial used",
    }
    if rec.packaging in packaging:
        facts.append(("Container", packaging[rec.packaging or ""]))
    elif rec.single_dose:
        facts.append(("Container", "single-dose"))
    if mue is not None:
        facts.append(
            (
                "Medicare MUE",
                escape(
                    f"{mue.units} unit{'' if mue.units == 1 else 's'} "
                    f"(CMS practitioner table effective {mue.effective}). "
                    f"{mue.indicator_text}. Rationale: {mue.rationale}."
                ),
            )
        )
    if rec.terms:
        facts.append(("Also known as", escape(", ".join(rec.terms))))
    if rec.block:
        facts.append(("Block", escape(f"{rec.block[0]} {rec.block[1]}")))
    if facts:
        parts.append(
            "<table>"
            + "".join(f"<tr><td><b>{k}</b></td><td>{v}</td></tr>" for k, v in facts)
            + "</table>"
        )
    for t in templates:
        parts.append(
            f'<p><a href="{CHECKLIST_SCHEME}:{escape(quote(t.id))}">{CHECKLIST_LINK_TEXT}</a>'
            f' <span class="quiet">({escape(t.title)})</span></p>'
        )
    # The rules that decide a claim (billing, payers, documentation) and the answered
    # questions come before the long lists of related codes.
    kinds: dict[str, list[str]] = {}
    for n in rec.notes:
        kinds.setdefault(n.kind, []).append(note_text(n.text))
    ordered = sorted(kinds, key=lambda k: NOTE_ORDER.index(k) if k in NOTE_ORDER else 99)
    for kind in ordered:
        label = NOTE_KINDS.get(kind, kind.replace("_", " ").capitalize())
        items = "".join(f"<li>{escape(t)}</li>" for t in kinds[kind])
        parts.append(f"<h3>{escape(label)}</h3><ul>{items}</ul>")
    if rec.questions:
        parts.append("<h3>Questions</h3>")
        for q in rec.questions:
            parts.append(f"<p><b>Q: {escape(q.question)}</b><br>A: {escape(q.answer)}</p>")
    for relation, label in RELATIONS:
        refs = [x for x in rec.xrefs if x.relation == relation]
        active = [x for x in refs if x.status == "active"]
        old = [x for x in refs if x.status != "active"]
        if active:
            parts.append(f"<h3>{label}</h3>{_ref_rows(active)}")
        if old:
            section = f"{relation}-inactive"
            title = f"{label}: {len(old)} deleted or retired code{'s' if len(old) != 1 else ''}"
            parts.append(_expander(section, title, _ref_rows(old), section in expanded))
    if rec.parent is not None:
        parts.append(f"<h3>Parent</h3>{_ref_rows([rec.parent])}")
    if rec.children:
        shown = rec.children[:MAX_CHILDREN]
        more = len(rec.children) - len(shown)
        tail = f'<p class="quiet">and {more} more</p>' if more > 0 else ""
        parts.append(f"<h3>Codes under it</h3>{_ref_rows(shown)}{tail}")
    if rec.referenced_by:
        rows = _ref_rows(rec.referenced_by, show_note=False)
        count = len(rec.referenced_by)
        if count > LONG_LIST:
            title = f"Referred to from {count} codes"
            parts.append(_expander("referenced_by", title, rows, "referenced_by" in expanded))
        else:
            parts.append(f"<h3>Referred to from</h3>{rows}")
    src = rec.source
    parts.append(
        f'<p class="quiet">Source: {escape(src.title)} ({escape(src.publisher)}); '
        f"{escape(src.licence)}</p>"
    )
    parts.append("</body></html>")
    return "".join(parts)


def _describe_href(href: str) -> str:
    """What a link opens, in words (the link's accessible description)."""
    from PySide6.QtCore import QUrl

    target = parse_code_url(QUrl(href))
    if target is not None:
        return f"Opens {target[1]} ({target[0]})"
    if href.startswith(f"{CHECKLIST_SCHEME}:"):
        return "Opens the injection checklist"
    if href.startswith(f"{EXPAND_SCHEME}:"):
        return "Opens or closes the list under this heading"
    return ""


def empty_html(palette: QPalette) -> str:
    return (
        f"<html><head><style>{_css(palette)}</style></head><body>"
        "<h2>QuickRef</h2>"
        "<p>Type a code, a drug, a brand name or a few words in the search field.</p>"
        "<table>"
        "<tr><td><b>Ctrl+K</b>, <b>Ctrl+F</b></td><td>search</td></tr>"
        "<tr><td><b>Up</b>, <b>Down</b>, <b>Enter</b></td><td>move in the list, open</td></tr>"
        "<tr><td><b>Ctrl+C</b></td><td>copy the code</td></tr>"
        "<tr><td><b>Ctrl+D</b></td><td>pin or unpin the code</td></tr>"
        "<tr><td><b>Alt+Left</b>, <b>Alt+Right</b></td><td>back, forward</td></tr>"
        "<tr><td><b>L</b>, <b>Shift+L</b>, <b>Enter</b></td>"
        "<td>in this pane: next, previous link, open it (Tab leaves the pane)</td></tr>"
        "<tr><td><b>Esc</b></td><td>clear the search</td></tr>"
        "<tr><td><b>Ctrl+Shift+L</b></td><td>injection checklist</td></tr>"
        "<tr><td><b>Space</b>, <b>Y</b>, <b>N</b></td><td>tick a step, answer yes or no</td></tr>"
        "<tr><td><b>Ctrl+Enter</b></td><td>complete the checklist</td></tr>"
        "</table>"
        '<p class="quiet">Pinned and recently viewed codes are listed when the search '
        "field is empty.</p></body></html>"
    )


def no_match_html(palette: QPalette, message: str) -> str:
    return (
        f"<html><head><style>{_css(palette)}</style></head><body>"
        "<h2>Nothing matched</h2>"
        f"<p>{escape(message)}</p>"
        '<p class="quiet">No code is open: Ctrl+C copies nothing until you open one.</p>'
        "</body></html>"
    )


class DetailView(QTextBrowser):
    """Shows one code. Emits what the user activated; opens nothing by itself.

    Keyboard: the pane takes the focus like any control and Tab leaves it (Qt's own
    Tab-through-every-link is off: 96372 has 166 links). L and Shift+L move to the next
    and previous link, Enter or Space opens the selected link. Assistive technology
    gets the page as headings, paragraphs and links (:mod:`desktop.ui.detail_accessible`).
    """

    code_activated = Signal(str, str)  # system, code
    checklist_activated = Signal(str)  # template id

    NEXT_LINK_KEY = KEY_L  # Qt.Key.Key_L

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        detail_accessible.install()
        self.accessible_tree = detail_accessible.DetailTree(self, _describe_href)
        # Before the first frame: no Qt enum objects (desktop.ui.qt_values).
        set_enum_property(self, "focusPolicy", STRONG_FOCUS)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setObjectName("detail")
        self.setAccessibleName("Code details")
        self.setWhatsThis(
            "The open code. L and Shift+L: next and previous link; Enter: open the link; "
            "Tab: leave the pane."
        )
        set_enum_property(
            self, "textInteractionFlags", TEXT_BROWSER_INTERACTION | TEXT_SELECTABLE_BY_KEYBOARD
        )
        self.anchorClicked.connect(self._on_anchor)
        self._shown: (
            tuple[CodeRecord, tuple[ChecklistTemplate, ...], str | None, bool, Mue | None] | None
        ) = None
        self._no_match: str | None = None
        self._expanded: frozenset[str] = frozenset()
        self.show_empty()

    @property
    def record(self) -> CodeRecord | None:
        return None if self._shown is None else self._shown[0]

    def show_record(
        self,
        rec: CodeRecord,
        templates: Sequence[ChecklistTemplate] = (),
        licensed_text: str | None = None,
        pinned: bool = False,
        mue: Mue | None = None,
    ) -> None:
        if self._shown is None or self._shown[0].summary.id != rec.summary.id:
            self._expanded = frozenset()  # another code: its long lists start collapsed
        self._shown = (rec, tuple(templates), licensed_text, pinned, mue)
        self._no_match = None
        self._render()
        self.setAccessibleDescription(f"{rec.code} ({rec.system}): {rec.title}")

    def show_empty(self) -> None:
        self._shown = None
        self._no_match = None
        self._render()
        self.setAccessibleDescription("No code open")

    def show_no_match(self, message: str) -> None:
        """A search found nothing: say so, and hold no code (nothing to copy)."""
        self._shown = None
        self._no_match = message or "Nothing matched the search."
        self._render()
        self.setAccessibleDescription(f"No code open. {self._no_match}")

    def _render(self) -> None:
        palette = self.palette()
        if self._shown is None and self._no_match is not None:
            self.setHtml(no_match_html(palette, self._no_match))
        elif self._shown is None:
            self.setHtml(empty_html(palette))
        else:
            rec, templates, licensed, pinned, mue = self._shown
            self.setHtml(
                record_html(rec, palette, templates, licensed, pinned, mue, expanded=self._expanded)
            )
        # setHtml opens each page at its top (tested); the scroll bar is not reached from
        # Python, which the first time costs a few ms on the way to the first frame.
        self.accessible_tree.rebuild()

    # ------------------------------------------------------------------ keyboard

    def links(self) -> list[detail_accessible.LinkSpan]:
        """The page's links in document order."""
        return self.accessible_tree.links

    def current_link(self) -> detail_accessible.LinkSpan | None:
        """The link the pane's selection is on, if any."""
        return self.accessible_tree.current_link()

    def move_to_link(self, step: int) -> detail_accessible.LinkSpan | None:
        """Select the next (``step`` 1) or previous (-1) link, wrapping round; say which."""
        links = self.links()
        if not links:
            return None
        cursor = self.textCursor()
        here = cursor.selectionStart() if cursor.hasSelection() else cursor.position()
        if step > 0:
            after = [
                s
                for s in links
                if s.start > here or (not cursor.hasSelection() and s.start == here)
            ]
            span = after[0] if after else links[0]
        else:
            before = [s for s in links if s.start < here]
            span = before[-1] if before else links[-1]
        self.select_link(span)
        return span

    def select_link(self, span: detail_accessible.LinkSpan) -> None:
        """Select the link ``span`` (Enter opens it) and tell assistive technology."""
        from PySide6.QtGui import QTextCursor

        cursor = self.textCursor()
        cursor.setPosition(span.start)
        cursor.setPosition(span.end, QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)
        self.ensureCursorVisible()
        self.accessible_tree.announce_focus(span)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        from PySide6.QtCore import Qt

        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if event.key() == self.NEXT_LINK_KEY and mods in (
            Qt.KeyboardModifier.NoModifier,
            Qt.KeyboardModifier.ShiftModifier,
        ):
            self.move_to_link(-1 if mods == Qt.KeyboardModifier.ShiftModifier else 1)
            return
        if (
            event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space)
            and mods == Qt.KeyboardModifier.NoModifier
        ):
            span = self.current_link()
            if span is not None:
                from PySide6.QtCore import QUrl

                self.anchorClicked.emit(QUrl(span.href))  # as a click on it would
                return
        super().keyPressEvent(event)

    def focusNextPrevChild(self, next: bool) -> bool:
        """Tab and Shift+Tab leave the pane (links have their own keys: L, Shift+L)."""
        return QWidget.focusNextPrevChild(self, next)

    def toggle_section(self, section: str) -> None:
        """Show or hide a collapsed section, keeping the place on the page."""
        self._expanded = self._expanded ^ {section}
        scroll = self.verticalScrollBar().value()
        self._render()
        self.verticalScrollBar().setValue(scroll)
        # The keyboard stays on the same "(show)"/"(hide)" link, and a reader hears it.
        href = f"{EXPAND_SCHEME}:{quote(section)}"
        span = next((s for s in self.links() if s.href == href), None)
        if span is not None and self.hasFocus():
            self.select_link(span)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._render()

    def _on_anchor(self, url: QUrl) -> None:
        target = parse_code_url(url)
        if target is not None:
            self.code_activated.emit(*target)
        elif url.scheme() == CHECKLIST_SCHEME:
            self.checklist_activated.emit(unquote(url.path()))
        elif url.scheme() == EXPAND_SCHEME:
            self.toggle_section(unquote(url.path()))
