"""The Chinese half of the geo package's refusals, which say what they refuse in both languages ("中文 / English")."""

from __future__ import annotations

#: a kind of file as the English half names it (at the start of ``what``), and its Chinese
_KINDS_ZH = (("roads file", "道路文件"), ("OSM file", "OSM 文件"), ("boundary file", "边界文件"),
             ("districts file", "分局辖区文件"), ("beats file", "警务区文件"), ("stations file", "派出所文件"),
             ("edge table", "道路段表"))


def what_zh(what: str) -> str:
    """Return ``what`` ("roads file x.parquet") with its leading kind of file in Chinese ("道路文件 x.parquet")."""
    for english, chinese in _KINDS_ZH:
        if what.startswith(english):
            return chinese + what[len(english):]
    return what
