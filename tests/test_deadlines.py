"""Deadlines of 第十四、十五、十六、二十条 with exact expected moments (Beijing time)."""

from __future__ import annotations

from datetime import datetime

import pytest
import yaml

from callback_archive.deadlines import DeadlineRules, build_disaster
from callback_archive.model import Letter, Trigger, Unit
from callback_archive.policy import Policy
from callback_archive.timeutil import BEIJING, parse_time
from callback_archive.workcalendar import WorkCalendar
from conftest import REPO

POLICY = Policy.from_data(yaml.safe_load((REPO / "policy.yaml").read_text(encoding="utf-8")))
UNITS = {
    "tanggu": Unit("tanggu", "塘沽供电分公司", "branch", "赵志刚", "王静"),
    "xinbei": Unit("xinbei", "新北供电所", "station", "吴明", "郑晓燕", parent="tanggu"),
    "hangu": Unit("hangu", "汉沽供电分公司", "branch", "钱海涛", "李娜"),
}
TYPHOON = build_disaster(
    {"id": "DS-2026-01", "name": "台风", "start": "2026-09-14 00:00", "end": "2026-09-16 23:59", "units": ["tanggu"], "approved_by": "周建国"}
)


def rules(calendar: WorkCalendar | None = None) -> DeadlineRules:
    return DeadlineRules(POLICY, calendar or WorkCalendar(), {TYPHOON.id: TYPHOON}, UNITS)


def t(text: str) -> datetime:
    return parse_time(text)


BUSINESS = [
    # (archived_at, due date) — 7th working day after the archive day, which never counts.
    ("2026-09-01 10:00", "2026-09-10"),  # plain weeks
    ("2026-09-01 23:59", "2026-09-10"),  # late in the day: the day still never counts
    ("2026-09-02 00:00", "2026-09-11"),  # first minute of the next day
    ("2026-09-11 10:00", "2026-09-21"),  # 09-14..18, Sunday 09-20 (adjusted working day), 09-21
    ("2026-09-28 16:00", "2026-10-13"),  # before National Day: 09-29, 09-30, 10-08, 10-09, 10-10 (Sat), 10-12, 10-13
    ("2026-09-30 09:00", "2026-10-15"),  # the eve of the holiday
    ("2026-10-03 09:00", "2026-10-15"),  # inside the holiday: 10-08, 09, 10 (Sat), 12, 13, 14, 15 (not 10-16)
    ("2026-10-07 18:00", "2026-10-15"),  # last holiday day
    ("2026-10-09 08:00", "2026-10-19"),  # first day back
    ("2026-10-10 12:00", "2026-10-20"),  # archived on the working Saturday: 10-12 .. 10-16, 10-19, 10-20
    ("2026-02-12 10:00", "2026-02-28"),  # before Spring Festival: 02-13, 02-14 (Sat), 02-24 .. 02-27, 02-28 (Sat)
    ("2026-02-18 10:00", "2026-03-03"),  # inside Spring Festival: 02-24 .. 02-28 (Sat), 03-02, 03-03
    ("2026-02-24 09:00", "2026-03-04"),  # after Spring Festival: 02-25, 26, 27, 28 (Sat), 03-02, 03, 04
]


@pytest.mark.parametrize("archived, due", BUSINESS)
def test_business_deadline_is_end_of_seventh_working_day(archived, due):
    deadline = rules().for_trigger(Trigger("GD1", "new-install", t(archived)), "tanggu")
    assert deadline.due == datetime.fromisoformat(f"{due}T23:59:59+08:00")
    assert deadline.article == "第十四条"
    assert not deadline.provisional


def test_change_orders_follow_the_same_rule():
    deadline = rules().for_trigger(Trigger("GD1", "change", t("2026-10-03 09:00")), "tanggu")
    assert deadline.due.date().isoformat() == "2026-10-15"


REPAIR = [
    # (unit, archived_at, disaster, due)
    ("hangu", "2026-11-25 14:30", None, "2026-11-26 14:30"),
    ("hangu", "2026-10-01 00:00", None, "2026-10-02 00:00"),  # holidays do not matter to hours
    ("tanggu", "2026-09-15 10:00", "DS-2026-01", "2026-09-17 10:00"),  # disaster: 48 h
    ("xinbei", "2026-09-15 10:00", "DS-2026-01", "2026-09-17 10:00"),  # a station of a listed branch
    ("hangu", "2026-09-15 10:00", "DS-2026-01", "2026-09-16 10:00"),  # unit not covered: 24 h
    ("tanggu", "2026-09-17 00:00", "DS-2026-01", "2026-09-18 00:00"),  # after the disaster: 24 h
    ("tanggu", "2026-09-16 23:59", "DS-2026-01", "2026-09-18 23:59"),  # last minute of the disaster
]


@pytest.mark.parametrize("unit, archived, disaster, due", REPAIR)
def test_repair_deadline_in_hours(unit, archived, disaster, due):
    deadline = rules().for_trigger(Trigger("GD1", "repair", t(archived), disaster), unit)
    assert deadline.due == t(due)
    assert deadline.article == "第十五条"


def test_untimed_key_callbacks_are_due_with_the_month_statistics():
    complaint = rules().for_trigger(Trigger("GD1", "complaint", t("2026-09-29 10:00")), "hangu")
    assert (complaint.due, complaint.article, complaint.times_callback) == (t("2026-10-05 16:00"), "第二十条", False)
    hotline = rules().for_trigger(Trigger("GD1", "other", t("2026-11-25 10:00")), "hangu", ("hotline",))
    assert hotline.due == t("2026-12-05 16:00")


def test_other_orders_need_no_callback():
    assert rules().for_trigger(Trigger("GD1", "other", t("2026-11-25 10:00")), "hangu") is None


LETTERS = [
    ("complaint", "2026-09-17", "2026-09-23"),
    ("complaint", "2026-09-28", "2026-10-10"),  # 09-29, 09-30, 10-08, 10-09, 10-10 (Sat)
    ("report", "2026-09-28", "2026-10-16"),  # ten working days across National Day
    ("complaint", "2026-10-02", "2026-10-13"),  # received during the holiday: 10-08, 09, 10, 12, 13
    ("report", "2026-02-13", "2026-03-05"),  # 02-14 (Sat), 02-24 .. 02-28, 03-02 .. 03-05
]


@pytest.mark.parametrize("kind, received, due", LETTERS)
def test_letter_deadline(kind, received, due):
    letter = Letter("FH-1", "marketing", kind, t(received), True, "张", "public", "事由", source=None)
    deadline = rules().for_letter(letter)
    assert deadline.due == datetime.fromisoformat(f"{due}T23:59:59+08:00")
    assert deadline.article == "第十六条"


def test_letter_without_reply_requirement_has_no_deadline():
    letter = Letter("FH-1", "marketing", "complaint", t("2026-11-02"), False, "张", "public", "事由", source=None)
    assert rules().for_letter(letter) is None


@pytest.mark.parametrize(
    "year, month, due",
    [
        (2026, 9, "2026-10-05 16:00"),  # 10-05 is a National Day holiday: still due, never postponed
        (2026, 11, "2026-12-05 16:00"),  # a Saturday
        (2026, 12, "2027-01-05 16:00"),  # across the year
    ],
)
def test_monthly_report_due_at_1600_on_the_fifth(year, month, due):
    assert rules().monthly_report_due(year, month) == t(due)


def test_window_reaching_an_unknown_year_is_provisional():
    deadline = rules().for_trigger(Trigger("GD1", "new-install", t("2026-12-28 10:00")), "tanggu")
    assert deadline.provisional_years == (2027,)
    # Monday–Friday for 2027: 12-29, 12-30, 12-31, 01-01, 01-04, 01-05, 01-06.
    assert deadline.due.date().isoformat() == "2027-01-06"
    assert "records/calendar.yaml" in deadline.provisional_note()


def test_calendar_file_that_adds_the_year_makes_it_exact():
    calendar = WorkCalendar.from_data(
        {"years": {"2027": {"source": "测试用安排", "holidays": ["2027-01-01", "2027-01-04"], "workdays": []}}}
    )
    deadline = rules(calendar).for_trigger(Trigger("GD1", "new-install", t("2026-12-28 10:00")), "tanggu")
    assert not deadline.provisional
    assert deadline.due.date().isoformat() == "2027-01-08"  # 12-29, 12-30, 12-31, 01-05 .. 01-08


def test_calendar_correction_moves_a_deadline():
    corrected = WorkCalendar.from_data(
        {"corrections": [{"date": "2026-11-27", "workday": False, "reason": "测试", "approved_by": "某某"}]}
    )
    archived = Trigger("GD1", "new-install", t("2026-11-18 10:00"))
    assert rules().for_trigger(archived, "tanggu").due.date().isoformat() == "2026-11-27"
    assert rules(corrected).for_trigger(archived, "tanggu").due.date().isoformat() == "2026-11-30"


def test_times_are_beijing_time():
    assert rules().for_trigger(Trigger("GD1", "repair", t("2026-11-25T06:30:00Z")), "hangu").due == datetime(
        2026, 11, 26, 14, 30, tzinfo=BEIJING
    )
