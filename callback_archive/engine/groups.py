"""Groups of findings and the data keys they read: the units an incremental run recomputes (issue 8).

A *group* holds the findings that depend only on the records providing its data keys; a
*data key* is something a record file or work-order row provides (its id, its work order, the
month it was visited in …). Both are strings: a kind's prefix and what it is about, e.g. the
case of work order GD1 is ``CASE.key("GD1")``, ``"case:GD1"``. Each check declares how its findings are grouped
(``checks.declaration``) with one of the rules at the end of this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..findings import Finding
from .loader import Archive


@dataclass(frozen=True, eq=False)
class Kind:
    """A kind of group or data key: ``prefix`` starts every key of the kind (is the whole key when it is about nothing)."""

    prefix: str
    about: str

    def key(self, value: str = "") -> str:
        return self.prefix + value

    def has(self, key: str) -> bool:
        return key.startswith(self.prefix)

    def value(self, key: str) -> str:
        """What a key of this kind is about: ``CASE.value("case:GD1") == "GD1"``."""
        return key[len(self.prefix):]


def month_name(year: int, month: int) -> str:
    """``2026-11``: how months are named in keys."""
    return f"{year:04d}-{month:02d}"


# Group kinds. FILE, ID, CASE, ACCOUNT, ROUND, SAMPLE and DECISIONS are data keys too: such a group reads its own key.
FILE = Kind("file:", "one file (path): its reading, placement, times and whatever else is about it alone")
ID = Kind("id:", "every file that uses one record id")
CASE = Kind("case:", "one work order's case (order number in capitals): its rows and every visit on it")
ACCOUNT = Kind("customer:", "one registered customer's visits (account): key and large customers")
ROUND = Kind("round:", "one 连心卡 round (round id) and its card visits")
SAMPLE = Kind("sample:", "one monthly sample file (path) and the month's visits to its customers")
SUBMISSIONS = Kind("submissions:", "one month's submissions (YYYY-MM), missing ones included")
DECISIONS = Kind("decisions:", "one month's penalty decisions (YYYY-MM)")
PLANS = Kind("plans", "the yearly plans of large-customer visits")
CALENDAR = Kind("calendar", "the years whose holidays are not known yet")
ALWAYS = Kind("always", "what every run recomputes: units, rounds per year, a shallow clone, --base")

# Data keys only.
VISIT_MONTH = Kind("visited:", "a visit's month (YYYY-MM), for the samples; counted: the years with visits")
FIGURES_MONTH = Kind("figures:", "the month (YYYY-MM) a record counts in for the statistics; counted")
SUBMITTED = Kind("submitted:", "a submission file's month (YYYY-MM)")
PROVISIONAL_YEAR = Kind("provisional:", "a deadline running into a year (YYYY) whose holidays are unknown; counted")
REGISTERED = Kind("registered", "a visit to a registered or planned customer: the plans, January's and December's decisions")

COUNTED = (VISIT_MONTH.prefix, FIGURES_MONTH.prefix, PROVISIONAL_YEAR.prefix)
"""Prefixes of the keys whose providers are counted (a fact of the whole archive, kept up to date by counting)."""

_KINDS = {k.prefix: k for k in (FILE, ID, CASE, ACCOUNT, ROUND, SAMPLE, SUBMISSIONS, DECISIONS, PLANS, CALENDAR, ALWAYS,
                                 VISIT_MONTH, FIGURES_MONTH, SUBMITTED, PROVISIONAL_YEAR, REGISTERED)}


def kind_of(key: str) -> Kind | None:
    """The kind of a group or data key (None: not a key of any kind)."""
    return _KINDS.get(key[:key.find(":") + 1] or key)


@dataclass
class Lookups:
    """Facts of the loaded archive that tell a finding's group (made once per run)."""

    order_of: dict[str, str]  # visit file -> its work order
    submission_month: dict[str, str]
    decisions_month: dict[str, str]

    @classmethod
    def of(cls, archive: Archive) -> "Lookups":
        return cls(
            {v.source.path: v.trigger.order for v in archive.visits if v.trigger is not None},
            {s.source.path: month_name(s.year, s.month) for s in archive.submissions},
            {d.source.path: month_name(d.year, d.month) for d in archive.decisions},
        )


Grouping = Callable[[Finding, Lookups], str]
"""How a finding's group is told: a rule below, given the finding and the archive's lookups."""


def case_key(order: str) -> str:
    """Work orders are one group whatever their letter case: ``gd…`` and ``GD…`` are the same order."""
    return CASE.prefix + order.upper()


def by_file(f: Finding, _: Lookups) -> str:
    """The finding's file."""
    return FILE.prefix + f.file


def by_case(f: Finding, look: Lookups) -> str:
    """The case of the work order the finding's visit is on; any other file is its own group."""
    order = look.order_of.get(f.file)
    return CASE.prefix + order if order is not None else FILE.prefix + f.file


def by_order(f: Finding, _: Lookups) -> str:
    """The case of the work order the finding is about (``record`` is the order number)."""
    return case_key(f.record)


def by_id(f: Finding, _: Lookups) -> str:
    """The record id the finding is about."""
    return ID.prefix + f.record


def by_account(f: Finding, _: Lookups) -> str:
    """The registered customer the finding is about (``record`` is the account)."""
    return ACCOUNT.prefix + f.record


def by_round(f: Finding, _: Lookups) -> str:
    """The 连心卡 round the finding is about (``record`` is the round id)."""
    return ROUND.prefix + f.record


def by_sample(f: Finding, _: Lookups) -> str:
    """The sample file the finding is in."""
    return SAMPLE.prefix + f.file


def by_submission_month(f: Finding, look: Lookups) -> str:
    """The month of the submission the finding is in (a missing one's path names it: submissions/<month>/<unit>)."""
    return SUBMISSIONS.prefix + (look.submission_month.get(f.file) or f.file.split("/")[2])


def by_decisions_month(f: Finding, look: Lookups) -> str:
    """The month of the decisions file the finding is in."""
    return DECISIONS.prefix + look.decisions_month[f.file]


def in_plans(f: Finding, _: Lookups) -> str:
    """The plans' one group."""
    return PLANS.prefix


def in_calendar(f: Finding, _: Lookups) -> str:
    """The calendar's one group."""
    return CALENDAR.prefix


def always(f: Finding, _: Lookups) -> str:
    """Recomputed every run."""
    return ALWAYS.prefix
