"""The icon set and the desktop entry desktops need (no build required)."""

from __future__ import annotations

import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QIcon, QImage
from pytestqt.qtbot import QtBot

from desktop.resources_path import ICON_SIZES, icon_path, icon_pngs

ROOT = Path(__file__).resolve().parents[2]
ICONS = ROOT / "resources" / "icons"
DESKTOP_ENTRY = ROOT / "resources" / "quickref.desktop"
sys.path.insert(0, str(ROOT / "packaging"))


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_png_icons_at_every_size() -> None:
    assert ICON_SIZES == (16, 24, 32, 48, 64, 128, 256, 512)
    for size in ICON_SIZES:
        data = (ICONS / f"quickref-{size}.png").read_bytes()
        assert png_size(data) == (size, size)


def test_ico_holds_png_images_16_to_256() -> None:
    data = (ICONS / "quickref.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind) == (0, 1)
    sizes = []
    for i in range(count):
        w, h, _c, _r, planes, bits, length, offset = struct.unpack(
            "<BBBBHHII", data[6 + 16 * i : 22 + 16 * i]
        )
        image = data[offset : offset + length]
        real = png_size(image)
        assert real == ((w or 256), (h or 256))
        assert (planes, bits) == (1, 32)
        sizes.append(real[0])
    assert sizes == [16, 24, 32, 48, 64, 128, 256]


def test_icns_elements_are_pngs_of_the_declared_size() -> None:
    data = (ICONS / "quickref.icns").read_bytes()
    assert data[:4] == b"icns"
    assert struct.unpack(">I", data[4:8])[0] == len(data)
    expected = {
        b"icp4": 16, b"icp5": 32, b"icp6": 64, b"ic07": 128, b"ic08": 256, b"ic09": 512,
        b"ic10": 1024, b"ic11": 32, b"ic12": 64, b"ic13": 256, b"ic14": 512,
    }  # fmt: skip
    seen = {}
    pos = 8
    while pos < len(data):
        kind, length = data[pos : pos + 4], struct.unpack(">I", data[pos + 4 : pos + 8])[0]
        seen[kind] = png_size(data[pos + 8 : pos + length])[0]
        pos += length
    assert seen == expected


def test_icons_are_what_make_icons_renders_from_the_svg(qtbot: QtBot) -> None:
    """The committed icons were made from the committed SVG, at the right sizes, with alpha.

    Not pixel for pixel (rendering differs between machines): make_icons.py records the
    SVG's hash and each icon's in SOURCES.sha256; the pixels are compared with a tolerance.
    """
    import hashlib

    import make_icons
    from PySide6.QtSvg import QSvgRenderer

    recorded = dict(
        reversed(line.split("  ", 1))
        for line in (ICONS / "SOURCES.sha256").read_text().splitlines()
    )
    stale = "run packaging/make_icons.py"
    for name in ["quickref.svg", *(f"quickref-{s}.png" for s in ICON_SIZES)]:
        digest = hashlib.sha256((ICONS / name).read_bytes()).hexdigest()
        assert recorded.get(name) == digest, f"resources/icons/{name} changed: {stale}"
    renderer = QSvgRenderer(str(ICONS / "quickref.svg"))
    assert renderer.isValid()
    for size in ICON_SIZES:
        committed = QImage(str(ICONS / f"quickref-{size}.png"))
        assert (committed.width(), committed.height()) == (size, size)
        assert committed.hasAlphaChannel(), f"quickref-{size}.png has no alpha channel"
        assert committed.pixelColor(0, 0).alpha() == 0  # transparent corner, not a box
    for size in (48, 256):
        fresh = QImage.fromData(make_icons.render_png(renderer, size)).convertToFormat(
            QImage.Format.Format_ARGB32
        )
        committed = QImage(str(ICONS / f"quickref-{size}.png")).convertToFormat(
            QImage.Format.Format_ARGB32
        )
        diff = sum(
            abs(a - b)
            for y in range(0, size, max(1, size // 32))
            for x in range(0, size, max(1, size // 32))
            for a, b in zip(
                fresh.pixelColor(x, y).getRgb(), committed.pixelColor(x, y).getRgb(), strict=True
            )
        )
        samples = len(range(0, size, max(1, size // 32))) ** 2 * 4
        assert diff / samples < 8, f"quickref-{size}.png looks unlike the SVG: {stale}"


def test_icon_path_finds_the_source_icons(qtbot: QtBot) -> None:
    assert icon_path() == ICONS / "quickref.svg"
    assert [size for size, _ in icon_pngs()] == list(ICON_SIZES)
    assert not QIcon(str(icon_path())).pixmap(32, 32).isNull()


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="desktop-file-utils")
def test_desktop_entry_is_valid() -> None:
    r = subprocess.run(
        ["desktop-file-validate", str(DESKTOP_ENTRY)], capture_output=True, text=True
    )
    errors = [line for line in r.stdout.splitlines() if " error: " in line]
    assert r.returncode == 0 and not errors, r.stdout + r.stderr


def test_desktop_entry_starts_quickref_with_its_icon() -> None:
    entry = dict(
        line.split("=", 1) for line in DESKTOP_ENTRY.read_text().splitlines() if "=" in line
    )
    assert entry["Exec"] == "quickref"
    assert entry["Icon"] == "quickref"  # hicolor name installed by the .deb
    assert entry["Terminal"] == "false"
    assert entry["StartupWMClass"] == "quickref"
