"""policy.yaml: the deadlines, ratios and amounts of the rules, each citing its article.

The file is validated by ``schemas/policy.schema.json`` when it is read (engine/loader.py, cli/sample.py);
``Policy.from_data`` turns the valid document into the frozen dataclasses below, and every other module
reads their attributes, never the document.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from typing import Any, Mapping

from .timeutil import parse_time


def _month(text: str) -> tuple[int, int]:
    """``"2026-09"`` (or ``"10-15"``): the two numbers."""
    first, second = text.split("-")
    return int(first), int(second)


@dataclass(frozen=True)
class BusinessDeadline:
    """第十四条: callbacks of these order kinds within ``working_days`` working days of archiving."""

    article: str
    trigger_kinds: tuple[str, ...]
    working_days: int


@dataclass(frozen=True)
class RepairDeadline:
    """第十五条: within ``hours`` of archiving a repair, ``disaster_hours`` during a declared disaster."""

    article: str
    trigger_kinds: tuple[str, ...]
    hours: int
    disaster_hours: int


@dataclass(frozen=True)
class LetterDeadline:
    """第十六条: the reply within so many working days, by the letter's kind (complaint, report)."""

    article: str
    working_days: Mapping[str, int]


@dataclass(frozen=True)
class MonthlyReportDeadline:
    """第二十条: a month's statistics are due on ``day_of_month`` of the next month at ``time``."""

    article: str
    day_of_month: int
    time: time


@dataclass(frozen=True)
class Deadlines:
    business: BusinessDeadline
    repair: RepairDeadline
    letter: LetterDeadline
    monthly_report: MonthlyReportDeadline


@dataclass(frozen=True)
class Unreachable:
    """第二十六条: a customer not reached after ``min_attempts`` tries on ``min_days`` days closes the case."""

    article: str
    min_attempts: int
    min_days: int


@dataclass(frozen=True)
class CalendarRule:
    """From ``warn_next_year_from`` (month, day) on, next year's holidays are asked for."""

    article: str
    warn_next_year_from: tuple[int, int]


@dataclass(frozen=True)
class Coverage:
    """第五条: which archived orders must be called back; standing key customers' yearly minimum."""

    article: str
    order_kinds: tuple[str, ...]
    order_groups: tuple[str, ...]
    key_customers_per_year: int


@dataclass(frozen=True)
class Responsibility:
    """第六、九条: who calls back which callbacks (matched by order kind, group or category), and how."""

    name: str
    trigger_kinds: tuple[str, ...]
    groups: tuple[str, ...]
    categories: tuple[str, ...]
    methods: tuple[str, ...]
    unit_kinds: tuple[str, ...]


@dataclass(frozen=True)
class LargeCustomers:
    """第十七条: registered large customers visited so many times a year."""

    article: str
    visits_per_year: int


@dataclass(frozen=True)
class CardRounds:
    """第十七条: 连心卡 rounds a year, each sending cards to ``ratio`` of the month's customers by group."""

    article: str
    per_year: int
    ratio: Mapping[str, float]
    max_months: int


@dataclass(frozen=True)
class Sampling:
    """第五条: the share of other customers sampled in each usage type."""

    article: str
    ratio: float


@dataclass(frozen=True)
class AuditSettings:
    """policy.yaml's ``audit`` section; without it nothing is exempt and nothing counts as backfilled."""

    article: str | None = None
    history_since: datetime | None = None
    backfill_days: int | None = None
    merge_warning_days: int = 0

    def exempt(self, moment: datetime) -> bool:
        """A callback before the archive was kept in Git: its record was migrated, not late."""
        return self.history_since is not None and moment < self.history_since


@dataclass(frozen=True)
class PenaltyRule:
    """One article's amounts (元): the unit's, the head's range where 视情节, the person's (第二十七条)."""

    article: str
    description: str
    unit: int
    head: tuple[int, int] | None = None
    person: int | None = None


@dataclass(frozen=True)
class Penalties:
    """第二十四至二十八条. ``report_since``: the first month whose statistics are assessed (第二十七条)."""

    counting: str  # per-case or per-month
    archive_missing: PenaltyRule
    callback_late: PenaltyRule
    report_late: PenaltyRule
    report_since: tuple[int, int]

    @property
    def per_month(self) -> bool:
        """One case per unit, article and month instead of one per case."""
        return self.counting == "per-month"

    def rule(self, kind: str) -> PenaltyRule:
        """The amounts of a case kind: archive_missing, callback_late or report_late."""
        return {"archive_missing": self.archive_missing, "callback_late": self.callback_late,
                "report_late": self.report_late}[kind]


@dataclass(frozen=True)
class Policy:
    """The schema-valid policy file: a typed field per section the code reads."""

    deadlines: Deadlines
    unreachable: Unreachable
    calendar: CalendarRule
    coverage: Coverage
    responsibilities: tuple[Responsibility, ...]
    large_customers: LargeCustomers
    card_rounds: CardRounds
    sampling: Sampling
    audit: AuditSettings
    penalties: Penalties

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Policy:
        """Build from a document already valid against schemas/policy.schema.json."""
        deadlines = data["deadlines"]
        business, repair, letter, report = (deadlines[k] for k in ("business", "repair", "letter", "monthly_report"))
        hour, minute = report["time"].split(":")
        coverage, large, cards = data["coverage"], data["large_customers"], data["card_rounds"]
        audit = data.get("audit")
        penalties = data["penalties"]
        return cls(
            deadlines=Deadlines(
                business=BusinessDeadline(business["article"], tuple(business["trigger_kinds"]), business["working_days"]),
                repair=RepairDeadline(repair["article"], tuple(repair["trigger_kinds"]), repair["hours"],
                                      repair["disaster_hours"]),
                letter=LetterDeadline(letter["article"], dict(letter["working_days"])),
                monthly_report=MonthlyReportDeadline(report["article"], report["day_of_month"],
                                                     time(int(hour), int(minute))),
            ),
            unreachable=Unreachable(**data["unreachable"]),
            calendar=CalendarRule(data["calendar"]["article"], _month(data["calendar"]["warn_next_year_from"])),
            coverage=Coverage(coverage["article"], tuple(coverage["order_kinds"]), tuple(coverage["order_groups"]),
                              coverage["key_customers_per_year"]),
            responsibilities=tuple(
                Responsibility(rule["name"], tuple(rule.get("trigger_kinds", ())), tuple(rule.get("groups", ())),
                               tuple(rule.get("categories", ())), tuple(rule["methods"]), tuple(rule["unit_kinds"]))
                for rule in data["responsibilities"]),
            large_customers=LargeCustomers(large["article"], large["visits_per_year"]),
            card_rounds=CardRounds(cards["article"], cards["per_year"], dict(cards["ratio"]), cards["max_months"]),
            sampling=Sampling(data["sampling"]["article"], data["sampling"]["ratio"]),
            audit=AuditSettings(audit["article"], parse_time(audit["history_since"]), audit["backfill_days"],
                                audit["merge_warning_days"]) if audit else AuditSettings(),
            penalties=Penalties(
                counting=penalties["counting"],
                archive_missing=_penalty_rule(penalties["archive_missing"]),
                callback_late=_penalty_rule(penalties["callback_late"]),
                report_late=_penalty_rule(penalties["report_late"]),
                report_since=_month(penalties["report_late"]["since"]),
            ),
        )


def _penalty_rule(rule: dict[str, Any]) -> PenaltyRule:
    head = rule.get("head")
    return PenaltyRule(rule["article"], rule["description"], rule["unit"], tuple(head) if head else None,
                       rule.get("person"))


def audit_settings(archive) -> AuditSettings:
    """The archive's audit settings; nothing exempt while policy.yaml is missing or invalid."""
    return archive.policy.audit if archive.policy is not None else AuditSettings()
