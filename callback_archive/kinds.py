"""Every kind of file the archive holds, declared once; the loader, the cache, the checks and the commands look it up.

A kind says where its files live (one file, or a folder under ``records/``), which schema they
follow, how large they may be, how an id of it looks, by which field it is filed into a unit's
month folder (第十条), which fields are times, how a valid file becomes typed records in the
archive, and what the incremental engine does when one changes. ``design/adding-a-record-kind.md``
tells how to add one; a test may declare one of its own with ``registered``.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator

from .deadlines import build_disaster
from .findings import finding
from .fileread import read_program_file
from .model import (
    RecordFile,
    build_decisions,
    build_letter,
    build_plan,
    build_register,
    build_round,
    build_sample,
    build_submission,
    build_unit,
    build_visit,
    visit_from_row,
    visit_row,
)
from .schemas import RecordSchema, load_schema
from .workcalendar import WorkCalendar

if TYPE_CHECKING:
    from .engine.loader import Archive

RECORDS_DIR = "records"

Enter = Callable[["Archive", RecordFile, Any], None]  # (archive, a valid file, its cached row or None)


@dataclass(frozen=True, eq=False)
class Kind:
    """One kind of file: what every module needs to know about it (only ``name`` and a place are required)."""

    name: str  # the word for it in RecordFile.kind, the cache and the findings: visit, letter, units …
    label: str  # what staff call it: 回访, 复函 … (the schema's title names the file format)
    file: str | None = None  # a single file: its path from the archive root …
    folder: str | None = None  # … or a folder under records/ every file of which (with ``suffix``) is of this kind
    suffix: str = ".yaml"
    flat: bool = False  # only the files directly in ``folder`` (not in folders below it)
    schema: str | None = None  # the schema's name in schemas/ (default: ``name``) …
    schema_file: Path | None = None  # … or a schema file elsewhere (a kind declared by a test)
    list_sized: bool = False  # a list (registers, plans, a month of orders): the lists' size limit, not a record's
    config: bool = False  # an error in it makes every result unreliable (the validator exits with status 2)
    # Ids ``<id_prefix>-<YYYYMMDD>-<NNNN>``, the day that of ``id_day_field`` (what ``new_record.py`` allocates).
    id_prefix: str | None = None
    id_day_field: str | None = None
    # Filed as records/<folder>/<unit>/<YYYY>/<MM>/<id>.yaml by the month of the first of these fields present
    # (第十条): field path → its Chinese name in the placement finding. Empty: no such rule.
    start_fields: dict[str, str] = field(default_factory=dict)
    time_fields: tuple[str, ...] = ()  # fields holding times; a bad one is reported at its own line (time-invalid)
    amendable: bool = False  # may carry ``amendments`` and ``void`` (第十一条)
    # How a valid file enters the archive: ``enter`` builds its typed records (model.py) and puts them in their
    # place, or else ``build``'s record of it goes to ``archive.extra[name]``.
    enter: Enter | None = None
    build: Callable[[RecordFile], Any] | None = None
    row: Callable[[dict[str, Any]], tuple[Any, ...]] | None = None  # a valid file cached as this row, not its mapping
    own_chunk: bool = False  # as much reading as a whole chunk of records: a worker reads it alone
    # The incremental engine: every run loads these files whole (few and small) …
    whole: bool = False
    full_run: bool = False  # … and a change to one changes what many groups mean: a full run

    def validator(self) -> RecordSchema:
        """The kind's compiled schema (read once)."""
        if self.schema_file is not None:
            return _schema_at(self.schema_file, self.name)
        return load_schema(self.schema or self.name)

    def month_folder(self, unit: str, moment: datetime) -> str:
        """``records/<folder>/<unit>/<YYYY>/<MM>/``: where a record filed by ``start_fields`` belongs."""
        return f"{RECORDS_DIR}/{self.folder}/{unit}/{moment.year:04d}/{moment.month:02d}/"

    def new_id(self, day: date, number: int) -> str:
        """The ``number``-th id of ``day`` (``HF-20261126-0003``)."""
        return f"{self.id_prefix}-{day:%Y%m%d}-{number:04d}"


@cache
def _schema_at(path: Path, kind: str) -> RecordSchema:
    return RecordSchema(kind, json.loads(read_program_file(path).decode("utf-8")))


# --- how valid files enter the archive ---------------------------------------------------


def _enter_visit(archive: Archive, source: RecordFile, row: Any) -> None:
    visit = visit_from_row(row, source) if row is not None else build_visit(source)
    (archive.visits if visit.void is None else archive.voided).append(visit)


def _enter_letter(archive: Archive, source: RecordFile, row: Any) -> None:
    letter = build_letter(source)
    (archive.letters if letter.void is None else archive.voided).append(letter)


def _enter_units(archive: Archive, source: RecordFile, row: Any) -> None:
    archive.units = {item["id"]: build_unit(item) for item in source.data["units"]}


def _enter_calendar(archive: Archive, source: RecordFile, row: Any) -> None:
    try:
        archive.calendar = WorkCalendar.from_data(source.data)
    except ValueError as exc:
        archive.findings.append(finding("calendar-invalid", source.path, 1, f"{exc}：请改正后再校验。"))


def _enter_disasters(archive: Archive, source: RecordFile, row: Any) -> None:
    archive.disasters = {}
    for index, item in enumerate(source.data["disasters"]):
        disaster = build_disaster(item)
        if disaster.end <= disaster.start:
            archive.findings.append(finding(
                "disasters-invalid", source.path, source.line_of(f"disasters.{index}.end"),
                f"自然灾害 {disaster.id} 的结束时间（{item['end']}）不晚于开始时间（{item['start']}）："
                "请改正；改正前不按它延长任何时限。", record=disaster.id))
            continue
        archive.disasters[disaster.id] = disaster


def _enter_large_customers(archive: Archive, source: RecordFile, row: Any) -> None:
    archive.large_customers = build_register(source)


def _enter_key_customers(archive: Archive, source: RecordFile, row: Any) -> None:
    archive.key_customers = build_register(source)


def _enter_plan(archive: Archive, source: RecordFile, row: Any) -> None:
    plan = build_plan(source)
    archive.plans.setdefault(plan.year, plan)


def _enter_round(archive: Archive, source: RecordFile, row: Any) -> None:
    card_round = build_round(source)
    archive.rounds.setdefault(card_round.id, card_round)


def _enter_sample(archive: Archive, source: RecordFile, row: Any) -> None:
    archive.samples.append(build_sample(source))


def _enter_submission(archive: Archive, source: RecordFile, row: Any) -> None:
    archive.submissions.append(build_submission(source))


def _enter_decisions(archive: Archive, source: RecordFile, row: Any) -> None:
    archive.decisions.append(build_decisions(source))


# --- the declarations ------------------------------------------------------------------------

_DECLARED = (  # visits, letters and units first, the rest alphabetically
    Kind("visit", "回访", folder="visits", id_prefix="HF", id_day_field="visited_at",
         start_fields={"trigger.archived_at": "触发业务归档时间", "visited_at": "回访时间"},
         time_fields=("trigger.archived_at", "visited_at"), amendable=True, enter=_enter_visit,
         row=visit_row),
    Kind("letter", "复函", folder="letters", id_prefix="FH", id_day_field="received_at",
         start_fields={"received_at": "收函日期"}, time_fields=("received_at", "replied_at"), amendable=True,
         enter=_enter_letter),
    Kind("units", "组织机构", file="records/units.yaml", list_sized=True, config=True, enter=_enter_units,
         whole=True, full_run=True),
    Kind("calendar", "工作日历", file="records/calendar.yaml", list_sized=True, config=True, enter=_enter_calendar,
         whole=True, full_run=True),
    Kind("decisions", "考核决定", folder="decisions", time_fields=("decided_at",),
         enter=_enter_decisions, whole=True),
    Kind("disasters", "自然灾害认定", file="records/disasters.yaml", list_sized=True, config=True,
         enter=_enter_disasters, whole=True, full_run=True),
    Kind("key-customers", "重点客户名册", file="records/key-customers.yaml", list_sized=True,
         enter=_enter_key_customers, whole=True, full_run=True),
    Kind("large-customers", "大电力客户名册", file="records/large-customers.yaml", list_sized=True,
         enter=_enter_large_customers, whole=True, full_run=True),
    # A month's work orders, read by orders.py (a CSV file, one schema-checked row each).
    Kind("orders", "归档工单", folder="orders", suffix=".csv", flat=True, schema="order", list_sized=True,
         own_chunk=True),
    Kind("plan", "走访座谈计划", folder="plans", list_sized=True, time_fields=("made_at",),
         enter=_enter_plan, whole=True, full_run=True),
    # Read before everything else (the deadlines depend on it); not under records/.
    Kind("policy", "考核政策", file="policy.yaml", config=True),
    Kind("round", "连心卡轮次", folder="rounds", list_sized=True, time_fields=("started_at", "finished_at", "reported_at"),
         enter=_enter_round, whole=True, full_run=True),
    Kind("sample", "抽样回访名单", folder="samples", list_sized=True, enter=_enter_sample,
         whole=True),
    Kind("submission", "月度统计上报", folder="submissions", time_fields=("submitted_at",),
         enter=_enter_submission, whole=True),
)

_kinds: dict[str, Kind] = {}
_by_file: dict[str, Kind] = {}
_by_folder: dict[str, Kind] = {}


def _index() -> None:
    _by_file.clear()
    _by_folder.clear()
    for kind in _kinds.values():
        if kind.file is not None:
            _by_file[kind.file] = kind
        else:
            _by_folder[kind.folder] = kind


def register(kind: Kind) -> None:
    """Add a kind; its place and name must be new."""
    if kind.name in _kinds:
        raise ValueError(f"kind {kind.name!r} is declared twice")
    if (kind.file is None) == (kind.folder is None):
        raise ValueError(f"kind {kind.name!r}: give either a file or a folder")
    if kind.file in _by_file or kind.folder in _by_folder:
        raise ValueError(f"kind {kind.name!r}: its place belongs to another kind")
    _kinds[kind.name] = kind
    _index()


def unregister(name: str) -> None:
    del _kinds[name]
    _index()


@contextmanager
def registered(kind: Kind) -> Iterator[Kind]:
    """``kind`` declared for the time of a ``with`` block (a test's own kind)."""
    register(kind)
    try:
        yield kind
    finally:
        unregister(kind.name)


for _kind in _DECLARED:
    register(_kind)


def by_name(name: str) -> Kind:
    """The kind called ``name``; KeyError for an unknown one."""
    return _kinds[name]


def all_kinds() -> tuple[Kind, ...]:
    """Every declared kind, in the order declared."""
    return tuple(_kinds.values())


def for_path(relpath: str) -> Kind | None:
    """The kind of the file at ``relpath`` (posix, from the archive root), or None if no kind's place fits it.

    Called once per file of a big archive: two dictionary lookups."""
    parts = relpath.split("/", 2)
    if len(parts) < 3 or parts[0] != RECORDS_DIR:
        return _by_file.get(relpath)
    kind = _by_folder.get(parts[1])
    if kind is None or not relpath.endswith(kind.suffix) or (kind.flat and "/" in parts[2]):
        return None
    return kind


def config_files() -> frozenset[str]:
    """The files whose errors make every result unreliable."""
    return frozenset(kind.file for kind in _kinds.values() if kind.config and kind.file is not None)


def names(**where: bool) -> frozenset[str]:
    """The names of the kinds whose flags are as given (``names(whole=True)``)."""
    return frozenset(k.name for k in _kinds.values() if all(getattr(k, flag) == value for flag, value in where.items()))


def filed_by_month() -> dict[str, Kind]:
    """The kinds filed into a unit's month folder by ``start_fields``, by name."""
    return {k.name: k for k in _kinds.values() if k.start_fields}
