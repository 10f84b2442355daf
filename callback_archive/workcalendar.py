"""China's official working-day calendar, for callback deadlines (第十四条).

Whether a day is a working day is decided by, highest priority first:
a single-day correction in records/calendar.yaml, a year entry in that file
(which replaces the library for the whole year), the chinesecalendar package,
and finally plain Monday–Friday for a year nobody has published data for yet.
Counts that rely on that last fallback are marked provisional.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

import chinese_calendar

_ONE_DAY = timedelta(days=1)
_DATE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class WorkdayCount:
    """The day a working-day count ended on, and which years it had to guess."""

    day: date
    provisional_years: tuple[int, ...] = ()

    @property
    def provisional(self) -> bool:
        """True when part of the count assumed Monday–Friday for an unpublished year."""
        return bool(self.provisional_years)


@dataclass(frozen=True)
class _FileYear:
    holidays: frozenset[date]
    workdays: frozenset[date]


def _days_of(year: int) -> Iterable[date]:
    day = date(year, 1, 1)
    while day.year == year:
        yield day
        day += _ONE_DAY


@lru_cache(maxsize=None)
def _library_workdays(year: int) -> frozenset[date] | None:
    """The working days chinesecalendar knows for `year`, or None if it has no data."""
    try:
        return frozenset(day for day in _days_of(year) if chinese_calendar.is_workday(day))
    except NotImplementedError:
        return None


def _parse_date(text: str, where: str) -> date:
    if _DATE_PATTERN.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise ValueError(f"日历文件 {where}：“{text}”不是有效日期（应为 YYYY-MM-DD，且该日期真实存在）")


def _parse_dates(texts: Iterable[str], where: str) -> frozenset[date]:
    return frozenset(_parse_date(text, where) for text in texts)


class WorkCalendar:
    """Answers "is this a working day?" and counts working days, with per-year caching."""

    def __init__(
        self,
        file_years: Mapping[int, _FileYear] | None = None,
        corrections: Mapping[date, bool] | None = None,
    ) -> None:
        """Use from_data(); calling WorkCalendar() directly means "no calendar file"."""
        self._file_years = dict(file_years or {})
        self._corrections = dict(corrections or {})
        self._workdays_by_year: dict[int, frozenset[date]] = {}

    @classmethod
    def from_data(cls, data: Mapping[str, Any] | None) -> WorkCalendar:
        """Build from the parsed records/calendar.yaml (already schema-checked), or None.

        Raises ValueError (Chinese message) for what the schema cannot express:
        impossible dates, a date under the wrong year key, a day listed both as
        holiday and workday, and the same day corrected twice.
        """
        if data is None:
            return cls()
        file_years: dict[int, _FileYear] = {}
        for key, entry in (data.get("years") or {}).items():
            year = int(key)
            holidays = _parse_dates(entry["holidays"], f"years.{key}.holidays")
            workdays = _parse_dates(entry["workdays"], f"years.{key}.workdays")
            strays = sorted(day for day in holidays | workdays if day.year != year)
            if strays:
                raise ValueError(
                    f"日历文件 years.{key}：{strays[0].isoformat()} 不属于 {year} 年"
                    "（通知中属于其他年份的调休日请写在 corrections 中）"
                )
            both = sorted(holidays & workdays)
            if both:
                raise ValueError(
                    f"日历文件 years.{key}：{both[0].isoformat()} 同时列在 holidays（休息）和 workdays（上班）中"
                )
            file_years[year] = _FileYear(holidays, workdays)
        corrections: dict[date, bool] = {}
        for index, item in enumerate(data.get("corrections") or []):
            day = _parse_date(item["date"], f"corrections[{index}].date")
            if day in corrections:
                raise ValueError(f"日历文件 corrections：{day.isoformat()} 被更正了不止一次")
            corrections[day] = bool(item["workday"])
        return cls(file_years, corrections)

    def is_known_year(self, year: int) -> bool:
        """True if the calendar file lists the year or chinesecalendar has data for it."""
        return year in self._file_years or _library_workdays(year) is not None

    def is_workday(self, day: date) -> bool:
        """Corrections > file year entry > chinesecalendar > Monday–Friday."""
        workdays = self._workdays_by_year.get(day.year)
        if workdays is None:
            workdays = self._workdays_by_year[day.year] = self._build_year(day.year)
        return day in workdays

    def nth_workday_after(self, day: date, n: int) -> WorkdayCount:
        """The n-th working day strictly after `day`; `day` itself never counts, whatever it is."""
        if n < 1:
            raise ValueError(f"n 必须大于等于 1，实际为 {n}")
        current = day
        remaining = n
        while remaining:
            current += _ONE_DAY
            if self.is_workday(current):
                remaining -= 1
        touched = range((day + _ONE_DAY).year, current.year + 1)
        return WorkdayCount(current, tuple(year for year in touched if not self.is_known_year(year)))

    def workdays_between(self, start: date, end: date) -> int:
        """Number of working days d with start < d <= end (0 if end <= start)."""
        count = 0
        current = start
        while current < end:
            current += _ONE_DAY
            if self.is_workday(current):
                count += 1
        return count

    def _build_year(self, year: int) -> frozenset[date]:
        entry = self._file_years.get(year)
        if entry is not None:
            base = {d for d in _days_of(year) if d.weekday() < 5 and d not in entry.holidays}
            workdays = base | entry.workdays
        else:
            library = _library_workdays(year)
            if library is not None:
                workdays = set(library)
            else:
                workdays = {d for d in _days_of(year) if d.weekday() < 5}
        for day, is_workday in self._corrections.items():
            if day.year != year:
                continue
            if is_workday:
                workdays.add(day)
            else:
                workdays.discard(day)
        return frozenset(workdays)
