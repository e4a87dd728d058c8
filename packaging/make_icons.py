#!/usr/bin/env python3
"""Render resources/icons/quickref.svg to the PNG, .ico and .icns files desktops use.

Run from the repository root with the project venv (it needs PySide6):

    .venv/bin/python packaging/make_icons.py

The outputs are committed; rerun this after editing the SVG. Qt renders the SVG
(``QSvgRenderer`` into a ``QImage``); the ``.ico`` and ``.icns`` containers are written
here with PNG payloads (Windows Vista+ and macOS 10.7+ read those), so no other tool is
needed and the same SVG gives the same bytes on every run.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ROOT = Path(__file__).resolve().parent.parent
ICONS = ROOT / "resources" / "icons"
SVG = ICONS / "quickref.svg"

PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)  # ICO entries stop at 256 px
# ICNS element types with PNG payloads: (type, pixel size).
ICNS_TYPES = (
    (b"icp4", 16),
    (b"icp5", 32),
    (b"icp6", 64),
    (b"ic07", 128),
    (b"ic08", 256),
    (b"ic09", 512),
    (b"ic10", 1024),  # 512 pt @2x
    (b"ic11", 32),  # 16 pt @2x
    (b"ic12", 64),  # 32 pt @2x
    (b"ic13", 256),  # 128 pt @2x
    (b"ic14", 512),  # 256 pt @2x
)


def render_png(renderer: QSvgRenderer, size: int) -> bytes:
    """The SVG drawn at ``size`` x ``size`` pixels, as PNG bytes."""
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buf, "PNG"):
        raise RuntimeError(f"could not encode a {size} px PNG")
    buf.close()
    return bytes(data.data())


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """An ICO container (ICONDIR + ICONDIRENTRY per size) holding PNG images."""
    sizes = sorted(pngs)
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = len(header) + 16 * len(sizes)
    entries, payload = b"", b""
    for size in sizes:
        data = pngs[size]
        dim = 0 if size >= 256 else size  # 0 means 256
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(data), offset)
        payload += data
        offset += len(data)
    return header + entries + payload


def icns_bytes(elements: list[tuple[bytes, bytes]]) -> bytes:
    """An ICNS container: 'icns' + total length, then (type, length, data) elements."""
    body = b"".join(kind + struct.pack(">I", len(data) + 8) + data for kind, data in elements)
    return b"icns" + struct.pack(">I", len(body) + 8) + body


HASHES = ICONS / "SOURCES.sha256"


def write_hashes() -> Path:
    """Record (``sha256sum -c`` format) the SVG the icons were made from and each icon.

    The test checks the PNGs against this file instead of re-rendering pixel for pixel
    (rendering differs between machines): the SVG is the one committed, the icons are
    the ones this script wrote from it.
    """
    import hashlib

    names = ["quickref.svg", *(f"quickref-{s}.png" for s in PNG_SIZES)]
    names += ["quickref.ico", "quickref.icns"]
    lines = [f"{hashlib.sha256((ICONS / n).read_bytes()).hexdigest()}  {n}" for n in names]
    HASHES.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return HASHES


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        print(f"make_icons: cannot read {SVG}", file=sys.stderr)
        return 1
    cache: dict[int, bytes] = {}

    def png(size: int) -> bytes:
        if size not in cache:
            cache[size] = render_png(renderer, size)
        return cache[size]

    for size in PNG_SIZES:
        out = ICONS / f"quickref-{size}.png"
        out.write_bytes(png(size))
        print(f"wrote {out.relative_to(ROOT)}")
    (ICONS / "quickref.ico").write_bytes(ico_bytes({s: png(s) for s in ICO_SIZES}))
    print(f"wrote {(ICONS / 'quickref.ico').relative_to(ROOT)}")
    (ICONS / "quickref.icns").write_bytes(icns_bytes([(k, png(s)) for k, s in ICNS_TYPES]))
    print(f"wrote {(ICONS / 'quickref.icns').relative_to(ROOT)}")
    print(f"wrote {write_hashes().relative_to(ROOT)}")
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
