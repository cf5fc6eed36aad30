"""Search keys: pinyin and initials of each part, Latin words, and how a query is split."""

from __future__ import annotations

from precinct.addresses.keys import normalise, pinyin_tokens, query_terms, search_keys, searchable_text
from precinct.addresses.sources import compose_text


def test_each_chinese_part_gives_its_full_pinyin_and_initials():
    assert pinyin_tokens("解放大道") == ("jiefangdadao", "jfdd")
    assert pinyin_tokens("688号") == ("688hao", "688h")
    assert search_keys("江汉区", "解放大道", "688号", "688 Jiefang Avenue") == (
        "jianghanqu jhq jiefangdadao jfdd 688hao 688h 688 jiefang avenue")


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
