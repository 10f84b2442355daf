"""Strict YAML reading for records: libyaml events, YAML 1.2 scalars, line numbers.

PyYAML's loaders follow YAML 1.1 (``no`` is false, ``0123`` is 83, ``1:30`` is 90)
while editors follow YAML 1.2, silently keep the last of two duplicate keys, and
accept anchors and merge keys. Records need none of that, so this module builds
plain Python values straight from libyaml's event stream:

* scalars follow the YAML 1.2 core schema (dates and times stay text);
* plain scalars that YAML 1.1 and 1.2 read differently are reported, so that the
  editor, other tools and the validator can never disagree about a file;
* duplicate keys, anchors, aliases, merge keys and custom tags are reported;
* every key and list item gets its line, for findings that point at the line.

Building from events is about twice as fast as ``CSafeLoader``; the simple layout that
nearly every record has is read line by line, about five times faster still (below).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.cyaml import CParser

if not getattr(yaml, "__with_libyaml__", False):  # pragma: no cover - depends on the PyYAML build
    raise ImportError("PyYAML 缺少 libyaml 支持：请按 requirements.txt 重新安装 PyYAML")

_NULL = frozenset({"", "~", "null", "Null", "NULL"})
_TRUE = frozenset({"true", "True", "TRUE"})
_FALSE = frozenset({"false", "False", "FALSE"})
_YAML11_BOOL = frozenset(
    w for base in ("y", "yes", "n", "no", "on", "off") for w in (base, base.capitalize(), base.upper())
)
_INT = re.compile(r"[-+]?[0-9]+\Z|0o[0-7]+\Z|0x[0-9a-fA-F]+\Z")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")
_FLOAT_SPECIAL = {
    **{f"{sign}.{word}": float(f"{sign}inf") for sign in ("", "+", "-") for word in ("inf", "Inf", "INF")},
    **{f".{word}": float("nan") for word in ("nan", "NaN", "NAN")},
}
_SEXAGESIMAL = re.compile(r"[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?\Z")
_NUMBER_START = frozenset("0123456789+-.")
# How a YAML 1.1 reader (PyYAML and most tools) recognises a number in a plain scalar: PyYAML's own patterns.
_YAML11_NUMBERS = tuple(
    (regexp, {"tag:yaml.org,2002:int": int, "tag:yaml.org,2002:float": float}[tag])
    for tag, regexp in yaml.resolver.Resolver.yaml_implicit_resolvers["0"]
    if tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
)
_STR_TAG = "tag:yaml.org,2002:str"
# Bounds far above any real record (three levels deep, numbers of a few digits) that keep a hostile file from
# exhausting the reader: nesting past MAX_DEPTH stops the reading; an integer of more than MAX_INT_DIGITS digits
# (no field needs one; Python refuses to read one of 4,300) is kept as text and reported.
MAX_DEPTH = 64
MAX_INT_DIGITS = 18


@dataclass(frozen=True)
class YamlProblem:
    """Something in the YAML text that a record must not contain."""

    code: str
    line: int
    path: str
    text: str


class YamlSyntaxError(Exception):
    """The text is not YAML at all; ``line`` is 1-based."""

    def __init__(self, line: int, problem: str):
        super().__init__(problem)
        self.line = line
        self.problem = problem


class YamlLimitError(YamlSyntaxError):
    """The text is beyond what a record can be (nested too deep): ``code`` and a Chinese ``problem``."""

    code = "yaml-too-deep"


@dataclass
class ParsedYaml:
    """A parsed document: its value, the line of every path, and the problems met."""

    data: Any
    lines: dict[str, int] = field(default_factory=dict)
    problems: list[YamlProblem] = field(default_factory=list)


def _join(parent: str, key: str) -> str:
    return f"{parent}.{key}" if parent else key


def plain_value(value: str) -> tuple[Any, str | None]:
    """A plain scalar's YAML 1.2 value, and the problem code when YAML 1.1 reads it otherwise
    (the value is then kept as text)."""
    if value in _NULL:
        return None, None
    if value in _TRUE:
        return True, None
    if value in _FALSE:
        return False, None
    if value in _YAML11_BOOL:
        return value, "yaml-ambiguous-bool"
    if value[0] not in _NUMBER_START or " " in value:  # no way of writing a number has a space
        return value, None
    digits = value.lstrip("+-")
    if len(digits) > 1 and digits[0] == "0" and digits.isdigit():
        return value, "yaml-leading-zero"
    if _SEXAGESIMAL.match(value):
        return value, "yaml-sexagesimal"
    if _INT.match(value):
        if len(digits) > MAX_INT_DIGITS:
            return value, "yaml-number-too-long"
        result: Any = int(value, 0) if value[:2] in ("0o", "0x") else int(value)
    elif _FLOAT.match(value):
        result = float(value)
    else:
        result = _FLOAT_SPECIAL.get(value, value)
    if type(result) is float and not math.isfinite(result):  # .nan, .inf, or a number too large such as 1e999
        return value, "yaml-not-finite"
    yaml11 = next((kind for regexp, kind in _YAML11_NUMBERS if regexp.match(value)), str)
    if type(result) is not yaml11:
        return value, "yaml-ambiguous-number"
    return result, None


class _Builder:
    """Turns one document's events into Python values."""

    def __init__(self, events: Any):
        self.events = events
        self.result = ParsedYaml(data=None)
        self.depth = 0

    def problem(self, code: str, event: Any, path: str, text: str = "") -> None:
        self.result.problems.append(YamlProblem(code, event.start_mark.line + 1, path, text))

    def node(self, event: Any, path: str) -> Any:
        if isinstance(event, yaml.AliasEvent):
            self.problem("yaml-anchor", event, path, f"*{event.anchor}")
            return None
        if event.anchor is not None:
            self.problem("yaml-anchor", event, path, f"&{event.anchor}")
        if isinstance(event, yaml.ScalarEvent):
            return self.scalar(event, path)
        if event.tag is not None and event.tag not in ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"):
            self.problem("yaml-tag", event, path, event.tag)
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise YamlLimitError(event.start_mark.line + 1, too_deep_message())
        value = self.mapping(path) if isinstance(event, yaml.MappingStartEvent) else self.sequence(path)
        self.depth -= 1
        return value

    def scalar(self, event: Any, path: str) -> Any:
        value = event.value
        if event.tag is not None and event.tag != "!" and event.tag != _STR_TAG:
            self.problem("yaml-tag", event, path, event.tag)
        if not event.implicit[0]:
            return value  # quoted, block, or explicitly tagged !!str: always text
        result, code = plain_value(value)
        if code is not None:
            self.problem(code, event, path, value)
        return result

    def mapping(self, path: str) -> dict[str, Any]:
        result: dict[str, Any] = {}
        while True:
            event = next(self.events)
            if isinstance(event, yaml.MappingEndEvent):
                return result
            if isinstance(event, yaml.ScalarEvent):
                key = event.value
                if key == "<<" and event.implicit[0]:
                    self.problem("yaml-merge-key", event, _join(path, key), key)
            else:
                # A list or mapping used as a key: read it to stay in step, then refuse it.
                self.problem("yaml-complex-key", event, path)
                self.node(event, path)
                key = f"?{event.start_mark.line + 1}"
            child = _join(path, key)
            if key in result:
                self.problem("yaml-duplicate-key", event, child, key)
            else:
                self.result.lines[child] = event.start_mark.line + 1
            value_event = next(self.events)
            value = self.node(value_event, child)
            if key not in result:
                result[key] = value

    def sequence(self, path: str) -> list[Any]:
        result: list[Any] = []
        while True:
            event = next(self.events)
            if isinstance(event, yaml.SequenceEndEvent):
                return result
            child = _join(path, str(len(result)))
            self.result.lines[child] = event.start_mark.line + 1
            result.append(self.node(event, child))


def too_deep_message() -> str:
    return (f"列表或字段嵌套超过 {MAX_DEPTH} 层（常见于多余的 [ 或 {{，或缩进一层套一层）：记录只有两三层，"
            "请检查这一行起的括号和缩进。")


def parse_yaml(text: str) -> ParsedYaml:
    """Parse one YAML document of a record file.

    Raises :class:`YamlSyntaxError` for text that is not YAML or holds several
    documents; everything else that a record must not contain is returned in
    ``problems`` together with the best reading of the data.
    """
    return read_simple_layout(text) or parse_with_libyaml(text)


def parse_with_libyaml(text: str) -> ParsedYaml:
    """``parse_yaml`` through libyaml's events, whatever the layout."""
    parser = CParser(text)  # libyaml's parser alone: no constructor or resolver to set up per file
    try:
        return _read_document(parser)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        raise YamlSyntaxError(line, f"{exc.context or ''} {exc.problem or ''}".strip()) from None
    except yaml.YAMLError as exc:  # pragma: no cover - libyaml reports marks for all syntax errors
        raise YamlSyntaxError(1, str(exc)) from None
    finally:
        parser.dispose()


def _read_document(parser: Any) -> ParsedYaml:
    events = iter(parser.get_event, None)
    builder = _Builder(events)
    next(events)  # StreamStart
    event = next(events)
    if isinstance(event, yaml.StreamEndEvent):
        return builder.result
    builder.result.lines[""] = 1
    builder.result.data = builder.node(next(events), "")
    next(events)  # DocumentEnd
    extra = next(events)
    if not isinstance(extra, yaml.StreamEndEvent):
        for _ in events:
            pass  # a syntax error further on is reported first, as it is the first thing to fix
        raise YamlSyntaxError(extra.start_mark.line + 1, "一个文件里有多个 YAML 文档（---）")
    return builder.result


# The layout that the record tools write and nearly every record has: ``key: value`` lines, nested
# mappings indented under ``key:``, ``- item`` lists and one-line ``[a, b]`` lists of words, scalars
# plain or quoted without escapes. Read line by line it costs half of what libyaml's events do;
# anything else (comments, flow mappings, block scalars, escapes, tabs, odd characters, anything
# YAML 1.1 reads differently, anything invalid) is left to libyaml.
_OUTSIDE_LAYOUT = re.compile(r"[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
# One line of the layout, trailing spaces allowed: ``key:``, ``key: value`` or ``- item`` (a blank line is not).
_LINE = re.compile(r"^( *)(?:([A-Za-z_][A-Za-z0-9_]*):(?: +([^\n]*[^ \n]))?|- +([^\n]*[^ \n])) *$", re.MULTILINE)
_PLAIN_START_REFUSED = frozenset("-?:,[]{}#&*!|>'\"%@`")
_FLOW_ITEM_REFUSED = re.compile(r"[\[\]{}#\"':]")


class _OutsideLayout(Exception):
    """The text is not in the simple layout: libyaml reads it."""


def _simple_scalar(text: str) -> Any:
    """A quoted text without escapes, or a plain scalar that YAML 1.1 and 1.2 read alike."""
    first = text[0]
    if first == '"' or first == "'":
        inner = text[1:-1]
        if len(text) < 2 or text[-1] != first or first in inner or (first == '"' and "\\" in inner):
            raise _OutsideLayout
        return inner
    if first in _PLAIN_START_REFUSED and not (first == "-" and text[1:2].isdigit()):
        raise _OutsideLayout
    if ": " in text or " #" in text or text[-1] == ":":
        raise _OutsideLayout
    value, problem = plain_value(text)
    if problem is not None:
        raise _OutsideLayout
    return value


def _flow_list(text: str, path: str, number: int, lines: dict[str, int]) -> list[Any]:
    """A one-line ``[a, b]`` list whose items get the line of its key."""
    if text[-1] != "]":
        raise _OutsideLayout
    inner = text[1:-1].strip(" ")
    if not inner:
        return []
    if _FLOW_ITEM_REFUSED.search(inner):
        raise _OutsideLayout
    items = []
    for n, item in enumerate(inner.split(",")):
        item = item.strip(" ")
        if not item:
            raise _OutsideLayout
        lines[f"{path}.{n}"] = number
        items.append(_simple_scalar(item))
    return items


class _SimpleReader:
    """Builds the value from the layout's lines, block by block; raises _OutsideLayout at anything else."""

    def __init__(self, text: str):
        found = _LINE.findall(text)
        if len(found) != text.count("\n") + (not text.endswith("\n")):
            raise _OutsideLayout  # a line of another kind, or a blank line
        # (line number, indent, key or None for a list item, value text or None)
        self.rows = [(number, len(indent), key or None, (value or None) if key else item)
                     for number, (indent, key, value, item) in enumerate(found, 1)]
        self.lines: dict[str, int] = {"": 1}
        self.at = 0

    def mapping(self, indent: int, path: str) -> dict[str, Any]:
        result: dict[str, Any] = {}
        rows, lines = self.rows, self.lines
        end, at = len(rows), self.at
        prefix = f"{path}." if path else ""
        too_deep = (path.count(".") + 3 if path else 2) > MAX_DEPTH  # a list or mapping in here: libyaml reports it
        while at < end:
            number, row_indent, key, text = rows[at]
            if row_indent < indent or (key is None and row_indent == indent):
                break  # the end of this mapping (or of an indentless list under the parent's key)
            if row_indent > indent or key is None or key in result:
                raise _OutsideLayout
            child = prefix + key
            lines[child] = number
            at += 1
            if text is not None:  # nearly every row: a scalar, or a one-line list
                if text[0] != "[":
                    result[key] = _simple_scalar(text)
                elif too_deep:
                    raise _OutsideLayout
                else:
                    result[key] = _flow_list(text, child, number, lines)
                continue
            self.at = at
            following = rows[at] if at < end else None
            if following is None or following[1] < indent or (following[1] == indent and following[2] is not None):
                result[key] = None
            elif too_deep:
                raise _OutsideLayout
            elif following[2] is None:
                result[key] = self.sequence(following[1], child)
            else:
                result[key] = self.mapping(following[1], child)
            at = self.at
        self.at = at
        return result

    def sequence(self, indent: int, path: str) -> list[Any]:
        result: list[Any] = []
        rows = self.rows
        while self.at < len(rows):
            number, row_indent, key, text = rows[self.at]
            if row_indent < indent or (row_indent == indent and key is not None):
                break
            if row_indent > indent or key is not None:
                raise _OutsideLayout
            child = f"{path}.{len(result)}"
            self.lines[child] = number
            self.at += 1
            result.append(_simple_scalar(text))
        return result


def read_simple_layout(text: str) -> ParsedYaml | None:
    """The document read line by line when it is in the simple layout (then exactly what
    libyaml's events give, with no problems to report), else None."""
    if _OUTSIDE_LAYOUT.search(text):
        return None
    try:
        reader = _SimpleReader(text)
        if not reader.rows or reader.rows[0][1] != 0:
            return None
        data = reader.mapping(0, "")
    except _OutsideLayout:
        return None
    if reader.at != len(reader.rows):
        return None
    return ParsedYaml(data, reader.lines)
