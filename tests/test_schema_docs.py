"""Tests for callback_archive.schema_docs: JSON Schema → Chinese Markdown field reference."""

from __future__ import annotations

import json
import re
from pathlib import Path

import markdown
import pytest

from callback_archive.schema_docs import escape_markdown, render_schema_markdown

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"

VISIT = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "回访记录",
    "description": "一次回访一个文件，放在 records/visits/<单位>/ 下。",
    "type": "object",
    "required": ["id", "customer", "reached", "topics"],
    "properties": {
        "id": {
            "title": "回访编号",
            "type": "string",
            "pattern": "^HF-[0-9]{8}-[0-9]{4}$",
            "examples": ["HF-20261125-0001"],
        },
        "customer": {
            "title": "客户",
            "type": "object",
            "required": ["account"],
            "properties": {
                "account": {"title": "户号", "description": "必须加引号。", "$ref": "#/$defs/digits"},
                "voltage_kv": {"title": "电压", "type": "number", "exclusiveMinimum": 0, "maximum": 500},
            },
        },
        "reached": {"title": "是否联系上", "type": "boolean"},
        "satisfaction": {
            "title": "满意度",
            "type": "string",
            "enum": ["satisfied", "basic", "dissatisfied"],
            "enumDescriptions": ["满意", "基本满意", "不满意"],
        },
        "topics": {
            "title": "回访内容",
            "type": "array",
            "minItems": 1,
            "uniqueItems": True,
            "items": {"type": "string", "enum": ["repair", "billing"], "enumDescriptions": ["供电抢修", "营业收费"]},
        },
        "contacts": {
            "title": "联系记录",
            "type": "array",
            "items": {
                "type": "object",
                "required": ["at"],
                "properties": {
                    "at": {"type": "string", "examples": ["2026-11-26 10:00"]},
                    "attempts": {"type": "integer", "minimum": 1, "default": 1},
                },
            },
        },
        "follow_up": {
            "title": "整改措施",
            "description": "写明 a|b、*重点* 与 <负责人>。",
            "type": "string",
            "pattern": "^.+$",
        },
    },
    "allOf": [
        {
            "if": {"properties": {"reached": {"const": True}}, "required": ["reached"]},
            "then": {"required": ["satisfaction"], "description": "联系上客户时必须填写满意度 satisfaction。"},
        },
        {
            "if": {"properties": {"satisfaction": {"const": "dissatisfied"}}, "required": ["satisfaction"]},
            "then": {"required": ["follow_up"]},
        },
    ],
    "$defs": {"digits": {"type": "string", "pattern": "^[0-9]+$", "examples": ["0212345678"]}},
}

VISIT_TABLE = """\
| 字段 | 类型 | 必填 | 说明 | 允许值/示例 |
| --- | --- | --- | --- | --- |
| `id` | 文本 | 是 | **回访编号** | 示例：`HF-20261125-0001` |
| `customer` | 对象 | 是 | **客户** |  |
| `customer.account` | 文本 | 是 | **户号**<br>必须加引号。 | 示例：`0212345678` |
| `customer.voltage_kv` | 数字 | 否 | **电压** | 取值大于 0，不大于 500 |
| `reached` | 是/否 | 是 | **是否联系上** |  |
| `satisfaction` | 文本 | 条件 | **满意度** | `satisfied`（满意）<br>`basic`（基本满意）<br>`dissatisfied`（不满意） |
| `topics` | 列表（文本） | 是 | **回访内容** | `repair`（供电抢修）<br>`billing`（营业收费）<br>至少 1 项<br>各项不能重复 |
| `contacts` | 列表（对象） | 否 | **联系记录** |  |
| `contacts[].at` | 文本 | 是 |  | 示例：`2026-11-26 10:00` |
| `contacts[].attempts` | 整数 | 否 |  | 取值不小于 1<br>默认：`1` |
| `follow_up` | 文本 | 条件 | **整改措施**<br>写明 a\\|b、\\*重点\\* 与 &lt;负责人&gt;。 | 有固定格式，见说明 |
"""


def test_renders_heading_description_table_and_rules() -> None:
    text = render_schema_markdown(VISIT, anchor="visit")
    assert text == (
        "## 回访记录 {#visit}\n\n"
        "一次回访一个文件，放在 records/visits/&lt;单位&gt;/ 下。\n\n"
        + VISIT_TABLE
        + "\n**条件规则**\n\n"
        "- 联系上客户时必须填写满意度 satisfaction。\n"
        "- 当 `satisfaction` 为 `dissatisfied`（不满意）时，`follow_up` 必填。\n"
    )


def test_heading_level_and_no_anchor() -> None:
    text = render_schema_markdown({"title": "组织机构", "properties": {}}, heading_level=3)
    assert text.splitlines()[0] == "### 组织机构"
    assert "（此类记录没有定义字段。）" in text


def test_generated_rules_cover_presence_enum_nested_and_else() -> None:
    letter = {
        "title": "复函记录",
        "type": "object",
        "properties": {
            "replied_at": {"type": "string"},
            "reply": {"type": "string"},
            "originals": {"type": "object", "properties": {"incoming": {"type": "string"}}},
            "kind": {"type": "string", "enum": ["complaint", "report"], "enumDescriptions": ["投诉", "举报"]},
        },
        "allOf": [
            {
                "if": {"required": ["replied_at"]},
                "then": {"required": ["reply"], "properties": {"originals": {"required": ["incoming"]}}},
                "else": {"description": "未复函时不要填写 reply。"},
            },
            {
                "if": {"properties": {"kind": {"enum": ["complaint", "report"]}}},
                "then": {"properties": {"kind": {"const": "complaint"}}},
            },
        ],
    }
    text = render_schema_markdown(letter)
    assert text.endswith(
        "**条件规则**\n\n"
        "- 当填写了 `replied_at` 时，`reply` 必填，`originals.incoming` 必填。 否则：未复函时不要填写 reply。\n"
        "- 当 `kind` 为 `complaint`（投诉）或 `report`（举报）时，`kind` 只能为 `complaint`（投诉）。\n"
    )
    assert "| `originals.incoming` | 文本 | 条件 |" in text
    assert "| `replied_at` | 文本 | 否 |" in text


def test_free_keyed_object_uses_property_names_title() -> None:
    calendar = {
        "title": "工作日历",
        "properties": {
            "years": {
                "type": "object",
                "propertyNames": {"title": "年份", "description": "四位数年份。"},
                "additionalProperties": {
                    "type": "object",
                    "required": ["source"],
                    "properties": {"source": {"type": "string"}},
                },
            }
        },
    }
    rows = [line for line in render_schema_markdown(calendar).splitlines() if line.startswith("| `")]
    assert rows == [
        "| `years` | 对象 | 否 |  |  |",
        "| `years.<年份>` | 对象 | 否 | **年份**<br>四位数年份。 |  |",
        "| `years.<年份>.source` | 文本 | 是 |  |  |",
    ]


def test_escape_markdown() -> None:
    assert escape_markdown("a|b") == "a\\|b"
    assert escape_markdown("*x* _y_ [z] `c` \\") == "\\*x\\* \\_y\\_ \\[z\\] \\`c\\` \\\\"
    assert escape_markdown("<b>&") == "&lt;b&gt;&amp;"
    assert escape_markdown("第一行\n第二行") == "第一行<br>第二行"


def test_rendered_table_survives_markdown() -> None:
    """Pipes and markup in schema text must not split cells or turn into formatting."""
    html = markdown.markdown(render_schema_markdown(VISIT), extensions=["tables", "attr_list"])
    rows = re.findall(r"<tr>(.*?)</tr>", html, flags=re.DOTALL)
    assert len(rows) == 12  # header + 11 fields
    assert all(row.count("<td>") == 5 for row in rows[1:])
    assert "写明 a|b、*重点* 与 &lt;负责人&gt;。" in html
    assert "<em>" not in html


def test_reference_outside_the_schema_is_refused() -> None:
    schema = {"title": "x", "properties": {"unit": {"$ref": "units.schema.json#/$defs/id"}}}
    with pytest.raises(ValueError, match="本文件内的引用"):
        render_schema_markdown(schema)
    schema = {"title": "x", "properties": {"unit": {"$ref": "#/$defs/missing"}}}
    with pytest.raises(ValueError, match="不存在"):
        render_schema_markdown(schema)


@pytest.mark.parametrize("path", sorted(SCHEMA_DIR.glob("*.schema.json")), ids=lambda p: p.name)
def test_every_repository_schema_renders(path: Path) -> None:
    schema = json.loads(path.read_text(encoding="utf-8"))
    html = markdown.markdown(render_schema_markdown(schema), extensions=["tables", "attr_list"])
    for name in schema.get("properties", {}):
        assert f"<code>{name}</code>" in html
    rows = re.findall(r"<tr>(.*?)</tr>", html, flags=re.DOTALL)
    assert all(row.count("<td>") == 5 for row in rows[1:])
