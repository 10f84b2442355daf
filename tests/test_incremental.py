"""Incremental validation (issue 8): what it reuses, what makes it recompute or start over, and its parts.

The randomized comparison with full runs is tests/test_incremental_random.py; these tests
name the cases one by one.
"""

from __future__ import annotations

import io
import json
import marshal
import os
import shutil
import time

import pytest

from callback_archive.engine import checkstate, groups
from callback_archive.engine.loader import discover
from callback_archive.engine.cache import Shards
from callback_archive.findings import Finding
from callback_archive.engine.keygraph import KeyGraph
from callback_archive.render.findings import Summary, report_json
from conftest import AS_OF, place, run_validate, visit_yaml
from gitrepo import GitRepo

STATE = ".cache/checks"


def validate(root, *extra, as_of=AS_OF):
    return run_validate("--root", str(root), "--as-of", as_of, "--format", "json", "--stats", *extra)


def full(root, as_of=AS_OF):
    return run_validate("--root", str(root), "--as-of", as_of, "--format", "json", "--no-cache")


def test_a_second_run_reuses_the_findings_and_says_how_much_it_recomputed(committed):
    first = validate(committed)
    assert "读取统计" in first.stderr  # the first run is a full one
    second = validate(committed)
    assert "增量检查：重算" in second.stderr and "其余沿用上次的结论" in second.stderr
    assert (second.status, second.stdout) == (first.status, first.stdout) == (full(committed).status, full(committed).stdout)


def test_a_duplicate_id_added_later_is_found_on_both_sides(committed):
    validate(committed)
    source = committed / "records/visits/tanggu/2026/11/HF-20261126-0001.yaml"
    place(committed, "records/visits/tanggu/2026/11/HF-20261126-0009.yaml", source.read_text(encoding="utf-8"))
    run = validate(committed)
    assert "增量检查" in run.stderr
    assert (run.status, run.stdout) == (full(committed).status, full(committed).stdout)
    assert {f["code"] for f in run.findings} >= {"id-duplicate", "id-file-mismatch"}


def test_a_later_now_recomputes_what_time_changes(committed):
    # A visit triggered by an order whose deadline is still ahead: overdue only later.
    place(committed, "records/visits/tanggu/2026/11/HF-20261126-0003.yaml",
          visit_yaml("HF-20261126-0003", order="GD2026112600125", archived="2026-11-26T08:00:00+08:00",
                     visited="2026-11-26 08:30", reached=False))  # the 24 hours end 2026-11-27 08:00
    first = validate(committed)
    assert "callback-overdue" not in {f["code"] for f in first.findings}
    later = "2026-11-28T09:00"
    run = validate(committed, as_of=later)
    assert "增量检查" in run.stderr
    assert run.stdout == full(committed, later).stdout
    assert "callback-overdue" in {f["code"] for f in run.findings}


def test_an_earlier_now_is_a_full_run(committed):
    validate(committed)
    run = validate(committed, as_of="2026-11-25T09:00")
    assert "读取统计" in run.stderr and run.stdout == full(committed, "2026-11-25T09:00").stdout


def test_a_policy_change_is_a_full_run(committed, policy_with):
    validate(committed)
    policy_with({"audit.merge_warning_days": 4})
    run = validate(committed)
    assert "读取统计" in run.stderr and run.stdout == full(committed).stdout


@pytest.mark.parametrize("damage", ["delete", "garble", "mismatch", "older format"])
def test_a_missing_damaged_or_mixed_state_means_a_full_run_with_the_same_findings(committed, damage):
    first = validate(committed)
    state = committed / STATE
    if damage == "delete":
        shutil.rmtree(state)
    elif damage == "garble":
        for part in state.iterdir():
            part.write_bytes(b"\x00 not marshal")
    elif damage == "older format":  # written before the keys were named (or any other change of the format)
        for part in state.iterdir():
            data = marshal.loads(part.read_bytes())
            part.write_bytes(marshal.dumps((checkstate.FORMAT - 1, *data[1:])))
    else:  # the results of one run with the snapshot of another
        kept = (state / "results.marshal").read_bytes()
        validate(committed, as_of="2026-11-27T09:00")
        (state / "results.marshal").write_bytes(kept)
        (state / "snapshot.marshal").write_bytes((state / "snapshot.marshal").read_bytes().replace(b"a", b"b", 1))
    run = validate(committed)
    assert "读取统计" in run.stderr and run.stdout == first.stdout


def test_a_landing_on_main_is_noticed_without_any_change_of_content(committed):
    place(committed, "records/visits/tanggu/2026/11/HF-20261126-0004.yaml",
          visit_yaml("HF-20261126-0004", order="GD2026112600126", archived="2026-11-26T09:00:00+08:00",
                     visited="2026-11-26 10:00"))
    validate(committed, as_of="2026-11-27T09:00")  # not on main yet
    GitRepo(committed).commit("登记回访", at="2026-11-27T08:00:00+08:00")  # (init again: the same repository)
    run = validate(committed, as_of="2026-11-27T09:00")
    assert "增量检查" in run.stderr and run.stdout == full(committed, "2026-11-27T09:00").stdout


# --- the parts --------------------------------------------------------------------------------


def test_key_graph_answers_both_ways_and_keeps_changes_in_its_overlay():
    graph = KeyGraph.build({"a.yaml": ("case:1", "figures:2026-11"), "b.yaml": ("case:1",),
                            "c.csv#2": ("case:2", "figures:2026-11")})
    assert graph.providers_of("case:1") == {"a.yaml", "b.yaml"}
    assert graph.providers_of("figures:2026-11") == {"a.yaml", "c.csv#2"}
    assert graph.keys_of("b.yaml") == ("case:1",) and graph.keys_of("nobody") is None
    graph.set("b.yaml", ("case:2",))
    graph.set("a.yaml", None)
    graph.set("d.yaml", ("case:1",))
    assert graph.providers_of("case:1") == {"d.yaml"} and graph.providers_of("case:2") == {"b.yaml", "c.csv#2"}
    assert graph.keys_of("a.yaml") is None
    stored = KeyGraph(*graph.tables(), dict(graph.overlay))
    assert stored.providers_of("case:2") == {"b.yaml", "c.csv#2"}


def test_every_group_and_data_key_tells_its_kind():
    kinds = [k for k in vars(groups).values() if isinstance(k, groups.Kind)]
    assert len({k.prefix for k in kinds}) == len(kinds) > 10
    for kind in kinds:
        key = kind.key("2026-11") if kind.prefix.endswith(":") else kind.key()
        assert groups.kind_of(key) is kind and kind.has(key)
        assert [other for other in kinds if other.has(key)] == [kind]  # no prefix starts another
        assert key.startswith(groups.COUNTED) == (kind in (groups.VISIT_MONTH, groups.FIGURES_MONTH, groups.PROVISIONAL_YEAR))
    assert groups.CASE.value(groups.case_key("gd1")) == "GD1"
    assert groups.kind_of("all records") is None


def test_key_graph_folds_a_large_overlay_into_its_tables(monkeypatch):
    monkeypatch.setattr("callback_archive.engine.keygraph.OVERLAY_LIMIT", 2)
    graph = KeyGraph.build({"a": ("k",), "b": ("k",)})
    graph.set("a", None)
    assert graph.compacted() is graph
    graph.set("c", ("k", "j"))
    folded = graph.compacted()
    assert folded is not graph and folded.overlay == {}
    assert folded.providers_of("k") == {"b", "c"} and folded.keys_of("c") == ("k", "j")


def test_folder_listings_are_reused_until_a_folder_changes(tmp_path):
    folder = tmp_path / "records" / "visits"
    folder.mkdir(parents=True)
    (folder / "a.yaml").write_text("x", encoding="utf-8")
    old = time.time_ns() - 10_000_000_000  # older than the racy window
    os.utime(folder, ns=(old, old))
    listings: dict = {}
    assert discover(tmp_path, listings) == ["records/visits/a.yaml"]
    assert listings["records/visits"][0] == old
    listings["records/visits"] = (old, (), ("a.yaml", "remembered.yaml"))  # proves the listing is reused
    assert discover(tmp_path, listings) == ["records/visits/a.yaml", "records/visits/remembered.yaml"]
    (folder / "b.yaml").write_text("x", encoding="utf-8")  # changes the folder's time: listed again
    assert discover(tmp_path, listings) == ["records/visits/a.yaml", "records/visits/b.yaml"]


def test_a_folder_changed_just_now_is_listed_every_time(tmp_path):
    folder = tmp_path / "records"
    folder.mkdir()
    (folder / "a.yaml").write_text("x", encoding="utf-8")
    listings: dict = {}
    discover(tmp_path, listings)
    assert listings["records"][0] == -1  # racy: never matches a real time


def test_hot_entries_count_only_with_the_right_key(tmp_path):
    shards = Shards(tmp_path, partial=True, hot={"records/a.yaml": ("key-1", "payload")})
    assert shards.get("records/a.yaml", "key-1") == "payload"
    assert shards.get("records/a.yaml", "key-2") is None
    assert shards.used == {"records/a.yaml": ("key-1", "payload")}


def test_overlaid_listing():
    assert checkstate.overlaid({"a": 1, "b": 2}, {"b": None, "c": 3}) == {"a": 1, "c": 3}


@pytest.mark.parametrize("count", [0, 1, 3])
def test_json_report_is_exactly_what_json_dump_writes(count):
    findings = [Finding("records/x.yaml", n or None, "error", "第十四条" if n else None, None, "schema-enum",
                        f"说明 \"引号\" \\ 换行\n{n}") for n in range(count)]
    summary = Summary.of(findings, 7, "2026-11-26 09:00")
    written = io.StringIO()
    report_json(findings, summary, written)
    expected = json.dumps({"findings": [f.as_dict() for f in findings], "summary": summary.__dict__},
                          ensure_ascii=False, indent=2) + "\n"
    assert written.getvalue() == expected
