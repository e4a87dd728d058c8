#!/usr/bin/env python3
"""Build the QuickRef package in one command: ``python packaging/build.py``.

1. builds the reference database from resources/data into build/reference.sqlite;
2. runs PyInstaller with packaging/quickref.spec -> dist/quickref/ (onedir bundle);
3. checks the bundle holds no stray Qt library (QtQml, QtNetwork, QtQuick, ...);
4. smoke-tests it: ``dist/quickref/quickref --self-test`` offscreen, with a fresh
   per-user folder; any failed check or unexpected printed line fails the build;
5. Linux: makes dist/quickref-<version>-linux-x86_64.tar.gz and, with dpkg-deb,
   dist/quickref_<version>_amd64.deb (installs to /opt/quickref, /usr/bin/quickref,
   the desktop entry and the icons).

Run it with the project venv's Python (it re-runs itself with .venv/bin/python when
started by another interpreter). Options: ``--if-stale`` skips everything when
dist/ was built from the same inputs; ``--skip-smoke-test`` is for working on the
packaging while the app cannot pass its self-test (the artefacts are then marked
as untested in the stamp file, and ``--if-stale`` will rebuild them).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_PY = ROOT / ".venv" / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
DIST = ROOT / "dist"
BUILD = ROOT / "build"
BUNDLE = DIST / "quickref"
EXECUTABLE = BUNDLE / ("quickref.exe" if os.name == "nt" else "quickref")
BUILD_DB = BUILD / "reference.sqlite"
STAMP = DIST / ".quickref-build.json"
SPEC = ROOT / "packaging" / "quickref.spec"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)

# Every file whose change means the bundle must be rebuilt.
INPUT_GLOBS = (
    "pyproject.toml",
    "desktop/**/*.py",
    "desktop/**/*.sql",
    "resources/data/*",
    "resources/icons/*",
    "resources/quickref.desktop",
    "packaging/quickref.spec",
    "packaging/quickref_entry.py",
    "packaging/bundle_options.py",
    "packaging/build.py",
    "packaging/deb/*",
)

# Qt libraries that must not be in the bundle (the spec strips them; this double-checks).
FORBIDDEN_IN_BUNDLE = re.compile(
    r"libQt6(Qml|Quick|Network|Sql|OpenGL|Designer|Help|Test|UiTools|Xml|Concurrent|Wayland)"
    r"|libqgtk3|libssl|libcups\.so"
)

# The only lines `--self-test` may print when every check passes.
SELF_TEST_LINE = re.compile(r"^(QuickRef \S+ self-test|ok   \S.*|self-test passed: \d+ checks)$")


def say(msg: str) -> None:
    print(f"[build] {msg}", flush=True)


def version() -> str:
    text = (ROOT / "desktop" / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r'^__version__ = "([^"]+)"', text, re.M)
    if not match:
        raise SystemExit("build: no __version__ in desktop/__init__.py")
    return match.group(1)


def tarball_path() -> Path:
    return DIST / f"quickref-{version()}-linux-x86_64.tar.gz"


def deb_path() -> Path:
    return DIST / f"quickref_{version()}_amd64.deb"


def inputs_digest() -> str:
    h = hashlib.sha256()
    files: set[Path] = set()
    for pattern in INPUT_GLOBS:
        files.update(p for p in ROOT.glob(pattern) if p.is_file() and "__pycache__" not in p.parts)
    for path in sorted(files):
        h.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    h.update(sys.version.encode())
    return h.hexdigest()


def is_up_to_date(*, require_smoke_test: bool = True) -> bool:
    """dist/ holds a (smoke-tested) build of exactly the current inputs."""
    if not STAMP.is_file() or not EXECUTABLE.is_file():
        return False
    try:
        stamp = json.loads(STAMP.read_text())
    except ValueError:
        return False
    artefacts = [Path(p) for p in stamp.get("artefacts", [])]
    return (
        stamp.get("inputs") == inputs_digest()
        and (stamp.get("smoke_tested") is True or not require_smoke_test)
        and all(p.is_file() for p in artefacts)
    )


def run(cmd: list[str | Path], **kw: object) -> None:
    say(" ".join(str(c) for c in cmd))
    subprocess.run([str(c) for c in cmd], check=True, cwd=ROOT, **kw)  # type: ignore[call-overload]


# ------------------------------------------------------------------------- steps


def build_database() -> None:
    BUILD.mkdir(exist_ok=True)
    run([sys.executable, "-m", "desktop.cli", "db", "build", "--output", BUILD_DB])


def run_pyinstaller() -> None:
    env = dict(os.environ, QUICKREF_BUNDLE_DB=str(BUILD_DB))
    run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--log-level",
            "ERROR",
            "--distpath",
            DIST,
            "--workpath",
            BUILD / "pyinstaller",
            SPEC,
        ],
        env=env,
    )


def check_bundle() -> None:
    stray = [
        str(p.relative_to(BUNDLE)) for p in BUNDLE.rglob("*") if FORBIDDEN_IN_BUNDLE.search(p.name)
    ]
    if stray:
        raise SystemExit("build: unwanted libraries in the bundle:\n  " + "\n  ".join(stray))
    db = BUNDLE / "_internal" / "desktop" / "data" / "reference.sqlite"
    if not db.is_file():
        raise SystemExit(f"build: the bundle has no reference database at {db}")
    say(f"bundle ok: {dir_size(BUNDLE) / 1e6:.1f} MB, database {db.stat().st_size / 1e6:.1f} MB")


def unexpected_self_test_lines(stdout: str, stderr: str) -> list[str]:
    """Lines a passing ``--self-test`` should never print (any stderr line counts)."""
    bad = [line for line in stdout.splitlines() if not SELF_TEST_LINE.match(line)]
    return bad + [f"stderr: {line}" for line in stderr.splitlines() if line.strip()]


def smoke_test(executable: Path = EXECUTABLE) -> None:
    with tempfile.TemporaryDirectory(prefix="quickref-smoke-") as tmp:
        env = dict(os.environ, QUICKREF_DATA_DIR=tmp, QT_QPA_PLATFORM="offscreen")
        env.pop("QUICKREF_REFERENCE_DB", None)
        say(f"{executable} --self-test")
        proc = subprocess.run(
            [str(executable), "--self-test"], env=env, capture_output=True, text=True, timeout=120
        )
    print(proc.stdout, end="")
    print(proc.stderr, end="", file=sys.stderr)
    bad = unexpected_self_test_lines(proc.stdout, proc.stderr)
    if proc.returncode != 0 or bad:
        raise SystemExit(
            f"build: smoke test failed (exit {proc.returncode}); unexpected lines:\n  "
            + "\n  ".join(bad)
        )


def dir_size(path: Path) -> int:
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def _source_date_epoch() -> int:
    return int(os.environ.get("SOURCE_DATE_EPOCH", "0")) or 1767225600  # 2026-01-01


def make_tarball() -> Path:
    """A .tar.gz of the onedir bundle (top folder quickref-<version>), reproducible."""
    out = tarball_path()
    top = f"quickref-{version()}"
    mtime = _source_date_epoch()

    def normalise(info: tarfile.TarInfo) -> tarfile.TarInfo:
        info.uid = info.gid = 0
        info.uname = info.gname = "root"
        info.mtime = mtime
        if info.isdir() or info.mode & 0o111:
            info.mode = 0o755
        else:
            info.mode = 0o644
        return info

    with (
        open(out, "wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=6) as gz,
        tarfile.open(fileobj=gz, mode="w", format=tarfile.PAX_FORMAT) as tar,
    ):
        for path in [BUNDLE, *sorted(BUNDLE.rglob("*"))]:
            arcname = top if path == BUNDLE else f"{top}/{path.relative_to(BUNDLE)}"
            tar.add(path, arcname=arcname, recursive=False, filter=normalise)
    say(f"wrote {out.relative_to(ROOT)} ({out.stat().st_size / 1e6:.1f} MB)")
    return out


def system_depends() -> list[str]:
    """Debian packages of the libraries the bundle links to directly but does not carry."""
    sys.path.insert(0, str(ROOT / "packaging"))
    from bundle_options import elf_needed

    bundled = {p.name for p in BUNDLE.rglob("*.so*")}
    needed: set[str] = set()
    for lib in [EXECUTABLE, *BUNDLE.rglob("*.so*")]:
        if lib.is_symlink() or not lib.is_file():
            continue
        direct = set(elf_needed(str(lib))) - bundled
        if not direct:
            continue
        out = subprocess.run(["ldd", str(lib)], capture_output=True, text=True).stdout
        for line in out.splitlines():
            m = re.match(r"\s*(\S+) => (/\S+)", line)
            if m and m.group(1) in direct:
                needed.add(str(Path(m.group(2)).resolve()))
    packages: set[str] = set()
    for path in sorted(needed):
        for candidate in (path, path.replace("/usr/lib/", "/lib/", 1)):
            r = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True)
            if r.returncode == 0:
                packages.add(r.stdout.split(":", 1)[0].strip())
                break
    return sorted(packages)


def make_deb() -> Path:
    """dist/quickref_<version>_amd64.deb, built with dpkg-deb from a staging tree."""
    out = deb_path()
    stage = BUILD / "deb" / f"quickref_{version()}_amd64"
    if stage.exists():
        shutil.rmtree(stage)
    opt = stage / "opt" / "quickref"
    shutil.copytree(BUNDLE, opt, symlinks=True)
    (stage / "usr" / "bin").mkdir(parents=True)
    (stage / "usr" / "bin" / "quickref").symlink_to("/opt/quickref/quickref")
    apps = stage / "usr" / "share" / "applications"
    apps.mkdir(parents=True)
    shutil.copyfile(ROOT / "resources" / "quickref.desktop", apps / "quickref.desktop")
    icons = ROOT / "resources" / "icons"
    hicolor = stage / "usr" / "share" / "icons" / "hicolor"
    for size in ICON_SIZES:
        d = hicolor / f"{size}x{size}" / "apps"
        d.mkdir(parents=True)
        shutil.copyfile(icons / f"quickref-{size}.png", d / "quickref.png")
    (hicolor / "scalable" / "apps").mkdir(parents=True)
    shutil.copyfile(icons / "quickref.svg", hicolor / "scalable" / "apps" / "quickref.svg")
    doc = stage / "usr" / "share" / "doc" / "quickref"
    doc.mkdir(parents=True)
    shutil.copyfile(ROOT / "packaging" / "deb" / "copyright", doc / "copyright")

    for path in stage.rglob("*"):
        if path.is_symlink():
            continue
        if path.is_dir() or os.access(path, os.X_OK):
            path.chmod(0o755)
        else:
            path.chmod(0o644)

    control_dir = stage / "DEBIAN"
    control_dir.mkdir()
    installed_kb = (dir_size(stage) + 1023) // 1024
    template = (ROOT / "packaging" / "deb" / "control.in").read_text(encoding="utf-8")
    control = template.format(
        version=version(),
        installed_size=installed_kb,
        depends=", ".join(system_depends()) or "libc6",
    )
    (control_dir / "control").write_text(control, encoding="utf-8")
    for script in ("postinst", "postrm"):
        src = ROOT / "packaging" / "deb" / script
        if src.is_file():
            shutil.copyfile(src, control_dir / script)
            (control_dir / script).chmod(0o755)
    env = dict(os.environ, SOURCE_DATE_EPOCH=str(_source_date_epoch()))
    run(["dpkg-deb", "--root-owner-group", "-Zxz", "-z6", "--build", stage, out], env=env)
    say(f"wrote {out.relative_to(ROOT)} ({out.stat().st_size / 1e6:.1f} MB)")
    return out


def validate_desktop_entry() -> None:
    tool = shutil.which("desktop-file-validate")
    if tool is None:
        say("desktop-file-validate not installed; skipping the desktop entry check")
        return
    run([tool, ROOT / "resources" / "quickref.desktop"])


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--if-stale", action="store_true", help="skip if dist/ is up to date")
    parser.add_argument(
        "--skip-smoke-test", action="store_true", help="packaging work only: do not self-test"
    )
    args = parser.parse_args(argv)

    if args.if_stale and is_up_to_date(require_smoke_test=not args.skip_smoke_test):
        say(f"dist/ is up to date ({STAMP.relative_to(ROOT)})")
        return 0
    STAMP.unlink(missing_ok=True)
    validate_desktop_entry()
    build_database()
    run_pyinstaller()
    check_bundle()
    if args.skip_smoke_test:
        say("smoke test SKIPPED (--skip-smoke-test): these artefacts are untested")
    else:
        smoke_test()
    artefacts: list[Path] = []
    if sys.platform.startswith("linux"):
        artefacts.append(make_tarball())
        if shutil.which("dpkg-deb"):
            artefacts.append(make_deb())
        else:
            say("dpkg-deb not found: no .deb (apt-get install dpkg-dev or run on Debian)")
    STAMP.write_text(
        json.dumps(
            {
                "version": version(),
                "inputs": inputs_digest(),
                "smoke_tested": not args.skip_smoke_test,
                "artefacts": [str(p) for p in artefacts],
            },
            indent=2,
        )
    )
    say("done: " + ", ".join(str(p.relative_to(ROOT)) for p in [BUNDLE, *artefacts]))
    return 0


if __name__ == "__main__":
    if Path(sys.prefix).resolve() != (ROOT / ".venv").resolve():
        # Started by a system python (a fresh clone): set up .venv and its Debian
        # packages the same way the README's commands do, then re-run inside it.
        setup = subprocess.run([sys.executable, str(ROOT / "packaging" / "dev.py"), "setup"])
        if setup.returncode:
            sys.exit(setup.returncode)
        os.execv(str(VENV_PY), [str(VENV_PY), __file__, *sys.argv[1:]])
    sys.exit(main(sys.argv[1:]))
