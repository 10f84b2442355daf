"""Render the JSON Schema (draft 2020-12) of a record kind as a Chinese Markdown reference.

The schemas in ``schemas/`` are the one definition of the record format; this page
is how staff who never read JSON learn which fields to write and what values they take.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

from .schemawalk import Branch, Field, Rule, Schema, named_values, resolve, types, walk

TYPE_NAMES = {
    "string": "文本",
    "integer": "整数",
    "number": "数字",
    "boolean": "是/否",
    "array": "列表",
    "object": "对象",
    "null": "空",
}

_TABLE_HEADER = "| 字段 | 类型 | 必填 | 说明 | 允许值/示例 |\n| --- | --- | --- | --- | --- |"
_MARKDOWN_SPECIAL = set("\\`*_{}[]|")
_BOUNDS = (
    ("minimum", "不小于"),
    ("exclusiveMinimum", "大于"),
    ("maximum", "不大于"),
    ("exclusiveMaximum", "小于"),
)


def escape_markdown(text: str) -> str:
    """Make schema text literal in Markdown, including inside a table cell."""
    escaped = html.escape(text, quote=False)
    escaped = "".join("\\" + c if c in _MARKDOWN_SPECIAL else c for c in escaped)
    return "<br>".join(escaped.splitlines())


def _code(text: str) -> str:
    """A code span that survives backticks in ``text`` (Python-Markdown keeps ``|`` in code spans)."""
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _is_tight(char: str) -> bool:
    """Whitespace and full-width punctuation need no space beside a code span."""
    return char.isspace() or "\u3000" <= char <= "\u303f" or "\uff00" <= char <= "\uffef"


def _phrase(*pieces: str) -> str:
    """Join the pieces of a Chinese sentence, putting a space between a code span and a character."""
    text = ""
    for piece in filter(None, pieces):
        if text and "`" in (text[-1], piece[0]) and not (_is_tight(text[-1]) or _is_tight(piece[0])):
            text += " "
        text += piece
    return text


def _joined(parts: list[str], separator: str) -> str:
    pieces: list[str] = []
    for part in parts:
        pieces += [separator, part] if pieces else [part]
    return _phrase(*pieces)


def _value(value: Any) -> str:
    """A value as it is written in a YAML record."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _named(value: Any, names: list[tuple[Any, str | None]]) -> str:
    name = next((n for v, n in names if v == value and n), None)
    return f"{_code(_value(value))}（{escape_markdown(name)}）" if name else _code(_value(value))


def _describe(schema: Schema) -> str:
    """The title in bold (it is the field's Chinese name), then the description."""
    parts = []
    if schema.get("title"):
        parts.append(f"**{escape_markdown(schema['title'])}**")
    if schema.get("description"):
        parts.append(escape_markdown(schema["description"]))
    return "<br>".join(parts)


class _Table:
    """The cells of the field table and the text of the rules of one schema, from its walk."""

    def __init__(self, schema: Schema):
        self.root = schema
        self.walk = walk(schema)
        self.names = {f.path: named_values(f.schema) for f in self.walk.fields}

    def type_label(self, schema: Schema) -> str:
        labels = []
        for name in types(schema):
            label = TYPE_NAMES.get(name, name)
            if name == "array" and "items" in schema:
                label += f"（{self.type_label(resolve(self.root, schema['items']))}）"
            labels.append(label)
        return " 或 ".join(labels) or "任意"

    @staticmethod
    def required_label(row: Field) -> str:
        if row.required:
            return "是"
        return "条件" if row.required_when else "否"

    def description(self, row: Field) -> str:
        parts = [_describe(row.schema), _describe(row.key) if row.key is not None else ""]
        items = self._scalar_items(row)
        if items is not None and items.get("description"):
            parts.append("每一项：" + escape_markdown(items["description"]))
        return "<br>".join(p for p in parts if p)

    def allowed(self, row: Field) -> str:
        schema = row.schema
        items = self._scalar_items(row)
        values = items if items is not None else schema
        names = named_values(values)
        parts = []
        if "const" in values:
            parts.append("固定为 " + _named(values["const"], names))
        parts.extend(_named(v, names) for v, _ in names)
        bounds = [f"{word} {_value(values[key])}" for key, word in _BOUNDS if key in values]
        if bounds:
            parts.append("取值" + "，".join(bounds))
        if values.get("minLength", 0) > 1:
            parts.append(f"至少 {values['minLength']} 个字符")
        if "maxLength" in values:
            parts.append(f"最多 {values['maxLength']} 个字符")
        if schema.get("minItems", 0) > 0:
            parts.append(f"至少 {schema['minItems']} 项")
        if "maxItems" in schema:
            parts.append(f"最多 {schema['maxItems']} 项")
        if schema.get("uniqueItems"):
            parts.append("各项不能重复")
        if "default" in schema:
            parts.append("默认：" + _code(_value(schema["default"])))
        examples = schema.get("examples") or values.get("examples")
        if examples:
            parts.append("示例：" + "、".join(_code(_value(e)) for e in examples))
        elif "pattern" in values:
            parts.append("有固定格式，见说明")
        return "<br>".join(parts)

    @staticmethod
    def _scalar_items(row: Field) -> Schema | None:
        """The item schema of a list of plain values (lists of objects get their own rows)."""
        if row.items is None or "object" in types(row.items):
            return None
        return row.items

    # -- conditional rules -----------------------------------------------------

    def rule_text(self, rule: Rule) -> str:
        if rule.then.description:
            text = escape_markdown(rule.then.description)
        else:
            text = _phrase("当", self._condition(rule), "时，", self._consequence(rule.then), "。")
        if rule.otherwise is not None:
            text += " 否则：" + (
                escape_markdown(rule.otherwise.description)
                if rule.otherwise.description
                else self._consequence(rule.otherwise) + "。"
            )
        return text

    def _condition(self, rule: Rule) -> str:
        parts = []
        for path, values in rule.when:
            if values is None:
                parts.append(f"填写了 {_code(path)}")
            else:
                names = self.names.get(path, [])
                parts.append(f"{_code(path)} 为 " + _joined([_named(v, names) for v in values], "或"))
        return _joined(parts, "且") or "满足附加条件"

    def _consequence(self, branch: Branch) -> str:
        parts = []
        for i, (path, node) in enumerate(branch.nodes):
            names = named_values(node) or self.names.get(path, [])
            if i and "const" in node:
                parts.append(f"{_code(path)} 只能为 {_named(node['const'], names)}")
            elif i and "enum" in node:
                parts.append(f"{_code(path)} 只能为 " + "、".join(_named(v, names) for v in node["enum"]) + " 之一")
            if node.get("required"):
                prefix = f"{path}." if path else ""
                parts.append("、".join(_code(prefix + name) for name in node["required"]) + " 必填")
        return "，".join(parts) or "须满足附加要求"


def render_schema_markdown(schema: Schema, *, heading_level: int = 2, anchor: str | None = None) -> str:
    """Render a record schema: title, description, a field table, then its conditional rules.

    Nested objects become dotted paths (``customer.account``), list items ``name[].field``,
    and the values of a free-keyed object ``name.<键>``.
    """
    table = _Table(schema)

    heading = "#" * heading_level + " " + escape_markdown(schema.get("title", "记录格式"))
    lines = [heading + (f" {{#{anchor}}}" if anchor else ""), ""]
    if schema.get("description"):
        lines += [escape_markdown(schema["description"]), ""]
    if table.walk.fields:
        lines.append(_TABLE_HEADER)
        for row in table.walk.fields:
            cells = [
                _code(row.path),
                table.type_label(row.schema),
                table.required_label(row),
                table.description(row),
                table.allowed(row),
            ]
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    else:
        lines += ["（此类记录没有定义字段。）", ""]
    if table.walk.rules:
        lines += ["**条件规则**", ""]
        lines += [f"- {table.rule_text(rule)}" for rule in table.walk.rules]
        lines.append("")
    return "\n".join(lines)
