"""The search controller apart from any widget: which answer is current."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from desktop.reference.search import SearchEngine, SearchResponse
from desktop.ui.search.controller import SearchController


@pytest.fixture
def controller(engine: SearchEngine, qtbot: QtBot) -> Iterator[SearchController]:
    c = SearchController(engine)
    yield c
    c.shutdown()
    c.deleteLater()


def test_answers_the_current_query_only(controller: SearchController, qtbot: QtBot) -> None:
    got: list[tuple[str, SearchResponse]] = []
    controller.answered.connect(lambda q, r: got.append((q, r)))
    for text in ("t", "to", "tor", "tora", "torad", "toradol"):
        controller.set_query(text)
    qtbot.waitUntil(lambda: any(q == "toradol" for q, _ in got), timeout=20000)
    qtbot.wait(100)
    assert got[-1][0] == "toradol"
    assert "J1885" in [r.code for r in got[-1][1].results[:3]]
    # Whatever came in earlier was for the query current at the time: never a stale one
    # after the last.
    assert [q for q, _ in got].count("toradol") == 1


def test_the_filter_is_part_of_the_question(controller: SearchController, qtbot: QtBot) -> None:
    got: list[SearchResponse] = []
    controller.answered.connect(lambda _q, r: got.append(r))
    controller.set_query("b12")
    controller.set_system("ICD-10-CM")
    qtbot.waitUntil(lambda: bool(got), timeout=20000)
    qtbot.wait(100)
    assert {r.system for r in got[-1].results} == {"ICD-10-CM"}
    assert all(r.system == "ICD-10-CM" for resp in got for r in resp.results)


def test_an_empty_query_clears_and_drops_answers_on_their_way(
    controller: SearchController, qtbot: QtBot
) -> None:
    got: list[str] = []
    controller.answered.connect(lambda q, _r: got.append(q))
    with qtbot.waitSignal(controller.cleared, timeout=2000):
        controller.set_query("vitamin")
        controller.set_query("  ")
    qtbot.wait(300)
    assert got == []


def test_after_shutdown_it_still_answers_in_place(engine: SearchEngine, qtbot: QtBot) -> None:
    c = SearchController(engine)
    c.shutdown()
    got: list[str] = []
    c.answered.connect(lambda q, _r: got.append(q))
    c.set_query("96372")
    assert got == ["96372"]
    c.deleteLater()
