"""WCAG 2.1 AA contrast (4.5:1 for text) of the colour pairs QuickRef paints with.

Computed from the colour code itself (:mod:`desktop.ui.colours`, which the detail pane,
the results list and the checklist banner use) on Qt's Fusion palettes, light and a dark
one, and on a dark palette whose own link and placeholder colours are unreadable: no
pixels, no fonts.
"""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

from desktop.ui import colours
from desktop.ui.detail_view import _css

R = QPalette.ColorRole


def fusion_light() -> QPalette:
    style = QStyleFactory.create("Fusion")
    assert style is not None
    return style.standardPalette()


def dark() -> QPalette:
    """A dark scheme as Qt derives it from dark window and button colours."""
    return QPalette(QColor(0x3C, 0x3C, 0x3C), QColor(0x2B, 0x2B, 0x2B))


def dark_with_faint_roles() -> QPalette:
    """A dark palette left with light-scheme link blue and a faint placeholder grey."""
    palette = dark()
    palette.setColor(R.Link, QColor(0, 0, 255))
    palette.setColor(R.PlaceholderText, QColor(255, 255, 255, 60))
    palette.setColor(R.Highlight, QColor(0x30, 0x8C, 0xC6))
    return palette


PALETTES = {"light": fusion_light, "dark": dark, "dark, faint roles": dark_with_faint_roles}


def test_the_formula_matches_wcag_reference_values() -> None:
    black, white = QColor(0, 0, 0), QColor(255, 255, 255)
    assert colours.contrast(black, white) == pytest.approx(21.0)
    assert colours.contrast(white, white) == pytest.approx(1.0)
    assert colours.contrast(QColor(0x76, 0x76, 0x76), white) == pytest.approx(4.54, abs=0.01)


@pytest.mark.parametrize("scheme", PALETTES)
@pytest.mark.parametrize("what", colours.PAIRS)
def test_every_pair_reads_at_aa(qapp: QApplication, scheme: str, what: str) -> None:
    fg, bg = colours.PAIRS[what](PALETTES[scheme]())
    assert colours.contrast(fg, bg) >= colours.MIN_CONTRAST, (scheme, what, fg.name(), bg.name())


@pytest.mark.parametrize("scheme", PALETTES)
def test_quiet_text_reads_in_the_licensed_box_too(qapp: QApplication, scheme: str) -> None:
    palette = PALETTES[scheme]()
    fg, _ = colours.quiet(palette)
    box = colours.boxed(palette)[1]
    assert colours.contrast(fg, box) >= colours.MIN_CONTRAST


def test_readable_pairs_are_left_alone(qapp: QApplication) -> None:
    fg, bg = colours.text(fusion_light())
    assert (fg.name(), bg.name()) == ("#000000", "#ffffff")


def test_qt_defaults_would_fail_without_the_adjustment(qapp: QApplication) -> None:
    """The reason the module exists: Qt's own placeholder grey and selection blue."""
    light = fusion_light()
    grey = colours.over(light.color(R.PlaceholderText), light.color(R.Base))
    assert colours.contrast(grey, light.color(R.Base)) < colours.MIN_CONTRAST
    selection = colours.contrast(light.color(R.HighlightedText), light.color(R.Highlight))
    assert selection < colours.MIN_CONTRAST


@pytest.mark.parametrize("scheme", PALETTES)
def test_the_detail_pane_uses_the_readable_colours(qapp: QApplication, scheme: str) -> None:
    palette = PALETTES[scheme]()
    css = _css(palette)
    for pair in (colours.text, colours.quiet, colours.link):
        assert pair(palette)[0].name() in css
    fg, bg = colours.warning(palette)
    assert f"background-color: {bg.name()}; color: {fg.name()}" in css
