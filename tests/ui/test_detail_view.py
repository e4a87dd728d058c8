"""desktop/ui/detail_view.py: its own HTML escaping (the html package stays unloaded at start)."""

from __future__ import annotations

import html

from hypothesis import given
from hypothesis import strategies as st

from desktop.ui.detail_view import escape


def test_escape_makes_markup_and_both_quotes_safe() -> None:
    assert escape("""<a href="x">Tom's & "Jerry"</a>""") == (
        "&lt;a href=&quot;x&quot;&gt;Tom&#x27;s &amp; &quot;Jerry&quot;&lt;/a&gt;"
    )
    assert escape("&amp;") == "&amp;amp;"  # an entity typed as text stays text


@given(st.text(alphabet=st.sampled_from("&<>\"'a é;#x0")) | st.text())
def test_escape_is_what_html_escape_gives(text: str) -> None:
    assert escape(text) == html.escape(text)
