"""Making records for staff: fields from the schemas, ids, paths, tidy YAML text, amendments in place.

``scripts/new_record.py`` (``cli.new``) asks or reads the values; this module knows
what a record of each kind holds and writes it the way people read it. Everything it needs
to know about a field (title, allowed values and their Chinese names, format, conditions)
comes from ``schemas/``, so a field added there is offered by the command without a change
here beyond, at most, its place in the prompt order and a friendlier flag name.
"""

from __future__ import annotations

import csv
import json
import os
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable

import yaml

from . import kinds
from .engine.loader import MAX_FILE_BYTES
from .schemas import load_schema
from .schemawalk import Field as SchemaField
from .timeutil import BEIJING, format_time, parse_time
from .yamlread import YamlSyntaxError, parse_yaml


# The kinds the command makes: those with ids of their own and a month folder (kinds.py).
KINDS: dict[str, kinds.Kind] = {k.name: k for k in kinds.all_kinds() if k.id_prefix and k.start_fields}

# Fields a new record never has: the id is allocated; ``amend`` appends amendments, ``void`` voids.
_NOT_ASKED = {"id", "amendments", "void"}

# Prompt order where the schema order is not the natural one: the work order first, since the
# imported orders fill the category, the trigger, the unit and the customer. Others follow in schema order.
_ORDER = {
    "visit": (
        "trigger.order", "category", "round", "unit", "trigger.kind", "trigger.archived_at", "trigger.disaster",
        "customer.account", "customer.name", "customer.phone", "customer.kind", "customer.voltage_kv",
        "customer.groups", "method", "visited_at", "visitor", "topics", "reached", "satisfaction", "opinion",
        "follow_up",
    ),
}

# Friendlier flags than the dotted path (``--customer-account``); the rest are derived from the path.
_FLAGS = {
    "visit": {
        "trigger.order": "--order",
        "trigger.kind": "--trigger-kind",
        "trigger.archived_at": "--archived-at",
        "trigger.disaster": "--disaster",
        "customer.account": "--account",
        "customer.name": "--name",
        "customer.phone": "--phone",
        "customer.kind": "--customer-kind",
        "customer.voltage_kv": "--voltage-kv",
        "customer.groups": "--groups",
    },
}

Answers = dict[str, Any]  # dotted field path → value

# Optional fields that only make sense in some records: asked only then (required ones are always asked).
_ASK_WHEN: dict[str, dict[str, Callable[[Answers], bool]]] = {
    "visit": {
        "trigger.disaster": lambda a: a.get("category") == "repair",
        "round": lambda a: a.get("category") == "card",
        "customer.voltage_kv": lambda a: a.get("customer.kind") == "non-residential",
        "follow_up": lambda a: a.get("satisfaction") in ("basic", "dissatisfied"),
    },
    "letter": {
        "reply": lambda a: "replied_at" in a,
        "originals.reply": lambda a: "replied_at" in a,
    },
}

# A work order's business kind tells the archive category (第十三条) and the usual topics and method.
_CATEGORY_OF_TRIGGER = {"repair": "repair", "new-install": "business", "change": "business"}
_TOPICS_OF_CATEGORY = {"repair": ["repair"], "business": ["business"]}
_METHOD_OF_CATEGORY = {"card": "card", "large-customer": "visit"}


class InputError(ValueError):
    """A value a person typed or passed that the record cannot take; the message is Chinese."""


@dataclass(frozen=True)
class Field:
    """One leaf field of a record kind, as the schema describes it."""

    path: str
    flag: str
    title: str
    description: str
    type: str  # string | number | integer | boolean | array
    schema: dict[str, Any]
    enum: tuple[str, ...] = ()
    enum_names: tuple[str, ...] = ()
    quoted: bool = False  # text that may be all digits (户号、电话、工单号): always written in double quotes

    def name_of(self, value: Any) -> str:
        """The Chinese name of an allowed value, or ``""``."""
        if value in self.enum and self.enum.index(value) < len(self.enum_names):
            return self.enum_names[self.enum.index(value)]
        return ""


@dataclass
class Context:
    """What values are checked against besides the schema: now, and the units and disasters on file."""

    root: Path
    as_of: datetime
    units: dict[str, str]  # unit id → name
    disasters: dict[str, str]  # disaster id → name


@dataclass(frozen=True)
class Problem:
    """Why a set of answers cannot be written: the field path (``""`` for the record) and a Chinese message."""

    path: str
    message: str
    required: bool = False


# --------------------------------------------------------------------------- schema → fields


def subschema(kind: str, path: str) -> dict[str, Any]:
    """The schema of a dotted path (list items are looked through), or ``{}``."""
    field = load_schema(kind).walk.at(path)
    return field.schema if field is not None else {}


def record_fields(kind: str, *, all_fields: bool = False) -> list[Field]:
    """Every field a new record may have, in prompt order; ``all_fields`` adds ``void`` and the rest."""
    leaves = {
        f.path: f for f in load_schema(kind).walk.fields
        if not f.repeated and "object" not in f.types
        and (all_fields and f.path != "id" or f.path.split(".")[0] not in _NOT_ASKED)
    }
    order = [p for p in _ORDER.get(kind, ()) if p in leaves] + [p for p in leaves if p not in _ORDER.get(kind, ())]
    flags = _FLAGS.get(kind, {})
    fields = []
    for path in order:
        leaf = leaves[path]
        fields.append(
            Field(
                path=path,
                flag=flags.get(path, "--" + path.replace(".", "-").replace("_", "-")),
                title=leaf.title,
                description=leaf.description,
                type=leaf.type,
                schema=leaf.schema,
                enum=tuple(v for v, _ in leaf.choices),
                enum_names=tuple(name for _, name in leaf.choices if name is not None),
                quoted=leaf.type == "string" and bool(re.search(leaf.pattern or "^$", "0123456789")),
            )
        )
    return fields


# --------------------------------------------------------------------------- answers → record


def get_path(data: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data


def build_record(kind: str, answers: Answers, record_id: str | None = None) -> dict[str, Any]:
    """The nested record of flat answers, keys in schema order (the order the file is written in)."""
    data: dict[str, Any] = {}
    if record_id is not None:
        data["id"] = record_id
    for path, value in answers.items():
        node = data
        *parents, leaf = path.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return _schema_ordered(load_schema(kind).walk.root, data)


def _schema_ordered(field: SchemaField | None, data: dict[str, Any]) -> dict[str, Any]:
    children = field.children if field is not None else {}
    keys = [k for k in children if k in data] + [k for k in data if k not in children]
    return {k: _schema_ordered(children.get(k), data[k]) if isinstance(data[k], dict) else data[k] for k in keys}


def flatten(data: dict[str, Any], prefix: str = "") -> Answers:
    """The answers a record holds: leaf paths (lists are leaves), the id left out."""
    answers: Answers = {}
    for key, value in data.items():
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            answers.update(flatten(value, path))
        elif path != "id":
            answers[path] = value
    return answers


def _required_missing(kind: str, data: dict[str, Any]) -> list[str]:
    """Dotted paths the schema requires (given the values so far) that are not there."""
    missing = []
    for error in load_schema(kind).validator.iter_errors(data):
        if error.validator == "required":
            parent = ".".join(str(p) for p in error.absolute_path)
            missing += [f"{parent}.{n}" if parent else n for n in error.validator_value if n not in error.instance]
    return list(dict.fromkeys(missing))  # jsonschema reports the whole list once per missing name


def is_required(kind: str, answers: Answers, path: str) -> bool:
    """Whether the schema requires ``path`` once its parent objects exist, given the answers so far."""
    data = build_record(kind, answers)
    node = data
    for part in path.split(".")[:-1]:
        node = node.setdefault(part, {})
    return path in _required_missing(kind, data)


def present(answers: Answers, prefix: str) -> bool:
    """Whether any answer lies at or below ``prefix``."""
    return any(p == prefix or p.startswith(prefix + ".") for p in answers)


def ask_when(kind: str, path: str, answers: Answers) -> bool:
    """Whether an optional field applies to a record with these answers."""
    rule = _ASK_WHEN.get(kind, {}).get(path)
    return rule is None or rule(answers)


def problems(kind: str, answers: Answers, context: Context) -> list[Problem]:
    """Everything that stops these answers from making a valid record, by field path."""
    placeholder = f"{KINDS[kind].id_prefix}-00000000-0000"
    data = build_record(kind, answers, placeholder)
    schema = load_schema(kind)
    found: list[Problem] = []
    explained = [p for p in schema.problems(data) if p.path != "id"]
    for path in _required_missing(kind, data):
        message = next((p.message for p in explained if p.code == "schema-required" and f"`{path}`" in p.message), "")
        found.append(Problem(path, message or f"缺少必填项 {schema.label(path)}。", required=True))
    # A value outside a conditionally narrowed list breaks both lists: tell only the narrower (later) one.
    last_enum = {p.path: p for p in explained if p.code == "schema-enum"}
    found += [
        Problem(p.path, p.message) for p in explained
        if p.code != "schema-required" and (p.code != "schema-enum" or last_enum[p.path] is p)
    ]
    return found + _value_problems(kind, answers, context)


def _value_problems(kind: str, answers: Answers, context: Context) -> list[Problem]:
    """What the schema cannot say: units and disasters on file, times that are real, past and in order."""
    found: list[Problem] = []
    unit = answers.get("unit")
    if isinstance(unit, str) and context.units and unit not in context.units:
        found.append(Problem("unit", f"单位 `{unit}` 不在 records/units.yaml 中。可选：{describe(context.units)}。"))
    disaster = answers.get("trigger.disaster")
    if isinstance(disaster, str) and disaster not in context.disasters:
        known = describe(context.disasters) or "（目前没有）"
        found.append(Problem("trigger.disaster", f"自然灾害 `{disaster}` 未在 records/disasters.yaml 中认定。已认定：{known}。"))
    moments: dict[str, datetime] = {}
    for path in kinds.by_name(kind).time_fields:
        text = answers.get(path)
        if not isinstance(text, str):
            continue
        try:
            moment = parse_time(text, end_of_day=len(text) == 10)
        except ValueError as exc:
            found.append(Problem(path, f"{exc}。"))
            continue
        moments[path] = moment
        if (moment.date() > context.as_of.date()) if len(text) == 10 else (moment > context.as_of):
            found.append(Problem(path, f"{text} 晚于当前时间 {format_time(context.as_of)}：不能预先登记，请核对。"))
    visited, archived = moments.get("visited_at"), moments.get("trigger.archived_at")
    if kind == "visit" and visited and archived and before_at_precision(
            visited, answers["visited_at"], archived, answers["trigger.archived_at"]):
        found.append(Problem("visited_at", f"回访时间 {format_time(visited)} 早于业务归档时间 {format_time(archived)}：回访应在归档之后，请核对。"))
    received, replied = moments.get("received_at"), moments.get("replied_at")
    if kind == "letter" and received and replied and replied.date() < received.date():
        found.append(Problem("replied_at", f"复函日期 {replied:%Y-%m-%d} 早于收函日期 {received:%Y-%m-%d}：请核对。"))
    return found


def _has_seconds(text: str) -> bool:
    return bool(re.search(r"\d{2}:\d{2}:\d{2}", text))


def before_at_precision(early: datetime, early_text: str, late: datetime, late_text: str) -> bool:
    """Whether ``early`` is before ``late`` at the precision both texts have (a minute when either has no seconds)."""
    if not (_has_seconds(early_text) and _has_seconds(late_text)):
        early, late = early.replace(second=0), late.replace(second=0)
    return early < late


def same_at_precision(typed: str, known: str) -> bool:
    """Whether a typed time is ``known`` as far as it says (``08:10`` agrees with ``08:10:35``)."""
    try:
        a, b = parse_time(typed), parse_time(known)
    except ValueError:
        return False
    if not (_has_seconds(typed) and _has_seconds(known)):
        a, b = a.replace(second=0), b.replace(second=0)
    return a == b


def new_problems(kind: str, answers: Answers, path: str, value: Any, context: Context) -> list[Problem]:
    """Problems that setting ``path`` to ``value`` brings, fields still to be asked aside."""
    before = {p for p in problems(kind, answers, context) if not p.required}
    after = problems(kind, {**answers, path: value}, context)
    return [p for p in after if not p.required and p not in before]


def value_choices(field: Field, context: Context | None = None) -> list[tuple[str, str]] | None:
    """(value, Chinese name) of every value a field can take: the schema's list, or the units and
    disasters on file; None for free text."""
    if context is not None and field.path == "unit":
        return list(context.units.items())
    if context is not None and field.path == "trigger.disaster":
        return list(context.disasters.items())
    return [(v, field.name_of(v)) for v in field.enum] if field.enum else None


def allowed_values(kind: str, field: Field, answers: Answers, context: Context) -> list[tuple[str, str]] | None:
    """The choices left given the answers so far: the schema's conditions narrow single values."""
    choices = value_choices(field, context)
    if choices is None or field.type == "array" or not field.enum:
        return choices
    return [(v, n) for v, n in choices if not new_problems(kind, answers, field.path, v, context)]


def describe(values: dict[str, str] | list[tuple[str, str]]) -> str:
    """``repair（供电抢修）、business（业务受理）``."""
    pairs = values.items() if isinstance(values, dict) else values
    return "、".join(f"{v}（{n}）" if n else v for v, n in pairs)


# --------------------------------------------------------------------------- typed input

_TRUE_WORDS = {"是", "true", "yes", "y"}
_FALSE_WORDS = {"否", "false", "no", "n"}
_INTEGER = re.compile(r"[+-]?[0-9]{1,15}")
_DECIMAL = re.compile(r"[+-]?(?=[0-9.]{1,16}\Z)[0-9]+(?:\.[0-9]+)?")
_SPLIT = re.compile(r"[,，、;；\s]+")
_LOOSE_TIME = re.compile(
    r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T]+(\d{1,2})[:：时点](\d{1,2})分?(?:[:：](\d{1,2})秒?)?)?\Z"
)


def readable(text: str) -> str:
    """``text`` if it is real text; bytes that were not UTF-8 (kept as surrogates) are refused in Chinese."""
    if any("\ud800" <= c <= "\udfff" for c in text):
        shown = text.encode("utf-8", "backslashreplace").decode("ascii", "backslashreplace")[:60]
        raise InputError(f"“{shown}”含有无法识别的字节（不是 UTF-8 编码的文字）：请把终端或文件改成 UTF-8 后重新输入。")
    return text


def parse_answer(kind: str, field: Field, text: str, choices: list[tuple[str, str]] | None = None) -> Any:
    """The value of a typed answer or flag. ``choices`` (value, name) also accept their number or name.

    Raises :class:`InputError` with the allowed values when the text cannot be that field's value.
    """
    text = readable(text).strip()
    if field.type == "boolean":
        word = text.lower()
        if word in _TRUE_WORDS or word in _FALSE_WORDS:
            return word in _TRUE_WORDS
        raise InputError(f"“{text}”不是是/否：请填写 是 或 否（也可写 true 或 false）。")
    if field.type in ("number", "integer"):
        pattern = _INTEGER if field.type == "integer" else _DECIMAL
        if not pattern.fullmatch(text):  # no nan, inf, 1e999, 1_0 or a 5,000-digit number: nothing a record needs
            example = (field.schema.get("examples") or [10])[0]
            kind = "整数" if field.type == "integer" else "数字"
            raise InputError(f"“{text[:40]}”不是{kind}：请填写不超过 15 位的{kind}，如 {example}。")
        return float(text) if "." in text else int(text)
    if field.type == "array":
        picked = []
        for part in filter(None, _SPLIT.split(text)):
            value = _choice(part, choices) if choices else part
            if value not in picked:
                picked.append(value)
        return picked
    text = _unquoted(text)
    if field.quoted:
        text = re.sub(r"\s+", "", text)
    if field.path in kinds.by_name(kind).time_fields:
        return normalize_time(kind, field, text)
    return _choice(text, choices) if choices else text


_QUOTES = {'"': '"', "'": "'", "“": "”", "‘": "’", "「": "」"}


def _unquoted(text: str) -> str:
    """``"0212345678"`` → ``0212345678``: people quote what the file keeps in quotes; the quotes are not the value."""
    if len(text) >= 2 and _QUOTES.get(text[0]) == text[-1]:
        return text[1:-1].strip()
    return text


_QUOTE_CLAUSE = re.compile(r"[^，。]*加引号[^，。]*[，。]?")


def prompt_description(field: Field) -> str:
    """A field's description as a question: what the file needs (quotes) is said as what the command does."""
    if not field.quoted or "加引号" not in field.description:
        return field.description
    text = _QUOTE_CLAUSE.sub("", field.description).rstrip("，")
    if text and not text.endswith("。"):
        text += "。"
    return text + "直接输入即可（加不加引号都行），写入文件时会自动加上引号。"


def _choice(text: str, choices: list[tuple[str, str]]) -> str:
    """A value picked by itself, its 1-based number or its Chinese name; anything else is left to the schema."""
    if text.isdigit() and 1 <= int(text) <= len(choices):
        return choices[int(text) - 1][0]
    by_name = {name: value for value, name in choices if name}
    return by_name.get(text, text)


def normalize_time(kind: str, field: Field, text: str) -> str:
    """A time as the archive writes it: ``2026-11-26 10:00``; a trigger's archive time with offset.

    Accepts what people type (``2026/11/26 9:05``, ``2026年11月26日``); a bare date stays a date
    where the field allows one.
    """
    try:
        moment = parse_time(text)
        has_time = len(text.strip()) > 10
    except ValueError:
        match = _LOOSE_TIME.match(text.replace("  ", " "))
        if not match:
            raise InputError(f"“{text}”不是日期或时间：请写成如 2026-11-26 10:00。") from None
        year, month, day, hour, minute, second = match.groups()
        has_time = hour is not None
        try:
            moment = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0), tzinfo=BEIJING)
        except ValueError:
            raise InputError(f"“{text}”这个日期或时间不存在：请核对年月日和时分。") from None
    if not has_time:
        if not re.match(field.schema.get("pattern", ""), "2000-01-01"):
            raise InputError(f"“{text}”只有日期：{field.title}要写到分钟，如 {moment:%Y-%m-%d} 10:00。")
        return f"{moment:%Y-%m-%d}"
    if field.path == "trigger.archived_at":
        return moment.astimezone(BEIJING).isoformat(timespec="seconds")
    return format_time(moment)


# --------------------------------------------------------------------------- defaults and look-ups


def default_for(kind: str, path: str, answers: Answers, context: Context) -> Any:
    """What a field usually is, given the answers so far; None when there is no sensible guess."""
    if path == "visited_at":
        return format_time(context.as_of)
    if path == "received_at":
        return f"{context.as_of.astimezone(BEIJING):%Y-%m-%d}"
    category = answers.get("category")
    if path == "category":
        return _CATEGORY_OF_TRIGGER.get(answers.get("trigger.kind"))
    if kind == "visit" and path == "method" and category:
        return _METHOD_OF_CATEGORY.get(category, "phone")
    if kind == "visit" and path == "topics":
        return _TOPICS_OF_CATEGORY.get(category)
    return None


def find_order(root: Path, order: str) -> tuple[Answers, str] | None:
    """The answers a work order gives (trigger, unit, customer) and where they came from.

    A previous attempt on the same order wins, so that all attempts agree; otherwise the
    monthly orders file ``records/orders/<YYYY>-<MM>.csv`` (header
    ``order,kind,unit,account,customer_kind,archived_at`` and optionally ``groups``).
    """
    found = _previous_attempt(root, order)
    return found if found else _orders_file_row(root, order)


def _previous_attempt(root: Path, order: str) -> tuple[Answers, str] | None:
    needle = order.encode("utf-8")
    for path in sorted((root / "records" / "visits").rglob("*.yaml"), reverse=True):
        try:
            regular = path.is_file() and not path.is_symlink() and path.stat().st_size <= MAX_FILE_BYTES
            raw = path.read_bytes() if regular else b""
        except OSError:
            continue
        if needle not in raw:
            continue
        try:
            data = parse_yaml(raw.decode("utf-8-sig")).data
        except (UnicodeDecodeError, YamlSyntaxError, RecursionError):
            continue  # the validator tells what is wrong with it; here it just cannot say anything
        if not isinstance(data, dict) or get_path(data, "trigger.order") != order or "void" in data:
            continue
        answers = {
            p: get_path(data, p)
            for p in ("category", "unit", "trigger.kind", "trigger.archived_at", "trigger.disaster")
            if get_path(data, p) is not None
        }
        customer = data.get("customer")
        if isinstance(customer, dict):
            answers.update({f"customer.{k}": v for k, v in customer.items()})
        return answers, f"上一次回访 {path.relative_to(root).as_posix()}"
    return None


def _orders_file_row(root: Path, order: str) -> tuple[Answers, str] | None:
    for path in sorted((root / "records" / "orders").glob("*.csv"), reverse=True):
        try:
            rows = list(csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines()))
        except (OSError, UnicodeDecodeError, csv.Error):
            continue
        for row in rows:
            if (row.get("order") or "").strip() != order:
                continue
            answers: Answers = {
                "trigger.kind": (row.get("kind") or "").strip(),
                "unit": (row.get("unit") or "").strip(),
                "customer.account": (row.get("account") or "").strip(),
                "customer.kind": (row.get("customer_kind") or "").strip(),
            }
            try:
                answers["trigger.archived_at"] = parse_time(row.get("archived_at") or "").isoformat(timespec="seconds")
            except ValueError:
                pass
            groups = (row.get("groups") or "").split()
            if groups:
                answers["customer.groups"] = groups
            answers = {k: v for k, v in answers.items() if v}
            if "trigger.kind" in answers and answers["trigger.kind"] in _CATEGORY_OF_TRIGGER:
                answers["category"] = _CATEGORY_OF_TRIGGER[answers["trigger.kind"]]
            return answers, f"工单文件 {path.relative_to(root).as_posix()}"
    return None


def load_context(root: Path, as_of: datetime) -> Context:
    """Units and disasters as the files list them; a file that cannot be read lists nothing."""
    return Context(root, as_of, _named_list(root / "records" / "units.yaml", "units"),
                   _named_list(root / "records" / "disasters.yaml", "disasters"))


def _named_list(path: Path, key: str) -> dict[str, str]:
    try:
        data = parse_yaml(path.read_text(encoding="utf-8-sig")).data
    except (OSError, UnicodeDecodeError, YamlSyntaxError):
        return {}
    items = data.get(key) if isinstance(data, dict) else None
    return {
        item["id"]: str(item.get("name", ""))
        for item in items or []
        if isinstance(item, dict) and isinstance(item.get("id"), str)
    }


# --------------------------------------------------------------------------- ids and paths


def allocate_id(root: Path, kind: str, day: date) -> str:
    """The next free id of a day (``HF-20261126-0004``), counting every file of the whole archive."""
    prefix = f"{KINDS[kind].id_prefix}-{day:%Y%m%d}-"
    used = [
        int(path.stem[len(prefix):])
        for path in (root / "records").rglob(f"{prefix}*")
        if path.stem[len(prefix):].isdigit()
    ]
    return f"{prefix}{max(used, default=0) + 1:04d}"


def record_relpath(kind: str, data: dict[str, Any]) -> str:
    """``records/<folder>/<unit>/<YYYY>/<MM>/<id>.yaml``, the month being that of the start event."""
    spec = KINDS[kind]
    start = next(get_path(data, p) for p in spec.start_fields if get_path(data, p) is not None)
    return f"{spec.month_folder(data['unit'], parse_time(start))}{data['id']}.yaml"


def schema_modeline(kind: str, relpath: str) -> str:
    """The first line that tells VS Code's YAML extension which schema the file follows."""
    target = os.path.relpath(f"schemas/{kind}.schema.json", os.path.dirname(relpath)).replace(os.sep, "/")
    return f"# yaml-language-server: $schema={target}"


# --------------------------------------------------------------------------- writing YAML


def _plain_ok(text: str, flow: bool = False) -> bool:
    """Whether ``text`` may be written without quotes and still read back as exactly that text."""
    if not text or text != text.strip() or "\n" in text or (flow and any(c in text for c in ",[]{}")):
        return False
    probe = f"k: [{text}]  # x\n" if flow else f"k: {text}  # x\n"
    try:
        parsed = parse_yaml(probe)
    except YamlSyntaxError:
        return False
    return not parsed.problems and parsed.data == {"k": [text] if flow else text}


def yaml_scalar(value: Any, quoted: bool = False, flow: bool = False) -> str:
    """One value as YAML text; text is quoted (JSON style, valid YAML) when it must be."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(yaml_scalar(item, flow=True) for item in value) + "]"
    if quoted or not _plain_ok(value, flow):
        return json.dumps(value, ensure_ascii=False)
    return value


def field_comment(kind: str, path: str, value: Any, names: dict[str, dict[str, str]] | None = None) -> str:
    """``档案分类（第十三条）：供电抢修`` — the field's title and the Chinese name of its value."""
    field = load_schema(kind).walk.at(path)
    title = field.title if field is not None else ""
    known = {value: name for value, name in field.choices if name} if field is not None else {}
    known.update((names or {}).get(path, {}))
    values = value if isinstance(value, list) else [value]
    named = [known[v] for v in values if isinstance(v, str) and known.get(v)]
    return f"{title}：{'、'.join(named)}" if title and named else title


def _line(indent: str, key: str, value: str, comment: str) -> str:
    text = f"{indent}{key}:" + (f" {value}" if value else "")
    return f"{text}  # {comment}" if comment else text


def render_record(kind: str, data: dict[str, Any], relpath: str, names: dict[str, dict[str, str]] | None = None) -> str:
    """The file text of a new record: schema line, a header, one field a line with its meaning.

    ``names`` gives Chinese names of values the schema does not list (``{"unit": {"tanggu": "塘沽供电分公司"}}``).
    The text is read back with the archive's own reader and must give exactly ``data``.
    """
    schema = load_schema(kind).schema
    lines = [
        schema_modeline(kind, relpath),
        f"# {schema.get('title', kind)}：每个字段后面的注释是它的含义；字段说明见网站“记录格式”页，",
        "# 在 VS Code 中把鼠标停在字段名上也能看到。改动后运行 python scripts/validate.py 校验。",
    ]
    quoted = {f.path for f in record_fields(kind) if f.quoted}

    def emit(node: dict[str, Any], prefix: str, indent: str) -> None:
        for key, value in node.items():
            path = f"{prefix}.{key}" if prefix else key
            if isinstance(value, dict):
                lines.append(_line(indent, key, "", field_comment(kind, path, None, names)))
                emit(value, path, indent + "  ")
            else:
                lines.append(_line(indent, key, yaml_scalar(value, path in quoted), field_comment(kind, path, value, names)))

    emit(data, "", "")
    text = "\n".join(lines) + "\n"
    _check_round_trip(text, data)
    return text


def _check_round_trip(text: str, data: dict[str, Any]) -> None:
    parsed = parse_yaml(text)
    if parsed.problems or parsed.data != data:  # pragma: no cover - a bug in this module, never the user's
        raise RuntimeError(f"生成的 YAML 读回后与输入不一致：{parsed.data!r} != {data!r}")


# --------------------------------------------------------------------------- amending in place


@dataclass(frozen=True)
class _Node:
    """Where a value sits in the text: character offsets of the value and of its key."""

    kind: str  # scalar | mapping | sequence
    start: int
    end: int  # just after the node's last character of content
    flow: bool
    key_start: int | None  # the key that holds it, for mapping entries
    child_start: int | None  # its first key or item, for collections


def _nodes(text: str) -> dict[str, _Node]:
    """Every value node of a document by dotted path (``""`` is the document's mapping)."""
    events = iter(yaml.parse(text, Loader=yaml.SafeLoader))
    found: dict[str, _Node] = {}

    def walk(event: Any, path: str, key_start: int | None) -> int:
        if isinstance(event, yaml.ScalarEvent):
            found[path] = _Node("scalar", event.start_mark.index, event.end_mark.index, False, key_start, None)
            return event.end_mark.index
        is_map = isinstance(event, yaml.MappingStartEvent)
        end_type = yaml.MappingEndEvent if is_map else yaml.SequenceEndEvent
        last, first, index = event.end_mark.index, None, 0
        while not isinstance(child := next(events), end_type):
            first = child.start_mark.index if first is None else first
            if is_map:
                last = walk(next(events), f"{path}.{child.value}" if path else child.value, child.start_mark.index)
            else:
                last = walk(child, f"{path}.{index}" if path else str(index), None)
                index += 1
        flow = bool(event.flow_style)
        end = child.end_mark.index if flow else last
        found[path] = _Node("mapping" if is_map else "sequence", event.start_mark.index, end, flow, key_start, first)
        return end

    for event in events:
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent, yaml.ScalarEvent)):
            walk(event, "", None)
            break
    return found


def _line_start(text: str, index: int) -> int:
    return text.rfind("\n", 0, index) + 1


def _indent_at(text: str, index: int) -> int:
    """The indentation of the line holding ``index`` (for a list item, the column of its dash)."""
    start = _line_start(text, index)
    line = text[start:index]
    return len(line) - len(line.lstrip(" "))


def _after_line(text: str, index: int) -> int:
    """Where a new line goes after the line holding ``index``."""
    if index > 0 and text[index - 1] == "\n":
        return index
    newline = text.find("\n", index)
    return len(text) if newline < 0 else newline + 1


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def _insert_lines(text: str, position: int, lines: list[str]) -> str:
    nl = _newline(text)
    if position == len(text) and text and not text.endswith("\n"):
        text, position = text + nl, position + len(nl)
    return text[:position] + "".join(line + nl for line in lines) + text[position:]


def set_field(kind: str, text: str, field: Field, value: Any, names: dict[str, dict[str, str]] | None = None) -> str:
    """``text`` with one field set to ``value``, every other byte unchanged.

    An existing value is replaced where it stands (its generated comment follows the new value);
    a missing field gets its own line at the end of its parent block (top-level fields go before
    ``amendments``). Raises InputError where that cannot be done without rewriting more.
    """
    nodes = _nodes(text)
    rendered = yaml_scalar(value, field.quoted)
    node = nodes.get(field.path)
    if node is not None:
        if node.kind == "mapping" or (node.kind == "sequence" and not node.flow):
            raise InputError(f"`{field.path}` 写成了多行，无法只改一行：请直接编辑文件。")
        line_end = text.find("\n", node.end)
        line_end = len(text) if line_end < 0 else line_end
        rest = text[node.end:line_end]
        comment = re.match(r"(\s+#\s?)(.*?)(\r?)$", rest)
        old = get_path(parse_yaml(text).data, field.path)
        if comment and comment.group(2) == field_comment(kind, field.path, old, names):
            rest = comment.group(1) + field_comment(kind, field.path, value, names) + comment.group(3)
        space = " " if node.start == node.end and text[node.start - 1] == ":" else ""  # `key:` with no value
        return text[:node.start] + space + rendered + rest + text[line_end:]
    parts = field.path.split(".")
    depth = max(i for i in range(len(parts)) if ".".join(parts[:i]) in nodes)
    parent_path = ".".join(parts[:depth])
    parent = nodes[parent_path]
    if parent.kind != "mapping" or parent.flow:
        raise InputError(f"`{parent_path}` 不是逐行书写的字段（可能写在一行的花括号里）：请直接编辑文件。")
    column = _indent_at(text, parent.child_start) if parent.child_start is not None else 0
    lines = []
    for level in range(depth, len(parts)):
        leaf = level == len(parts) - 1
        comment = field_comment(kind, ".".join(parts[: level + 1]), value if leaf else None, names)
        lines.append(_line(" " * (column + 2 * (level - depth)), parts[level], rendered if leaf else "", comment))
    amendments = nodes.get("amendments")
    if parent_path:
        position = _after_line(text, parent.end)
    elif amendments is not None and amendments.key_start is not None:
        position = _line_start(text, amendments.key_start)
    else:
        position = len(text)
    return _insert_lines(text, position, lines)


def append_amendment(kind: str, text: str, entry: dict[str, Any]) -> str:
    """``text`` with one more ``amendments`` entry, after the last one (or at the end of the file)."""
    nodes = _nodes(text)
    existing = nodes.get("amendments")
    if existing is not None and (existing.kind != "sequence" or existing.flow or existing.child_start is None):
        raise InputError("amendments 不是逐项书写的列表：请把它改成每项以“- ”开头的写法后再更正。")
    dash = _indent_at(text, existing.child_start) if existing is not None else 2
    lines = [] if existing is not None else [_line("", "amendments", "", field_comment(kind, "amendments", None))]
    for i, (key, value) in enumerate(entry.items()):
        indent = " " * dash + ("- " if i == 0 else "  ")
        lines.append(_line(indent, key, yaml_scalar(value), field_comment(kind, f"amendments.{key}", None)))
    position = _after_line(text, existing.end) if existing is not None else len(text)
    return _insert_lines(text, position, lines)
