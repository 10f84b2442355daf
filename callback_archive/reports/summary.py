"""summary.json as typed objects: what the report page, the site and the workbook are built from.

``reports.month_summary`` writes the plain data (its format is schemas/reports/summary.schema.json);
``read_summary`` is the one way back to objects, so that a renamed or missing key fails in
one place, loudly, instead of as a ``KeyError`` deep inside a table.
"""

from __future__ import annotations

import json
import types
from dataclasses import dataclass, fields, is_dataclass
from functools import cache
from pathlib import Path
from typing import Any, Union, get_args, get_origin, get_type_hints

from jsonschema import Draft202012Validator

from ..schemawalk import walk
from .stats import Opinion  # what a customer said: one class, counted and read back

# Not a record format: kept apart from the record schemas that validation and the 记录格式说明 page read.
SCHEMA_FILE = Path(__file__).resolve().parents[2] / "schemas" / "reports" / "summary.schema.json"


@dataclass(frozen=True)
class Row:
    """The figures of one category or group of categories (``stats.Tally.category_row``)."""

    total: int
    done: int
    on_time: int
    late: int
    overdue: int
    pending: int
    unreachable: int
    not_required: int
    on_time_rate: float | None  # 按时 / (按时 + 超时 + 逾期未完成)
    satisfied: int
    basic: int
    dissatisfied: int
    satisfaction_rate: float | None
    satisfied_or_basic_rate: float | None


@dataclass(frozen=True)
class Figures:
    """A unit's (or a roll-up's, or the company's) counts in the month."""

    categories: dict[str, Row]
    totals: Row  # every category, letters included
    timed: Row  # 第十四至十六条
    untimed: Row  # callbacks no article times
    topics: dict[str, int]
    key_customers: int
    provisional: int  # items counted against a provisional deadline


@dataclass(frozen=True)
class Amounts:
    cases: int
    waived: int
    unit_amount: int
    head_decided: int
    head_undecided_min: int
    head_undecided_max: int
    person_amount: int


@dataclass(frozen=True)
class PenaltyTotals(Amounts):
    """The amounts that count (no provisional case), and the provisional ones apart."""

    provisional: int
    provisional_amounts: Amounts


@dataclass(frozen=True)
class SubmissionState:
    state: str
    submitted_at: str | None
    submitted_by: str | None
    reported_total: int | None  # the submission's 应回访 total
    archive_total: int  # the archive's, now
    after_submission: int | None  # records that reached main after the submission (None: no Git history)


@dataclass(frozen=True)
class Unit:
    id: str
    name: str
    kind: str
    parent: str | None
    head: str  # 主管领导 (第二十五、二十六条)
    reporter: str  # 统计上报责任人 (第二十七条)
    own: Figures
    rollup: Figures | None
    submission: SubmissionState
    penalties: PenaltyTotals


@dataclass(frozen=True)
class Company(Figures):
    penalties: PenaltyTotals


@dataclass(frozen=True)
class Cause:
    reference: str
    file: str
    text: str


@dataclass(frozen=True)
class Case:
    id: str
    month: str
    article: str
    unit: str
    title: str
    unit_amount: int
    head_range: list[int] | None
    head_amount: int | None
    person_amount: int | None
    waived: bool
    decision: str | None
    provisional: bool
    causes: list[Cause]


@dataclass(frozen=True)
class LetterRow:
    id: str
    file: str
    unit: str
    kind: str
    sender_group: str
    subject: str
    received: str
    due: str | None
    provisional: bool
    replied: str | None
    state: str
    state_label: str
    originals: dict[str, str] | None


@dataclass(frozen=True)
class PlanEntry:
    account: str
    name: str
    planned_month: int
    method: str
    state: str
    state_label: str


@dataclass(frozen=True)
class CardRound:
    id: str
    customers: dict[str, int]
    sent: dict[str, int]
    returned: dict[str, int]
    started_at: str
    finished_at: str
    satisfaction: dict[str, int]
    topics: dict[str, int]


@dataclass(frozen=True)
class LateArrival:
    """A record that arrived after its case's month was closed: listed, not fined again."""

    month: str
    case_month: str
    case: str
    record: str
    file: str
    landed_at: str | None


@dataclass(frozen=True)
class Referral:
    """A conduct complaint for referral under 第二十八条."""

    record: str
    file: str
    unit: str
    month: str
    staff: str
    description: str


@dataclass(frozen=True)
class Summary:
    version: int
    month: str
    as_of: str
    report_due: str
    closed: bool
    statistics_rule: str
    penalty_counting: str
    category_names: dict[str, str]
    units: list[Unit]
    company: Company
    letters: list[LetterRow]
    large_customers: list[PlanEntry]
    card_rounds: list[CardRound]
    opinions: list[Opinion]
    penalties: list[Case]
    late_arrivals: list[LateArrival]
    conduct: list[Referral]


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))


def summary_version() -> int:
    """The format version the schema describes (and ``month_summary`` writes)."""
    return walk(_validator().schema).at("version").schema["const"]


def summary_problems(data: Any) -> list[str]:
    """What in ``data`` does not follow schemas/reports/summary.schema.json, in Chinese (empty: it does)."""
    problems = []
    for error in sorted(_validator().iter_errors(data), key=lambda e: list(map(str, e.path))):
        where = "/".join(map(str, error.path)) or "（顶层）"
        problems.append(f"summary.json 的 {where} 不符合 schemas/reports/summary.schema.json：{error.message}")
    return problems


def read_summary(data: Summary | dict) -> Summary:
    """The month's summary as typed objects (an already typed one is returned as it is).

    Raises ``ValueError`` naming the key when ``data`` lacks one the objects need."""
    if isinstance(data, Summary):
        return data
    return _build(Summary, data, "summary")


def _build(kind: Any, value: Any, where: str) -> Any:
    if is_dataclass(kind):
        if not isinstance(value, dict):
            raise ValueError(f"{where} 应为对象")
        hints = get_type_hints(kind)
        missing = [f.name for f in fields(kind) if f.name not in value]
        if missing:
            raise ValueError(f"{where} 缺少 {'、'.join(missing)}（summary.json 格式版本不符？请重新运行 build_reports.py）")
        return kind(**{f.name: _build(hints[f.name], value[f.name], f"{where}.{f.name}") for f in fields(kind)})
    origin = get_origin(kind)
    if origin in (Union, types.UnionType):
        if value is None:
            return None
        (inner,) = [arg for arg in get_args(kind) if arg is not type(None)]
        return _build(inner, value, where)
    if origin is list:
        (item,) = get_args(kind)
        return [_build(item, v, f"{where}[{i}]") for i, v in enumerate(value)]
    if origin is dict:
        _, item = get_args(kind)
        return {k: _build(item, v, f"{where}.{k}") for k, v in value.items()}
    return value
