"""Plain typed records, built once from schema-valid files; every check reads these."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from .timeutil import BEIJING, parse_time


class RecordFile:
    """A YAML file of the archive whose content is a mapping, valid or not.

    ``kind`` is what its place says it is (``visit``, ``letter``, ``units`` …);
    ``lines`` maps dotted field paths to their 1-based lines.

    A file restored from the cache (cache.py) may come without its ``data`` (valid
    visits: the typed record holds what checks read) and with its lines as a pair of
    tuples (paths, lines): both are rebuilt on first use, ``data`` by reading the file
    again, so that a big archive keeps one compact copy of each record in memory.
    """

    __slots__ = ("path", "kind", "valid", "_data", "_lines", "_root")

    def __init__(
        self,
        path: str,
        kind: str,
        data: dict[str, Any] | None,
        lines: dict[str, int] | tuple[tuple[str, ...], tuple[int, ...]] | None = None,
        valid: bool = True,
        root: Path | None = None,
    ):
        self.path = path
        self.kind = kind
        self.valid = valid
        self._data = data
        self._lines = {} if lines is None else lines
        self._root = root  # where to read the file again when ``data`` was left out

    def __repr__(self) -> str:
        return f"RecordFile(path={self.path!r}, kind={self.kind!r}, valid={self.valid!r})"

    @property
    def data(self) -> dict[str, Any]:
        if self._data is None:
            self._data = self._reread()
        return self._data

    @property
    def lines(self) -> dict[str, int]:
        if isinstance(self._lines, tuple):
            paths, lines = self._lines
            self._lines = dict(zip(paths, lines))
        return self._lines

    def _reread(self) -> dict[str, Any]:
        from .fileread import MAX_LIST_BYTES, FileRefused, read_regular  # the readers import nothing from here
        from .yamlread import YamlSyntaxError, parse_yaml

        try:
            raw = read_regular(f"{self._root}/{self.path}", MAX_LIST_BYTES)  # replaced by a link meanwhile: refused
            parsed = parse_yaml(raw.decode("utf-8-sig"))
        except (OSError, TypeError, UnicodeDecodeError, YamlSyntaxError, FileRefused):
            return {}  # changed or gone since it was read: nothing more to say about it
        return parsed.data if isinstance(parsed.data, dict) else {}

    def line_of(self, path: str) -> int:
        """The line of a dotted path, or of its nearest parent that has one."""
        lines = self.lines
        while path:
            line = lines.get(path)
            if line is not None:
                return line
            path = path.rpartition(".")[0]
        return 1

    def text(self, key: str) -> str | None:
        """A top-level field if it is text, for checks that must also work on invalid files."""
        value = self.data.get(key)
        return value if isinstance(value, str) else None


@dataclass(frozen=True)
class Unit:
    id: str
    name: str
    kind: str  # marketing | service-center | branch | station
    head: str
    reporter: str
    parent: str | None = None
    reports_from: tuple[int, int] | None = None  # first month it reports (第二十七条); None: the policy's start


@dataclass(frozen=True, slots=True)
class Customer:
    account: str
    name: str
    kind: str
    phone: str | None = None
    voltage_kv: float | None = None
    groups: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Trigger:
    order: str
    kind: str
    archived_at: datetime
    disaster: str | None = None


@dataclass(frozen=True, slots=True)
class Amendment:
    """A change made to a record already on main (第十一条): when, by whom, why, which fields."""

    at: datetime
    by: str
    reason: str
    fields: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Void:
    """A mistaken record: it stays in the archive but no deadline or count uses it."""

    at: datetime
    by: str
    reason: str


@dataclass(slots=True)
class Visit:
    id: str
    category: str
    unit: str
    customer: Customer
    trigger: Trigger | None
    method: str
    visited_at: datetime
    visitor: str
    topics: tuple[str, ...]
    reached: bool
    source: RecordFile = field(repr=False)
    satisfaction: str | None = None
    opinion: str | None = None
    follow_up: str | None = None
    round: str | None = None
    conduct: dict[str, str] | None = None  # 第二十八条: staff, description
    amendments: tuple[Amendment, ...] = ()
    void: Void | None = None

    @property
    def start(self) -> datetime:
        """The start event that files the record by month: the trigger's archive time, else the visit."""
        return self.trigger.archived_at if self.trigger else self.visited_at


@dataclass(slots=True)
class Letter:
    id: str
    unit: str
    kind: str  # complaint | report
    received_at: datetime
    reply_required: bool
    sender_name: str
    sender_group: str
    subject: str
    source: RecordFile = field(repr=False)
    replied_at: datetime | None = None
    reply: str | None = None
    originals: dict[str, str] = field(default_factory=dict)
    amendments: tuple[Amendment, ...] = ()
    void: Void | None = None

    @property
    def start(self) -> datetime:
        return self.received_at


def _get(data: dict[str, Any], dotted: str) -> Any:
    value: Any = data
    for part in dotted.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _trail_times(source: RecordFile) -> list[tuple[str, Any]]:
    """The times of a record's amendments and void, as (path, value)."""
    amendments = source.data.get("amendments")
    items = amendments if isinstance(amendments, list) else []
    found = [(f"amendments.{i}.at", a.get("at")) for i, a in enumerate(items) if isinstance(a, dict)]
    return found + [("void.at", _get(source.data, "void.at"))]


def bad_times(source: RecordFile, fields: tuple[str, ...], amendable: bool) -> list[tuple[str, str]]:
    """(path, Chinese reason) for every time among ``fields`` (and the amendments' and void's when
    ``amendable``: see kinds.py) that is well formed but not a real moment."""
    problems = []
    for path, value in [*((p, _get(source.data, p)) for p in fields), *(_trail_times(source) if amendable else ())]:
        if isinstance(value, str):
            try:
                parse_time(value)
            except ValueError as exc:
                problems.append((path, str(exc)))
    return problems


def build_unit(item: dict[str, Any]) -> Unit:
    return Unit(
        id=item["id"],
        name=item["name"],
        kind=item["kind"],
        head=item["head"],
        reporter=item["reporter"],
        parent=item.get("parent"),
        reports_from=_year_month(item["reports_from"]) if "reports_from" in item else None,
    )


def build_amendments(data: dict[str, Any]) -> tuple[Amendment, ...]:
    return tuple(
        Amendment(at=parse_time(a["at"]), by=a["by"], reason=a["reason"], fields=tuple(a["fields"]))
        for a in data.get("amendments", ())
    )


def build_void(data: dict[str, Any]) -> Void | None:
    void = data.get("void")
    return Void(at=parse_time(void["at"]), by=void["by"], reason=void["reason"]) if void else None


def build_visit(source: RecordFile) -> Visit:
    """A typed visit from a schema-valid file whose times are real moments."""
    return visit_from_row(visit_row(source.data), source)


def build_letter(source: RecordFile) -> Letter:
    """A typed letter from a schema-valid file whose times are real moments."""
    data = source.data
    replied = data.get("replied_at")
    return Letter(
        id=data["id"],
        unit=data["unit"],
        kind=data["kind"],
        received_at=parse_time(data["received_at"]),
        reply_required=data["reply_required"],
        sender_name=data["sender"]["name"],
        sender_group=data["sender"]["group"],
        subject=data["subject"],
        replied_at=parse_time(replied, end_of_day=len(replied) == 10) if replied else None,
        reply=data.get("reply"),
        originals=dict(data.get("originals", {})),
        amendments=build_amendments(data),
        void=build_void(data),
        source=source,
    )


def _moment(stamp: int) -> datetime:
    return datetime.fromtimestamp(stamp, BEIJING)


def _stamp_of(text: str) -> int:
    return int(parse_time(text).timestamp())


def visit_row(data: dict[str, Any]) -> tuple[Any, ...]:
    """A schema-valid visit's fields as plain values (times as seconds), in the order ``visit_from_row`` takes
    them: what the reading workers send and the cache keeps (``marshal`` reads a tuple of these about ten times
    faster than a parsed mapping or a pickled record)."""
    customer, trigger, void = data["customer"], data.get("trigger"), data.get("void")
    return (
        data["id"], data["category"], data["unit"],
        customer["account"], customer["name"], customer["kind"], customer.get("phone"), customer.get("voltage_kv"),
        tuple(customer.get("groups", ())),
        None if trigger is None else (trigger["order"], trigger["kind"], _stamp_of(trigger["archived_at"]),
                                      trigger.get("disaster")),
        data["method"], _stamp_of(data["visited_at"]), data["visitor"], tuple(data["topics"]), data["reached"],
        data.get("satisfaction"), data.get("opinion"), data.get("follow_up"), data.get("round"), data.get("conduct"),
        tuple((_stamp_of(a["at"]), a["by"], a["reason"], tuple(a["fields"])) for a in data.get("amendments", ())),
        None if not void else (_stamp_of(void["at"]), void["by"], void["reason"]),
    )


def visit_from_row(row: tuple[Any, ...], source: RecordFile) -> Visit:
    """The typed visit of a ``visit_row``."""
    (id_, category, unit, account, name, kind, phone, voltage, groups, trigger, method, visited, visitor,
     topics, reached, satisfaction, opinion, follow_up, round_, conduct, amendments, void) = row
    return Visit(
        id_, category, unit, Customer(account, name, kind, phone, voltage, groups),
        None if trigger is None else Trigger(trigger[0], trigger[1], _moment(trigger[2]), trigger[3]),
        method, _moment(visited), visitor, topics, reached, source, satisfaction, opinion, follow_up, round_, conduct,
        tuple(Amendment(_moment(at), by, reason, fields) for at, by, reason, fields in amendments),
        None if void is None else Void(_moment(void[0]), void[1], void[2]),
    )


@dataclass(frozen=True)
class RegisteredCustomer:
    """A customer of a register: a 35 kV+ large customer or a standing key customer."""

    account: str
    name: str
    unit: str
    line: int
    voltage_kv: float | None = None
    groups: tuple[str, ...] = ()


@dataclass(frozen=True)
class PlanEntry:
    account: str
    month: int
    method: str
    line: int


@dataclass
class Plan:
    year: int
    made_at: date
    made_by: str
    entries: list[PlanEntry]
    source: RecordFile = field(repr=False)


@dataclass
class CardRound:
    id: str
    year: int
    month: int
    customers: dict[str, int]
    sent: dict[str, int]
    returned: dict[str, int]
    started_at: date
    finished_at: date
    source: RecordFile = field(repr=False)


@dataclass
class Sample:
    year: int
    month: int
    ratio: float
    strata: dict[str, int]  # usage type -> population
    customers: dict[str, str]  # account -> usage type
    source: RecordFile = field(repr=False)


def _year_month(text: str) -> tuple[int, int]:
    """``2026-10`` (schema-checked) → (2026, 10)."""
    year, month = text.split("-")
    return int(year), int(month)


def build_register(source: RecordFile) -> list[RegisteredCustomer]:
    return [
        RegisteredCustomer(
            account=item["account"],
            name=item["name"],
            unit=item["unit"],
            line=source.line_of(f"customers.{i}"),
            voltage_kv=item.get("voltage_kv"),
            groups=tuple(item.get("groups", ())),
        )
        for i, item in enumerate(source.data["customers"])
    ]


def build_plan(source: RecordFile) -> Plan:
    data = source.data
    return Plan(
        year=data["year"],
        made_at=date.fromisoformat(data["made_at"]),
        made_by=data["made_by"],
        entries=[
            PlanEntry(e["account"], e["month"], e["method"], source.line_of(f"entries.{i}"))
            for i, e in enumerate(data["entries"])
        ],
        source=source,
    )


def build_round(source: RecordFile) -> CardRound:
    data = source.data
    year, month = _year_month(data["month"])
    return CardRound(
        id=data["id"],
        year=year,
        month=month,
        customers=dict(data["customers"]),
        sent=dict(data["sent"]),
        returned=dict(data["returned"]),
        started_at=date.fromisoformat(data["started_at"]),
        finished_at=date.fromisoformat(data["finished_at"]),
        source=source,
    )


def build_sample(source: RecordFile) -> Sample:
    data = source.data
    year, month = _year_month(data["month"])
    return Sample(
        year=year,
        month=month,
        ratio=data["ratio"],
        strata={s["usage_type"]: s["population"] for s in data["strata"]},
        customers={c["account"]: c["usage_type"] for c in data["customers"]},
        source=source,
    )


@dataclass
class Submission:
    """A unit's monthly statistics as submitted (第十九、二十条)."""

    unit: str
    year: int
    month: int
    scope: str  # unit | company
    submitted_at: datetime
    submitted_by: str
    figures: dict[str, dict[str, int]]
    source: RecordFile = field(repr=False)


@dataclass(frozen=True)
class Decision:
    case: str
    reason: str
    line: int
    head_amount: int | None = None
    waive: bool = False  # the head is spared (amount 0); the unit's fixed amount always stands
    unit_amount: int | None = None  # never allowed: written only to be refused with the article that fixes it
    approved_by: tuple[str, str] | None = None  # (name, role) of the company leader who approved it


@dataclass
class Decisions:
    """The marketing department's “视情节” decisions for one month."""

    year: int
    month: int
    decided_by: str
    decided_at: date
    items: list[Decision]
    source: RecordFile = field(repr=False)


def build_submission(source: RecordFile) -> Submission:
    data = source.data
    year, month = _year_month(data["month"])
    return Submission(
        unit=data["unit"],
        year=year,
        month=month,
        scope=data["scope"],
        submitted_at=parse_time(data["submitted_at"]),
        submitted_by=data["submitted_by"],
        figures={k: dict(v) for k, v in data["figures"].items()},
        source=source,
    )


def build_decisions(source: RecordFile) -> Decisions:
    data = source.data
    year, month = _year_month(data["month"])
    return Decisions(
        year=year,
        month=month,
        decided_by=data["decided_by"],
        decided_at=date.fromisoformat(data["decided_at"]),
        items=[
            Decision(d["case"], d["reason"], source.line_of(f"decisions.{i}"), d.get("head_amount"), d.get("waive", False),
                     d.get("unit_amount"),
                     (d["approved_by"]["name"], d["approved_by"]["role"]) if "approved_by" in d else None)
            for i, d in enumerate(data["decisions"])
        ],
        source=source,
    )
