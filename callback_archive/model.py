"""Plain typed records, built once from schema-valid files; every check reads these."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .timeutil import parse_time


@dataclass
class RecordFile:
    """A YAML file of the archive whose content is a mapping, valid or not.

    ``kind`` is what its place says it is (``visit``, ``letter``, ``units`` …);
    ``lines`` maps dotted field paths to their 1-based lines.
    """

    path: str
    kind: str
    data: dict[str, Any]
    lines: dict[str, int] = field(repr=False, default_factory=dict)
    valid: bool = True

    def line_of(self, path: str) -> int:
        """The line of a dotted path, or of its nearest parent that has one."""
        while path:
            line = self.lines.get(path)
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


@dataclass(frozen=True)
class Customer:
    account: str
    name: str
    kind: str
    phone: str | None = None
    voltage_kv: float | None = None
    groups: tuple[str, ...] = ()


@dataclass(frozen=True)
class Trigger:
    order: str
    kind: str
    archived_at: datetime
    disaster: str | None = None


@dataclass
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

    @property
    def start(self) -> datetime:
        """The start event that files the record by month: the trigger's archive time, else the visit."""
        return self.trigger.archived_at if self.trigger else self.visited_at


@dataclass
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

    @property
    def start(self) -> datetime:
        return self.received_at


# Fields holding times, per kind; a bad one is reported at its own line (code time-invalid).
TIME_FIELDS = {
    "visit": ("trigger.archived_at", "visited_at"),
    "letter": ("received_at", "replied_at"),
}


def _get(data: dict[str, Any], dotted: str) -> Any:
    value: Any = data
    for part in dotted.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def bad_times(source: RecordFile) -> list[tuple[str, str]]:
    """(path, Chinese reason) for every time field that is well formed but not a real moment."""
    problems = []
    for path in TIME_FIELDS.get(source.kind, ()):
        value = _get(source.data, path)
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
    )


def build_visit(source: RecordFile) -> Visit:
    """A typed visit from a schema-valid file whose times are real moments."""
    data = source.data
    customer = data["customer"]
    trigger_data = data.get("trigger")
    trigger = None
    if trigger_data is not None:
        trigger = Trigger(
            order=trigger_data["order"],
            kind=trigger_data["kind"],
            archived_at=parse_time(trigger_data["archived_at"]),
            disaster=trigger_data.get("disaster"),
        )
    return Visit(
        id=data["id"],
        category=data["category"],
        unit=data["unit"],
        customer=Customer(
            account=customer["account"],
            name=customer["name"],
            kind=customer["kind"],
            phone=customer.get("phone"),
            voltage_kv=customer.get("voltage_kv"),
            groups=tuple(customer.get("groups", ())),
        ),
        trigger=trigger,
        method=data["method"],
        visited_at=parse_time(data["visited_at"]),
        visitor=data["visitor"],
        topics=tuple(data["topics"]),
        reached=data["reached"],
        satisfaction=data.get("satisfaction"),
        opinion=data.get("opinion"),
        follow_up=data.get("follow_up"),
        source=source,
    )


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
        source=source,
    )
