"""The bundle leaves out only what the app never uses, with the options the issue fixes.

These read the source and the spec; they need no build (the frozen tests run the bundle).
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "packaging"))

import bundle_options as opts  # noqa: E402

SPEC = ROOT / "packaging" / "quickref.spec"
HELLO_SPEC = ROOT / "packaging" / "hello" / "hello.spec"


def imported_modules(package_dir: Path) -> set[str]:
    """Every module name imported anywhere under ``package_dir`` (lazy imports included)."""
    names: set[str] = set()
    for path in package_dir.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
                # from PySide6 import QtWidgets -> PySide6.QtWidgets
                names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def qt_modules_used() -> set[str]:
    return {
        m.split(".")[0] + "." + m.split(".")[1]
        for m in imported_modules(ROOT / "desktop")
        if re.match(r"PySide6\.Qt\w+", m)
    }


def test_the_scan_sees_the_qt_modules_the_app_uses() -> None:
    used = qt_modules_used()
    # self_test.py imports these itself, so the scan must at least find them.
    assert {"PySide6.QtCore", "PySide6.QtGui", "PySide6.QtWidgets"} <= used


def test_no_excluded_qt_module_is_imported_by_the_app() -> None:
    used = qt_modules_used()
    wrongly_excluded = sorted(used & set(opts.QT_EXCLUDED_MODULES))
    assert wrongly_excluded == [], f"the app imports modules the spec excludes: {wrongly_excluded}"


def test_the_libraries_of_used_qt_modules_are_not_stripped() -> None:
    for module in qt_modules_used():
        lib = "Qt6" + module.split(".Qt", 1)[1]  # PySide6.QtPrintSupport -> Qt6PrintSupport
        for pattern in opts.QT_STRAY_LIBS:
            assert not re.fullmatch(pattern.replace("*", ".*"), lib, re.I), (
                f"{pattern} would strip {lib}, which {module} needs"
            )


def test_no_excluded_python_module_is_imported_by_the_app() -> None:
    used = imported_modules(ROOT / "desktop")
    excluded = opts.OTHER_EXCLUDED_MODULES
    wrong = {m for m in used if any(m == x or m.startswith(x + ".") for x in excluded)}
    assert wrong == set()


def test_the_issues_modules_are_excluded() -> None:
    for module in ("QtNetwork", "QtQml", "QtQuick", "QtDBus", "QtSql", "QtOpenGL", "QtTest"):
        assert f"PySide6.{module}" in opts.QT_EXCLUDED_MODULES


@pytest.mark.parametrize(
    ("dest", "dropped"),
    [
        ("PySide6/Qt/plugins/platforms/libqxcb.so", False),
        ("PySide6/Qt/plugins/platforms/libqoffscreen.so", False),
        ("PySide6/Qt/plugins/platforms/libqminimal.so", False),
        ("PySide6/Qt/plugins/imageformats/libqsvg.so", False),
        ("PySide6/Qt/plugins/iconengines/libqsvgicon.so", False),
        ("PySide6/plugins/platforms/qwindows.dll", False),
        ("PySide6/Qt/plugins/platforms/libqwayland.so", True),
        ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", True),
        ("PySide6/Qt/plugins/printsupport/libcupsprintersupport.so", False),
        ("libcups.so.2", True),
        ("PySide6/Qt/plugins/tls/libqopensslbackend.so", True),
        ("PySide6/Qt/plugins/imageformats/libqjpeg.so", True),
        ("PySide6/Qt/plugins/sqldrivers/libqsqlite.so", True),
        ("PySide6/Qt/lib/libQt6Qml.so.6", True),
        ("PySide6/Qt/lib/libQt6Network.so.6", True),
        ("PySide6/Qt/lib/libQt6QuickControls2.so.6", True),
        ("libQt6EglFSDeviceIntegration.so.6", True),
        ("PySide6/Qt/lib/libQt6Gui.so.6", False),
        ("PySide6/Qt/lib/libQt6Widgets.so.6", False),
        ("PySide6/Qt/lib/libQt6PrintSupport.so.6", False),
        ("PySide6/Qt/lib/libQt6Svg.so.6", False),
        ("PySide6/Qt/lib/libQt6DBus.so.6", False),  # QtGui links it
        ("PySide6/Qt/translations/qtbase_de.qm", True),
        ("rapidfuzz/fuzz_cpp_avx2.cpython-311-x86_64-linux-gnu.so", True),
        ("rapidfuzz/fuzz_cpp.cpython-311-x86_64-linux-gnu.so", False),
        ("desktop/data/reference.sqlite", False),
    ],
)
def test_trim_keeps_what_the_app_needs(dest: str, dropped: bool) -> None:
    assert opts.trim([(dest, "/src", "BINARY")]) == ([] if dropped else [(dest, "/src", "BINARY")])


def test_kept_platform_plugins_exist_in_this_pyside6() -> None:
    import PySide6

    plugins = Path(PySide6.__file__).parent / "Qt" / "plugins"
    if not plugins.is_dir():
        pytest.skip("not the Linux wheel layout")
    present = {opts.plugin_key(str(p.relative_to(plugins))) for p in plugins.rglob("*.so")}
    for key in ("platforms/qoffscreen", "platforms/qxcb", "imageformats/qsvg"):
        assert key in present


def _spec_text(path: Path) -> str:
    return "\n".join(
        line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")
    )


@pytest.mark.parametrize("spec", [SPEC, HELLO_SPEC], ids=["quickref", "hello"])
def test_specs_are_onedir_without_upx_and_trimmed_alike(spec: Path) -> None:
    text = _spec_text(spec)
    assert "exclude_binaries=True" in text  # onedir: binaries go to COLLECT, not the exe
    assert "COLLECT(" in text
    assert "upx=True" not in text
    assert text.count("upx=False") >= 2  # EXE (or its shared options) and COLLECT
    assert "excludes=opts.EXCLUDES" in text
    assert text.count("strip=opts.STRIP") == 2  # EXE and COLLECT, the same for both
    assert "strip=True" not in text and "strip=False" not in text
    assert "opts.prune_unlinked(opts.trim(a.binaries))" in text
    assert "opts.trim(a.datas)" in text


def test_spec_puts_the_database_and_icons_where_the_code_looks() -> None:
    text = _spec_text(SPEC)
    assert '(str(DB), "desktop/data")' in text
    assert '"desktop/resources/icons"' in text
    assert 'bundle_identifier="org.quickref.QuickRef"' in text
    assert "quickref.ico" in text and "quickref.icns" in text
    assert "VSVersionInfo" in text


def test_pyinstaller_is_pinned_with_its_hooks() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    package = pyproject["project"]["optional-dependencies"]["package"]
    assert any(re.fullmatch(r"pyinstaller==[\d.]+", d) for d in package), package
    assert any(re.fullmatch(r"pyinstaller-hooks-contrib==[\d.]+", d) for d in package), package


def test_windows_installer_script_makes_shortcuts() -> None:
    iss = (ROOT / "packaging" / "windows" / "quickref.iss").read_text(encoding="utf-8")
    assert "[Icons]" in iss
    assert "{autoprograms}" in iss
    assert "quickref.exe" in iss


def test_smoke_check_flags_any_unexpected_line() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("qr_build", ROOT / "packaging" / "build.py")
    assert spec and spec.loader
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    good = "QuickRef 0.1.0 self-test\nok   main window: built\nself-test passed: 8 checks\n"
    assert build.unexpected_self_test_lines(good, "") == []
    assert build.unexpected_self_test_lines(good + "qt.qpa.xcb: oops\n", "") == ["qt.qpa.xcb: oops"]
    assert build.unexpected_self_test_lines(good, "QFont warning\n") == ["stderr: QFont warning"]
    assert build.unexpected_self_test_lines("FAIL checklist: no dock\n", "") != []


@pytest.mark.skipif(sys.platform == "win32", reason="the Windows build keeps ctypes")
def test_ctypes_is_left_out_and_nothing_the_app_runs_here_imports_it() -> None:
    """Bundled, ctypes is imported by PyInstaller's bootstrap at every start."""
    assert {"ctypes", "platformdirs.windows"} <= set(opts.EXCLUDES)
    used = imported_modules(ROOT / "desktop")
    assert not {m for m in used if m == "ctypes" or m.startswith("ctypes.")}
    import platformdirs

    # platformdirs' module for this platform (the one the app runs) does not need it
    module = sys.modules[type(platformdirs.PlatformDirs()).__module__]
    assert "ctypes" not in Path(str(module.__file__)).read_text(encoding="utf-8")
