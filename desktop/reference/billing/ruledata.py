"""The reviewed billing rule files: read and checked at build time, read back at run time.

``resources/data/vaccine_admin.toml`` (which administration code a vaccine takes) and
``resources/data/claim_rules.toml`` (what the claim check looks for) are kept as data with a
source on every rule. The build checks each file's shape and its sources and stores it as
JSON in the ``rule_data`` table, so the app reads the same verified file as everything else
(:mod:`.rules` reads it back). This module is the build's half: it never opens a store.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

__all__ = ["RULE_FILES", "RuleDataError", "options_json", "read_rule_files"]

RULE_FILES = ("vaccine_admin.toml", "claim_rules.toml")


class RuleDataError(Exception):
    def __init__(self, file: Path | str, where: str, message: str) -> None:
        self.file = str(file)
        self.where = where
        self.message = message
        super().__init__(f"{Path(file).name}: {where}: {message}")


def _check_sources(data: dict[str, Any], sources: set[str], path: Path) -> None:
    """Every rule (each top-level table, or each table of a top-level array) names a source."""
    for key, value in data.items():
        items = [(key, value)] if isinstance(value, dict) else [
            (f"{key}[{i}]", v) for i, v in enumerate(value, 1) if isinstance(v, dict)
        ] if isinstance(value, list) else []  # fmt: skip
        for where, rule in items:
            sid = rule.get("source")
            if not isinstance(sid, str) or not sid:
                raise RuleDataError(path, where, "a rule needs a 'source'")
            if sid not in sources:
                raise RuleDataError(path, where, f"unknown source '{sid}' (not in sources.toml)")


def read_rule_files(data_dir: Path, sources: set[str]) -> dict[str, str]:
    """{name: JSON text} for each rule file present in ``data_dir`` (checked)."""
    out: dict[str, str] = {}
    for name in RULE_FILES:
        path = data_dir / name
        if not path.is_file():
            continue
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise RuleDataError(path, "", f"cannot be read ({exc})") from None
        _check_sources(data, sources, path)
        out[path.stem] = json.dumps(data, sort_keys=True, default=str)
    return out


def options_json(options: tuple[tuple[str, str], ...]) -> str:
    return json.dumps([list(o) for o in options])
