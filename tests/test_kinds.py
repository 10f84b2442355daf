"""The kind registry (callback_archive/kinds.py): each kind declared once, a new one needs no other code.

The test declares a kind of its own — 现场检查记录, filed by unit and month like a visit —
with a schema in a temporary folder, and validates a temporary archive holding files of it:
the loader reads and schema-checks them, builds their typed records, and the placement checks
speak about their ids and folders, with nothing but the declaration added.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from callback_archive import kinds
from callback_archive.engine.loader import load_archive
from callback_archive.model import RecordFile
from callback_archive.timeutil import parse_time
from conftest import AS_OF, place, run_validate

INSPECTION_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "现场检查记录",
    "type": "object",
    "additionalProperties": False,
    "required": ["id", "unit", "inspected_at", "inspector"],
    "properties": {
        "id": {"type": "string", "title": "编号", "pattern": "^XC-[0-9]{8}-[0-9]{4}$"},
        "unit": {"type": "string", "title": "责任单位"},
        "inspected_at": {"type": "string", "title": "检查时间", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}$"},
        "inspector": {"type": "string", "title": "检查人", "minLength": 1},
    },
}


@dataclass
class Inspection:
    id: str
    unit: str
    inspector: str
    source: RecordFile


def build_inspection(source: RecordFile) -> Inspection:
    return Inspection(source.data["id"], source.data["unit"], source.data["inspector"], source)


@pytest.fixture
def inspection(tmp_path_factory: pytest.TempPathFactory):
    """The extra kind, declared for one test; its schema lives in a temporary folder."""
    schema = tmp_path_factory.mktemp("schemas") / "inspection.schema.json"
    schema.write_text(json.dumps(INSPECTION_SCHEMA, ensure_ascii=False), encoding="utf-8")
    declared = kinds.Kind("inspection", "现场检查", folder="inspections", schema_file=schema, id_prefix="XC",
                          id_day_field="inspected_at", start_fields={"inspected_at": "检查时间"},
                          time_fields=("inspected_at",), build=build_inspection)
    with kinds.registered(declared):
        yield declared
    assert "inspection" not in {k.name for k in kinds.all_kinds()}


def _inspection(record_id: str, at: str = "2026-11-20 10:00", unit: str = "tanggu") -> str:
    return f"id: {record_id}\nunit: {unit}\ninspected_at: {at}\ninspector: 李敏\n"


def test_a_kind_declared_in_a_test_is_read_validated_and_placed(archive: Path, inspection: kinds.Kind) -> None:
    good = "records/inspections/tanggu/2026/11/XC-20261120-0001.yaml"
    place(archive, good, _inspection("XC-20261120-0001"))
    place(archive, "records/inspections/tanggu/2026/10/XC-20261120-0002.yaml", _inspection("XC-20261120-0002"))
    place(archive, "records/inspections/tanggu/2026/11/XC-20261121-0001.yaml", _inspection("XC-20261121-0009"))
    place(archive, "records/inspections/tanggu/2026/11/XC-20261122-0001.yaml", "id: XC-20261122-0001\nunit: tanggu\n")
    place(archive, "records/inspections/tanggu/2026/11/XC-20261123-0001.yaml",
          _inspection("XC-20261123-0001", at="2026-11-31 10:00"))
    place(archive, "records/inspections/nowhere/2026/11/XC-20261124-0001.yaml",
          _inspection("XC-20261124-0001", unit="nowhere"))

    assert kinds.for_path(good) is inspection
    loaded = load_archive(archive, use_cache=False)
    built = {r.id: r for r in loaded.extra["inspection"]}
    assert set(built) == {"XC-20261120-0001", "XC-20261120-0002", "XC-20261121-0009", "XC-20261124-0001"}
    assert built["XC-20261120-0001"].source.path == good

    run = run_validate("--root", str(archive), "--as-of", AS_OF, "--format", "json")
    codes = {(f["file"].rsplit("/", 1)[-1], f["code"]) for f in run.findings}
    assert ("XC-20261120-0002.yaml", "path-wrong-folder") in codes  # inspected in November, filed in October
    assert ("XC-20261121-0001.yaml", "id-file-mismatch") in codes
    assert ("XC-20261122-0001.yaml", "schema-required") in codes
    assert ("XC-20261123-0001.yaml", "time-invalid") in codes  # no 31 November
    assert ("XC-20261124-0001.yaml", "unit-unknown") in codes
    assert not [f for f in run.findings if f["file"] == good]
    wrong = next(f for f in run.findings if f["code"] == "path-wrong-folder")
    assert "records/inspections/tanggu/2026/11/" in wrong["message"] and "检查时间 2026年11月" in wrong["message"]


def test_the_incremental_engine_takes_the_new_kind_as_the_full_run_does(committed: Path, inspection: kinds.Kind) -> None:
    def validate(*extra: str):
        return run_validate("--root", str(committed), "--as-of", AS_OF, "--format", "json", "--stats", *extra)

    place(committed, "records/inspections/tanggu/2026/11/XC-20261120-0001.yaml", _inspection("XC-20261120-0001"))
    validate()
    place(committed, "records/inspections/tanggu/2026/11/XC-20261120-0002.yaml", _inspection("XC-20261120-0001"))
    run = validate()
    assert "增量检查" in run.stderr
    assert {("XC-20261120-0002.yaml", "id-duplicate"), ("XC-20261120-0002.yaml", "id-file-mismatch")} <= {
        (f["file"].rsplit("/", 1)[-1], f["code"]) for f in run.findings}
    assert run.stdout == validate("--no-cache").stdout


def test_without_its_declaration_the_folder_is_no_place_for_records(archive: Path) -> None:
    place(archive, "records/inspections/tanggu/2026/11/XC-20261120-0001.yaml", _inspection("XC-20261120-0001"))
    run = run_validate("--root", str(archive), "--as-of", AS_OF, "--format", "json")
    assert [f["code"] for f in run.findings if "inspections" in f["file"]] == ["path-unexpected"]


def test_every_place_belongs_to_one_kind() -> None:
    assert kinds.for_path("records/visits/tanggu/2026/11/HF-20261126-0001.yaml") is kinds.by_name("visit")
    assert kinds.for_path("records/units.yaml") is kinds.by_name("units")
    assert kinds.for_path("records/orders/2026-11.csv") is kinds.by_name("orders")
    assert kinds.for_path("records/orders/2026/2026-11.csv") is None  # orders lie directly in their folder
    assert kinds.for_path("records/visits/tanggu/2026/11/HF-20261126-0001.yml") is None
    assert kinds.for_path("records/other.yaml") is None
    assert kinds.for_path("policy.yaml") is kinds.by_name("policy")
    assert kinds.config_files() == {"policy.yaml", "records/units.yaml", "records/calendar.yaml",
                                    "records/disasters.yaml"}
    with pytest.raises(ValueError):
        kinds.register(kinds.Kind("visits-again", "回访", folder="visits"))
    with pytest.raises(ValueError):
        kinds.register(kinds.Kind("visit", "回访", folder="elsewhere"))
    assert {k.name for k in kinds.all_kinds()} >= {"visit", "letter", "orders", "policy"}


def test_a_new_id_and_folder_come_from_the_declaration() -> None:
    visit = kinds.by_name("visit")
    moment = parse_time("2026-11-26 10:00")
    assert visit.new_id(moment, 3) == "HF-20261126-0003"
    assert visit.month_folder("tanggu", moment) == "records/visits/tanggu/2026/11/"
