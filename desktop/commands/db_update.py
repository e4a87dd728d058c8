"""``quickref db import / changes / use-bundled / export-pack / sign-pack``: yearly code
updates and shared packs, through :mod:`desktop.reference.update`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from desktop.commands.output import EXIT_NOT_FOUND, EXIT_OK, EXIT_USAGE, print_json, say

if TYPE_CHECKING:
    from desktop.reference.update import StagedUpdate

_P = TypeVar("_P", bound=argparse.ArgumentParser)

UPDATE_COMMANDS = ("import", "changes", "use-bundled", "export-pack")


def add_parsers(dbsub: argparse._SubParsersAction[_P]) -> None:
    """``db import / changes / use-bundled / export-pack`` (yearly code updates)."""
    im = dbsub.add_parser(
        "import",
        help="import official code files (ICD-10-CM, HCPCS, licensed CPT, local CSV) "
        "into a new reference database and switch to it",
    )
    im.add_argument("files", nargs="+", type=Path, metavar="FILE")
    im.add_argument("--yes", action="store_true", help="switch without asking")
    im.add_argument("--dry-run", action="store_true", help="show what would change, switch nothing")
    im.add_argument("--csv", type=Path, metavar="OUT", help="also write what changed to a CSV file")
    im.add_argument("--json", action="store_true")
    ch = dbsub.add_parser("changes", help="what importing FILE... would change, as CSV")
    ch.add_argument("files", nargs="+", type=Path, metavar="FILE")
    ch.add_argument("--csv", type=Path, metavar="OUT", required=True)
    ch.add_argument("--json", action="store_true")
    dbsub.add_parser("use-bundled", help="stop using imported data; use the bundled database")
    ep = dbsub.add_parser(
        "export-pack", help="write the database in use, checksum and metadata for a shared folder"
    )
    ep.add_argument("dir", type=Path, metavar="DIR")
    ep.add_argument(
        "--key", type=Path, metavar="PRIVATE.pem", help="sign the pack with the clinic's key"
    )
    sp = dbsub.add_parser(
        "sign-pack",
        help="sign the valid packs in a shared folder (or one pack's .json) with the "
        "clinic's Ed25519 private key",
    )
    sp.add_argument("target", type=Path, metavar="FOLDER")
    sp.add_argument("--key", type=Path, metavar="PRIVATE.pem", required=True)


def _cmd_export_pack(args: argparse.Namespace) -> int:
    """``db export-pack DIR [--key PRIVATE.pem]``: write a pack, sign it with ``--key``."""
    from desktop.reference import pack_signature, update

    try:
        pack = update.export_pack(args.dir, args.db)
    except (update.UpdateError, OSError) as exc:
        say(f"export failed: {exc}")
        return EXIT_NOT_FOUND
    print(f"Wrote {pack.db} (data version {pack.data_version}, sha256 {pack.sha256})")
    print(f"Metadata: {pack.metadata}")
    if args.key is not None:
        try:
            sig = pack_signature.sign_file(pack.metadata, args.key)
        except pack_signature.SignatureError as exc:
            say(f"the pack was written but not signed: {exc}")
            return EXIT_USAGE
        print(f"Signature: {sig}")
    return EXIT_OK


def _print_changes(staged: StagedUpdate, wrote_csv: bool) -> None:
    """The files read and what changed (the first 40), as ``db import`` prints them."""
    from desktop.reference import update

    for f in staged.files:
        print(f"{f.path.name}: {update.FORMATS[f.format]}, {f.records:,} records")
    print(f"What changed: {staged.summary()}")
    shown = staged.changes(limit=40)
    for c in shown:
        extra = f" (terminated {c.terminated})" if c.terminated else ""
        extra += f" use instead: {c.replaced_by}" if c.replaced_by else ""
        title = c.new_title if c.change != "deleted" else c.old_title
        print(f"  {c.change:<8} {c.system:<10} {c.code:<9} {title}{extra}")
    more = sum(staged.counts.values()) - len(shown)
    if more > 0:
        print(f"  ... and {more:,} more" + ("" if wrote_csv else " (see --csv OUT)"))


def sign_pack(args: argparse.Namespace) -> int:
    from desktop.reference import pack_signature

    try:
        signed = pack_signature.sign_packs(args.target, args.key)
    except pack_signature.SignatureError as exc:
        say(f"sign-pack failed, nothing was signed: {exc}")
        return EXIT_USAGE
    for meta, what in signed:
        print(f"Signed {meta.name}: {what}")
    return EXIT_OK


def run(args: argparse.Namespace) -> int:
    """``db import / changes / use-bundled / export-pack``: calls desktop.reference.update."""
    from desktop.csvout import check_target as check_csv_target
    from desktop.reference import paths, update

    try:
        if args.db_command == "use-bundled":
            update.use_bundled()
            choice = paths.reference_choice()
            print(f"Using {choice.origin} reference data: {choice.path}")
            return EXIT_OK
        if args.db_command == "export-pack":
            return _cmd_export_pack(args)
        dry_run = args.db_command == "changes" or args.dry_run
        if args.csv:
            check_csv_target(args.csv)  # before the import, not after minutes of work
        staged = update.prepare_import(args.files, base=args.db)
    except (update.ImportFileError, update.UpdateError, OSError) as exc:
        say(f"import failed, nothing was changed: {exc}")
        return EXIT_NOT_FOUND
    try:
        if args.csv:
            try:
                staged.export_changes_csv(args.csv)
            except OSError as exc:
                staged.discard()
                say(f"nothing was changed: {exc}")
                return EXIT_NOT_FOUND
        if not args.json:
            _print_changes(staged, bool(args.csv))
        switch = not dry_run
        if switch and not args.yes and not args.json and sys.stdin.isatty():
            try:
                answer = input("Switch to the new data? [y/N] ")
            except EOFError:  # end of input (Ctrl+D) is "no"
                print()
                answer = ""
            switch = answer.strip().lower() in ("y", "yes")
        new_db = staged.commit() if switch else None
        if not switch:
            staged.discard()
        choice = paths.reference_choice()
        if args.json:
            print_json(
                {
                    "files": [
                        {"file": str(f.path), "format": f.format, "records": f.records}
                        for f in staged.files
                    ],
                    "changes": staged.counts,
                    "licensed_texts": staged.licensed_count,
                    "data_version": staged.data_version,
                    "switched": switch,
                    "database": None if new_db is None else str(new_db),
                    "in_use": str(choice.path),
                }
            )
        elif switch:
            print(f"Switched: data version {staged.data_version or '(licensed texts only)'}")
            if new_db is not None and choice.path != new_db:
                print(f"Note: this workstation uses {choice.origin} data ({choice.path}).")
        else:
            print("Nothing was changed.")
        return EXIT_OK
    except BaseException:
        staged.discard()
        raise
