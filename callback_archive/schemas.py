"""The JSON Schemas of every file kind, compiled once, with errors told in Chinese."""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from .fileread import read_program_file
from .schemawalk import json_type, walk

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"

_TYPE_NAMES = {
    "string": "文本",
    "integer": "整数",
    "number": "数字",
    "boolean": "是/否（true 或 false）",
    "array": "列表",
    "object": "字段表",
    "null": "空值",
}


@dataclass(frozen=True)
class SchemaProblem:
    """One schema violation: a finding code, the dotted path it concerns, a Chinese message."""

    code: str
    path: str
    message: str


def _dotted(parts: Any) -> str:
    return ".".join(str(p) for p in parts)


def describe_allowed(schema: dict[str, Any], values: list[Any]) -> str:
    """``business（业务受理）、repair（供电抢修）`` from an enum and its ``enumDescriptions``."""
    names = schema.get("enumDescriptions") or []
    parts = []
    for i, value in enumerate(values):
        parts.append(f"{value}（{names[i]}）" if i < len(names) else str(value))
    return "、".join(parts)


class RecordSchema:
    """One kind's schema: validates a parsed document and explains every error in Chinese.

    Most files are valid, so a validator compiled by jsonschema-rs from the same schema
    (3 µs a visit, python-jsonschema 40 µs) answers first; only a document it rejects
    goes through python-jsonschema, whose errors carry what the Chinese messages need.
    It implements draft 2020-12 and is stricter where the two differ (``$`` in a pattern
    means end of text; infinities and non-text keys are refused), so a document it accepts
    is one python-jsonschema accepts: tests/test_fast_schema.py holds it to that.
    """

    def __init__(self, kind: str, schema: dict[str, Any]):
        Draft202012Validator.check_schema(schema)
        self.kind = kind
        self.schema = schema
        self.validator = Draft202012Validator(schema)
        self.fast = jsonschema_rs.Draft202012Validator(schema)
        self.walk = walk(schema)  # fields, titles and rules, once at compile time (never per record)

    def title(self, path: str) -> str:
        """The Chinese title of a record's dotted path, list indexes ignored (``topics.0`` → 回访内容);
        a free key's value without a title of its own has its object's (``figures.tanggu`` → 上报数字)."""
        trail = self.walk.trail(path)
        while trail and not trail[-1].title and trail[-1].key is not None:
            trail.pop()
        return trail[-1].title if trail else ""

    def label(self, path: str) -> str:
        title = self.title(path)
        return f"`{path}`（{title}）" if title else f"`{path}`"

    def is_valid(self, data: Any) -> bool:
        """The fast check alone; False may still be valid (then ``problems`` is empty)."""
        try:
            return self.fast.is_valid(data)
        except ValueError:  # a value JSON has no place for (a non-text key): python-jsonschema explains
            return False

    def problems(self, data: Any) -> list[SchemaProblem]:
        """Every violation of the schema, each explained with how to fix it."""
        if self.is_valid(data):
            return []
        found: list[SchemaProblem] = []
        for error in self.validator.iter_errors(data):
            found.extend(self._explain(error))
        return found

    def _conditional_rule(self, error: ValidationError) -> str:
        """The description of the ``then`` branch an error comes from: the rule in words."""
        node: Any = self.schema
        rule = ""
        for step in error.schema_path:
            try:
                node = node[step]
            except (KeyError, IndexError, TypeError):
                break
            if step == "then" and isinstance(node, dict):
                rule = node.get("description", "")
        return rule

    def _explain(self, error: ValidationError) -> list[SchemaProblem]:
        path = _dotted(error.absolute_path)
        rule = self._conditional_rule(error)
        keyword = error.validator
        value = error.instance
        if keyword == "required":
            missing = [name for name in error.validator_value if name not in value]
            return [
                SchemaProblem(
                    "schema-required",
                    f"{path}.{name}" if path else name,
                    f"缺少必填字段 {self.label(f'{path}.{name}' if path else name)}：请补上。"
                    + rule,
                )
                for name in missing
            ]
        if keyword == "additionalProperties":
            allowed = list(error.schema.get("properties", {}))
            problems = []
            for key in value:
                if key in allowed:
                    continue
                hint = difflib.get_close_matches(str(key), allowed, n=1)
                suggestion = f"是不是 `{hint[0]}`？" if hint else ""
                problems.append(
                    SchemaProblem(
                        "schema-unknown-key",
                        f"{path}.{key}" if path else str(key),
                        f"未知字段 `{key}`：{suggestion}请检查拼写或删除。这里允许的字段有：{'、'.join(allowed)}。",
                    )
                )
            return problems
        where = self.label(path) if path else "文件"
        if keyword in ("enum", "const"):
            allowed_values = error.validator_value if keyword == "enum" else [error.validator_value]
            return [
                SchemaProblem(
                    "schema-enum",
                    path,
                    f"{where} 的值 `{value}` 不在允许范围内。允许的值：{describe_allowed(error.schema, allowed_values)}。"
                    + rule,
                )
            ]
        if keyword == "type":
            expected = error.validator_value
            if expected == "string" and isinstance(value, (int, float)) and not isinstance(value, bool):
                return [
                    SchemaProblem(
                        "schema-number-as-text",
                        path,
                        f"{where} 写成了数字 {value}：必须加引号写成文本，如 \"{value}\"，否则开头的 0 等会丢失。",
                    )
                ]
            names = "或".join(_TYPE_NAMES.get(t, t) for t in ([expected] if isinstance(expected, str) else expected))
            return [SchemaProblem("schema-type", path, f"{where} 应为{names}，实际是{_TYPE_NAMES[json_type(value)]}：请改正。")]
        if keyword == "pattern":
            examples = error.schema.get("examples") or []
            example = f"，如 {examples[0]}" if examples else ""
            return [SchemaProblem("schema-format", path, f"{where} 的值 `{value}` 格式不对：应写成{example or '规定格式'}。"
                                  + (error.schema.get("description") or ""))]
        messages = {
            "minItems": "至少要填写一项",
            "uniqueItems": "列表中有重复的项：请删除重复项",
            "minLength": "不能为空",
            "exclusiveMinimum": f"必须大于 {error.validator_value}",
            "minimum": f"不能小于 {error.validator_value}",
            "not": rule,
        }
        if keyword in messages:
            text = rule if keyword == "not" else f"{where} {messages[keyword]}。"
            return [SchemaProblem("schema-invalid", path, text)]
        return [SchemaProblem("schema-invalid", path, f"{where} 不符合记录格式（{keyword}）：{error.message}")]


@cache
def load_schema(kind: str) -> RecordSchema:
    """The compiled schema of a file kind (``visit``, ``letter``, ``units``, …), read once."""
    path = SCHEMA_DIR / f"{kind}.schema.json"
    return RecordSchema(kind, json.loads(read_program_file(path).decode("utf-8")))
