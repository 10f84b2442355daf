"""Penalties that follow the articles and never change once a month is closed (issue 17, points 1–4 and 7)."""

from __future__ import annotations

import pytest

from callback_archive.archive import open_archive
from callback_archive.penalties import late_arrivals, penalty_cases
from callback_archive.reports.monthly import month_summary
from callback_archive.reports.stats import unit_tallies
from callback_archive.timeutil import parse_time
from conftest import REPO, add_visit, place, run_validate, submitting_from_september
from gitrepo import GitRepo

AS_OF = "2026-12-10T09:00"


@pytest.fixture
def archive(archive):
    return submitting_from_september(archive)


def cases_at(root, as_of: str, history: bool = False) -> dict[str, object]:
    return {c.id: c for c in penalty_cases(open_archive(root, as_of=parse_time(as_of), git=history))
            if c.article != "第二十七条"}


def decide(root, month: str, items: str) -> None:
    place(root, f"records/decisions/{month}.yaml",
          f'month: "{month}"\ndecided_by: 营销部 周建国\ndecided_at: "{month}-28"\ndecisions:\n{items}')


def errors(root, as_of: str = AS_OF) -> list[dict]:
    run = run_validate("--root", str(root), "--as-of", as_of, "--format", "json")
    return [f for f in run.findings if f["severity"] == "error"]


# --- 1. decisions decide only the head's amount ----------------------------------------------


def late_repair(root, unit="tanggu", order="GD2026111000002", id="HF-20261112-0001"):
    add_visit(root, id, unit=unit, order=order, archived="2026-11-10T10:00:00+08:00", visited="2026-11-12 09:00")


@pytest.mark.parametrize("item, words", [
    ("- {case: tanggu-GD2026111000002, unit_amount: 0, head_amount: 300, reason: 减免}\n", "第二十六条规定的固定金额"),
    ("- {case: tanggu-report-2026-11, waive: true, reason: 系统故障}\n", "第二十七条的金额（责任部门 500 元、责任人 100 元）"),
])
def test_a_decision_cannot_touch_fixed_amounts(archive, item, words):
    late_repair(archive)
    decide(archive, "2026-11", item)
    [error] = errors(archive)
    assert error["code"] == "decision-out-of-range" and words in error["message"]
    assert error["article"] in ("第二十六条", "第二十七条") and error["line"] == 5


def test_head_amount_zero_with_a_reason_spares_the_head_only(archive):
    late_repair(archive)
    decide(archive, "2026-11", "- {case: tanggu-GD2026111000002, head_amount: 0, reason: 客户电话停机，已核实}\n")
    assert errors(archive) == []
    case = cases_at(archive, AS_OF)["tanggu-GD2026111000002"]
    assert (case.unit_due, case.head_amount, case.waived) == (1000, 0, True)


def test_a_self_judged_decision_is_refused_and_an_approved_one_applies(archive):
    late_repair(archive, unit="marketing", order="GD2026111000005", id="HF-20261112-0005")
    decide(archive, "2026-11", "- {case: marketing-GD2026111000005, waive: true, reason: 情有可原}\n")
    [error] = errors(archive)
    assert error["code"] == "decision-self-judged" and "approved_by" in error["message"] and "营销部本身" in error["message"]
    case = cases_at(archive, AS_OF)["marketing-GD2026111000005"]
    assert not case.waived and case.head_amount is None  # refused: changes nothing
    decide(archive, "2026-11", "- case: marketing-GD2026111000005\n  waive: true\n"
                               "  approved_by: {name: 李国强, role: 副总经理}\n  reason: 情有可原\n")
    assert errors(archive) == []
    case = cases_at(archive, AS_OF)["marketing-GD2026111000005"]
    assert case.waived and case.unit_due == 1000 and "经副总经理李国强批准" in case.decision


# --- 2. untimed callbacks -----------------------------------------------------------------


def complaint(root, id: str, visited: str, reached: bool) -> None:
    add_visit(root, id, category="other", kind="complaint", order="GD2026111000777",
              archived="2026-11-10T10:00:00+08:00", visited=visited, reached=reached)


def test_untimed_callback_unreached_at_the_cut_off_is_one_25_case_that_stays(archive):
    complaint(archive, "HF-20261120-0001", "2026-11-20 10:00", reached=False)
    run = run_validate("--root", str(archive), "--as-of", "2026-12-06T09:00", "--format", "json")
    [overdue] = [f for f in run.findings if f["code"] == "callback-overdue"]
    assert overdue["article"] == "第二十五条" and "不按第二十六条" in overdue["message"] and "超时" not in overdue["message"]
    before = cases_at(archive, "2026-12-06T09:00")
    assert [(i, c.article, c.month) for i, c in before.items()] == [("tanggu-GD2026111000777", "第二十五条", (2026, 11))]
    complaint(archive, "HF-20261208-0001", "2026-12-08 10:00", reached=True)  # reached after the cut-off
    after = cases_at(archive, AS_OF)
    assert [(i, c.article, c.month) for i, c in after.items()] == [("tanggu-GD2026111000777", "第二十五条", (2026, 11))]
    row = unit_tallies(open_archive(archive, as_of=parse_time(AS_OF), git=False))[(2026, 11)]["tanggu"].category_row("other")
    assert (row["late"], row["on_time"]) == (1, 0)  # done after the cut-off: late in the statistics
    run = run_validate("--root", str(archive), "--as-of", AS_OF, "--format", "json")
    [late] = [f for f in run.findings if f["code"] == "callback-late"]
    assert late["article"] == "第二十五条" and "不按第二十六条" in late["message"]


def test_untimed_callback_done_before_the_cut_off_is_no_case(archive):
    complaint(archive, "HF-20261204-0001", "2026-12-04 10:00", reached=True)
    assert cases_at(archive, AS_OF) == {}


# --- 3. stable cases ----------------------------------------------------------------------


def test_a_decision_of_a_closed_month_still_applies_after_a_late_record_lands(archive):
    # October repair, due 10-21 10:00; only a failed attempt by the month's close (11-05 16:00): 第二十六条.
    add_visit(archive, "HF-20261020-0001", order="GD2026102000001", archived="2026-10-20T10:00:00+08:00",
              visited="2026-10-20 12:00", reached=False)
    decide(archive, "2026-10", "- {case: tanggu-GD2026102000001, head_amount: 300, reason: 首次}\n")
    before = cases_at(archive, AS_OF)["tanggu-GD2026102000001"]
    assert (before.article, before.head_amount) == ("第二十六条", 300)
    add_visit(archive, "HF-20261110-0001", order="GD2026102000001", archived="2026-10-20T10:00:00+08:00",
              visited="2026-11-10 09:00")  # reached in November, after October closed
    assert errors(archive) == []
    cases = cases_at(archive, AS_OF)
    after = cases["tanggu-GD2026102000001"]
    assert (after.month, after.article, after.head_amount, after.causes) == ((2026, 10), "第二十六条", 300, before.causes)
    assert not [c for c in cases.values() if c.month == (2026, 11)]  # no second fine for the same order
    [arrival] = late_arrivals(open_archive(archive, as_of=parse_time(AS_OF), git=False))
    assert (arrival.month, arrival.case, arrival.record) == ((2026, 11), "tanggu-GD2026102000001", "HF-20261110-0001")
    summary = month_summary(open_archive(archive, as_of=parse_time(AS_OF), git=False), (2026, 11))
    assert [a["case"] for a in summary["late_arrivals"]] == ["tanggu-GD2026102000001"]


def test_while_the_month_is_open_a_case_changes_article_but_keeps_its_id(archive):
    add_visit(archive, "HF-20261126-0001", order="GD2026112500001", archived="2026-11-25T10:00:00+08:00",
              visited="2026-11-26 08:00", reached=False)
    assert cases_at(archive, "2026-11-27T09:00")["tanggu-GD2026112500001"].article == "第二十六条"
    add_visit(archive, "HF-20261127-0001", order="GD2026112500001", archived="2026-11-25T10:00:00+08:00",
              visited="2026-11-27 10:00")
    case = cases_at(archive, "2026-11-28T09:00")["tanggu-GD2026112500001"]
    assert case.article == "第二十六条" and case.causes[0].reference == "HF-20261127-0001"


# --- 4. late archive is late --------------------------------------------------------------


@pytest.mark.parametrize("landed, late", [("2026-11-27T10:00:00+08:00", False), ("2026-11-27T10:01:00+08:00", True)])
def test_a_record_landed_after_its_repair_limit_is_a_26_case(archive, landed, late):
    # Repair archived 11-26 10:00, due 11-27 10:00; called on time at 12:00.
    add_visit(archive, "HF-20261126-0001", order="GD2026112600001", archived="2026-11-26T10:00:00+08:00",
              visited="2026-11-26 12:00")
    GitRepo(archive).commit("登记回访", at=landed)
    cases = cases_at(archive, AS_OF, history=True)
    assert ("tanggu-GD2026112600001" in cases) == late
    if late:
        case = cases["tanggu-GD2026112600001"]
        assert case.article == "第二十六条" and case.causes[0].text.startswith("档案建立超时")
        assert "2026-11-27 10:01 才合并到 main（提交 " in case.causes[0].text
    row = unit_tallies(open_archive(archive, as_of=parse_time(AS_OF)))[(2026, 11)]["tanggu"].category_row("repair")
    assert (row["late"], row["on_time"]) == (int(late), int(not late))


def test_records_before_history_since_keep_their_exemption(archive):
    add_visit(archive, "HF-20261120-0001", order="GD2026112000001", archived="2026-11-20T10:00:00+08:00",
              visited="2026-11-20 12:00")
    GitRepo(archive).commit("迁移补录", at="2026-11-30T10:00:00+08:00")
    assert cases_at(archive, AS_OF, history=True) == {}


# --- 7. who must report, from when --------------------------------------------------------


def test_a_unit_reporting_from_november_is_not_fined_for_october(archive):
    units = archive / "records/units.yaml"
    units.write_text(units.read_text(encoding="utf-8").replace("    reporter: 郑晓燕\n",
                                                               "    reporter: 郑晓燕\n    reports_from: 2026-11\n"),
                     encoding="utf-8")
    add_visit(archive, "HF-20261015-0001", unit="xinbei", order="GD2026101500001", archived="2026-10-15T10:00:00+08:00",
              visited="2026-10-15 12:00")
    add_visit(archive, "HF-20261115-0001", unit="xinbei", order="GD2026111500001", archived="2026-11-15T10:00:00+08:00",
              visited="2026-11-15 12:00")
    loaded = open_archive(archive, as_of=parse_time(AS_OF), git=False)
    ids = {c.id for c in penalty_cases(loaded) if c.article == "第二十七条"}
    assert "xinbei-report-2026-10" not in ids
    assert {"xinbei-report-2026-11", "tanggu-report-2026-10"} <= ids
    run = run_validate("--root", str(archive), "--as-of", AS_OF, "--format", "json")
    missing = {f["file"] for f in run.findings if f["code"] == "submission-missing"}
    assert "records/submissions/2026-10/xinbei.yaml" not in missing
    assert "records/submissions/2026-11/xinbei.yaml" in missing
    october = month_summary(loaded, (2026, 10))
    assert {u["id"]: u["submission"]["state"] for u in october["units"]}["xinbei"] == "not-required"


def test_a_bad_reports_from_is_refused(archive):
    units = archive / "records/units.yaml"
    units.write_text(units.read_text(encoding="utf-8").replace("    reporter: 郑晓燕\n",
                                                               "    reporter: 郑晓燕\n    reports_from: 2026-13\n"),
                     encoding="utf-8")
    run = run_validate("--root", str(archive), "--as-of", AS_OF, "--format", "json")
    assert run.status == 2  # the organisation itself is wrong: nothing else can be judged
    [error] = [f for f in run.findings if f["severity"] == "error"]
    assert error["file"] == "records/units.yaml" and error["line"] == 18 and "格式" in error["message"]


def test_validate_script_refuses_a_self_judged_decision_as_a_user_runs_it(archive):
    """The command line as staff run it (real clock, no --as-of): the November case is long past its deadline."""
    import subprocess
    import sys

    late_repair(archive, unit="marketing", order="GD2026111000005", id="HF-20261112-0005")
    decide(archive, "2026-11", "- {case: marketing-GD2026111000005, head_amount: 0, reason: 自己免自己}\n")
    result = subprocess.run([sys.executable, str(REPO / "scripts" / "validate.py"), "--root", str(archive)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert "decision-self-judged" in result.stdout and "公司领导批准" in result.stdout


def test_an_untimed_callback_landed_after_the_cut_off_is_the_25_case_and_late(archive):
    complaint(archive, "HF-20261204-0001", "2026-12-04 10:00", reached=True)  # before the 12-05 16:00 cut-off
    GitRepo(archive).commit("登记回访", at="2026-12-07T09:00:00+08:00")  # but on main only after it
    cases = cases_at(archive, AS_OF, history=True)
    assert [(i, c.article) for i, c in cases.items()] == [("tanggu-GD2026111000777", "第二十五条")]
    row = unit_tallies(open_archive(archive, as_of=parse_time(AS_OF)))[(2026, 11)]["tanggu"].category_row("other")
    assert (row["late"], row["on_time"]) == (1, 0)
    run = run_validate("--root", str(archive), "--as-of", AS_OF, "--format", "json")
    [landed] = [f for f in run.findings if f["code"] == "callback-landed-late"]
    assert "按第二十五条考核" in landed["message"]


def test_the_sample_shows_a_unit_set_up_in_november():
    """The sample's 中新生态城供电所 reports from 2026-11: October neither requires nor fines it."""
    sample = open_archive(REPO, as_of=parse_time("2026-12-04T09:00"), git=False)
    october = month_summary(sample, (2026, 10))
    states = {u["id"]: u["submission"]["state"] for u in october["units"]}
    assert states["zhongxin"] == "not-required" and states["chadian"] == "missing"
    assert not any(case.unit == "zhongxin" for case in penalty_cases(sample))
