"""The frozen bundle, the .tar.gz and the .deb, run for real.

``python packaging/build.py --if-stale`` builds dist/ (database, PyInstaller, its own
smoke test, archives) or reuses it when it was built from the same inputs, so the
normal suite pays for a build only after a change. Every frozen run gets a fresh
per-user folder and must print nothing but its check lines.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [
    pytest.mark.frozen,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the Linux bundle"),
]


def _load_build() -> ModuleType:
    spec = importlib.util.spec_from_file_location("quickref_build", ROOT / "packaging" / "build.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


build = _load_build()


@pytest.fixture(scope="session")
def bundle() -> Path:
    """dist/quickref, built (or reused when up to date) by packaging/build.py."""
    proc = subprocess.run(
        [sys.executable, str(ROOT / "packaging" / "build.py"), "--if-stale"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    if proc.returncode != 0:
        pytest.fail(
            "packaging/build.py failed:\n" + (proc.stdout + proc.stderr)[-6000:], pytrace=False
        )
    assert build.EXECUTABLE.is_file()
    return build.BUNDLE


def frozen_env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QUICKREF_")}
    env.update({"QUICKREF_DATA_DIR": str(data_dir), "QT_QPA_PLATFORM": "offscreen", **extra})
    return env


def run_self_test(cmd: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=180)
    bad = build.unexpected_self_test_lines(proc.stdout, proc.stderr)
    assert proc.returncode == 0 and not bad, (
        f"exit {proc.returncode}; unexpected lines: {bad}\n{proc.stdout}{proc.stderr}"
    )
    assert "self-test passed" in proc.stdout
    return proc


def test_self_test_offscreen(bundle: Path, tmp_path: Path) -> None:
    proc = run_self_test([str(build.EXECUTABLE), "--self-test"], frozen_env(tmp_path / "u"))
    assert f"reference database: {bundle}/_internal/desktop/data/reference.sqlite" in proc.stdout
    assert "offscreen platform" in proc.stdout
    # The self-test looks at the user's folder but never writes to it (issue 12): no
    # user.sqlite, no empty checklist run that would hide a real unfinished one.
    assert f"user database: {tmp_path / 'u' / 'user.sqlite'} (not made yet" in proc.stdout
    assert not (tmp_path / "u").exists()


@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="xvfb-run not installed (xvfb)")
def test_self_test_on_a_real_x_server(bundle: Path, tmp_path: Path) -> None:
    env = frozen_env(tmp_path / "u", QT_QPA_PLATFORM="xcb")
    env.pop("DISPLAY", None)
    proc = run_self_test(["xvfb-run", "-a", str(build.EXECUTABLE), "--self-test"], env)
    assert "xcb platform" in proc.stdout


def _can_unshare(flags: str) -> bool:
    if shutil.which("unshare") is None:
        return False
    r = subprocess.run(["unshare", flags, "true"], capture_output=True)
    return r.returncode == 0


def test_self_test_with_no_network_at_all(bundle: Path, tmp_path: Path) -> None:
    if not _can_unshare("-rn"):
        pytest.skip("unshare -rn is not permitted here (no user namespaces)")
    probe = subprocess.run(["unshare", "-rn", "cat", "/proc/net/dev"], capture_output=True)
    interfaces = [
        line.split(":")[0].strip() for line in probe.stdout.decode().splitlines() if ":" in line
    ]
    assert interfaces == ["lo"]  # an empty network namespace: loopback only, and down
    run_self_test(
        ["unshare", "-rn", str(build.EXECUTABLE), "--self-test"], frozen_env(tmp_path / "u")
    )


def test_runs_from_a_read_only_install(bundle: Path, tmp_path: Path) -> None:
    """A copy mounted read-only (or chmod a-w when mounts are not allowed) still works."""
    copy = tmp_path / "opt-quickref"
    shutil.copytree(bundle, copy, symlinks=True)
    before = sorted(str(p.relative_to(copy)) for p in copy.rglob("*"))
    exe = copy / "quickref"
    try:
        if _can_unshare("-rm"):
            script = (
                f'mount --bind "{copy}" "{copy}" && mount -o remount,bind,ro "{copy}" '
                f'&& ! touch "{copy}/probe" 2>/dev/null && exec "{exe}" --self-test'
            )
            cmd = ["unshare", "-rm", "sh", "-c", script]
        else:
            subprocess.run(["chmod", "-R", "a-w", str(copy)], check=True)
            cmd = [str(exe), "--self-test"]
        run_self_test(cmd, frozen_env(tmp_path / "u"))
    finally:
        subprocess.run(["chmod", "-R", "u+w", str(copy)], check=False)
    after = sorted(str(p.relative_to(copy)) for p in copy.rglob("*"))
    assert after == before  # nothing written into the install


def test_bundle_contents(bundle: Path) -> None:
    internal = bundle / "_internal"
    names = [p.name for p in bundle.rglob("*")]
    stray = [n for n in names if build.FORBIDDEN_IN_BUNDLE.search(n)]
    assert stray == []
    plugins = sorted(
        str(p.relative_to(internal / "PySide6" / "Qt" / "plugins"))
        for p in (internal / "PySide6" / "Qt" / "plugins").rglob("*.so")
    )
    assert "platforms/libqxcb.so" in plugins and "platforms/libqoffscreen.so" in plugins
    assert not [p for p in plugins if "wayland" in p or "tls/" in p or "sqldrivers" in p]
    db = internal / "desktop" / "data" / "reference.sqlite"
    assert db.read_bytes() == build.BUILD_DB.read_bytes()  # the freshly built database
    assert (internal / "desktop" / "resources" / "icons" / "quickref.svg").is_file()
    for licence in ("README.txt", "Qt-and-PySide6-LGPL-3.0.txt", "Python-PSF-LICENSE.txt"):
        assert (bundle / "licences" / licence).is_file()


def test_the_bundle_finds_the_platform_data_folder_without_ctypes(
    bundle: Path, tmp_path: Path
) -> None:
    """ctypes is left out (bundle_options); platformdirs must still pick the XDG folder."""
    internal = bundle / "_internal"
    assert not list(internal.rglob("_ctypes*")) and not list(internal.rglob("libffi*"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QUICKREF_", "XDG_"))}
    env.update(HOME=str(tmp_path), QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run(
        [str(build.EXECUTABLE), "config", "set", "shared_data_dir", str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    settings = tmp_path / ".local" / "share" / "QuickRef" / "settings.json"
    assert str(tmp_path) in settings.read_text(encoding="utf-8")


def test_the_bundle_ships_no_network_client_code(bundle: Path) -> None:
    """The app never opens a connection; its archive holds no HTTP, FTP or urllib client."""
    from PyInstaller.archive.readers import CArchiveReader

    modules = set(CArchiveReader(str(build.EXECUTABLE)).open_embedded_archive("PYZ.pyz").toc)
    assert "desktop.cli" in modules and "xml.etree.ElementTree" in modules  # the real archive
    network = ("http", "ftplib", "ssl", "urllib.request", "xml.sax")
    shipped = sorted(m for m in modules if any(m == n or m.startswith(n + ".") for n in network))
    assert shipped == []


def test_tarball_holds_the_bundle(bundle: Path) -> None:
    top = f"quickref-{build.version()}"
    with tarfile.open(build.tarball_path()) as tar:
        members = {m.name: m for m in tar.getmembers()}
    exe = members[f"{top}/quickref"]
    assert exe.isfile() and exe.mode == 0o755 and exe.uid == 0
    assert f"{top}/_internal/desktop/data/reference.sqlite" in members
    assert all(name == top or name.startswith(top + "/") for name in members)


@pytest.fixture
def installed_deb(bundle: Path) -> Iterator[Path]:
    if shutil.which("dpkg") is None:
        pytest.skip("dpkg not available (not a Debian system)")
    if os.geteuid() != 0:
        pytest.skip("installing the .deb needs root (dpkg -i); CI runs this as root")
    was_installed = (
        subprocess.run(
            ["dpkg-query", "-W", "-f=${Status}", "quickref"], capture_output=True, text=True
        ).stdout
        == "install ok installed"
    )
    r = subprocess.run(
        ["dpkg", "-i", str(build.deb_path())], capture_output=True, text=True, timeout=600
    )
    assert r.returncode == 0, r.stdout + r.stderr
    yield Path("/opt/quickref")
    if not was_installed:
        subprocess.run(["dpkg", "-r", "quickref"], capture_output=True, timeout=600)


def test_installed_deb_self_test_menu_entry_and_icons(installed_deb: Path, tmp_path: Path) -> None:
    run_self_test([str(installed_deb / "quickref"), "--self-test"], frozen_env(tmp_path / "u"))
    run_self_test(["quickref", "--self-test"], frozen_env(tmp_path / "u2"))  # on the PATH
    assert os.path.realpath(shutil.which("quickref") or "") == str(installed_deb / "quickref")
    entry = Path("/usr/share/applications/quickref.desktop")
    if shutil.which("desktop-file-validate"):
        r = subprocess.run(["desktop-file-validate", str(entry)], capture_output=True, text=True)
        assert r.returncode == 0 and " error: " not in r.stdout, r.stdout
    else:
        pytest.fail("desktop-file-validate missing: apt-get install desktop-file-utils")
    hicolor = Path("/usr/share/icons/hicolor")
    for size in (16, 32, 48, 128, 256, 512):
        assert (hicolor / f"{size}x{size}" / "apps" / "quickref.png").is_file()
    assert (hicolor / "scalable" / "apps" / "quickref.svg").is_file()
    # root-owned and not writable by the user who runs it
    mode = (installed_deb / "_internal" / "desktop" / "data" / "reference.sqlite").stat()
    assert mode.st_uid == 0 and not mode.st_mode & 0o022
