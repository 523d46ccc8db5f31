"""Tables, CSV and JSON as `labatlas query` prints them."""

from __future__ import annotations

import io

import pytest

from labatlas.queries import format as formatting
from labatlas.queries import write_rows


def _table(rows: list[tuple[str, str]]) -> str:
    out = io.StringIO()
    write_rows(("actor", "initiatives"), rows, "table", out)
    return out.getvalue()


def test_a_table_of_one_page_is_aligned_on_its_widest_cell() -> None:
    text = _table([("La 27e Région", "12"), ("Unis-Cité", "3")])
    assert text.splitlines() == [
        "actor          initiatives",
        "-------------  -----------",
        "La 27e Région  12",
        "Unis-Cité      3",
        "(2 rows)",
    ]


def test_a_long_answer_is_printed_page_by_page(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(formatting, "TABLE_PAGE", 2)
    rows = [("DRJSCS", "1"), ("Unis-Cité", "2"), ("La 27e Région", "3"), ("ANCT", "4")]
    pages = _table(rows).split("\n\n")
    assert len(pages) == 2
    first, second = (page.splitlines() for page in pages)
    assert first[:2] == ["actor      initiatives", "---------  -----------"]
    assert second[:2] == ["actor          initiatives", "-------------  -----------"]
    assert [line.split("  ")[0] for line in first[2:] + second[2:4]] == [r[0] for r in rows]
    assert second[-1] == "(4 rows)"


def test_an_answer_of_exactly_one_page_has_one_header(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(formatting, "TABLE_PAGE", 2)
    text = _table([("DRJSCS", "1"), ("Unis-Cité", "2")])
    assert text.count("actor") == 1 and text.endswith("(2 rows)\n")


def test_an_empty_answer_is_a_header_and_no_rows() -> None:
    assert _table([]).splitlines() == ["actor  initiatives", "-----  -----------", "(0 rows)"]
