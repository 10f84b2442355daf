"""The validator's deadline findings (第十四、十五、十六条), run through the real CLI."""

from __future__ import annotations

from conftest import AS_OF, add_visit, place, run_validate

DISASTERS = """disasters:
  - id: DS-2026-01
    name: 台风
    start: 2026-09-14 00:00
    end: 2026-09-16 23:59
    units: [tanggu]
    approved_by: 营销部 周建国
"""


def codes(run) -> list[tuple[str, str]]:
    return sorted((f["code"], f["record"]) for f in run.findings)


def validate(root, as_of=AS_OF):
    return run_validate("--root", str(root), "--as-of", as_of, "--format", "json")


def test_repair_at_exactly_24_hours_is_on_time(archive):
    add_visit(archive, "HF-20261126-0001", archived="2026-11-25T08:00:00+08:00", visited="2026-11-26 08:00")
    run = validate(archive)
    assert run.findings == [] and run.status == 0


def test_repair_one_minute_late_is_a_warning_with_article_and_lateness(archive):
    add_visit(archive, "HF-20261126-0001", archived="2026-11-25T08:00:00+08:00", visited="2026-11-26 08:01")
    run = validate(archive)
    assert run.status == 0  # late records are archived: a warning, not an error
    [late] = run.findings
    assert (late["code"], late["severity"], late["article"], late["line"]) == ("callback-late", "warning", "第十五条", 14)
    assert "2026-11-26 08:00 前" in late["message"] and "超时 1 分钟" in late["message"]


def test_business_late_counts_working_days(archive):
    add_visit(archive, "HF-20261016-0001", category="business", kind="new-install",
              archived="2026-10-03T09:00:00+08:00", visited="2026-10-16 09:00")
    [late] = validate(archive).findings
    assert late["code"] == "callback-late" and late["article"] == "第十四条"
    assert "2026-10-15 24:00 前" in late["message"] and "1 个工作日" in late["message"]


def test_business_on_the_last_day_across_national_day_is_on_time(archive):
    add_visit(archive, "HF-20261015-0001", category="business", kind="change",
              archived="2026-10-03T09:00:00+08:00", visited="2026-10-15 23:30")
    assert validate(archive).findings == []


def test_declared_disaster_extends_repair_to_48_hours(archive):
    place(archive, "records/disasters.yaml", DISASTERS)
    add_visit(archive, "HF-20260916-0001", unit="xinbei", archived="2026-09-15T10:00:00+08:00",
              visited="2026-09-17 09:00", disaster="DS-2026-01")
    assert validate(archive).findings == []


def test_unknown_disaster_is_an_error(archive):
    place(archive, "records/disasters.yaml", DISASTERS)
    add_visit(archive, "HF-20260916-0001", archived="2026-09-15T10:00:00+08:00",
              visited="2026-09-16 09:00", disaster="DS-2026-09")
    run = validate(archive)
    assert run.status == 1
    [error] = run.findings
    assert (error["code"], error["line"], error["article"]) == ("disaster-unknown", 13, "第十五条")
    assert "DS-2026-01" in error["message"]


def test_disaster_outside_its_units_or_time_is_an_error_and_24_hours_apply(archive):
    place(archive, "records/disasters.yaml", DISASTERS)
    place(archive, "records/units.yaml", (archive / "records/units.yaml").read_text(encoding="utf-8") + (
        "  - id: hangu\n    name: 汉沽供电分公司\n    kind: branch\n    head: 钱海涛\n    reporter: 李娜\n"))
    add_visit(archive, "HF-20260916-0001", unit="hangu", archived="2026-09-15T10:00:00+08:00",
              visited="2026-09-16 12:00", disaster="DS-2026-01")
    add_visit(archive, "HF-20260918-0001", order="GD2026091700002", archived="2026-09-17T10:00:00+08:00",
              visited="2026-09-18 09:00", disaster="DS-2026-01")
    run = validate(archive)
    assert run.status == 1
    assert codes(run) == [
        ("callback-late", "HF-20260916-0001"),
        ("disaster-not-applicable", "HF-20260916-0001"),
        ("disaster-not-applicable", "HF-20260918-0001"),
    ]


def test_unreached_customer_past_deadline_is_overdue(archive):
    add_visit(archive, "HF-20261125-0001", order="GD2026112400009", archived="2026-11-24T10:00:00+08:00",
              visited="2026-11-24 15:00", reached=False)
    add_visit(archive, "HF-20261125-0002", order="GD2026112400009", archived="2026-11-24T10:00:00+08:00",
              visited="2026-11-25 09:00", reached=False)
    run = validate(archive)
    [overdue] = run.findings
    assert overdue["code"] == "callback-overdue" and overdue["record"] == "HF-20261125-0002"
    assert "已尝试 2 次" in overdue["message"] and "无法联系" in overdue["message"]
    # Before the deadline the same case is only pending: nothing to report.
    assert validate(archive, "2026-11-25T09:30").findings == []


def test_three_attempts_on_two_days_in_time_close_as_unreachable(archive):
    for n, visited in enumerate(["2026-11-24 15:00", "2026-11-24 19:00", "2026-11-25 09:00"], start=1):
        add_visit(archive, f"HF-2026112{4 + (n == 3)}-000{n}", order="GD2026112400009", archived="2026-11-24T10:00:00+08:00",
                  visited=visited, reached=False)
    assert validate(archive).findings == []


def test_reached_after_failed_attempts_is_late_and_mentions_them(archive):
    add_visit(archive, "HF-20261125-0001", order="GD2026112400009", archived="2026-11-24T10:00:00+08:00",
              visited="2026-11-24 15:00", reached=False)
    add_visit(archive, "HF-20261125-0002", order="GD2026112400009", archived="2026-11-24T10:00:00+08:00",
              visited="2026-11-25 11:00")
    [late] = validate(archive).findings
    assert late["code"] == "callback-late" and late["record"] == "HF-20261125-0002"
    assert "1 次未联系上" in late["message"]


def test_attempts_on_one_order_must_agree(archive):
    add_visit(archive, "HF-20261125-0001", order="GD2026112400009", archived="2026-11-24T10:00:00+08:00",
              visited="2026-11-24 15:00", reached=False)
    add_visit(archive, "HF-20261125-0002", order="GD2026112400009", archived="2026-11-24T11:00:00+08:00",
              visited="2026-11-24 18:00")
    run = validate(archive)
    assert ("attempt-trigger-mismatch", "HF-20261125-0002") in codes(run)


LETTER = """id: FH-20261102-0001
unit: marketing
kind: {kind}
received_at: {received}
reply_required: true
sender: {{name: 张建民, group: npc-deputy}}
subject: 反映小区频繁停电
"""
REPLY = """replied_at: {replied}
reply: 已安排线路改造。
originals: {{incoming: 档案盒 FH-2026-07, reply: 档案盒 FH-2026-07}}
"""


def add_letter(root, kind, received, replied=None):
    text = LETTER.format(kind=kind, received=received) + (REPLY.format(replied=replied) if replied else "")
    place(root, f"records/letters/marketing/{received[:4]}/{received[5:7]}/FH-20261102-0001.yaml", text)


def test_letter_replied_on_the_last_working_day_is_on_time(archive):
    add_letter(archive, "complaint", "2026-09-28", "2026-10-10")
    assert validate(archive).findings == []


def test_letter_replied_late_is_a_warning(archive):
    add_letter(archive, "complaint", "2026-09-28", "2026-10-12")
    [late] = validate(archive).findings
    assert (late["code"], late["article"], late["line"]) == ("letter-late", "第十六条", 8)
    assert "2026-10-10 24:00 前" in late["message"]


def test_report_letter_has_ten_working_days(archive):
    add_letter(archive, "report", "2026-09-28", "2026-10-12")
    assert validate(archive).findings == []


def test_pending_letter_past_deadline_is_overdue(archive):
    add_letter(archive, "complaint", "2026-11-02")
    [overdue] = validate(archive).findings
    assert overdue["code"] == "letter-overdue" and "2026-11-09 24:00 前" in overdue["message"]


def test_deadline_reaching_an_unknown_year_is_provisional_and_warned(archive):
    (archive / "records/calendar.yaml").unlink()
    add_visit(archive, "HF-20270108-0001", category="business", kind="new-install",
              archived="2026-12-28T10:00:00+08:00", visited="2027-01-07 10:00")
    run = validate(archive, "2027-01-10T09:00")
    found = {f["code"]: f for f in run.findings}
    assert "暂定" in found["callback-late"]["message"] and "2027 年" in found["callback-late"]["message"]
    warning = found["calendar-year-missing"]
    assert warning["file"] == "records/calendar.yaml" and "1 个时限用到 2027 年" in warning["message"]


def test_next_year_calendar_is_asked_for_from_15_october(archive):
    (archive / "records/calendar.yaml").unlink()
    assert validate(archive, "2026-10-14T09:00").findings == []
    [warning] = validate(archive, "2026-10-15T09:00").findings
    assert warning["code"] == "calendar-year-missing" and "2027 年" in warning["message"]


def test_invalid_calendar_file_is_a_configuration_error(archive):
    place(archive, "records/calendar.yaml", 'years:\n  "2027":\n    source: 通知\n    holidays: ["2026-01-01"]\n    workdays: []\n')
    run = validate(archive)
    assert run.status == 2
    assert "calendar-invalid" in [f["code"] for f in run.findings]


def test_missing_policy_is_a_configuration_error(archive):
    (archive / "policy.yaml").unlink()
    run = validate(archive)
    assert run.status == 2
    assert [f["code"] for f in run.findings] == ["policy-invalid"]
