"""Monthly statistics (第十八至二十条) counted from the archive, per unit, rolled up, company-wide.

The statistics month follows 第二十条 (“以按要求规定的归档时间为准”): a callback or reply
counts in the month its archive entry was *required* by, i.e. the month of its deadline,
so that a month's figures are final when they are due on the 5th of the next month.
A callback (reply) done in time whose record reached main after the limit counts as late
(第十四至十六条: the callback *and* its archive entry); an untimed callback done after the
statistics cut-off counts as late as well. Callbacks no article times (large customers, 连心卡, others without an order) count in
the month they were made; letters that need no reply, in the month they were received.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from ..archive import ArchiveAt
from ..engine.loader import Archive
from ..cases import counted_state, letter_state

# 第十三条's archive categories, in its order; letters are 重点客户函复.
CATEGORIES = ("business", "repair", "letter", "large-customer", "card", "other")
CATEGORY_NAMES = {
    "business": "业务受理",
    "repair": "供电抢修",
    "letter": "重点客户函复",
    "large-customer": "大电力客户走访或座谈",
    "card": "连心卡",
    "other": "其它",
}
STATES = ("on-time", "late", "unreachable", "pending", "overdue", "not-required")
SATISFACTION = ("satisfied", "basic", "dissatisfied")
KEY_GROUPS = frozenset(
    {"new-install", "change", "complaint", "repair", "npc-deputy", "cppcc-member", "media", "supervisor", "reception-day", "hotline"}
)

Month = tuple[int, int]


@dataclass
class Opinion:
    """What a customer said (第二十一至二十三条), for the report's list."""

    record: str
    file: str
    unit: str
    category: str
    satisfaction: str | None
    opinion: str | None
    follow_up: str | None


@dataclass
class Tally:
    """Counts of one unit (or a roll-up) in one month; tallies add up."""

    states: Counter = field(default_factory=Counter)  # (category, state) -> n
    satisfaction: Counter = field(default_factory=Counter)  # (category, level) -> n
    topics: Counter = field(default_factory=Counter)  # topic -> n
    key_customers: set[str] = field(default_factory=set)  # accounts of key customers reached
    provisional: int = 0  # items counted against a provisional deadline
    opinions: list[Opinion] = field(default_factory=list)
    # One per item counted: its record files, each with its own time (to tell a submission's later arrivals).
    entries: list[tuple[tuple[str, datetime], ...]] = field(default_factory=list)

    def add(self, other: "Tally") -> None:
        self.states.update(other.states)
        self.satisfaction.update(other.satisfaction)
        self.topics.update(other.topics)
        self.key_customers |= other.key_customers
        self.provisional += other.provisional
        self.opinions.extend(other.opinions)
        self.entries.extend(other.entries)

    def count(self, category: str, state: str) -> int:
        return self.states[(category, state)]

    def category_row(self, category: str) -> dict[str, int | float | None]:
        """done, on time, late, overdue, pending, unreachable and rates of one category."""
        on_time, late = self.count(category, "on-time"), self.count(category, "late")
        done = on_time + late
        overdue = self.count(category, "overdue")
        sat = {level: self.satisfaction[(category, level)] for level in SATISFACTION}
        reached = sum(sat.values())
        return {
            "total": done + sum(self.count(category, s) for s in ("unreachable", "pending", "overdue")),
            "done": done,
            "on_time": on_time,
            "late": late,
            "overdue": overdue,
            "pending": self.count(category, "pending"),
            "unreachable": self.count(category, "unreachable"),
            "not_required": self.count(category, "not-required"),
            # 按时 / (按时 + 超时 + 逾期未完成): not yet due and unreachable are left out (the report says so).
            "on_time_rate": round(on_time / (done + overdue), 4) if done + overdue else None,
            **sat,
            "satisfaction_rate": round(sat["satisfied"] / reached, 4) if reached else None,
            "satisfied_or_basic_rate": round((sat["satisfied"] + sat["basic"]) / reached, 4) if reached else None,
        }

    def totals(self) -> dict[str, int | float | None]:
        """The categories added together (letters included)."""
        merged = Tally()
        for (category, state), n in self.states.items():
            merged.states[("all", state)] += n
        for (category, level), n in self.satisfaction.items():
            merged.satisfaction[("all", level)] += n
        return merged.category_row("all")


def _month(moment: datetime) -> Month:
    return moment.year, moment.month


def _visit_tally(tally: Tally, visit, category: str) -> None:
    if visit.satisfaction:
        tally.satisfaction[(category, visit.satisfaction)] += 1
    topics = tally.topics
    for topic in visit.topics:
        topics[topic] += 1
    if not KEY_GROUPS.isdisjoint(visit.customer.groups):
        tally.key_customers.add(visit.customer.account)
    if visit.opinion or visit.follow_up:
        tally.opinions.append(Opinion(visit.id, visit.source.path, visit.unit, category, visit.satisfaction,
                                      visit.opinion, visit.follow_up))


def unit_tallies(at: ArchiveAt) -> dict[Month, dict[str, Tally]]:
    """Every month's tally per responsible unit (computed once per archive and moment: read, never change it)."""
    return at.records.remember(("unit_tallies", at.as_of), lambda: _count_tallies(at.records, at.as_of))


def _count_tallies(archive: Archive, as_of: datetime) -> dict[Month, dict[str, Tally]]:
    months: dict[Month, dict[str, Tally]] = {}

    def tally(month: Month, unit: str) -> Tally:
        units = months.setdefault(month, {})
        found = units.get(unit)
        if found is None:
            found = units[unit] = Tally()  # made only when missing: a big year asks 200,000 times
        return found

    in_cases: set[str] = set()
    for case in archive.cases:
        if case.deadline is None:
            continue  # no callback required: its visits count below like untimed ones
        in_cases.update(v.id for v in case.attempts)
        state = counted_state(archive, case, as_of)
        # Untimed callbacks belong to the month they were archived in (their due date is that month's report).
        month = _month(case.deadline.due if case.deadline.times_callback else case.trigger.archived_at)
        t = tally(month, case.unit)
        category = case.category if case.category in CATEGORIES else "other"
        t.states[(category, state)] += 1
        t.provisional += case.deadline.provisional
        t.entries.append(tuple((v.source.path, v.visited_at) for v in case.attempts))
        reached = case.reached
        if reached is not None:
            _visit_tally(t, reached, category)
    for visit in archive.visits:
        if visit.id in in_cases:
            continue
        t = tally(_month(visit.visited_at), visit.unit)
        category = visit.category if visit.category in CATEGORIES else "other"
        t.states[(category, "on-time" if visit.reached else "unreachable")] += 1
        t.entries.append(((visit.source.path, visit.visited_at),))
        if visit.reached:
            _visit_tally(t, visit, category)
    for letter in archive.letters:
        deadline = archive.rules.for_letter(letter)
        month = _month(deadline.due) if deadline else _month(letter.received_at)
        t = tally(month, letter.unit)
        t.states[("letter", letter_state(letter, deadline, as_of, archive))] += 1
        t.provisional += bool(deadline and deadline.provisional)
        t.entries.append(((letter.source.path, letter.replied_at or letter.received_at),))
    return months


def rollups(archive: Archive, per_unit: dict[str, Tally]) -> dict[str, Tally]:
    """Per unit as counted, plus each parent with its stations (a branch row includes its stations)."""
    combined: dict[str, Tally] = {}
    for unit_id in archive.units:
        total = Tally()
        for member, tally in per_unit.items():
            unit = archive.units.get(member)
            if member == unit_id or (unit is not None and unit.parent == unit_id):
                total.add(tally)
        combined[unit_id] = total
    return combined


def company(per_unit: dict[str, Tally]) -> Tally:
    total = Tally()
    for tally in per_unit.values():
        total.add(tally)
    return total
