"""Amend, never rewrite (第十一条): ``validate.py --base REV`` against records already on main."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import add_visit, place, run_validate
from gitrepo import GitRepo

from callback_archive.amendments import changed_fields

ID = "HF-20261201-0001"
PATH = f"records/visits/tanggu/2026/12/{ID}.yaml"
AMENDMENT = """amendments:
  - at: 2026-12-02 10:00
    by: 王静
    reason: 核对通话记录，更正回访时间
    fields: [{fields}]
"""
VOID = """void:
  at: 2026-12-03 09:00
  by: 王静
  reason: 工单号登记错误，已按正确工单另行登记
"""
CODES = {"amendment-missing", "amendment-rewritten", "record-deleted", "record-moved"}


def validate(root: Path, *args: str):
    return run_validate("--root", str(root), "--as-of", "2026-12-10T09:00", "--format", "json", *args)


def ours(run) -> list[dict]:
    return [f for f in run.findings if f["code"] in CODES]


def deadline_codes(run) -> list[str]:
    """The deadline findings (第十四至十六条) and ours, leaving other checks' findings to their own tests."""
    return [f["code"] for f in run.findings if f["code"] in CODES | {"callback-late", "letter-late", "letter-overdue"}]


@pytest.fixture
def on_main(archive) -> GitRepo:
    """One repair visit merged on main on time."""
    repo = GitRepo(archive)
    add_visit(archive, ID, order="GD2026120100001", archived="2026-12-01T09:00:00+08:00", visited="2026-12-01 15:00")
    repo.commit("登记回访", at="2026-12-01T16:00:00+08:00")
    return repo


def edit(root: Path, old: str, new: str, path: str = PATH) -> None:
    text = (root / path).read_text(encoding="utf-8")
    assert old in text
    place(root, path, text.replace(old, new))


def test_changed_fields_are_dotted_leaves():
    old = {"a": 1, "customer": {"phone": "1", "name": "王"}, "topics": ["x"], "gone": 1}
    new = {"a": 1, "customer": {"phone": "2", "name": "王"}, "topics": ["x", "y"], "trigger": {"order": "G", "kind": "k"}}
    assert changed_fields(old, new) == ["customer.phone", "topics", "trigger.order", "trigger.kind", "gone"]


def test_change_without_amendment_is_an_error_on_the_changed_line(archive, on_main):
    edit(archive, "visited_at: 2026-12-01 15:00", "visited_at: 2026-12-01 14:00")
    run = validate(archive, "--base", "main")
    assert run.status == 1
    [error] = ours(run)
    assert (error["code"], error["severity"], error["article"], error["file"], error["line"]) == (
        "amendment-missing", "error", "第十一条", PATH, 14)
    assert "`visited_at`（回访时间）" in error["message"] and "“2026-12-01 15:00”" in error["message"]
    assert "amendments 末尾追加" in error["message"] and "void" in error["message"]


def test_without_base_nothing_is_compared(archive, on_main):
    edit(archive, "visited_at: 2026-12-01 15:00", "visited_at: 2026-12-01 14:00")
    assert ours(validate(archive)) == []


def test_amendment_naming_the_field_or_its_parent_explains_the_change(archive, on_main):
    edit(archive, "visited_at: 2026-12-01 15:00", "visited_at: 2026-12-01 14:00")
    edit(archive, '  phone: "13800001234"', '  phone: "13800004321"')
    place(archive, PATH, (archive / PATH).read_text(encoding="utf-8") + AMENDMENT.format(fields="visited_at, customer"))
    run = validate(archive, "--base", "main")
    assert ours(run) == [] and run.status == 0


def test_amendment_that_misses_a_field_leaves_that_field_reported(archive, on_main):
    edit(archive, '  phone: "13800001234"', '  phone: "13800004321"')
    edit(archive, "visitor: 李敏", "visitor: 李敏敏")
    place(archive, PATH, (archive / PATH).read_text(encoding="utf-8") + AMENDMENT.format(fields="customer.phone"))
    [error] = ours(validate(archive, "--base", "main"))
    assert (error["code"], error["line"]) == ("amendment-missing", 15) and "visitor" in error["message"]


def test_rewriting_or_dropping_an_older_amendment_is_an_error(archive, on_main):
    edit(archive, "visited_at: 2026-12-01 15:00", "visited_at: 2026-12-01 14:00")
    place(archive, PATH, (archive / PATH).read_text(encoding="utf-8") + AMENDMENT.format(fields="visited_at"))
    on_main.commit("更正回访时间", at="2026-12-02T10:05:00+08:00")
    edit(archive, "reason: 核对通话记录，更正回访时间", "reason: 更正")
    [error] = ours(validate(archive, "--base", "main"))
    assert (error["code"], error["line"]) == ("amendment-rewritten", 20) and "第 1 条" in error["message"]
    text = (archive / PATH).read_text(encoding="utf-8")
    place(archive, PATH, text[: text.index("amendments:")])
    codes = sorted(f["code"] for f in ours(validate(archive, "--base", "main")))
    assert codes == ["amendment-rewritten"]


def test_adding_a_later_amendment_keeps_the_older_ones(archive, on_main):
    edit(archive, "visited_at: 2026-12-01 15:00", "visited_at: 2026-12-01 14:00")
    place(archive, PATH, (archive / PATH).read_text(encoding="utf-8") + AMENDMENT.format(fields="visited_at"))
    on_main.commit("更正回访时间", at="2026-12-02T10:05:00+08:00")
    edit(archive, "visitor: 李敏", "visitor: 李敏敏")
    place(archive, PATH, (archive / PATH).read_text(encoding="utf-8")
          + "  - at: 2026-12-04 10:00\n    by: 王静\n    reason: 更正回访人\n    fields: [visitor]\n")
    assert ours(validate(archive, "--base", "main")) == []


def test_deleted_record_is_an_error_without_a_line(archive, on_main):
    (archive / PATH).unlink()
    run = validate(archive, "--base", "main")
    assert run.status == 1
    [error] = ours(run)
    assert (error["code"], error["file"], error["line"], error["record"]) == ("record-deleted", PATH, None, ID)
    assert f"git checkout main -- {PATH}" in error["message"] and "void" in error["message"]


def test_moved_record_is_an_error_at_its_new_place(archive, on_main):
    moved = PATH.replace("tanggu", "xinbei")
    (archive / moved).parent.mkdir(parents=True)
    (archive / PATH).rename(archive / moved)
    edit(archive, "unit: tanggu", "unit: xinbei", path=moved)
    [error] = ours(validate(archive, "--base", "main"))
    assert (error["code"], error["file"], error["line"]) == ("record-moved", moved, 1)
    assert PATH in error["message"] and "git mv" in error["message"]


def test_voiding_needs_no_amendment_and_takes_the_record_out_of_the_deadlines(archive, on_main):
    late = add_visit(archive, "HF-20261201-0002", order="GD2026120100002", archived="2026-12-01T09:00:00+08:00",
                     visited="2026-12-03 15:00")
    on_main.commit("登记超时回访", at="2026-12-03T16:00:00+08:00")
    assert deadline_codes(validate(archive)) == ["callback-late"]
    place(archive, late, (archive / late).read_text(encoding="utf-8") + VOID)
    run = validate(archive, "--base", "main")
    assert deadline_codes(run) == [] and run.status == 0
    on_main.commit("作废", at="2026-12-03T17:00:00+08:00")
    edit(archive, "reason: 工单号登记错误，已按正确工单另行登记", "reason: 录错", path=late)
    [error] = ours(validate(archive, "--base", "main"))
    assert (error["code"], error["line"]) == ("amendment-missing", 22) and "void.reason" in error["message"]


def test_voided_letter_is_neither_late_nor_overdue(archive):
    letter = ("id: FH-20261102-0001\nunit: marketing\nkind: complaint\nreceived_at: 2026-11-02\nreply_required: true\n"
              "sender: {name: 张建民, group: npc-deputy}\nsubject: 反映小区频繁停电\n")
    path = "records/letters/marketing/2026/11/FH-20261102-0001.yaml"
    place(archive, path, letter)
    assert deadline_codes(validate(archive)) == ["letter-overdue"]
    place(archive, path, letter + VOID)
    assert deadline_codes(validate(archive)) == []


def test_pull_request_branch_is_compared_with_its_target(archive, on_main):
    on_main.checkout("-b", "fix-visitor")
    edit(archive, "visitor: 李敏", "visitor: 李敏敏")
    on_main.commit("改回访人", at="2026-12-02T09:00:00+08:00")
    add_visit(archive, "HF-20261202-0001", order="GD2026120200001", archived="2026-12-02T09:00:00+08:00",
              visited="2026-12-02 15:00")
    on_main.commit("新登记", at="2026-12-02T16:00:00+08:00")
    [error] = ours(validate(archive, "--base", "main"))
    assert (error["code"], error["file"], error["line"]) == ("amendment-missing", PATH, 15)


def test_unknown_base_or_no_git_is_a_usage_error(archive, tmp_path_factory):
    run = validate(archive, "--base", "main")
    assert run.status == 2 and "Git 仓库" in run.stderr
    GitRepo(archive).commit("一", at="2026-12-01T16:00:00+08:00")
    run = validate(archive, "--base", "origin/nowhere")
    assert run.status == 2 and "origin/nowhere" in run.stderr and "git fetch" in run.stderr
