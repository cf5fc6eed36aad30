"""Search keys: pinyin and initials of each part and from inside it, Latin words, and how a query is split."""

from __future__ import annotations

from precinct.addresses.keys import (
    MAX_INNER_STARTS,
    inner_keys,
    inner_pinyin_tokens,
    normalise,
    pinyin_tokens,
    query_terms,
    search_keys,
    searchable_text,
)
from precinct.addresses.sources import compose_text


def test_each_chinese_part_gives_its_full_pinyin_and_initials():
    assert pinyin_tokens("解放大道") == ("jiefangdadao", "jfdd")
    assert pinyin_tokens("688号") == ("688hao", "688h")
    assert search_keys("江汉区", "解放大道", "688号", "688 Jiefang Avenue") == (
        "jianghanqu jhq jiefangdadao jfdd 688hao 688h 688 jiefang avenue "
        "hanqu hq fangdadao fdd dadao dd")  # then from inside each part, two syllables or more


def test_an_address_stored_as_one_text_gets_keys_from_every_syllable_inside_its_chinese_runs():
    assert search_keys(text="江汉区解放大道688号") == (
        "jianghanqujiefangdadao688hao jhqjfdd688h 688 "
        "hanqujiefangdadao hqjfdd qujiefangdadao qjfdd jiefangdadao jfdd fangdadao fdd dadao dd")
    # a run after digits starts a word too: 3单元 -> danyuan; one syllable alone (号, 座) gives no key
    assert inner_keys(text="688号A座3单元") == "danyuan dy"


def test_the_text_adds_inner_keys_only_for_runs_the_parts_do_not_hold():
    parts = ("", "江汉区", "解放大道", "688号")
    assert inner_keys(*parts, text="江汉区解放大道688号") == "hanqu hq fangdadao fdd dadao dd"
    assert inner_keys(*parts, text="江汉区解放大道688号武汉广场").split()[-8:] == [
        "haowuhanguangchang", "hwhgc", "wuhanguangchang", "whgc", "hanguangchang", "hgc", "guangchang", "gc"]


def test_inner_keys_are_bounded_per_run():
    assert inner_pinyin_tokens("解放") == ()  # one syllable after the start: too short to be a key
    assert inner_pinyin_tokens("解放", 0) == ("jiefang", "jf")
    long_name = "中华人民共和国湖北省武汉市江汉区解放大道"  # 20 characters
    tokens = inner_pinyin_tokens(long_name)
    assert len(tokens) == 2 * MAX_INNER_STARTS
    assert tokens[0].startswith("huarenmin") and tokens[-2].startswith("wuhanshi")  # starts 1 to 10


def test_queries_split_into_chinese_substrings_and_latin_prefixes():
    assert query_terms("解放大道 jfdd") == (["解放大道"], ["jfdd"])
    assert query_terms("ＪＦＤＤ６８８") == ([], ["jfdd688"])  # full-width letters and digits, as typed on a phone
    assert query_terms("  ,.;") == ([], [])
    assert normalise("  Kaivokatu   1 ") == "kaivokatu 1"


def test_the_searchable_text_puts_the_parts_before_the_whole_text():
    assert searchable_text("江汉区解放大道688号", "武汉广场", "江汉区", "解放大道", "688号", text_en="Jiefang Ave") == (
        "武汉广场 江汉区 解放大道 688号 江汉区解放大道688号 jiefang ave")


def test_an_address_text_is_written_from_its_parts_in_the_order_of_its_script():
    assert compose_text(district="江汉区", road="解放大道", number="688", building="A座") == "江汉区解放大道688号A座"
    assert compose_text(road="Kaivokatu", number="1", district="Kluuvi") == "Kaivokatu 1, Kluuvi"
    assert compose_text(name="Helsinki") == "Helsinki"
