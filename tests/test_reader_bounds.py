"""Hostile record texts: each is a finding with its file and line, never a crash, and both readers agree."""

from __future__ import annotations

import pytest

from callback_archive.yamlread import (
    MAX_DEPTH,
    YamlLimitError,
    parse_with_libyaml,
    parse_yaml,
    read_simple_layout,
)
from conftest import EXAMPLES, place
from readers_helpers import validate

VISIT = (EXAMPLES / "valid" / "repair-visit.yaml").read_text(encoding="utf-8")
PATH = "records/visits/tanggu/2026/11/HF-20261125-0001.yaml"


def _line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


@pytest.mark.parametrize("text, code, needle", [
    (VISIT + "topics_extra: " + "[" * 5000 + "\n", "yaml-too-deep", "topics_extra"),
    (VISIT + "visitor_note:\n" + "".join(" " * (i + 1) + f"k{i}:\n" for i in range(80)) + " " * 81 + "x: 1\n",
     "yaml-too-deep", f"k{MAX_DEPTH - 1}:"),  # the line where the mapping too deep starts
    (VISIT.replace("voltage_kv: 0.4", "voltage_kv: " + "9" * 5000), "yaml-number-too-long", "voltage_kv"),
    (VISIT.replace("voltage_kv: 0.4", "voltage_kv: 1234567890123456789"), "yaml-number-too-long", "voltage_kv"),
    (VISIT.replace("voltage_kv: 0.4", "voltage_kv: .nan"), "yaml-not-finite", "voltage_kv"),
    (VISIT.replace("voltage_kv: 0.4", "voltage_kv: .inf"), "yaml-not-finite", "voltage_kv"),
    (VISIT.replace("voltage_kv: 0.4", "voltage_kv: -.inf"), "yaml-not-finite", "voltage_kv"),
    (VISIT.replace("voltage_kv: 0.4", "voltage_kv: 1.0e+999"), "yaml-not-finite", "voltage_kv"),
], ids=["5000-brackets", "deep-indentation", "5000-digits", "19-digits", "nan", "inf", "minus-inf", "overflow"])
def test_hostile_value_is_a_finding_at_its_line(archive, text, code, needle):
    place(archive, PATH, text)
    run = validate(archive)
    assert run.status == 1
    found = [f for f in run.only(PATH) if f["code"] == code]
    assert found, run.stdout
    assert found[0]["line"] == _line_of(text, needle)
    assert found[0]["severity"] == "error" and any("\u4e00" <= c <= "\u9fff" for c in found[0]["message"])


def test_eighteen_digits_and_finite_numbers_are_read(archive):
    place(archive, PATH, VISIT.replace("voltage_kv: 0.4", "voltage_kv: 1.0e+3"))
    run = validate(archive)
    assert not [f for f in run.only(PATH) if f["code"].startswith("yaml-")]
    assert parse_yaml("a: 123456789012345678\n").data == {"a": 123456789012345678}


def test_non_finite_message_gives_the_fix(archive):
    place(archive, PATH, VISIT.replace("voltage_kv: 0.4", "voltage_kv: .NaN"))
    [f] = [f for f in validate(archive).only(PATH) if f["code"] == "yaml-not-finite"]
    assert ".NaN" in f["message"] and "实际测得的数值" in f["message"]


def test_single_bom_and_crlf_are_accepted(archive):
    place(archive, PATH, b"\xef\xbb\xbf" + VISIT.replace("\n", "\r\n").encode())
    run = validate(archive)
    assert run.status == 0, run.stdout
    assert run.only(PATH) == []


def test_doubled_bom_is_reported_not_dropped(archive):
    place(archive, PATH, b"\xef\xbb\xbf\xef\xbb\xbf" + VISIT.encode())
    run = validate(archive)
    assert run.status == 1
    [f] = run.only(PATH)
    assert f["code"] == "file-bom-repeated" and f["line"] == 1 and "不会自动删除" in f["message"]


def test_lone_cr_line_ends_are_reported_with_the_line(archive):
    text = VISIT.replace("\n", "\r", 3)  # the first three lines end in CR only
    place(archive, PATH, text)
    run = validate(archive)
    assert run.status == 1
    [f] = run.only(PATH)
    assert f["code"] == "file-line-endings" and f["line"] == 1 and "CR" in f["message"]


def test_lone_cr_in_an_orders_file_is_reported(archive):
    header = "order,kind,unit,account,customer_kind,archived_at,groups\n"
    place(archive, "records/orders/2026-11.csv", header.replace("\n", "\r"))
    run = validate(archive)
    assert [f["code"] for f in run.only("records/orders/2026-11.csv")] == ["file-line-endings"]


@pytest.mark.parametrize("depth", [MAX_DEPTH - 2, MAX_DEPTH - 1, MAX_DEPTH, MAX_DEPTH + 1])
@pytest.mark.parametrize("leaf", ["x: 1", "x: [1, 2]"])
def test_both_readers_agree_at_the_depth_limit(depth, leaf):
    text = "".join(" " * i + f"k{i}:\n" for i in range(depth)) + " " * depth + leaf + "\n"
    outcomes = []
    for read in (parse_yaml, parse_with_libyaml):
        try:
            parsed = read(text)
            outcomes.append(("ok", parsed.data, parsed.lines, parsed.problems))
        except YamlLimitError as exc:
            outcomes.append(("limit", exc.line))
    assert outcomes[0] == outcomes[1]
    deepest = depth + 1 + leaf.count("[")
    assert (outcomes[0][0] == "limit") == (deepest > MAX_DEPTH)
    if deepest > MAX_DEPTH:
        assert read_simple_layout(text) is None


@pytest.mark.parametrize("text", ["a: .inf\n", "a: -.Inf\n", "a: .NAN\n", "a: 1234567890123456789\n", "a: 1e400\n",
                                  "a: [" + "1" * 5000 + "]\n", "a: 0x" + "f" * 30 + "\n"])
def test_bounded_scalars_are_the_same_problem_in_both_readers(text):
    fast, events = parse_yaml(text), parse_with_libyaml(text)
    assert (fast.data, fast.problems) == (events.data, events.problems)
    assert [p.code for p in fast.problems] in (["yaml-not-finite"], ["yaml-number-too-long"])
