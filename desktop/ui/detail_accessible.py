# PySide's stubs declare child(), focusChild(), childAt(), object() and window() as never
# None, but Qt's C++ API returns nullptr for "none" and the AT-SPI bridge relies on it.
# mypy: disable-error-code="override"
"""What assistive technology gets from the detail pane: a document of headings,
paragraphs and links, in plain words.

Qt exposes a read-only ``QTextBrowser`` as one label whose text carries Qt's layout
markers (U+FDD0, U+FDD1, U+2028) and whose links are invisible: its Linux bridge has no
hypertext interface. So the pane gets its own accessible interface (installed with
:func:`install`): a ``Document`` named "Code details" whose children are the page's
blocks (``Heading`` or ``Paragraph``, named by their text without markers), and each
block's links are its children (``Link``, focusable, named by the link text). When the
pane moves to a link (:meth:`DetailView.move_to_link`) a focus event names that link.

The interfaces are built lazily from the document, rebuilt after each render, and the
ones handed to Qt are deleted through Qt when the page changes or the pane goes.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any, NamedTuple

from PySide6.QtCore import QObject, QPoint, QRect
from PySide6.QtGui import (
    QAccessible,
    QAccessibleEvent,
    QAccessibleInterface,
)
from PySide6.QtWidgets import QAccessibleWidget, QTextBrowser, QWidget

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    # Annotations only (each type costs ~1 ms to make, not needed for the first frame).
    from PySide6.QtGui import QTextDocument, QWindow

# What a reader must not be given: paragraph and line separators Qt keeps in its raw
# text, the object replacement character, and no-break spaces (spoken as they are).
_MARKERS = str.maketrans(
    {"\u2028": "\n", "\u2029": "\n", "\ufdd0": "", "\ufdd1": "", "\ufffc": "", "\xa0": " "}
)


def plain(text: str) -> str:
    """``text`` without Qt's layout markers, each line trimmed."""
    lines = (" ".join(line.split()) for line in text.translate(_MARKERS).split("\n"))
    return "\n".join(line for line in lines if line)


class LinkSpan(NamedTuple):
    """One link of the page: its text, target and place in the document."""

    start: int
    end: int
    href: str
    text: str


class BlockInfo:
    """One block of the page: its number, text, whether it is a heading, its links."""

    # A plain class: a dataclass would load and run the dataclasses module at start.
    __slots__ = ("heading", "links", "number", "text")

    def __init__(
        self, number: int, text: str, heading: bool, links: list[LinkSpan] | None = None
    ) -> None:
        self.number, self.text, self.heading = number, text, heading
        self.links: list[LinkSpan] = [] if links is None else links

    def __repr__(self) -> str:
        return f"BlockInfo({self.number!r}, {self.text!r}, {self.heading!r}, {self.links!r})"


def document_links(doc: QTextDocument) -> list[LinkSpan]:
    """Every link of ``doc`` in document order (adjacent fragments of one link joined)."""
    found: list[LinkSpan] = []
    block = doc.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            fmt = fragment.charFormat()
            if fragment.isValid() and fmt.isAnchor() and fmt.anchorHref():
                start, text = fragment.position(), fragment.text()
                last = found[-1] if found else None
                if last is not None and last.end == start and last.href == fmt.anchorHref():
                    found[-1] = LinkSpan(last.start, start + len(text), last.href, last.text + text)
                else:
                    found.append(LinkSpan(start, start + len(text), fmt.anchorHref(), text))
            it += 1
        block = block.next()
    return [LinkSpan(s.start, s.end, s.href, plain(s.text)) for s in found]


def _blocks(doc: QTextDocument, links: Sequence[LinkSpan]) -> list[BlockInfo]:
    out: list[BlockInfo] = []
    block = doc.begin()
    while block.isValid():
        text = plain(block.text())
        if text:
            info = BlockInfo(block.blockNumber(), text, block.blockFormat().headingLevel() > 0)
            end = block.position() + block.length()
            info.links = [s for s in links if block.position() <= s.start < end]
            out.append(info)
        block = block.next()
    return out


class _Node(QAccessibleInterface):
    """A block or a link of the page (no QObject of its own)."""

    def __init__(self, tree: DetailTree, parent: QAccessibleInterface) -> None:
        super().__init__()
        self.tree = tree
        self._parent = parent
        self.generation = tree.generation

    # The parts every node shares.
    def isValid(self) -> bool:
        return self.tree.alive and self.generation == self.tree.generation

    def object(self) -> QObject | None:
        return None

    def window(self) -> QWindow | None:
        view = self.tree.view
        return view.window().windowHandle() if view is not None else None

    def relations(self, match: Any = None) -> list[Any]:
        return []

    def focusChild(self) -> QAccessibleInterface | None:
        return None

    def childAt(self, x: int, y: int) -> QAccessibleInterface | None:
        return None

    def parent(self) -> QAccessibleInterface:
        return self._parent

    def setText(self, t: QAccessible.Text, text: str) -> None:
        return None

    def _screen_rect(self, rect: QRect) -> QRect:
        view = self.tree.view
        if view is None:
            return QRect()
        top_left = view.viewport().mapToGlobal(rect.topLeft())
        return QRect(top_left, rect.size())

    def _visible_state(self, rect: QRect) -> QAccessible.State:
        state = QAccessible.State()
        state.readOnly = True
        view = self.tree.view
        if view is None or not view.isVisible():
            state.invisible = True
        elif not view.viewport().rect().intersects(rect):
            state.offscreen = True
        return state

    def _viewport_rect(self) -> QRect:
        raise NotImplementedError


class BlockNode(_Node):
    def __init__(self, tree: DetailTree, parent: QAccessibleInterface, info: BlockInfo) -> None:
        super().__init__(tree, parent)
        self.info = info
        self._links: dict[int, LinkNode] = {}

    def link(self, i: int) -> LinkNode | None:
        if not 0 <= i < len(self.info.links):
            return None
        if i not in self._links:
            self._links[i] = self.tree.keep(LinkNode(self.tree, self, self.info.links[i]))
        return self._links[i]

    def child(self, i: int) -> QAccessibleInterface | None:
        return self.link(i)

    def childCount(self) -> int:
        return len(self.info.links)

    def indexOfChild(self, child: QAccessibleInterface) -> int:
        for i, node in self._links.items():
            if node is child:
                return i
        return -1

    def text(self, t: QAccessible.Text) -> str:
        return self.info.text if t == QAccessible.Text.Name else ""

    def role(self) -> QAccessible.Role:
        return QAccessible.Role.Heading if self.info.heading else QAccessible.Role.Paragraph

    def _viewport_rect(self) -> QRect:
        view = self.tree.view
        if view is None:
            return QRect()
        block = view.document().findBlockByNumber(self.info.number)
        r = view.document().documentLayout().blockBoundingRect(block).toRect()
        return r.translated(-view.horizontalScrollBar().value(), -view.verticalScrollBar().value())

    def rect(self) -> QRect:
        return self._screen_rect(self._viewport_rect())

    def state(self) -> QAccessible.State:
        return self._visible_state(self._viewport_rect())


class LinkNode(_Node):
    def __init__(self, tree: DetailTree, parent: QAccessibleInterface, span: LinkSpan) -> None:
        super().__init__(tree, parent)
        self.span = span

    def child(self, i: int) -> QAccessibleInterface | None:
        return None

    def childCount(self) -> int:
        return 0

    def indexOfChild(self, child: QAccessibleInterface) -> int:
        return -1

    def text(self, t: QAccessible.Text) -> str:
        if t == QAccessible.Text.Name:
            return self.span.text
        if t == QAccessible.Text.Description:
            return self.tree.describe(self.span.href)
        if t == QAccessible.Text.Help:
            return "Enter opens it; L and Shift+L move between links; Tab leaves the pane"
        return ""

    def role(self) -> QAccessible.Role:
        return QAccessible.Role.Link

    def _viewport_rect(self) -> QRect:
        view = self.tree.view
        if view is None:
            return QRect()
        from PySide6.QtGui import QTextCursor

        cursor = QTextCursor(view.document())
        cursor.setPosition(self.span.start)
        first = view.cursorRect(cursor)
        cursor.setPosition(self.span.end)
        last = view.cursorRect(cursor)
        return first.united(last)

    def rect(self) -> QRect:
        return self._screen_rect(self._viewport_rect())

    def state(self) -> QAccessible.State:
        state = self._visible_state(self._viewport_rect())
        state.focusable = True
        state.linked = True
        view = self.tree.view
        if view is not None and view.hasFocus() and self.tree.current_link() == self.span:
            state.focused = True
        return state


class DetailTree:
    """The page's accessible nodes for one detail view, rebuilt after each render."""

    def __init__(self, view: QTextBrowser, describe: Callable[[str], str]) -> None:
        self.view: QTextBrowser | None = view
        self.describe = describe  # href -> words, e.g. "Opens 96373 (CPT)"
        self.alive = True
        self.generation = 0
        self._links: list[LinkSpan] | None = None  # read from the view when first asked
        self._blocks: list[BlockInfo] = []
        self._built = False
        self._nodes: dict[int, BlockNode] = {}
        self._handed: list[_Node] = []
        self.root: DetailAccessible | None = None
        view.destroyed.connect(self.release)

    def keep(self, node: _Node) -> Any:
        self._handed.append(node)
        return node

    def rebuild(self) -> None:
        """Read the page again (after a render); old nodes are deleted through Qt."""
        self._drop()
        self.generation += 1
        view = self.view
        if view is None:
            return
        self._links = None  # read when first asked (not on the way to the first frame)
        self._blocks = []  # built when a reader first asks
        self._built = False

    @property
    def links(self) -> list[LinkSpan]:
        """The page's links in document order."""
        if self._links is None:
            self._links = [] if self.view is None else document_links(self.view.document())
        return self._links

    def _ensure(self) -> None:
        if not self._built and self.view is not None:
            self._blocks = _blocks(self.view.document(), self.links)
            self._built = True

    def block_count(self) -> int:
        self._ensure()
        return len(self._blocks)

    def block(self, i: int) -> BlockNode | None:
        self._ensure()
        if self.root is None or not 0 <= i < len(self._blocks):
            return None
        if i not in self._nodes:
            self._nodes[i] = self.keep(BlockNode(self, self.root, self._blocks[i]))
        return self._nodes[i]

    def index_of(self, child: QAccessibleInterface) -> int:
        for i, node in self._nodes.items():
            if node is child:
                return i
        return -1

    def current_link(self) -> LinkSpan | None:
        view = self.view
        if view is None:
            return None
        cursor = view.textCursor()
        if not cursor.hasSelection():
            return None
        for span in self.links:
            if span.start == cursor.selectionStart() and span.end == cursor.selectionEnd():
                return span
        return None

    def link_node(self, span: LinkSpan) -> LinkNode | None:
        self._ensure()
        for i, info in enumerate(self._blocks):
            if span in info.links:
                block = self.block(i)
                return block.link(info.links.index(span)) if block is not None else None
        return None

    def announce_focus(self, span: LinkSpan) -> None:
        """Tell assistive technology the focus is on ``span`` (a link of the page)."""
        if not QAccessible.isActive():
            return
        node = self.link_node(span)
        if node is not None:
            QAccessible.updateAccessibility(QAccessibleEvent(node, QAccessible.Event.Focus))

    def _drop(self) -> None:
        for node in self._handed:
            with contextlib.suppress(RuntimeError):  # already deleted by Qt
                QAccessible.deleteAccessibleInterface(QAccessible.uniqueId(node))
        self._handed = []
        self._nodes = {}

    def release(self, *_args: object) -> None:
        self.alive = False
        self._drop()
        self.view = None


class DetailAccessible(QAccessibleWidget):
    """The detail pane as a document: its blocks are its children."""

    def __init__(self, view: QTextBrowser, tree: DetailTree) -> None:
        super().__init__(view, QAccessible.Role.Document)
        self.tree = tree
        tree.root = self

    def childCount(self) -> int:
        return self.tree.block_count()

    def child(self, i: int) -> QAccessibleInterface | None:
        return self.tree.block(i)

    def indexOfChild(self, child: QAccessibleInterface) -> int:
        return self.tree.index_of(child)

    def focusChild(self) -> QAccessibleInterface | None:
        span = self.tree.current_link()
        return self.tree.link_node(span) if span is not None else None

    def childAt(self, x: int, y: int) -> QAccessibleInterface | None:
        point = QPoint(x, y)
        for i in range(self.childCount()):
            block = self.child(i)
            if block is not None and block.rect().contains(point):
                return block
        return None

    def role(self) -> QAccessible.Role:
        return QAccessible.Role.Document

    def state(self) -> QAccessible.State:
        state = super().state()
        state.readOnly = True
        return state


_installed = False


def install() -> None:
    """Let Qt ask :func:`_factory` for the detail pane's interface (once per process)."""
    global _installed
    if not _installed:
        QAccessible.installFactory(_factory)
        _installed = True


def _factory(key: str, obj: QObject) -> QAccessibleInterface | None:
    tree = getattr(obj, "accessible_tree", None)
    if isinstance(obj, QWidget) and isinstance(obj, QTextBrowser) and isinstance(tree, DetailTree):
        return DetailAccessible(obj, tree)  # the tree keeps it; Qt's cache deletes it
    return None
