#!/usr/bin/env python3
"""Bundle figures: size, launch to first paint, memory; QuickRef beside a bare PySide6 floor.

    python packaging/build.py            # dist/quickref (once)
    .venv/bin/python bench/bundle_figures.py [--runs 5] [--xcb]

The floor is packaging/hello/hello.py bundled by packaging/hello/hello.spec with the
same options as QuickRef (built into build/floor/ when missing or older than its
inputs). Both are timed in the same run, interleaved, so machine load hits both alike.

- Size: bytes on disk (apparent sizes) and as .tar.gz (gzip level 6, like build.py).
  Target: the bundle less the reference database within 10 % of the floor; the
  database under 30 MB.
- Launch to first paint: from spawning the executable to the line it prints at its
  first painted frame (``QUICKREF_BENCH=1``: ``quickref --self-test`` runs its bench
  probe, which opens the databases and builds the main window like a normal start).
  Cold runs drop the page cache first (root only: ``echo 3 > /proc/sys/vm/drop_caches``);
  warm runs follow a run of the same binary. Target: within 1.5 times the floor.
- Peak memory (VmHWM) after start and after 50 searches typed into the window.
  Target: under 120 MB.
- ``--home``: also QuickRef started with pins and recent codes (as a workstation in use
  starts: the first frame then paints the home list's rows, and the row drawing needs
  QStyle's and Qt's enums before that frame). Printed beside the first start; the
  target is checked on the first start.

Offscreen platform by default; ``--xcb`` re-runs this under ``xvfb-run`` with the real
X11 platform. Figures are printed, not asserted: the machines are shared.
"""

from __future__ import annotations

import argparse
import gzip
import io
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP_DIR = ROOT / "dist" / "quickref"
APP = APP_DIR / "quickref"
APP_DB = APP_DIR / "_internal" / "desktop" / "data" / "reference.sqlite"
FLOOR_DIR = ROOT / "build" / "floor" / "hello"
FLOOR = FLOOR_DIR / "hello"
FLOOR_INPUTS = [
    ROOT / "packaging" / "hello" / "hello.py",
    ROOT / "packaging" / "hello" / "hello.spec",
    ROOT / "packaging" / "bundle_options.py",
]

CRASHES: list[str] = []  # runs that painted and measured, then failed on the way out

SIZE_TARGET = 1.10
PAINT_TARGET = 1.5
RSS_TARGET_MB = 120
DB_TARGET_MB = 30


def dir_size(path: Path) -> int:
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def targz_size(path: Path) -> int:
    buf = io.BytesIO()
    with (
        gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=6) as gz,
        tarfile.open(fileobj=gz, mode="w") as tar,
    ):
        tar.add(path, arcname=path.name)
    return len(buf.getvalue())


def ensure_floor() -> None:
    stamp = FLOOR_DIR / "hello"
    if stamp.exists() and all(p.stat().st_mtime < stamp.stat().st_mtime for p in FLOOR_INPUTS):
        return
    print("building the floor (packaging/hello/hello.spec) ...", flush=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--log-level",
            "ERROR",
            "--distpath",
            str(FLOOR_DIR.parent),
            "--workpath",
            str(ROOT / "build" / "pyinstaller-floor"),
            str(ROOT / "packaging" / "hello" / "hello.spec"),
        ],
        check=True,
        cwd=ROOT,
    )


def drop_caches() -> bool:
    try:
        os.sync()
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
        return True
    except OSError:
        return False


def probe(exe: Path, args: list[str], data_dir: Path) -> tuple[float, dict[str, int]]:
    """Seconds from spawn to the first-paint line, and the kB figures it printed."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("QUICKREF_")}
    env.update(QUICKREF_BENCH="1", QUICKREF_DATA_DIR=str(data_dir))
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [str(exe), *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    paint = None
    figures: dict[str, int] = {}
    for line in proc.stdout:
        if line.startswith("bench first-paint") and paint is None:
            paint = time.perf_counter() - t0
        elif line.startswith("bench rss-"):
            key, value = line.split()[1:3]
            figures[key] = int(value)
    _out, err = proc.communicate(timeout=120)
    if paint is None:
        raise SystemExit(f"{exe} failed (exit {proc.returncode}):\n{err}")
    if proc.returncode != 0:
        CRASHES.append(f"{exe.name} exit {proc.returncode}: {err.strip().splitlines()[:1]}")
    return paint, figures


HOME_PINS = (("HCPCS", "J3420"), ("CPT", "96372"), ("HCPCS", "J1885"))
HOME_RECENTS = (
    ("ICD-10-CM", "E53.8"), ("CPT", "90471"), ("HCPCS", "J0696"), ("ICD-10-CM", "Z23"),
    ("CPT", "96374"), ("HCPCS", "J1100"), ("ICD-10-CM", "I10"), ("CPT", "99211"),
)  # fmt: skip


def seed_home(data_dir: Path) -> None:
    """Pins and recent codes in the user database the bench's run created there."""
    sys.path.insert(0, str(ROOT))
    from desktop.records.store import UserStore

    with UserStore(data_dir / "user.sqlite") as user:
        for system, code in HOME_PINS:
            user.pin(system, code)
        for system, code in HOME_RECENTS:
            user.add_recent(system, code)


def mb(n: float) -> str:
    return f"{n / 1e6:7.1f} MB"


def launch_figures(runs_n: int, cold_n: int, home: bool) -> dict[str, dict[str, int]]:
    """Time launch to first paint (printed); return each program's memory figures."""
    can_drop = drop_caches()
    with tempfile.TemporaryDirectory(prefix="quickref-bench-") as tmp:
        data = Path(tmp)
        runs = {
            "app": (APP, ["--self-test"]),
            "floor": (FLOOR, []),
        }
        if home:
            runs["home"] = (APP, ["--self-test"])
        for name, (exe, extra) in runs.items():  # warm-up, creates the user database
            probe(exe, extra, data / name)
        if home:
            seed_home(data / "home")
        cold: dict[str, list[float]] = {name: [] for name in runs}
        warm: dict[str, list[float]] = {name: [] for name in runs}
        rss: dict[str, dict[str, int]] = {}
        if can_drop:
            for _ in range(cold_n):
                for name, (exe, extra) in runs.items():
                    drop_caches()
                    cold[name].append(probe(exe, extra, data / name)[0])
        for _ in range(runs_n):
            for name, (exe, extra) in runs.items():
                seconds, figures = probe(exe, extra, data / name)
                warm[name].append(seconds)
                rss[name] = figures
    for label, table in (("cold", cold), ("warm", warm)):
        if not table["app"]:
            print(f"{label}: not measured (dropping the page cache needs root)")
            continue
        a, f = statistics.median(table["app"]), statistics.median(table["floor"])
        print(
            f"{label}: QuickRef {a * 1000:6.0f} ms   floor {f * 1000:6.0f} ms   "
            f"ratio {a / f:.2f} (target <= {PAINT_TARGET}; median of {len(table['app'])})"
        )
        if table.get("home"):
            h = statistics.median(table["home"])
            print(
                f"{label}: with pins and recents {h * 1000:6.0f} ms   ratio {h / f:.2f} "
                "(the home list's rows in the first frame)"
            )
    return rss


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="QuickRef bundle figures")
    parser.add_argument("--runs", type=int, default=5, help="warm runs of each (default 5)")
    parser.add_argument("--cold-runs", type=int, default=3, help="cold runs of each")
    parser.add_argument("--xcb", action="store_true", help="time under xvfb-run on xcb")
    parser.add_argument(
        "--home", action="store_true", help="also time a start with pins and recent codes"
    )
    args = parser.parse_args(argv)

    if args.xcb and os.environ.get("QT_QPA_PLATFORM") != "xcb":
        if shutil.which("xvfb-run") is None:
            raise SystemExit("--xcb needs xvfb-run (apt-get install xvfb)")
        env = dict(os.environ, QT_QPA_PLATFORM="xcb")
        cmd = ["xvfb-run", "-a", sys.executable, __file__, *argv]
        return subprocess.call(cmd, env=env)

    if not APP.is_file():
        raise SystemExit("no dist/quickref: run `python packaging/build.py` first")
    ensure_floor()

    print("== Size")
    app_size, db_size, floor_size = dir_size(APP_DIR), APP_DB.stat().st_size, dir_size(FLOOR_DIR)
    app_tgz, floor_tgz = targz_size(APP_DIR), targz_size(FLOOR_DIR)
    less_db = app_size - db_size
    print(f"QuickRef bundle on disk      {mb(app_size)}   .tar.gz {mb(app_tgz)}")
    print(f"  reference database         {mb(db_size)}   (target < {DB_TARGET_MB} MB)")
    print(f"  bundle less the database   {mb(less_db)}")
    print(f"floor (hello window)         {mb(floor_size)}   .tar.gz {mb(floor_tgz)}")
    print(
        f"bundle less database / floor: {less_db / floor_size:.3f} "
        f"(target <= {SIZE_TARGET:.2f})   "
        f"database {'meets' if db_size < DB_TARGET_MB * 1e6 else 'MISSES'} its target"
    )

    platform = os.environ.get("QT_QPA_PLATFORM", "offscreen")
    print(f"\n== Launch to first paint ({platform} platform)")
    rss = launch_figures(args.runs, args.cold_runs, args.home)

    print("\n== Peak memory (VmHWM)")
    app_rss, floor_rss = rss["app"], rss["floor"]
    print(
        f"QuickRef after start        {app_rss['rss-start-kb'] / 1024:6.1f} MB   "
        f"after 50 searches {app_rss['rss-searches-kb'] / 1024:6.1f} MB "
        f"(target < {RSS_TARGET_MB} MB)"
    )
    print(f"floor after start           {floor_rss['rss-start-kb'] / 1024:6.1f} MB")
    if CRASHES:
        print(f"\nWARNING: {len(CRASHES)} runs exited with an error after measuring, e.g.:")
        print("  " + CRASHES[0])
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
