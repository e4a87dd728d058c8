"""The reviewed billing rules as the app reads them: from the verified reference database.

:mod:`.ruledata` checks the rule files and the build stores them as JSON in ``rule_data``;
this module reads them back, once per open store.
"""

from __future__ import annotations

import json
import weakref
from typing import Any

from desktop.reference.store import ReferenceDataError, ReferenceStore

__all__ = ["load"]

_CACHE: weakref.WeakKeyDictionary[ReferenceStore, dict[str, dict[str, Any]]] = (
    weakref.WeakKeyDictionary()
)  # fmt: skip


def load(store: ReferenceStore, name: str) -> dict[str, Any]:
    """The rule file ``name`` ("vaccine_admin", "claim_rules") from the reference database."""
    cache = _CACHE.setdefault(store, {})
    if name in cache:
        return cache[name]
    try:
        rows = store.query("SELECT json FROM rule_data WHERE name = ?", (name,))
    except ReferenceDataError:
        rows = []
    if not rows:
        raise ReferenceDataError(
            f"The reference database {store.path} has no billing rules ('{name}'): it was "
            "built by an older QuickRef. Rebuild it with `quickref db build` or reinstall."
        )
    data = json.loads(str(rows[0][0]))
    if not isinstance(data, dict):
        raise ReferenceDataError(f"The billing rules '{name}' in {store.path} are damaged.")
    cache[name] = data
    return data
