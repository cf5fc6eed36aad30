"""The in-memory index on plain arrays: Chinese substrings, pinyin, initials, English, ranking, scope, nearest."""

from __future__ import annotations

import numpy as np
import pytest

from precinct.addresses.index import build_index
from precinct.addresses.keys import search_keys, searchable_text

PLACES = [  # id, parts (name, district, road, number), English, lon, lat, station
    (1, ("武汉广场", "江汉区", "解放大道", "688号"), "Wuhan Plaza", 114.270, 30.580, 10),
    (2, ("", "江汉区", "解放大道", "690号"), "", 114.271, 30.581, 10),
    (3, ("", "武昌区", "中北路", "1号"), "Zhongbei Road", 114.340, 30.550, 20),
    (4, ("", "江汉区", "大道口", "2号"), "", 114.260, 30.580, 10),
]


@pytest.fixture(scope="module")
def index():
    return build_index(
        ids=np.array([p[0] for p in PLACES]), lon=np.array([p[3] for p in PLACES]),
        lat=np.array([p[4] for p in PLACES]), district_ids=np.full(4, -1), beat_ids=np.full(4, -1),
        station_ids=np.array([p[5] for p in PLACES]),
        texts=[searchable_text("".join(p[1][1:]), *p[1], text_en=p[2]) for p in PLACES],
        search_keys=[search_keys(*p[1], p[2]) for p in PLACES])


def ids(hits):
    return [h.address_id for h in hits]


def test_chinese_matches_anywhere_and_a_match_at_the_start_of_a_part_ranks_first(index):
    centre = (114.260, 30.580)  # at address 4
    assert ids(index.search("解放", centre=centre)) == [1, 2]
    # 4 (大道口) starts with 大道 and is nearest; 1 and 2 hold 大道 inside 解放大道
    hits = index.search("大道", centre=centre)
    assert ids(hits) == [4, 1, 2]
    assert [h.start_of_word for h in hits] == [True, False, False]
    assert ids(index.search("道口")) == [4]


def test_pinyin_initials_english_and_numbers_match_as_prefixes(index):
    assert ids(index.search("jiefang", centre=(114.270, 30.580))) == [1, 2]
    assert ids(index.search("jfdd 690")) == [2]
    assert ids(index.search("zbl")) == [3]
    assert ids(index.search("plaza")) == [1]
    assert ids(index.search("wuhan pl")) == [1]
    assert ids(index.search("dadao", centre=(114.270, 30.580))) == [1, 2, 4]  # 大道 inside 解放大道 too
    assert index.search("iefang") == []  # inside a syllable: pinyin matches from a syllable's start only


def test_an_address_stored_as_one_text_is_found_by_the_pinyin_of_each_word():
    text = "江汉区解放大道688号"
    index = build_index(ids=np.array([7]), lon=np.array([114.27]), lat=np.array([30.58]), district_ids=np.full(1, -1),
                        station_ids=np.full(1, -1), beat_ids=np.full(1, -1), texts=[searchable_text(text)],
                        search_keys=[search_keys(text=text)])
    for query in ("jhq", "jiefang", "jfdd", "jiefang dadao", "dadao 688", "jfdd 688", "解放 dadao"):
        assert ids(index.search(query)) == [7], query
    assert index.search("jiefang zhongshan") == []


def test_nearer_addresses_rank_first_and_distance_is_in_metres(index):
    hits = index.search("江汉", centre=(114.271, 30.581))
    assert ids(hits)[0] == 2
    assert hits[0].distance_m == pytest.approx(0.0, abs=0.01)
    assert hits[1].distance_m == pytest.approx(146.7, abs=0.5)  # 0.001 deg lon (95.7 m) and lat (111.2 m)


def test_a_scope_keeps_only_its_stations_addresses(index):
    assert ids(index.search("1", units=frozenset({20}))) == [3]
    assert index.search("解放", units=frozenset({20})) == []


def test_nearest_address_within_a_radius_and_a_scope(index):
    hit = index.nearest(114.2705, 30.5802, max_distance_m=200)
    assert hit is not None and hit.address_id == 1
    assert index.nearest(114.30, 30.60, max_distance_m=200) is None
    assert index.nearest(114.2705, 30.5802, max_distance_m=200, units=frozenset({20})) is None
    far = index.nearest(114.2705, 30.5802, max_distance_m=20_000, units=frozenset({20}))
    assert far is not None and far.address_id == 3
