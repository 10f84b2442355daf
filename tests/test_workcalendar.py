"""Tests for callback_archive.workcalendar.

Expected dates are worked out by hand from the State Council notice
国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04):
元旦 1/1–1/3 off, 1/4 (Sun) working; 春节 2/15–2/23 off, 2/14 (Sat) and 2/28 (Sat) working;
清明 4/4–4/6; 劳动节 5/1–5/5 off, 5/9 (Sat) working; 端午 6/19–6/21; 中秋 9/25–9/27;
国庆 10/1–10/7 off, 9/20 (Sun) and 10/10 (Sat) working.
"""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import holidays
import pytest
import yaml
from jsonschema import Draft202012Validator

from callback_archive.workcalendar import WorkCalendar, WorkdayCount

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_PATH = ROOT / "schemas" / "calendar.schema.json"
CALENDAR_PATH = ROOT / "records" / "calendar.yaml"

NO_FILE = WorkCalendar.from_data(None)

# A made-up 2027 arrangement, for tests only (the real one is not published yet).
TEST_2027 = {
    "source": "测试用虚构安排",
    "holidays": ["2027-01-01"],
    "workdays": [],
}


def d(text: str) -> date:
    return date.fromisoformat(text)


def calendar_with(
    years: dict[str, Any] | None = None, corrections: list[dict[str, Any]] | None = None
) -> WorkCalendar:
    return WorkCalendar.from_data({"years": years or {}, "corrections": corrections or []})


def correction(day: str, workday: bool) -> dict[str, Any]:
    return {"date": day, "workday": workday, "reason": "测试", "approved_by": "营销部 测试员"}


# (archive day, n=5, n=7, n=10)
COUNTS_2026 = [
    # Spring Festival: 2/14 Sat working, 2/15–2/23 off, 2/28 Sat working.
    ("2026-02-07", "2026-02-13", "2026-02-24", "2026-02-27"),  # ordinary Saturday a week before
    ("2026-02-12", "2026-02-26", "2026-02-28", "2026-03-04"),  # before; 2/14 and 2/28 are counted
    ("2026-02-13", "2026-02-27", "2026-03-02", "2026-03-05"),  # last Friday before
    ("2026-02-14", "2026-02-28", "2026-03-03", "2026-03-06"),  # adjusted working Saturday as start
    ("2026-02-15", "2026-02-28", "2026-03-03", "2026-03-06"),  # first day off
    ("2026-02-18", "2026-02-28", "2026-03-03", "2026-03-06"),  # inside the holiday
    ("2026-02-23", "2026-02-28", "2026-03-03", "2026-03-06"),  # last day off (a Monday)
    ("2026-02-24", "2026-03-02", "2026-03-04", "2026-03-09"),  # first day back
    ("2026-02-27", "2026-03-05", "2026-03-09", "2026-03-12"),  # Friday before the working Saturday
    ("2026-02-28", "2026-03-06", "2026-03-10", "2026-03-13"),  # adjusted working Saturday as start
    # Mid-Autumn + National Day: 9/20 Sun working, 9/25–9/27 off, 10/1–10/7 off, 10/10 Sat working.
    ("2026-09-19", "2026-09-24", "2026-09-29", "2026-10-09"),  # Saturday before the working Sunday
    ("2026-09-20", "2026-09-28", "2026-09-30", "2026-10-10"),  # adjusted working Sunday as start
    ("2026-09-29", "2026-10-12", "2026-10-14", "2026-10-19"),  # before
    ("2026-09-30", "2026-10-13", "2026-10-15", "2026-10-20"),  # last working day before
    ("2026-10-01", "2026-10-13", "2026-10-15", "2026-10-20"),  # first day off
    ("2026-10-03", "2026-10-13", "2026-10-15", "2026-10-20"),  # inside (a Saturday)
    ("2026-10-07", "2026-10-13", "2026-10-15", "2026-10-20"),  # last day off
    ("2026-10-08", "2026-10-14", "2026-10-16", "2026-10-21"),  # first day back
    ("2026-10-09", "2026-10-15", "2026-10-19", "2026-10-22"),  # Friday before the working Saturday
    ("2026-10-10", "2026-10-16", "2026-10-20", "2026-10-23"),  # adjusted working Saturday as start
    # New Year (1/4 Sun working) and Labour Day (5/9 Sat working).
    ("2026-01-01", "2026-01-08", "2026-01-12", "2026-01-15"),
    ("2026-04-30", "2026-05-11", "2026-05-13", "2026-05-18"),
]

CASES_2026 = [
    pytest.param(start, n, expected, id=f"{start}+{n}")
    for start, *results in COUNTS_2026
    for n, expected in zip((5, 7, 10), results)
]


@pytest.mark.parametrize(("start", "n", "expected"), CASES_2026)
def test_nth_workday_after_2026(start: str, n: int, expected: str) -> None:
    assert NO_FILE.nth_workday_after(d(start), n) == WorkdayCount(d(expected), ())


def test_archive_day_on_holiday_counts_from_next_working_day() -> None:
    """第十四条: 10/3 is a holiday, so 10/8 is working day 1 and 10/15 is day 7.

    chinesecalendar.find_workday(7, 2026-10-03) answers 10/16, which is wrong here.
    """
    result = NO_FILE.nth_workday_after(d("2026-10-03"), 7)
    assert result.day == d("2026-10-15")
    assert not result.provisional


@pytest.mark.parametrize(
    "day", ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"]
)
def test_adjusted_weekend_working_days_2026(day: str) -> None:
    assert d(day).weekday() >= 5
    assert NO_FILE.is_workday(d(day))


@pytest.mark.parametrize(
    "day",
    ["2026-01-02", "2026-02-16", "2026-02-20", "2026-02-23", "2026-04-06", "2026-05-04", "2026-05-05",
     "2026-06-19", "2026-09-25", "2026-10-01", "2026-10-06", "2026-10-07"],
)
def test_weekday_holidays_2026(day: str) -> None:
    assert d(day).weekday() < 5
    assert not NO_FILE.is_workday(d(day))


@pytest.mark.parametrize("n", [1, 2, 5, 7, 10, 30, 250])
@pytest.mark.parametrize("start", ["2026-02-13", "2026-02-14", "2026-02-18", "2026-10-03", "2026-10-10"])
def test_workdays_between_inverts_nth_workday_after(start: str, n: int) -> None:
    end = NO_FILE.nth_workday_after(d(start), n).day
    assert NO_FILE.workdays_between(d(start), end) == n


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("2026-10-15", "2026-10-15", 0),
        ("2026-10-15", "2026-10-03", 0),
        ("2026-09-30", "2026-10-07", 0),  # only holidays in between
        ("2026-10-15", "2026-10-16", 1),  # late by one working day
        ("2026-10-16", "2026-10-19", 1),  # weekend skipped
        ("2026-10-09", "2026-10-12", 2),  # 10/10 Saturday is a working day
        ("2026-02-13", "2026-02-24", 2),  # 2/14 and 2/24
    ],
)
def test_workdays_between(start: str, end: str, expected: int) -> None:
    assert NO_FILE.workdays_between(d(start), d(end)) == expected


def test_n_must_be_positive() -> None:
    with pytest.raises(ValueError, match="n 必须大于等于 1"):
        NO_FILE.nth_workday_after(d("2026-10-03"), 0)


# --- years nobody knows yet -------------------------------------------------


@pytest.mark.parametrize(("year", "known"), [(2003, False), (2004, True), (2026, True), (2027, False)])
def test_is_known_year_without_file(year: int, known: bool) -> None:
    assert NO_FILE.is_known_year(year) is known


def test_unknown_year_falls_back_to_monday_to_friday() -> None:
    # chinesecalendar 1.11.0 raises NotImplementedError for 2027; it must not escape.
    assert NO_FILE.is_workday(d("2027-01-01"))  # Friday
    assert not NO_FILE.is_workday(d("2027-01-02"))  # Saturday
    assert NO_FILE.is_workday(d("2027-01-04"))  # Monday


def test_count_reaching_2027_is_provisional() -> None:
    # 12/29, 12/30, 12/31, then 2027-01-01 (Fri), 01-04, 01-05, 01-06 on a plain Monday–Friday basis.
    result = NO_FILE.nth_workday_after(d("2026-12-28"), 7)
    assert result == WorkdayCount(d("2027-01-06"), (2027,))
    assert result.provisional


def test_count_that_stays_in_known_years_is_exact_even_when_ending_on_dec_31() -> None:
    result = NO_FILE.nth_workday_after(d("2026-12-30"), 1)
    assert result == WorkdayCount(d("2026-12-31"), ())
    assert not result.provisional


def test_provisional_years_lists_every_unknown_year_touched() -> None:
    result = NO_FILE.nth_workday_after(d("2027-12-30"), 3)  # 12/31, 2028-01-03, 01-04
    assert result == WorkdayCount(d("2028-01-04"), (2027, 2028))


# --- the calendar file --------------------------------------------------------


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        # 2027-01-01 off: 12/29, 12/30, 12/31, 01-04, 01-05, 01-06, 01-07.
        (TEST_2027, "2027-01-07"),
        # ...and Saturday 2027-01-02 working: 12/29, 12/30, 12/31, 01-02, 01-04, 01-05, 01-06.
        ({**TEST_2027, "workdays": ["2027-01-02"]}, "2027-01-06"),
    ],
)
def test_file_year_makes_count_exact(entry: dict[str, Any], expected: str) -> None:
    calendar = calendar_with(years={"2027": entry})
    assert calendar.is_known_year(2027)
    assert calendar.nth_workday_after(d("2026-12-28"), 7) == WorkdayCount(d(expected), ())


def test_file_year_replaces_library() -> None:
    # Listing 2026 with only New Year's Day off drops the library's whole 2026 arrangement.
    calendar = calendar_with(years={"2026": {"source": "测试", "holidays": ["2026-01-01"], "workdays": []}})
    assert calendar.is_workday(d("2026-10-05"))  # Monday, off in the library
    assert not calendar.is_workday(d("2026-10-10"))  # Saturday, working in the library
    assert calendar.nth_workday_after(d("2026-10-03"), 7) == WorkdayCount(d("2026-10-13"), ())


def test_file_weekend_holiday_is_harmless() -> None:
    weekend_too = {**TEST_2027, "holidays": ["2027-01-01", "2027-01-02", "2027-01-03"]}
    calendar = calendar_with(years={"2027": weekend_too})
    assert calendar.nth_workday_after(d("2026-12-28"), 7) == WorkdayCount(d("2027-01-07"), ())


def test_provisional_years_skip_file_years() -> None:
    calendar = calendar_with(years={"2027": TEST_2027})
    assert calendar.nth_workday_after(d("2027-12-30"), 3) == WorkdayCount(d("2028-01-04"), (2028,))


@pytest.mark.parametrize(
    ("corrections", "expected"),
    [
        ([], "2026-10-15"),
        ([correction("2026-10-12", False)], "2026-10-16"),  # a working Monday made a day off
        ([correction("2026-10-11", True)], "2026-10-14"),  # a Sunday made a working day
        ([correction("2026-10-07", True)], "2026-10-14"),  # a holiday made a working day
    ],
)
def test_correction_changes_result(corrections: list[dict[str, Any]], expected: str) -> None:
    calendar = calendar_with(corrections=corrections)
    assert calendar.nth_workday_after(d("2026-10-03"), 7) == WorkdayCount(d(expected), ())


def test_correction_overrides_file_year_but_does_not_make_year_known() -> None:
    with_year = calendar_with(years={"2027": TEST_2027}, corrections=[correction("2027-01-01", True)])
    assert with_year.is_workday(d("2027-01-01"))
    without_year = calendar_with(corrections=[correction("2027-01-04", False)])
    assert not without_year.is_workday(d("2027-01-04"))
    assert not without_year.is_known_year(2027)
    assert without_year.nth_workday_after(d("2026-12-28"), 7) == WorkdayCount(d("2027-01-07"), (2027,))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"years": {"2027": {**TEST_2027, "holidays": ["2027-02-30"]}}},
            "years.2027.holidays：“2027-02-30”不是有效日期",
        ),
        (
            {"years": {"2027": {**TEST_2027, "workdays": ["2027-13-01"]}}},
            "years.2027.workdays：“2027-13-01”不是有效日期",
        ),
        ({"corrections": [correction("2026-02-29", True)]}, r"corrections\[0\].date：“2026-02-29”不是有效日期"),
        ({"years": {"2027": {**TEST_2027, "holidays": ["2026-12-31"]}}}, "2026-12-31 不属于 2027 年"),
        ({"years": {"2027": {**TEST_2027, "workdays": ["2028-01-01"]}}}, "2028-01-01 不属于 2027 年"),
        (
            {"years": {"2027": {**TEST_2027, "workdays": ["2027-01-01"]}}},
            "2027-01-01 同时列在 holidays（休息）和 workdays（上班）中",
        ),
        (
            {"corrections": [correction("2026-10-12", False), correction("2026-10-12", True)]},
            "2026-10-12 被更正了不止一次",
        ),
    ],
)
def test_from_data_rejects(data: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        WorkCalendar.from_data(data)


# --- cross-check against the `holidays` package ---------------------------------


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_agrees_with_holidays_package(year: int) -> None:
    # Only PUBLIC: the HALF_DAY category (妇女节, 青年节, 儿童节, 建军节) is a half day off
    # for some groups, not a day off for everyone.
    reference = holidays.country_holidays("CN", years=year, categories=(holidays.PUBLIC,))
    day = date(year, 1, 1)
    disagreements = []
    while day.year == year:
        if NO_FILE.is_workday(day) != reference.is_working_day(day):
            disagreements.append(day)
        day += timedelta(days=1)
    assert disagreements == []


# --- the shipped file and its schema --------------------------------------------


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def test_shipped_calendar_is_valid_and_empty(validator: Draft202012Validator) -> None:
    data = yaml.safe_load(CALENDAR_PATH.read_text(encoding="utf-8"))
    assert list(validator.iter_errors(data)) == []
    assert data == {"years": {}, "corrections": []}
    shipped = WorkCalendar.from_data(data)
    assert shipped.nth_workday_after(d("2026-10-03"), 7) == WorkdayCount(d("2026-10-15"), ())


def test_schema_accepts_full_example(validator: Draft202012Validator) -> None:
    data = {
        "years": {"2027": {**TEST_2027, "workdays": ["2027-01-02"]}},
        "corrections": [correction("2026-12-31", False)],
    }
    assert list(validator.iter_errors(data)) == []


@pytest.mark.parametrize(
    "data",
    [
        {"years": {"27": TEST_2027}},
        {"years": {"2027": {"holidays": ["2027-01-01"], "workdays": []}}},  # no source
        {"years": {"2027": {**TEST_2027, "remark": "x"}}},
        {"years": {"2027": {**TEST_2027, "holidays": ["2027-1-1"]}}},
        # approved_by missing:
        {"corrections": [{"date": "2026-12-31", "workday": False, "reason": "测试"}]},
        {"corrections": [{**correction("2026-12-31", False), "workday": "否"}]},
        {"holidays": []},
    ],
)
def test_schema_rejects(validator: Draft202012Validator, data: dict[str, Any]) -> None:
    assert list(validator.iter_errors(data)) != []


def _properties(node: Any) -> list[tuple[str, dict[str, Any]]]:
    found = []
    if isinstance(node, dict):
        for name, sub in node.get("properties", {}).items():
            found.append((name, sub))
        for value in node.values():
            found.extend(_properties(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(_properties(value))
    return found


def test_every_schema_property_has_chinese_title_and_description() -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    properties = _properties(schema)
    assert len(properties) >= 9
    han = re.compile(r"[\u4e00-\u9fff]")
    for name, sub in properties:
        assert han.search(sub.get("title", "")), name
        assert han.search(sub.get("description", "")), name
