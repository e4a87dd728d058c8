"""The assistive-technology side of the AT-SPI suite: what a screen reader would get.

Run by the system Python, which has ``pyatspi`` (Debian: python3-pyatspi), never by the
project's venv: ``/usr/bin/python3 tests/a11y/reader.py OUT``. It listens to the events
Orca listens to, and each time the driver writes ``OUT/NN-name.ready`` it walks the
'QuickRef' application's accessibility tree and writes ``OUT/NN-name.json``: the tree
(role, name, description, states, interfaces, text), the events seen since the last
checkpoint, and the driver's facts. Then ``OUT/NN-name.done`` lets the driver go on.
Standard library and pyatspi only.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pyatspi
from gi.repository import Atspi, GLib

APP_NAME = "QuickRef"
MAX_DEPTH = 40
MAX_CHILDREN = 500
TEXT_LIMIT = 20_000
POLL_MS = 100
SETTLE_MS = 400
GIVE_UP_S = 240
EVENTS = (
    "object:state-changed",
    "object:property-change:accessible-name",
    "object:property-change:accessible-description",
    "object:property-change:accessible-value",
    "object:value-changed",
    "object:text-changed",
    "object:announcement",
    "focus:",
)


def safe(call, default=None):
    try:
        return call()
    except Exception:
        return default


def states_of(obj) -> list[str]:
    states = safe(obj.getState)
    if states is None:
        return []
    return sorted(pyatspi.stateToString(s) for s in states.getStates())


def node(obj, depth: int = 0) -> dict:
    out = {
        "role": safe(obj.getRoleName, ""),
        "name": safe(lambda: obj.name, "") or "",
        "description": safe(lambda: obj.description, "") or "",
        "states": states_of(obj),
        "interfaces": sorted(safe(obj.get_interfaces, []) or []),
        "children": [],
    }
    relations = []
    for rel in safe(obj.getRelationSet, []) or []:
        kind = safe(lambda rel=rel: pyatspi.relationToString(rel.getRelationType()), "")
        n = safe(lambda rel=rel: rel.getNTargets(), 0) or 0
        targets = [safe(lambda i=i, rel=rel: rel.getTarget(i).name, "") for i in range(n)]
        relations.append({"type": kind, "targets": targets})
    if relations:
        out["relations"] = relations
    if "Text" in out["interfaces"]:
        text = safe(obj.queryText)
        if text is not None:
            count = safe(lambda: text.characterCount, 0) or 0
            out["text"] = safe(lambda: text.getText(0, min(count, TEXT_LIMIT)), "") or ""
    if "Value" in out["interfaces"]:
        value = safe(obj.queryValue)
        if value is not None:
            out["value"] = safe(lambda: value.currentValue)
    if "Action" in out["interfaces"]:
        action = safe(obj.queryAction)
        if action is not None:
            n = safe(lambda: action.nActions, 0) or 0
            out["actions"] = [safe(lambda i=i: action.getName(i), "") for i in range(n)]
    if depth < MAX_DEPTH:
        n = safe(lambda: obj.childCount, 0) or 0
        for i in range(min(n, MAX_CHILDREN)):
            child = safe(lambda i=i: obj.getChildAtIndex(i))
            if child is not None:
                out["children"].append(node(child, depth + 1))
    return out


def find_app():
    desktop = pyatspi.Registry.getDesktop(0)
    for i in range(safe(lambda: desktop.childCount, 0) or 0):
        app = safe(lambda i=i: desktop.getChildAtIndex(i))
        if app is not None and (safe(lambda app=app: app.name, "") or "") == APP_NAME:
            # Read what the app says now, not libatspi's copy of what it said before.
            safe(lambda app=app: app.set_cache_mask(Atspi.Cache.NONE))
            safe(app.clear_cache)
            return app
    return None


class Reader:
    def __init__(self, out: Path) -> None:
        self.out = out
        self.events: list[dict] = []
        self.handled: set[str] = set()
        self.pending: str | None = None
        self.started = time.monotonic()

    def on_event(self, event) -> None:
        source = event.source
        self.events.append(
            {
                "type": str(event.type),
                "detail1": safe(lambda: int(event.detail1), 0),
                "detail2": safe(lambda: int(event.detail2), 0),
                "data": str(safe(lambda: event.any_data, "") or ""),
                "role": safe(source.getRoleName, "") if source is not None else "",
                "name": (safe(lambda: source.name, "") or "") if source is not None else "",
            }
        )

    def poll(self) -> bool:
        if (self.out / "finished").exists() or time.monotonic() - self.started > GIVE_UP_S:
            pyatspi.Registry.stop()
            return False
        if self.pending is not None:
            return True
        for ready in sorted(self.out.glob("*.ready")):
            stem = ready.stem
            if stem in self.handled:
                continue
            self.handled.add(stem)
            self.pending = stem
            facts = json.loads(ready.read_text(encoding="utf-8"))
            app = find_app()
            tree = node(app) if app is not None else None  # round trips: queued events arrive
            GLib.timeout_add(SETTLE_MS, self.finish, stem, facts, tree)
            break
        return True

    def finish(self, stem: str, facts: dict, tree: dict | None) -> bool:
        events, self.events = self.events, []
        data = {"checkpoint": stem, "driver": facts, "tree": tree, "events": events}
        tmp = self.out / f"{stem}.json.tmp"
        tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
        tmp.rename(self.out / f"{stem}.json")
        (self.out / f"{stem}.done").write_text("", encoding="utf-8")
        self.pending = None
        return False


def main(argv: list[str]) -> int:
    out = Path(argv[1])
    reader = Reader(out)
    pyatspi.Registry.registerEventListener(reader.on_event, *EVENTS)
    (out / "reader-listening").write_text("", encoding="utf-8")
    GLib.timeout_add(POLL_MS, reader.poll)
    pyatspi.Registry.start()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
