"""Options shared by ``quickref.spec`` and the ``hello/hello.spec`` floor.

Both bundles are built with the same exclusions and the same trimming, so the size
and start-up figures in ``bench/bundle_figures.py`` compare like with like. Nothing
here imports PyInstaller at module level: the tests import it to check the lists.
"""

from __future__ import annotations

import fnmatch
import re
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# PySide6 modules the app never imports (tests/packaging/test_spec_excludes.py checks
# that none of these is imported anywhere under desktop/).
QT_EXCLUDED_MODULES = [
    "PySide6.QtConcurrent",
    "PySide6.QtDBus",
    "PySide6.QtDesigner",
    "PySide6.QtHelp",
    "PySide6.QtLabsStyleKit",
    "PySide6.QtNetwork",
    "PySide6.QtOpenGL",
    "PySide6.QtOpenGLWidgets",
    "PySide6.QtQml",
    "PySide6.QtQmlFeatures",
    "PySide6.QtQuick",
    "PySide6.QtQuickControls2",
    "PySide6.QtQuickTest",
    "PySide6.QtQuickWidgets",
    "PySide6.QtSql",
    "PySide6.QtSvgWidgets",
    "PySide6.QtTest",
    "PySide6.QtUiTools",
    "PySide6.QtXml",
]

# Standard-library and tooling modules a GUI bundle does not need.
# ssl: the app never opens a connection; urllib.request imports it only if present.
# urllib.request, http, ftplib, netrc, mimetypes, nturl2path: the client side of the
#   network, which nothing here imports (PyInstaller's graph reaches it through
#   xml.sax.saxutils); xml.sax: the importers read XML with ElementTree.
OTHER_EXCLUDED_MODULES = [
    "tkinter",
    "_tkinter",
    "pydoc_data",
    "lib2to3",
    "test",
    "ssl",
    "_ssl",
    "urllib.request",
    "http",
    "ftplib",
    "netrc",
    "mimetypes",
    "nturl2path",
    "xml.sax",
]

# Only platformdirs' Windows module imports ctypes. Bundled, ctypes is imported by
# PyInstaller's bootstrap at every start (its .so and libffi: 2-4 ms warm, more cold),
# so builds for other platforms leave both out; platformdirs picks its module per platform.
NOT_ON_THIS_PLATFORM = (
    [] if sys.platform == "win32" else ["ctypes", "_ctypes", "platformdirs.windows"]
)

EXCLUDES = QT_EXCLUDED_MODULES + OTHER_EXCLUDED_MODULES + NOT_ON_THIS_PLATFORM

# Strip symbol tables from the bundled binaries (PyInstaller runs ``strip``): the
# interpreter and libsodium ship theirs (~25 MB between them). Not on Windows, where
# PyInstaller advises against it; macOS and Linux binaries keep their dynamic symbols.
STRIP = sys.platform != "win32"

# Qt plugins kept, as "<folder>/<name>" under PySide6/Qt/plugins with the platform's
# "lib" prefix and file extension removed; every other plugin is dropped.
# platforms: offscreen (self-test, CI), xcb (X11 and XWayland desktops), minimal;
#   windows and cocoa for the Windows and macOS builds, with their native styles.
# imageformats/iconengines: the SVG application icon (PNG is built into QtGui).
# platforminputcontexts: compose keys (dead keys for accented letters).
# printsupport: CUPS, so the checklist history prints to a real printer (QPrintDialog);
#   PDF output needs no plugin.
QT_KEPT_PLUGINS = [
    "printsupport/cupsprintersupport",
    "platforms/qoffscreen",
    "platforms/qxcb",
    "platforms/qminimal",
    "platforms/qwindows",
    "platforms/qcocoa",
    "styles/qmodernwindowsstyle",
    "styles/qmacstyle",
    "imageformats/qsvg",
    "iconengines/qsvgicon",
    "platforminputcontexts/composeplatforminputcontextplugin",
]

# Qt libraries that must never be in the bundle (hooks of other modules drag them in),
# matched against the file name without a "lib" prefix (libQt6Qml.so.6, Qt6Qml.dll).
QT_STRAY_LIBS = [
    "Qt6Qml*",
    "Qt6Quick*",
    "Qt6Network*",
    "Qt6OpenGL*",
    "Qt6Sql*",
    "Qt6Designer*",
    "Qt6Help*",
    "Qt6Test*",
    "Qt6UiTools*",
    "Qt6Xml*",
    "Qt6Concurrent*",
    "Qt6Wayland*",
    "Qt6WlShell*",
    "Qt6EglFs*",
    "Qt6Labs*",
    "Qt6Lottie*",
    "Qt6SvgWidgets*",
    "pyside6qml*",
]

# System libraries taken from the machine, never bundled: libcups must match the local
# CUPS daemon (the .deb depends on libcups2; without it the print dialog offers PDF only).
SYSTEM_LIBS = ["libcups.so*"]

_PLUGIN_DIR = re.compile(r"(?:^|/)PySide6/(?:Qt/)?plugins/")

# Other files left out, as bundle paths:
# - Qt translations: the app is in English only.
# - rapidfuzz's AVX2 builds: rapidfuzz falls back to its generic build when they are
#   missing, and the app only corrects a word against a few thousand (well under 1 ms).
DROPPED_FILES = [
    "PySide6/Qt/translations/*",
    "PySide6/translations/*",
    "rapidfuzz/*_avx2.*",
    "rapidfuzz/distance/*_avx2.*",
]


def plugin_key(rel: str) -> str:
    """``platforms/libqxcb.so`` -> ``platforms/qxcb`` (also ``.dll``, ``.dylib``)."""
    folder, _, name = rel.rpartition("/")
    stem = name.split(".", 1)[0]
    if stem.startswith("lib") and not name.endswith(".dll"):
        stem = stem[3:]
    return f"{folder}/{stem}"


def _dropped(dest: str) -> bool:
    norm = dest.replace("\\", "/")
    name = norm.rsplit("/", 1)[-1]
    plugin = _PLUGIN_DIR.search(norm)
    if plugin:
        return plugin_key(norm[plugin.end() :]) not in QT_KEPT_PLUGINS
    if "/" not in norm and any(fnmatch.fnmatch(name, pat) for pat in SYSTEM_LIBS):
        return True
    bare = name[3:] if name.startswith("lib") else name
    if any(fnmatch.fnmatch(bare.lower(), pat.lower()) for pat in QT_STRAY_LIBS):
        return True
    return any(fnmatch.fnmatch(norm, pat) for pat in DROPPED_FILES)


def trim(entries: Iterable[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """A TOC (``(dest, source, typecode)`` entries) without the dropped Qt files."""
    return [entry for entry in entries if not _dropped(entry[0])]


def elf_needed(path: str) -> list[str]:
    """The DT_NEEDED entries of one ELF file: what it links to directly (not ldd's closure)."""
    tool = shutil.which("readelf")
    if tool is None and shutil.which("objdump") is None:
        raise SystemExit("packaging needs binutils (readelf, objdump): apt-get install binutils")
    cmd = [tool, "-d", path] if tool else ["objdump", "-p", path]
    out = subprocess.run(cmd, capture_output=True, text=True).stdout
    return re.findall(r"(?:Shared library: \[|NEEDED\s+)([^\]\s]+)", out)


def prune_unlinked(binaries: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """Drop system libraries that only dropped plugins linked to (Linux).

    PyInstaller collects every plugin's link-time dependencies before :func:`trim`
    runs, so a dropped GTK theme or CUPS plugin leaves GTK, cairo, Kerberos behind.
    Keep a top-level system library only if a kept binary links to it, directly or
    through another kept library.
    """
    if not sys.platform.startswith("linux"):
        return binaries

    def is_candidate(entry: tuple[str, str, str]) -> bool:
        dest, src, kind = entry
        return (
            kind == "BINARY"
            and "/" not in dest
            and "site-packages" not in src
            and not dest.startswith("libpython")
        )

    by_name = {Path(e[0]).name: e for e in binaries if is_candidate(e)}
    keep: set[str] = set()
    todo = [e[1] for e in binaries if e[2] in ("BINARY", "EXTENSION") and not is_candidate(e)]
    todo += [e[1] for e in binaries if e[0].startswith("libpython")]
    seen: set[str] = set()
    while todo:
        src = todo.pop()
        if src in seen:
            continue
        seen.add(src)
        for base in elf_needed(src):
            if base in by_name and base not in keep:
                keep.add(base)
                todo.append(by_name[base][1])
    dropped = {name for name in by_name if name not in keep}
    return [e for e in binaries if Path(e[0]).name not in dropped or "/" in e[0]]


def write_licences(dest: Path, *, app: bool = True) -> Path:
    """Gather the licence texts the bundle ships into ``dest`` (recreated) and return it."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    copies = {
        "Python-PSF-LICENSE.txt": stdlib / "LICENSE.txt",
        "Qt-and-PySide6-LGPL-3.0.txt": Path("/usr/share/common-licenses/LGPL-3"),
        "GPL-3.0.txt": Path("/usr/share/common-licenses/GPL-3"),
    }
    if app:
        copies["QuickRef-data-sources.toml"] = ROOT / "resources" / "data" / "sources.toml"
    for dist in ("rapidfuzz", "platformdirs"):
        if not app:
            break
        files = metadata.files(dist) or []
        for f in files:
            if f.name.upper().startswith(("LICENSE", "COPYING")):
                copies[f"{dist}-{f.name}"] = Path(str(f.locate()))
    missing = []
    for name, source in copies.items():
        if source.is_file():
            shutil.copyfile(source, dest / name)
        else:
            missing.append(f"{name} ({source})")
    readme = [
        "Licences of what this bundle contains",
        "",
        "- Python runtime: PSF licence (Python-PSF-LICENSE.txt).",
        "- Qt 6 and PySide6/Shiboken6 (PySide6-Essentials wheel): LGPL-3.0",
        "  (Qt-and-PySide6-LGPL-3.0.txt, which builds on GPL-3.0.txt). The Qt libraries are",
        "  shipped unmodified as separate shared libraries in _internal/PySide6 and can be",
        "  replaced; sources: https://download.qt.io and https://code.qt.io/pyside/pyside-setup.",
        "- PyInstaller bootloader: GPL-2.0 with the bootloader exception.",
    ]
    if app:
        readme += [
            "- rapidfuzz: MIT; platformdirs: MIT (their licence files are beside this one).",
            "- Reference data: see QuickRef-data-sources.toml. HCPCS Level II and ICD-10-CM",
            "  texts are US government works in the public domain. CPT descriptions are",
            "  QuickRef's own words (CC BY 4.0); CPT is a registered trademark of the AMA",
            "  and no AMA descriptor text is included.",
        ]
    if missing:
        readme += ["", "Not found when this bundle was built: " + ", ".join(missing)]
    (dest / "README.txt").write_text("\n".join(readme) + "\n", encoding="utf-8")
    return dest


def is_windows() -> bool:
    return sys.platform.startswith("win")


def is_macos() -> bool:
    return sys.platform == "darwin"
