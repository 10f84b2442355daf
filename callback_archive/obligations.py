"""Who must be called back and who was (第五、十七条): year-level facts that checks and penalties share."""

from __future__ import annotations

import calendar
from collections import Counter
from datetime import date

from .archive import ArchiveAt
from .deadlines import end_of_day
from .model import Plan


def completed_years(at: ArchiveAt) -> list[int]:
    """Years that have ended by ``at.as_of`` and that the archive has records for."""
    return sorted(y for y in at.records.record_years if at.as_of > end_of_day(date(y, 12, 31)))


def _visited_accounts(archive, year: int, categories: tuple[str, ...] | None = None) -> Counter:
    """How often each account was reached in ``year`` (counted once per archive: read, never change it)."""
    return archive.remember(("visited_accounts", year, categories), lambda: Counter(
        v.customer.account
        for v in archive.visits
        if v.reached and v.visited_at.year == year and (categories is None or v.category in categories)
    ))


def uncalled_key_customers(archive, year: int) -> list[tuple[object, int]]:
    """Standing key customers called back fewer times in ``year`` than policy asks, with the count."""
    needed = archive.policy.coverage.key_customers_per_year
    called = _visited_accounts(archive, year)
    return [(c, called[c.account]) for c in archive.key_customers if called[c.account] < needed]


def unvisited_large_customers(archive, year: int) -> list:
    """Registered 35 kV+ customers without enough large-customer visits or symposiums in ``year``."""
    needed = archive.policy.large_customers.visits_per_year
    visited = _visited_accounts(archive, year, ("large-customer",))
    return [c for c in archive.large_customers if visited[c.account] < needed]


def last_day_of_month(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def plan_progress(at: ArchiveAt, plan: Plan) -> dict[str, str]:
    """Per planned account: done, planned (month not over yet) or overdue (month over, no visit)."""
    done = _visited_accounts(at.records, plan.year, ("large-customer",))
    progress = {}
    for entry in plan.entries:
        if done[entry.account]:
            progress[entry.account] = "done"
        elif at.as_of > end_of_day(last_day_of_month(plan.year, entry.month)):
            progress[entry.account] = "overdue"
        else:
            progress[entry.account] = "planned"
    return progress
