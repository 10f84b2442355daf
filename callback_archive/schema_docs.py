"""Render the JSON Schema (draft 2020-12) of a record kind as a Chinese Markdown reference.

The schemas in ``schemas/`` are the one definition of the record format; this page
is how staff who never read JSON learn which fields to write and what values they take.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from typing import Any

Schema = dict[str, Any]

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


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "null"


def _types(schema: Schema) -> list[str]:
    declared = schema.get("type")
    if isinstance(declared, str):
        return [declared]
    if isinstance(declared, list):
        return declared
    if "properties" in schema:
        return ["object"]
    values = schema.get("enum", [schema["const"]] if "const" in schema else [])
    return list(dict.fromkeys(_json_type(v) for v in values))


def _enum_names(schema: Schema) -> list[tuple[Any, str | None]]:
    """``enum`` paired with the non-standard, parallel ``enumDescriptions`` (as VS Code's YAML extension reads it)."""
    values = schema.get("enum", [])
    names = schema.get("enumDescriptions", [])
    return [(v, names[i] if i < len(names) else None) for i, v in enumerate(values)]


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


@dataclass
class _Row:
    path: str
    schema: Schema
    required: bool
    notes: list[str]


@dataclass
class _Rule:
    prefix: str
    rule: Schema


@dataclass
class _Walk:
    """Flattens one record schema into table rows and conditional rules."""

    root: Schema
    rows: list[_Row] = field(default_factory=list)
    rules: list[_Rule] = field(default_factory=list)
    conditional: set[str] = field(default_factory=set)
    names: dict[str, list[tuple[Any, str | None]]] = field(default_factory=dict)

    def resolve(self, schema: Schema) -> Schema:
        """Inline a local ``$ref``; keywords beside the ``$ref`` win, as in draft 2020-12."""
        ref = schema.get("$ref")
        if ref is None:
            return schema
        if not ref.startswith("#/"):
            raise ValueError(f"记录格式说明只支持本文件内的引用（#/...），无法解析：{ref}")
        target: Any = self.root
        try:
            for part in ref[2:].split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
        except (KeyError, IndexError, TypeError):
            raise ValueError(f"引用指向的定义不存在：{ref}") from None
        siblings = {k: v for k, v in schema.items() if k != "$ref"}
        return {**self.resolve(target), **siblings}

    def walk_object(self, schema: Schema, prefix: str) -> None:
        required = set(schema.get("required", []))
        for name, sub in schema.get("properties", {}).items():
            self.walk_field(prefix + name, sub, name in required)
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict):
            key = self.resolve(schema.get("propertyNames", {}))
            self.walk_field(f"{prefix}<{key.get('title', '键')}>", extra, False, [_describe(key)])
        for rule in (schema, *schema.get("allOf", [])):
            rule = self.resolve(rule)
            if "if" in rule:
                self.rules.append(_Rule(prefix, rule))
                for branch in ("then", "else"):
                    self.conditional |= self._required_paths(rule.get(branch, {}), prefix)

    def walk_field(self, path: str, schema: Schema, required: bool, notes: list[str] | None = None) -> None:
        schema = self.resolve(schema)
        self.rows.append(_Row(path, schema, required, notes or []))
        self.names[path] = _enum_names(schema)
        types = _types(schema)
        if "object" in types:
            self.walk_object(schema, path + ".")
        if "array" in types:
            items = self.resolve(schema.get("items", {}))
            if "object" in _types(items):
                self.walk_object(items, path + "[].")

    def _required_paths(self, branch: Schema, prefix: str) -> set[str]:
        branch = self.resolve(branch)
        paths = {prefix + name for name in branch.get("required", [])}
        for name, sub in branch.get("properties", {}).items():
            paths |= self._required_paths(sub, f"{prefix}{name}.")
        return paths

    # -- cells ---------------------------------------------------------------

    def type_label(self, schema: Schema) -> str:
        labels = []
        for name in _types(schema):
            label = TYPE_NAMES.get(name, name)
            if name == "array" and "items" in schema:
                label += f"（{self.type_label(self.resolve(schema['items']))}）"
            labels.append(label)
        return " 或 ".join(labels) or "任意"

    def required_label(self, row: _Row) -> str:
        if row.required:
            return "是"
        return "条件" if row.path in self.conditional else "否"

    def description(self, row: _Row) -> str:
        parts = [_describe(row.schema), *row.notes]
        items = self._scalar_items(row.schema)
        if items is not None and items.get("description"):
            parts.append("每一项：" + escape_markdown(items["description"]))
        return "<br>".join(p for p in parts if p)

    def allowed(self, schema: Schema) -> str:
        items = self._scalar_items(schema)
        values = items if items is not None else schema
        names = _enum_names(values)
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

    def _scalar_items(self, schema: Schema) -> Schema | None:
        """The item schema of a list of plain values (lists of objects get their own rows)."""
        if "array" not in _types(schema) or "items" not in schema:
            return None
        items = self.resolve(schema["items"])
        return None if "object" in _types(items) else items

    # -- conditional rules -----------------------------------------------------

    def rule_text(self, rule: _Rule) -> str:
        then = self.resolve(rule.rule.get("then", {}))
        if then.get("description"):
            text = escape_markdown(then["description"])
        else:
            condition = self._condition(self.resolve(rule.rule["if"]), rule.prefix)
            text = _phrase("当", condition, "时，", self._consequence(then, rule.prefix), "。")
        if "else" in rule.rule:
            otherwise = self.resolve(rule.rule["else"])
            text += " 否则：" + (
                escape_markdown(otherwise["description"])
                if otherwise.get("description")
                else self._consequence(otherwise, rule.prefix) + "。"
            )
        return text

    def _condition(self, schema: Schema, prefix: str) -> str:
        parts = []
        properties = schema.get("properties", {})
        for name, sub in properties.items():
            path = prefix + name
            names = self.names.get(path, [])
            if "const" in sub:
                parts.append(f"{_code(path)} 为 {_named(sub['const'], names)}")
            elif "enum" in sub:
                parts.append(f"{_code(path)} 为 " + _joined([_named(v, names) for v in sub["enum"]], "或"))
        for name in schema.get("required", []):
            sub = properties.get(name, {})
            if "const" not in sub and "enum" not in sub:
                parts.append(f"填写了 {_code(prefix + name)}")
        return _joined(parts, "且") or "满足附加条件"

    def _consequence(self, schema: Schema, prefix: str) -> str:
        return "，".join(self._consequence_parts(schema, prefix)) or "须满足附加要求"

    def _consequence_parts(self, schema: Schema, prefix: str) -> list[str]:
        schema = self.resolve(schema)
        parts = []
        if schema.get("required"):
            parts.append("、".join(_code(prefix + name) for name in schema["required"]) + " 必填")
        for name, sub in schema.get("properties", {}).items():
            path = prefix + name
            names = _enum_names(sub) or self.names.get(path, [])
            if "const" in sub:
                parts.append(f"{_code(path)} 只能为 {_named(sub['const'], names)}")
            elif "enum" in sub:
                parts.append(f"{_code(path)} 只能为 " + "、".join(_named(v, names) for v in sub["enum"]) + " 之一")
            parts.extend(self._consequence_parts(sub, path + "."))
        return parts


def render_schema_markdown(schema: Schema, *, heading_level: int = 2, anchor: str | None = None) -> str:
    """Render a record schema: title, description, a field table, then its conditional rules.

    Nested objects become dotted paths (``customer.account``), list items ``name[].field``,
    and the values of a free-keyed object ``name.<键>``.
    """
    walk = _Walk(schema)
    walk.walk_object(walk.resolve(schema), "")

    heading = "#" * heading_level + " " + escape_markdown(schema.get("title", "记录格式"))
    lines = [heading + (f" {{#{anchor}}}" if anchor else ""), ""]
    if schema.get("description"):
        lines += [escape_markdown(schema["description"]), ""]
    if walk.rows:
        lines.append(_TABLE_HEADER)
        for row in walk.rows:
            cells = [
                _code(row.path),
                walk.type_label(row.schema),
                walk.required_label(row),
                walk.description(row),
                walk.allowed(row.schema),
            ]
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    else:
        lines += ["（此类记录没有定义字段。）", ""]
    if walk.rules:
        lines += ["**条件规则**", ""]
        lines += [f"- {walk.rule_text(rule)}" for rule in walk.rules]
        lines.append("")
    return "\n".join(lines)
