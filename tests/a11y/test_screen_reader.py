"""What a screen reader gets from the window, read through AT-SPI (issue 15).

The walk (see :mod:`tests.a11y.driver`): a search that finds nothing, a look-up of 96372
by keyboard, the detail pane's links and the way out of it, the injection checklist
ticked, answered and given a drug and dose (first a wrong one), completed, and opened
again. Each test reads what the reader saw at the checkpoints of that one walk.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.a11y.conftest import Checkpoint, Session, find, walk

pytestmark = pytest.mark.slow

CHECKPOINTS = [
    "start", "no-results", "lookup", "detail-links", "detail-tab", "checklist-open",
    "tick", "dose-error", "dose-units", "all-steps", "completed", "reopen",
]  # fmt: skip
# Roles a user operates; each needs a name. Items and cells are named by their text.
CONTROL_ROLES = {
    "push button", "toggle button", "check box", "radio button", "combo box", "text",
    "list", "table", "link", "spin button", "slider", "page tab", "entry",
}  # fmt: skip
ITEM_ROLES = {"list item", "table cell", "menu item", "column header", "row header"}
MARKERS = re.compile("[\ufdd0\ufdd1\u2028\u2029\ufffc]")
DOUBLE_PUNCTUATION = re.compile(r"[?!:;,]\.(?!\.)|(?<!\.)\.\.(?!\.)")
MAX_TABS_OUT_OF_DETAIL = 2
NOT_YET = pytest.mark.xfail(strict=True, reason="issue 15: fixed in the commits that follow")


def norm(text: str) -> str:
    return " ".join(text.split())


def announcements(cp: Checkpoint) -> list[str]:
    return [e["data"] for e in cp.events if e["type"].startswith("object:announcement")]


def announced(cp: Checkpoint, pattern: str) -> bool:
    return any(re.search(pattern, text) for text in announcements(cp))


def focus_events(cp: Checkpoint) -> list[tuple[str, str]]:
    return [(e["role"], e["name"]) for e in cp.events if e["type"].startswith("focus")]


def detail_pane(cp: Checkpoint) -> dict[str, Any]:
    panes = [n for n, _ in walk(cp.tree) if n.get("name") == "Code details"]
    assert len(panes) == 1, f"one 'Code details' pane expected, found {len(panes)}"
    return panes[0]


def test_the_walk_completes(atspi: Session) -> None:
    assert atspi.status == 0, atspi.log
    assert list(atspi.checkpoints) == CHECKPOINTS, atspi.log
    assert atspi.at("start").tree.get("role") == "application"


def test_every_control_is_named(atspi: Session) -> None:
    unnamed = set()
    for cp in atspi.checkpoints.values():
        for node, path in walk(cp.tree):
            role, states = node.get("role", ""), node.get("states", [])
            if role in ITEM_ROLES or not (role in CONTROL_ROLES or "focusable" in states):
                continue
            if role not in CONTROL_ROLES and "showing" not in states:
                continue  # a hidden, empty label (the banner's when no message) says nothing
            if role == "combo box":
                continue  # named by its label: test_combo_boxes_are_labelled
            if not norm(node.get("name", "")):
                unnamed.add(f"{cp.name}: {role} under {' > '.join(path[-3:])}")
    assert not unnamed, sorted(unnamed)


def test_combo_boxes_are_labelled(atspi: Session) -> None:
    """On Linux a combo box's name is its value; Orca names it by its label relation."""
    combos = find(atspi.at("dose-units").tree, "combo box")
    assert combos, "the dose unit combo box is on screen at dose-units"
    for combo in combos:
        labels = [
            t
            for r in combo.get("relations", [])
            if r["type"] == "labelled by"
            for t in r["targets"]
            if norm(t)
        ]
        assert labels, f"combo box {combo['name']!r} has no label"
        assert all(norm(t) != norm(combo["name"]) for t in labels)
        for popup in find(combo, "list"):
            assert norm(popup["name"]), "the combo box's list of choices has no name"


def test_every_visible_label_is_heard(atspi: Session) -> None:
    """A label's text reaches the reader: no fixed accessible name replaces it."""
    hidden = []
    for cp in atspi.checkpoints.values():
        heard = [norm(f"{n.get('name', '')} {n.get('description', '')}") for n, _ in walk(cp.tree)]
        for text in cp.driver["labels"]:
            if not any(norm(text) in h for h in heard):
                hidden.append(f"{cp.name}: {norm(text)!r}")
    assert not hidden, hidden


def test_no_layout_markers_or_double_punctuation(atspi: Session) -> None:
    bad = set()
    for cp in atspi.checkpoints.values():
        for node, _ in walk(cp.tree):
            for key in ("name", "description", "text"):
                value = node.get(key, "")
                if MARKERS.search(value) or DOUBLE_PUNCTUATION.search(value):
                    bad.add(f"{cp.name}: {node['role']} {key} {value[:80]!r}")
    assert not bad, sorted(bad)


def test_detail_pane_exposes_its_links(atspi: Session) -> None:
    cp = atspi.at("detail-links")
    anchors = [norm(a) for a in cp.driver["anchors"]]
    assert "Open the injection checklist" in anchors  # the 96372 page has its checklist
    links = find(detail_pane(cp), "link")
    assert [norm(link["name"]) for link in links] == anchors
    for link in links:
        assert "focusable" in link["states"], link["name"]
        assert link["description"].startswith("Opens "), link  # what Enter does


def test_links_have_their_own_keys_and_say_so(atspi: Session) -> None:
    cp = atspi.at("detail-links")
    anchors = cp.driver["anchors"]
    assert cp.driver["link_texts"] == anchors[:3]
    heard = [name for role, name in focus_events(cp) if role == "link"]
    assert heard == anchors[:3], focus_events(cp)
    # Shift+L went back to the second link and Enter opened it.
    assert atspi.at("detail-tab").driver["opened_by_enter"].endswith("/" + anchors[1])


def test_tab_leaves_the_detail_pane(atspi: Session) -> None:
    facts = atspi.at("detail-tab").driver
    assert facts["left_pane"]
    assert facts["tab_presses"] <= MAX_TABS_OUT_OF_DETAIL


def test_code_system_filters_are_one_radio_group(atspi: Session) -> None:
    tree = atspi.at("start").tree
    radios = [n for n in find(tree, "radio button") if n["name"].startswith("Show ")]
    assert len(radios) == 4, [n["name"] for n in radios]
    assert sum("checked" in n["states"] for n in radios) == 1
    assert not [n for n in find(tree, "check box") if n["name"].startswith("Show ")]


def test_mark_done_exposes_its_state(atspi: Session) -> None:
    buttons = [
        n
        for n, _ in walk(atspi.at("tick").tree)
        if n["name"].startswith("Mark") and "showing" in n["states"]
    ]
    assert len(buttons) == 1, [n["name"] for n in buttons]
    assert "checkable" in buttons[0]["states"]
    assert "checked" in buttons[0]["states"]  # step 1 was just ticked


def test_search_answers_are_announced(atspi: Session) -> None:
    none = atspi.at("no-results")
    assert announced(none, r"No results for"), announcements(none)
    found = atspi.at("lookup")
    rows = found.driver["rows"]
    assert announced(found, rf"\b{rows} results?\b"), announcements(found)


def test_checklist_changes_are_announced(atspi: Session) -> None:
    tick = atspi.at("tick")
    steps = atspi.at("checklist-open").driver["steps"]
    assert announced(tick, rf"\b1 of {steps} steps done"), announcements(tick)
    checked = [
        e
        for e in tick.events
        if e["type"] == "object:state-changed:checked" and e["name"].startswith("Step 1 ")
    ]
    assert checked and checked[-1]["detail1"] == 1, tick.events
    error = atspi.at("dose-error")
    assert announced(error, r"Check the dose"), announcements(error)
    units = atspi.at("dose-units")
    assert announced(units, r"\b\d+ billing units? of J\d{4}"), announcements(units)


def test_completion_is_announced_and_focus_goes_to_the_lines(atspi: Session) -> None:
    cp = atspi.at("completed")
    lines = cp.driver["lines"]
    assert lines
    assert announced(cp, rf"Completed.*{len(lines)} lines? to bill"), announcements(cp)
    assert cp.driver["focus"]["name"] == "Lines to bill"
    assert any(role in ("table", "table cell") for role, _ in focus_events(cp)), cp.events


def test_focus_follows_the_task(atspi: Session) -> None:
    assert atspi.at("lookup").driver["focus_after_down"]["object"] == "results"
    assert atspi.at("reopen").driver["focus_in_dock"]
    off = [cp.name for cp in atspi.checkpoints.values() if not cp.driver["focus_on_screen"]]
    assert not off, f"focus off screen at {off}"
