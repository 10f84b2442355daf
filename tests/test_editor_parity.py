"""The editor and the validator read a file the same way (issue: editor support, point 2).

VS Code's YAML extension reads YAML 1.2 (core schema); PyYAML, like many other tools, reads
YAML 1.1. ``callback_archive.yamlread`` reads YAML 1.2 and reports every plain scalar that
the two versions read differently, so that no reader can silently disagree with the
validator. The table below writes down, for tricky scalars, the YAML 1.2 reading (checked
against the ``yaml`` package that the VS Code extension is built on), PyYAML's reading and
the finding our reader reports.
"""

from __future__ import annotations

import fnmatch
import json
import math
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pytest
import yaml

from callback_archive import kinds
from callback_archive.schemawalk import walk
from callback_archive.timeutil import parse_time
from callback_archive.yamlread import parse_yaml
from conftest import REPO

_UNSET = object()


@dataclass(frozen=True)
class Case:
    text: str
    yaml12: Any  # the YAML 1.2 core reading: what the editor sees
    pyyaml: Any  # PyYAML's YAML 1.1 reading
    code: str | None  # the finding our reader reports
    yaml11: Any = _UNSET  # the YAML 1.1 specification's reading where PyYAML departs from it

    @property
    def spec11(self) -> Any:
        return self.pyyaml if self.yaml11 is _UNSET else self.yaml11


BOOL, ZERO, SIXTY = "yaml-ambiguous-bool", "yaml-leading-zero", "yaml-sexagesimal"

CASES = [
    # Read alike by both versions: no finding, and the value is the YAML 1.2 one.
    Case("true", True, True, None),
    Case("True", True, True, None),
    Case("false", False, False, None),
    Case("123", 123, 123, None),
    Case("-7", -7, -7, None),
    Case("+12", 12, 12, None),
    Case("0", 0, 0, None),
    Case("0x1A", 26, 26, None),
    Case("0.4", 0.4, 0.4, None),
    Case(".5", 0.5, 0.5, None),
    Case("null", None, None, None),
    Case("~", None, None, None),
    Case("", None, None, None),
    Case("2026-11-26 10:00", "2026-11-26 10:00", "2026-11-26 10:00", None),
    Case("GD2026112500123", "GD2026112500123", "GD2026112500123", None),
    Case("王建华", "王建华", "王建华", None),
    Case('"0123"', "0123", "0123", None),
    Case("'no'", "no", "no", None),
    Case('"1:30"', "1:30", "1:30", None),
    # yes/no/on/off: booleans in YAML 1.1, text in YAML 1.2.
    Case("yes", "yes", True, BOOL),
    Case("no", "no", False, BOOL),
    Case("on", "on", True, BOOL),
    Case("Off", "Off", False, BOOL),
    Case("NO", "NO", False, BOOL),
    # y/n are booleans in the YAML 1.1 specification (and in readers that follow it); PyYAML reads text.
    Case("y", "y", "y", BOOL, yaml11=True),
    Case("n", "n", "n", BOOL, yaml11=False),
    # A leading zero: octal in YAML 1.1, decimal in YAML 1.2; either way the zero of an account is lost.
    Case("0123", 123, 83, ZERO),
    Case("010", 10, 8, ZERO),
    Case("08", 8, "08", ZERO),
    Case("0212345678", 212345678, "0212345678", ZERO),
    # Base 60 in YAML 1.1, text in YAML 1.2.
    Case("1:30", "1:30", 90, SIXTY),
    Case("12:30:00", "12:30:00", 45000, SIXTY),
    Case("-1:30", "-1:30", -90, SIXTY),
    Case("1:30.5", "1:30.5", 90.5, SIXTY),
]

# Numbers that only one version reads as numbers (underscores, 0b/0o prefixes, exponents without a dot).
NUM = "yaml-ambiguous-number"
CASES += [
    Case("1_000", "1_000", 1000, NUM),
    Case("1_000.5", "1_000.5", 1000.5, NUM),
    Case("0b1010", "0b1010", 10, NUM),
    Case("0o17", 15, "0o17", NUM),
    Case("1e3", 1000.0, "1e3", NUM),
    Case("1.5e3", 1500.0, "1.5e3", NUM),
    # YAML 1.2 core knows only .inf/.Inf/.INF: other spellings are text in both versions.
    Case(".iNf", ".iNf", ".iNf", None),
]


def same(a: Any, b: Any) -> bool:
    """Equal and of the same type: ``True == 1`` and ``1 == 1.0`` in Python, not in a record."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a):
        return math.isnan(b)
    return type(a) is type(b) and a == b


def ours(text: str) -> tuple[Any, list[str]]:
    parsed = parse_yaml(f"k: {text}\n")
    return parsed.data["k"], [p.code for p in parsed.problems]


def case_id(case: Case) -> str:
    return case.text or "(empty)"


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_pyyaml_reads_yaml_1_1_as_the_table_says(case: Case) -> None:
    assert same(yaml.safe_load(f"k: {case.text}")["k"], case.pyyaml)


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_our_reader_reads_like_the_editor_or_reports(case: Case) -> None:
    value, codes = ours(case.text)
    if case.code is None:
        assert codes == []
        assert same(value, case.yaml12)
    else:
        assert codes == [case.code]
        assert value == case.text  # kept as written, so the message can quote it


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_yaml_versions_disagree_exactly_where_we_report(case: Case) -> None:
    assert (not same(case.spec11, case.yaml12)) == (case.code is not None)


@pytest.mark.parametrize("text", ["2026-11-26", "2026-11-25T14:30:00+08:00"])
def test_dates_stay_text_and_mean_the_moment_pyyaml_reads(text: str) -> None:
    """YAML 1.1 makes these date objects, YAML 1.2 text: the same moment, which the validator parses from the text."""
    value, codes = ours(text)
    assert codes == [] and value == text
    old = yaml.safe_load(f"k: {text}")["k"]
    if isinstance(old, datetime):
        assert old == parse_time(text)
    else:
        assert isinstance(old, date) and old == parse_time(text).date()


# --- the editor's settings ----------------------------------------------------------------

SETTINGS = json.loads((REPO / ".vscode" / "settings.json").read_text(encoding="utf-8"))
CJK = re.compile(r"[\u4e00-\u9fff]")


def test_editor_reads_yaml_1_2_without_tags_in_utf8() -> None:
    assert SETTINGS["yaml.yamlVersion"] == "1.2"
    assert SETTINGS["yaml.customTags"] == []
    assert SETTINGS["yaml.schemaStore.enable"] is False
    assert SETTINGS["files.encoding"] == "utf8"
    assert SETTINGS["[yaml]"]["editor.insertSpaces"] is True


def test_extension_is_recommended() -> None:
    recommended = json.loads((REPO / ".vscode" / "extensions.json").read_text(encoding="utf-8"))["recommendations"]
    assert "redhat.vscode-yaml" in recommended


def _sample_path(kind_place: str) -> str:
    """A file the validator reads as this kind: a single file, or one inside a record folder."""
    return kind_place if kind_place.endswith(".yaml") else f"{kind_place}/tanggu/2026/11/X.yaml"


def test_every_file_kind_the_validator_reads_has_its_schema_in_the_editor() -> None:
    places = {kind.file or f"records/{kind.folder}": kind.schema or kind.name
              for kind in kinds.all_kinds() if kind.suffix == ".yaml"}
    mapping = SETTINGS["yaml.schemas"]
    for schema in mapping:
        assert (REPO / schema).is_file(), schema
    for place, kind in places.items():
        sample = _sample_path(place)
        matched = [s for s, globs in mapping.items() if any(fnmatch.fnmatch(sample, g) for g in globs)]
        assert matched == [f"./schemas/{kind}.schema.json"], place


@pytest.mark.parametrize("kind", ["visit", "letter"])
def test_hovering_any_field_of_a_record_explains_it_in_chinese(kind: str) -> None:
    schema = json.loads((REPO / "schemas" / f"{kind}.schema.json").read_text(encoding="utf-8"))
    fields = walk(schema).fields
    assert fields
    for field in fields:
        assert CJK.search(field.title), f"{kind}: {field.path} 没有中文标题"
