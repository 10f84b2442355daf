"""Deadlines of 第十四、十五、十六、二十条, counted on China's official working-day calendar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .model import Letter, Trigger, Unit
from .policy import Policy
from .timeutil import BEIJING, format_time, parse_time
from .workcalendar import WorkCalendar


@dataclass(frozen=True)
class Disaster:
    id: str
    name: str
    start: datetime
    end: datetime
    units: tuple[str, ...]
    approved_by: str

    def covers(self, unit: Unit | None, moment: datetime) -> bool:
        """A declared disaster covers the listed units and, through their branch, its stations."""
        if not self.start <= moment <= self.end or unit is None:
            return False
        return unit.id in self.units or (unit.parent is not None and unit.parent in self.units)


def build_disaster(item: dict) -> Disaster:
    return Disaster(
        id=item["id"],
        name=item["name"],
        start=parse_time(item["start"]),
        end=parse_time(item["end"]),
        units=tuple(item["units"]),
        approved_by=item["approved_by"],
    )


@dataclass(frozen=True)
class Deadline:
    """When something is due, under which article, and why, in words staff read."""

    due: datetime
    article: str
    rule: str
    provisional_years: tuple[int, ...] = ()
    working_days: bool = False  # counted in working days (lateness is then told in working days too)
    # False where no article times the callback and the statistics deadline stands in: a callback
    # after it is not "late", but one still missing then is missing from the month's statistics.
    times_callback: bool = True

    @property
    def provisional(self) -> bool:
        return bool(self.provisional_years)

    @property
    def due_text(self) -> str:
        """``2026-10-15 24:00 前`` for a working-day deadline, ``2026-11-26 14:30 前`` for hours."""
        if self.working_days:
            return f"{self.due:%Y-%m-%d} 24:00 前"
        return f"{format_time(self.due)} 前"

    def provisional_note(self) -> str:
        if not self.provisional:
            return ""
        years = "、".join(f"{y} 年" for y in self.provisional_years)
        return f"（暂定：{years}节假日安排尚未登记，按周一至周五计算；请在 records/calendar.yaml 补充后重新计算，暂定时限不作最终考核）"


def end_of_day(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=BEIJING)


class DeadlineRules:
    """Computes every deadline from the policy file, the calendar and the declared disasters."""

    def __init__(self, policy: Policy, calendar: WorkCalendar, disasters: dict[str, Disaster], units: dict[str, Unit]):
        self.policy = policy
        self.calendar = calendar
        self.disasters = disasters
        self.units = units
        self._by_day: dict[tuple[date, int, str, str], Deadline] = {}  # a big year's orders share ~250 working days
        self._report_due: dict[tuple[int, int], datetime] = {}  # asked once per case, a dozen months in a year

    def working_day_deadline(self, start: datetime, days: int, article: str, what: str) -> Deadline:
        """End (23:59:59) of the ``days``-th working day after ``start``'s day, which never counts."""
        key = (start.astimezone(BEIJING).date(), days, article, what)
        if key not in self._by_day:
            self._by_day[key] = self._count_working_days(*key)
        return self._by_day[key]

    def _count_working_days(self, day: date, days: int, article: str, what: str) -> Deadline:
        count = self.calendar.nth_workday_after(day, days)
        return Deadline(
            due=end_of_day(count.day),
            article=article,
            rule=f"{what}后第 {days} 个工作日结束前",
            provisional_years=count.provisional_years,
            working_days=True,
        )

    def applicable_disaster(self, trigger: Trigger, unit: str) -> Disaster | None:
        disaster = self.disasters.get(trigger.disaster or "")
        if disaster and disaster.covers(self.units.get(unit), trigger.archived_at):
            return disaster
        return None

    def for_trigger(self, trigger: Trigger, unit: str, groups: tuple[str, ...] = ()) -> Deadline | None:
        """The callback deadline of an archived order, or None where no callback is required.

        Callbacks that 第五条 requires but no article times (phone complaints, reception-day and
        hotline matters) are due with the month's statistics (第二十条), so that they are counted.
        """
        deadlines = self.policy.deadlines
        business = deadlines.business
        if trigger.kind in business.trigger_kinds:
            return self.working_day_deadline(trigger.archived_at, business.working_days, business.article, "装表接电归档")
        repair = deadlines.repair
        if trigger.kind in repair.trigger_kinds:
            disaster = self.applicable_disaster(trigger, unit)
            hours = repair.disaster_hours if disaster else repair.hours
            reason = f"，自然灾害 {disaster.id} 延长" if disaster else ""
            return Deadline(
                due=trigger.archived_at + timedelta(hours=hours),
                article=repair.article,
                rule=f"抢修归档后 {hours} 小时内{reason}",
            )
        coverage = self.policy.coverage
        if trigger.kind in coverage.order_kinds or set(groups) & set(coverage.order_groups):
            archived = trigger.archived_at
            return Deadline(
                due=self.monthly_report_due(archived.year, archived.month),
                article=deadlines.monthly_report.article,
                rule="细则未规定该类回访时限，最迟在归档当月统计上报前完成",
                times_callback=False,
            )
        return None

    def for_letter(self, letter: Letter) -> Deadline | None:
        if not letter.reply_required:
            return None
        rule = self.policy.deadlines.letter
        days = rule.working_days[letter.kind]
        word = "投诉" if letter.kind == "complaint" else "举报"
        return self.working_day_deadline(letter.received_at, days, rule.article, f"收到{word}函件")

    def monthly_report_due(self, year: int, month: int) -> datetime:
        """16:00 on the 5th of the following month, Beijing time; holidays never move it (第二十条)."""
        due = self._report_due.get((year, month))
        if due is None:
            rule = self.policy.deadlines.monthly_report
            following = (year + 1, 1) if month == 12 else (year, month + 1)
            due = self._report_due[(year, month)] = datetime(*following, rule.day_of_month, rule.time.hour,
                                                              rule.time.minute, tzinfo=BEIJING)
        return due
