"""Where records live (第十条): ids match file names, are unique, and sit in their unit's month folder.

These checks read the raw fields so that they also speak about files with other errors;
for a valid visit or letter they take the same values from its typed record, which a big
archive keeps in memory instead of the parsed file.
"""

from __future__ import annotations

from datetime import datetime
from typing import Iterable

from .. import kinds
from ..findings import Finding, finding
from ..engine.groups import by_file, by_id
from .declaration import check
from ..model import Letter, RecordFile, Visit
from ..timeutil import parse_time

_READS = ("files", "visits", "letters", "voided")  # what _placed reads


def _placed(archive) -> list[tuple[RecordFile, str | None, str | None, Visit | Letter | None]]:
    """(file, id, unit, typed record or None) of every file of a kind filed by month (visits, letters …), once
    for the four checks."""
    return archive.remember("placement", lambda: _place(archive))


def _place(archive) -> list[tuple[RecordFile, str | None, str | None, Visit | Letter | None]]:
    typed = {r.source.path: r for r in (*archive.visits, *archive.letters, *archive.voided)}
    filed = kinds.filed_by_month()
    placed = []
    for source in archive.files:
        if source.kind in filed:
            record = typed.get(source.path)
            if record is not None:  # the schema made both text: they are the file's fields
                placed.append((source, record.id, record.unit, record))
            else:
                placed.append((source, source.text("id"), source.text("unit"), None))
    return placed


@check(codes=("id-file-mismatch",), group=by_file, reads=_READS)
def check_ids_match_files(archive, context) -> Iterable[Finding]:
    for source, record_id, _, _ in _placed(archive):
        stem = source.path.rsplit("/", 1)[-1].removesuffix(".yaml")
        if record_id is not None and record_id != stem:
            yield finding(
                "id-file-mismatch",
                source.path,
                source.line_of("id"),
                f"编号 `{record_id}` 与文件名 `{stem}.yaml` 不一致：请把文件重命名为 `{record_id}.yaml`，或改正编号。",
                record=record_id,
            )


@check(codes=("id-duplicate",), group=by_id, reads=_READS)
def check_unique_ids(archive, context) -> Iterable[Finding]:
    first: dict[str, str] = {}
    for source, record_id, _, _ in _placed(archive):
        if record_id is None:
            continue
        if record_id in first:
            yield finding(
                "id-duplicate",
                source.path,
                source.line_of("id"),
                f"编号 `{record_id}` 已被 {first[record_id]} 使用：编号全档案唯一，请换一个未用过的编号。",
                record=record_id,
            )
        else:
            first[record_id] = source.path


@check(codes=("unit-unknown",), group=by_file, reads=(*_READS, "units"))
def check_units_exist(archive, context) -> Iterable[Finding]:
    if not archive.units:
        return  # units.yaml itself is reported
    known = "、".join(archive.units)
    for source, record_id, unit, _ in _placed(archive):
        if unit is not None and unit not in archive.units:
            yield finding(
                "unit-unknown",
                source.path,
                source.line_of("unit"),
                f"责任单位 `{unit}` 不在 records/units.yaml 中：请填写已有单位（{known}），或先在 units.yaml 中登记新单位。",
                record=record_id,
            )


def _start(source, record: Visit | Letter | None) -> tuple[str, datetime | None]:
    """The field the folder month comes from and its moment (None when it is not a real one)."""
    if isinstance(record, Visit):
        return ("trigger.archived_at", record.trigger.archived_at) if record.trigger else ("visited_at", record.visited_at)
    if isinstance(record, Letter):
        return "received_at", record.received_at
    path, value = _start_field(source)
    try:
        return path, parse_time(value) if value else None
    except ValueError:
        return path, None  # reported as time-invalid


def _start_field(source) -> tuple[str, str]:
    for path in kinds.by_name(source.kind).start_fields:
        value = source.data
        for part in path.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if isinstance(value, str):
            return path, value
    return "", ""


@check(codes=("path-wrong-folder",), group=by_file, reads=_READS)
def check_folders(archive, context) -> Iterable[Finding]:
    """records/<kind>/<unit>/<YYYY>/<MM>/<id>.yaml, the month being that of the start event."""
    for source, record_id, unit, record in _placed(archive):
        path, start = _start(source, record)
        if unit is None or start is None:
            continue
        kind = kinds.by_name(source.kind)
        expected = kind.month_folder(unit, start)
        actual = source.path[: source.path.rfind("/") + 1]
        if actual != expected:
            parts = source.path.split("/")
            yield finding(
                "path-wrong-folder",
                source.path,
                source.line_of("unit" if parts[2:3] != [unit] else path),
                f"记录应放在 {expected}（单位 {unit}，{kind.start_fields[path]} {start:%Y年%m月}），现在在 {actual}：请移动文件。",
                record=record_id,
            )
