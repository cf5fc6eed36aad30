"""The Chinese of the schema's refusals: what a 422 from request validation says besides Pydantic's English.

Keyed by Pydantic's error ``type``, filled with the error's ``ctx``; an error type not listed here
(a custom ``value_error`` among them) is said in English only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: Pydantic error type -> the Chinese of its message, with the names of its ``ctx`` values
SCHEMA_ZH: dict[str, str] = {
    "missing": "必填",
    "extra_forbidden": "不接受此字段",
    "greater_than": "须大于 {gt}",
    "greater_than_equal": "须大于或等于 {ge}",
    "less_than": "须小于 {lt}",
    "less_than_equal": "须小于或等于 {le}",
    "multiple_of": "须为 {multiple_of} 的倍数",
    "finite_number": "须为有限数",
    "string_too_short": "至少 {min_length} 个字符",
    "string_too_long": "最多 {max_length} 个字符",
    "string_pattern_mismatch": "格式不符（须匹配 {pattern}）",
    "too_short": "至少 {min_length} 项，收到 {actual_length} 项",
    "too_long": "最多 {max_length} 项，收到 {actual_length} 项",
    "literal_error": "须为以下之一：{expected}",
    "enum": "须为以下之一：{expected}",
    "string_type": "须为字符串",
    "int_type": "须为整数",
    "int_parsing": "须为整数",
    "int_from_float": "须为整数，不能有小数部分",
    "float_type": "须为数字",
    "float_parsing": "须为数字",
    "bool_type": "须为布尔值（true 或 false）",
    "bool_parsing": "须为布尔值（true 或 false）",
    "list_type": "须为列表",
    "dict_type": "须为对象",
    "model_type": "须为对象",
    "model_attributes_type": "须为对象",
    "json_invalid": "不是有效的 JSON",
    "json_type": "不是有效的 JSON",
    "datetime_type": "须为 ISO 8601 时间",
    "datetime_parsing": "须为 ISO 8601 时间",
    "datetime_from_date_parsing": "须为 ISO 8601 时间或日期",
    "date_type": "须为日期（YYYY-MM-DD）",
    "date_parsing": "须为日期（YYYY-MM-DD）",
    "date_from_datetime_parsing": "须为日期（YYYY-MM-DD）",
    "timezone_aware": "时间须带时区（UTC 偏移，如 +08:00）",
    "timezone_naive": "时间不能带时区",
    "union_tag_invalid": "{discriminator} 须为以下之一：{expected_tags}",
    "union_tag_not_found": "须给出 {discriminator}",
    "uuid_parsing": "须为 UUID",
    "uuid_type": "须为 UUID",
}


def schema_zh(error_type: str, ctx: Mapping[str, Any] | None) -> str | None:
    """Return the Chinese of a Pydantic error of ``error_type`` with context ``ctx``, or ``None`` if unknown."""
    template = SCHEMA_ZH.get(error_type)
    if template is None:
        return None
    try:
        return template.format(**(ctx or {}))
    except (KeyError, IndexError, ValueError):  # a context this version of Pydantic does not give
        return None
