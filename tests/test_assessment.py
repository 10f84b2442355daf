"""Monthly statistics, submissions and penalties (第十八至二十条, 第二十四至二十八条) on small fixtures."""

from __future__ import annotations

import io
from contextlib import redirect_stderr, redirect_stdout

import pytest

from callback_archive.archive import open_archive
from callback_archive.cli import reports as build_reports_cli
from callback_archive.penalties import penalty_cases
from callback_archive.reports.monthly import month_summary
from callback_archive.reports.stats import company, rollups, unit_tallies
from callback_archive.timeutil import parse_time
from conftest import add_visit, place, run_validate, submitting_from_september

AS_OF = "2026-12-10T09:00"


@pytest.fixture
def archive(archive):
    return submitting_from_september(archive)


def t(text: str):
    return parse_time(text)


def three_callbacks(root) -> None:
    """tanggu: one on time, one late (26); xinbei: one late; all repairs due in November."""
    add_visit(root, "HF-20261111-0001", order="GD2026111000001", archived="2026-11-10T10:00:00+08:00",
              visited="2026-11-11 09:00")
    add_visit(root, "HF-20261112-0001", order="GD2026111000002", archived="2026-11-10T10:00:00+08:00",
              visited="2026-11-12 09:00")
    add_visit(root, "HF-20261112-0002", unit="xinbei", order="GD2026111000003", archived="2026-11-10T10:00:00+08:00",
              visited="2026-11-12 10:00")


def submit(root, unit, month, when, *extra):
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        status = build_reports_cli.main(["--root", str(root), "--submit", unit, "--month", month, "--as-of", when, *extra])
    return status, out.getvalue(), err.getvalue()


def submit_everyone(root, month="2026-11", when="2026-12-04T10:00"):
    for unit in ("marketing", "tanggu", "xinbei"):
        assert submit(root, unit, month, when)[0] == 0


def test_counts_and_rollups(archive):
    three_callbacks(archive)
    loaded = open_archive(archive, as_of=t(AS_OF), git=False)
    tallies = unit_tallies(loaded)[(2026, 11)]
    assert tallies["tanggu"].category_row("repair").items() >= {"total": 2, "done": 2, "on_time": 1, "late": 1}.items()
    assert tallies["tanggu"].category_row("repair")["on_time_rate"] == 0.5
    rolled = rollups(loaded.records, tallies)
    assert rolled["tanggu"].category_row("repair")["late"] == 2  # the branch includes its station
    assert rolled["xinbei"].category_row("repair")["late"] == 1
    assert company(tallies).totals()["satisfied"] == 3


def test_statistics_month_is_the_deadline_month(archive):
    # Archived 10-30, due 11-10 (7 working days): counted in November, not October.
    add_visit(archive, "HF-20261105-0001", category="business", kind="new-install", order="GD2026103000001",
              archived="2026-10-30T10:00:00+08:00", visited="2026-11-05 10:00")
    tallies = unit_tallies(open_archive(archive, as_of=t(AS_OF), git=False))
    assert (2026, 10) not in tallies
    assert tallies[(2026, 11)]["tanggu"].category_row("business")["on_time"] == 1


def test_penalty_cases_per_case_with_amounts_and_causes(archive):
    three_callbacks(archive)
    submit_everyone(archive)
    cases = [c for c in penalty_cases(open_archive(archive, as_of=t(AS_OF), git=False)) if c.month == (2026, 11)]
    assert [(c.id, c.article, c.unit_amount, c.head_range) for c in cases] == [
        ("tanggu-GD2026111000002", "第二十六条", 1000, (200, 500)),
        ("xinbei-GD2026111000003", "第二十六条", 1000, (200, 500)),
    ]
    assert cases[0].causes[0].file == "records/visits/tanggu/2026/11/HF-20261112-0001.yaml"
    assert cases[0].head_text == "200–500（视情节，待定）"


def test_penalties_per_month_setting(archive, policy_with):
    three_callbacks(archive)
    add_visit(archive, "HF-20261112-0003", order="GD2026111000004", archived="2026-11-10T10:00:00+08:00",
              visited="2026-11-12 11:00")
    submit_everyone(archive)
    policy_with({"penalties.counting": "per-month"})
    cases = [c for c in penalty_cases(open_archive(archive, as_of=t(AS_OF), git=False)) if c.month == (2026, 11)]
    assert [(c.id, len(c.causes), c.unit_amount) for c in cases] == [("26-tanggu", 2, 1000), ("26-xinbei", 1, 1000)]


DECISIONS = """month: "2026-11"
decided_by: 营销部 周建国
decided_at: "2026-12-08"
decisions:
{items}"""


def decide(root, items: str):
    place(root, "records/decisions/2026-11.yaml", DECISIONS.format(items=items))


def test_decision_within_range_and_waiver(archive):
    three_callbacks(archive)
    submit_everyone(archive)
    decide(archive, "- {case: tanggu-GD2026111000002, head_amount: 300, reason: 首次}\n"
                    "- {case: xinbei-GD2026111000003, waive: true, reason: 系统故障}\n")
    run = run_validate("--root", str(archive), "--as-of", AS_OF, "--format", "json")
    assert [f["code"] for f in run.findings if f["severity"] == "error"] == []
    cases = {c.id: c for c in penalty_cases(open_archive(archive, as_of=t(AS_OF), git=False))}
    assert cases["tanggu-GD2026111000002"].head_text == "300"
    waived = cases["xinbei-GD2026111000003"]
    # A waiver spares the head only: the unit's 1,000 yuan is fixed by 第二十六条 (issue 17).
    assert waived.waived and waived.unit_due == 1000 and waived.as_dict()["unit_amount"] == 1000
    assert waived.as_dict()["head_amount"] == 0 and waived.head_text == "0（免于扣罚）"
    assert "系统故障（营销部 周建国，2026-12-08）" == waived.decision
    totals = month_summary(open_archive(archive, as_of=t(AS_OF), git=False), (2026, 11))["company"]["penalties"]
    assert totals["unit_amount"] == 2000 and totals["head_decided"] == 300


@pytest.mark.parametrize("item, code, words", [
    ("- {case: tanggu-GD2026111000002, head_amount: 600, reason: 严重}\n", "decision-out-of-range", "200–500"),
    ("- {case: tanggu-GD2026111000002, head_amount: 300, waive: true, reason: 矛盾}\n", "decision-out-of-range", "二者选一"),
    ("- {case: tanggu-GD0000, head_amount: 300, reason: 无此案例}\n", "decision-unknown-case", "没有编号为"),
])
def test_bad_decisions_are_errors(archive, item, code, words):
    three_callbacks(archive)
    submit_everyone(archive)
    decide(archive, item)
    run = run_validate("--root", str(archive), "--as-of", AS_OF, "--format", "json")
    assert run.status == 1
    [error] = [f for f in run.findings if f["severity"] == "error"]
    assert error["code"] == code and words in error["message"] and error["line"] == 5
    case = {c.id: c for c in penalty_cases(open_archive(archive, as_of=t(AS_OF), git=False))}["tanggu-GD2026111000002"]
    assert case.head_amount is None and not case.waived  # a bad decision changes nothing


@pytest.mark.parametrize("when, late", [("2026-12-05T16:00", False), ("2026-12-05T16:01", True)])
def test_submission_at_1600_sharp_is_on_time_one_minute_later_is_late(archive, when, late):
    three_callbacks(archive)
    status, out, _ = submit(archive, "tanggu", "2026-11", when)
    assert status == 0 and ("已超过上报时限" in out) == late
    run = run_validate("--root", str(archive), "--as-of", AS_OF, "--format", "json")
    late_findings = [f for f in run.findings if f["code"] == "submission-late"]
    assert bool(late_findings) == late
    ids = [c.id for c in penalty_cases(open_archive(archive, as_of=t(AS_OF), git=False)) if c.article == "第二十七条"]
    assert ("tanggu-report-2026-11" in ids) == late
    assert {"marketing-report-2026-11", "xinbei-report-2026-11"} <= set(ids)  # they never submitted


def test_submission_due_on_a_holiday_is_not_postponed(archive):
    add_visit(archive, "HF-20260915-0001", order="GD2026091500001", archived="2026-09-14T10:00:00+08:00",
              visited="2026-09-15 09:00")
    place(archive, "policy.yaml", (archive / "policy.yaml").read_text(encoding="utf-8"))
    assert submit(archive, "tanggu", "2026-09", "2026-10-08T09:00")[0] == 0  # after the National Day holiday
    run = run_validate("--root", str(archive), "--as-of", "2026-10-09T09:00", "--format", "json")
    [late] = [f for f in run.findings if f["code"] == "submission-late"]
    assert "2026-10-05 16:00" in late["message"] and "节假日不顺延" in late["message"]


def test_submitted_figures_that_differ_from_the_archive_are_listed(archive):
    three_callbacks(archive)
    submit_everyone(archive)
    add_visit(archive, "HF-20261112-0009", order="GD2026111000009", archived="2026-11-10T10:00:00+08:00",
              visited="2026-11-12 12:00")  # landed after the submission
    run = run_validate("--root", str(archive), "--as-of", AS_OF, "--format", "json")
    differs = {f["record"]: f["message"] for f in run.findings if f["code"] == "submission-differs"}
    assert set(differs) == {"tanggu", "marketing"}
    assert "供电抢修·超时 上报 1，档案 2" in differs["tanggu"]


def test_submit_refuses_twice_and_unknown_units(archive):
    three_callbacks(archive)
    assert submit(archive, "tanggu", "2026-11", "2026-12-04T10:00")[0] == 0
    status, _, err = submit(archive, "tanggu", "2026-11", "2026-12-04T11:00")
    assert status == 2 and "已存在" in err
    status, _, err = submit(archive, "dagang", "2026-11", "2026-12-04T11:00")
    assert status == 2 and "dagang" in err
    status, _, err = submit(archive, "tanggu", "2026/11", "2026-12-04T11:00")
    assert status == 2 and "年-月" in err


def test_summary_carries_units_company_and_penalty_totals(archive):
    three_callbacks(archive)
    submit_everyone(archive)
    summary = month_summary(open_archive(archive, as_of=t(AS_OF), git=False), (2026, 11))
    units = {u["id"]: u for u in summary["units"]}
    assert units["tanggu"]["own"]["categories"]["repair"]["late"] == 1
    assert units["tanggu"]["rollup"]["categories"]["repair"]["late"] == 2
    assert units["xinbei"]["rollup"] is None
    assert units["tanggu"]["submission"]["state"] == "on-time"
    assert summary["company"]["penalties"].items() >= {"cases": 2, "unit_amount": 2000, "head_undecided_min": 400,
                                                       "head_undecided_max": 1000}.items()
    assert summary["report_due"] == "2026-12-05 16:00"


def test_conduct_complaints_are_listed_for_referral_without_amount(archive):
    path = add_visit(archive, "HF-20261126-0001")
    text = (archive / path).read_text(encoding="utf-8") + "conduct: {staff: 抢修二班, description: 态度生硬}\n"
    (archive / path).write_text(text, encoding="utf-8")
    summary = month_summary(open_archive(archive, as_of=t(AS_OF), git=False), (2026, 11))
    [referral] = summary["conduct"]
    assert referral["staff"] == "抢修二班" and "amount" not in referral


def test_with_git_history_a_submission_counts_from_when_it_landed_on_main(archive):
    """第二十条 after the audit trail: the time the file reached main, not the time written in it."""
    from gitrepo import GitRepo

    three_callbacks(archive)
    repo = GitRepo(archive)
    repo.commit("记录", at="2026-11-30T09:00:00+08:00")
    assert submit(archive, "tanggu", "2026-11", "2026-12-04T10:00")[0] == 0  # says 12-04 10:00
    repo.commit("塘沽上报 11 月统计", at="2026-12-07T09:00:00+08:00")  # but reached main on 12-07
    run = run_validate("--root", str(archive), "--as-of", AS_OF, "--format", "json")
    [late] = [f for f in run.findings if f["code"] == "submission-late"]
    assert "2026-12-07 09:00（合并到 main 的时间）" in late["message"]
    summary = month_summary(open_archive(archive, as_of=t(AS_OF)), (2026, 11))
    assert {u["id"]: u["submission"]["state"] for u in summary["units"]}["tanggu"] == "late"
