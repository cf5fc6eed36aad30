"""The Wuhan demo register: real districts and road classes at real intersections, every name labelled generated."""

from __future__ import annotations

from precinct.demo.addresses import intersections


def test_every_intersection_address_is_labelled_generated_and_named_by_real_classes():
    rows = list(intersections({"156420111": "Hongshan"}))
    assert len(rows) == 16912
    first = rows[0]
    assert (first.code, first.district, first.road, first.number) == (
        "demo:n267620065", "洪山区", "主干道与居住区道路交叉口", "第1处")
    assert first.text == "洪山区主干道与居住区道路交叉口第1处（生成）"
    assert first.text_en == "arterial and residential street junction 1, Hongshan (generated)"
    assert all(r.text.endswith("（生成）") and r.text_en.endswith("(generated)") for r in rows)
    assert len({r.code for r in rows}) == len(rows)
    assert {r.district for r in rows} >= {"江汉区", "武昌区", "洪山区"}
