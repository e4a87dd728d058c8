"""The colour pairs QuickRef paints with, each readable at WCAG 2.1 AA (4.5:1 for text).

Colours come from the palette (light or dark scheme, the platform's or Fusion's); this
module only picks which palette roles go together and, where a palette's own pair is too
faint (Qt's placeholder grey is about 3.9:1 on white, its selection blue 3.6:1 under
white text), moves the text colour towards black or white until it reads at
:data:`MIN_CONTRAST`. The detail pane, the results list and the checklist banner take
their colours from here, and ``tests/ui/test_contrast.py`` checks every pair.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from PySide6.QtGui import QColor, QPalette

MIN_CONTRAST = 4.5  # WCAG 2.1 AA, normal-size text (success criterion 1.4.3)
Pair = tuple[QColor, QColor]  # (text, background)
R = QPalette.ColorRole


def _channel(c: float) -> float:
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: QColor) -> float:
    """WCAG relative luminance of an opaque sRGB colour."""
    return (
        0.2126 * _channel(colour.redF())
        + 0.7152 * _channel(colour.greenF())
        + 0.0722 * _channel(colour.blueF())
    )


def contrast(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio, 1.0 to 21.0."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def over(colour: QColor, background: QColor) -> QColor:
    """``colour`` blended over an opaque ``background`` (what the eye gets from alpha)."""
    a = colour.alphaF()
    return QColor.fromRgbF(
        colour.redF() * a + background.redF() * (1 - a),
        colour.greenF() * a + background.greenF() * (1 - a),
        colour.blueF() * a + background.blueF() * (1 - a),
    )


def _mix(a: QColor, b: QColor, t: float) -> QColor:
    return QColor.fromRgbF(
        a.redF() + (b.redF() - a.redF()) * t,
        a.greenF() + (b.greenF() - a.greenF()) * t,
        a.blueF() + (b.blueF() - a.blueF()) * t,
    )


def readable(text: QColor, background: QColor, minimum: float = MIN_CONTRAST) -> QColor:
    """``text`` (blended over ``background``), or the least change of it towards black or
    white that reads at ``minimum`` on ``background``."""
    text = over(text, background)
    if contrast(text, background) >= minimum:
        return text
    black, white = QColor(0, 0, 0), QColor(255, 255, 255)
    target = black if contrast(black, background) >= contrast(white, background) else white
    low, high = 0.0, 1.0
    for _ in range(20):  # binary search for the smallest step that is enough
        mid = (low + high) / 2
        if contrast(_mix(text, target, mid), background) >= minimum:
            high = mid
        else:
            low = mid
    return _mix(text, target, high)


_PAIRS_MADE: dict[tuple[str, int, int], Pair] = {}
_PAIRS_KEPT = 256


def _per_palette(fn: Callable[[QPalette], Pair]) -> Callable[[QPalette], Pair]:
    """Work a pair out once per palette contents and colour group, not at every paint
    (the results list paints every visible row on every keystroke). A changed palette
    (the dark scheme, a theme change) has another cache key, so it is worked out anew."""
    name = fn.__name__

    @functools.wraps(fn)
    def pair(palette: QPalette) -> Pair:
        key = (name, palette.cacheKey(), palette.currentColorGroup().value)
        made = _PAIRS_MADE.get(key)
        if made is None:
            if len(_PAIRS_MADE) >= _PAIRS_KEPT:
                _PAIRS_MADE.clear()
            made = _PAIRS_MADE[key] = fn(palette)
        return made

    return pair


def _pair(palette: QPalette, fg: QPalette.ColorRole, bg: QPalette.ColorRole) -> Pair:
    background = over(palette.color(bg), QColor(255, 255, 255))
    return readable(palette.color(fg), background), background


@_per_palette
def text(palette: QPalette) -> Pair:
    """Body text on the view background."""
    return _pair(palette, R.Text, R.Base)


@_per_palette
def quiet(palette: QPalette) -> Pair:
    """Secondary text (system name, source line, notes): the placeholder grey, made readable
    on the view background and on the alternate one (it also sits in the licensed box)."""
    colour, base = _pair(palette, R.PlaceholderText, R.Base)
    alternate = over(palette.color(R.AlternateBase), base)
    return readable(colour, alternate), base


@_per_palette
def link(palette: QPalette) -> Pair:
    """Links and the 'billable' / 'pinned' pills' text."""
    return _pair(palette, R.Link, R.Base)


@_per_palette
def warning(palette: QPalette) -> Pair:
    """Deleted / not-for-new-use pills and the status strip: the window colours inverted."""
    return _pair(palette, R.Window, R.WindowText)


@_per_palette
def section(palette: QPalette) -> Pair:
    """The results list's 'Pinned' / 'Recent' headers."""
    return _pair(palette, R.WindowText, R.AlternateBase)


@_per_palette
def boxed(palette: QPalette) -> Pair:
    """The licensed-descriptor box in the detail pane."""
    return _pair(palette, R.Text, R.AlternateBase)


@_per_palette
def selected(palette: QPalette) -> Pair:
    """A selected result row's text on the selection colour."""
    return _pair(palette, R.HighlightedText, R.Highlight)


@_per_palette
def banner(palette: QPalette) -> Pair:
    """The checklist's message banner."""
    return _pair(palette, R.ToolTipText, R.ToolTipBase)


PAIRS: dict[str, Callable[[QPalette], Pair]] = {
    "text": text,
    "quiet text": quiet,
    "link / pill": link,
    "warning pill": warning,
    "section header": section,
    "licensed box": boxed,
    "selected row": selected,
    "banner": banner,
}
