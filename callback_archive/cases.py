"""Callback cases: the attempts on one work order taken together, and where each case stands.

Every attempt to reach a customer is its own visit file. The case of an order is
done when an attempt reached the customer; it is closed as unreachable (无法联系)
when the attempts meet policy.yaml's ``unreachable`` minimum with the first one in
time; otherwise it is pending, and overdue once its deadline has passed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from .deadlines import Deadline, DeadlineRules
from .history import Commit
from .model import Letter, Trigger, Visit
from .orders import Order
from .policy import Policy, audit_settings

State = Literal["on-time", "late", "unreachable", "pending", "overdue"]

STATE_LABELS = {
    "on-time": "按时完成",
    "late": "超时完成",
    "unreachable": "无法联系",
    "pending": "待回访",
    "overdue": "逾期未回访",
    "not-required": "无需复函",
}


@dataclass
class CallbackCase:
    """All attempts on one order; ``deadline`` is None where no article sets one."""

    order: str
    unit: str
    category: str
    trigger: Trigger
    deadline: Deadline | None
    attempts: list[Visit] = field(default_factory=list)
    order_row: Order | None = None  # the imported work order, when its month's orders are in the archive
    # Set by build_cases once the attempts are complete (a big year asks a million times):
    # the first attempt that reached the customer, i.e. the callback itself, and the failed ones.
    reached: Visit | None = field(default=None, init=False)
    failed: list[Visit] = field(default_factory=list, init=False)

    def state(self, as_of: datetime, policy: Policy) -> State:
        reached = self.reached
        due = self.deadline.due if self.deadline else None
        if reached is not None:
            # Untimed callbacks done after the statistics cut-off count as late too (第二十条).
            return "late" if due is not None and reached.visited_at > due else "on-time"
        if self.is_closed_unreachable(policy):
            return "unreachable"
        return "overdue" if due and as_of > due else "pending"

    def is_closed_unreachable(self, policy: Policy) -> bool:
        rule = policy.unreachable
        failed = self.failed
        if not failed or len(failed) < rule.min_attempts or len({v.visited_at.date() for v in failed}) < rule.min_days:
            return False
        return self.deadline is None or failed[0].visited_at <= self.deadline.due


_ORDER_CATEGORY = {"new-install": "business", "change": "business", "repair": "repair"}


def build_cases(visits: list[Visit], orders: list[Order], rules: DeadlineRules) -> list[CallbackCase]:
    """One case per work order, named by an imported order or by a visit's trigger; attempts in time order."""
    cases: dict[str, CallbackCase] = {}
    for order in orders:
        trigger = Trigger(order.order, order.kind, order.archived_at)
        cases.setdefault(order.order, CallbackCase(
            order=order.order,
            unit=order.unit,
            category=_ORDER_CATEGORY.get(order.kind, "other"),
            trigger=trigger,
            deadline=rules.for_trigger(trigger, order.unit, order.groups),
            order_row=order,
        ))
    for visit in sorted(visits, key=lambda v: (v.visited_at, v.id)):
        if visit.trigger is None:
            continue
        case = cases.get(visit.trigger.order)
        if case is None:
            case = cases[visit.trigger.order] = CallbackCase(
                order=visit.trigger.order,
                unit=visit.unit,
                category=visit.category,
                trigger=visit.trigger,
                deadline=rules.for_trigger(visit.trigger, visit.unit, visit.customer.groups),
            )
        elif not case.attempts and visit.trigger.disaster:
            # Only the visit names the disaster that may extend the deadline; the order export does not.
            case.trigger = Trigger(case.order, case.trigger.kind, case.trigger.archived_at, visit.trigger.disaster)
            case.deadline = rules.for_trigger(case.trigger, case.unit, visit.customer.groups)
        case.attempts.append(visit)
    for case in cases.values():
        case.reached = next((v for v in case.attempts if v.reached), None)
        case.failed = [v for v in case.attempts if not v.reached]
    return list(cases.values())


def letter_state(letter: Letter, deadline: Deadline | None, as_of: datetime, archive=None) -> str:
    """Where a letter stands; with ``archive``, a reply on time whose record reached main late is late (第十六条)."""
    if deadline is None:
        return "not-required"
    if letter.replied_at is not None:
        if letter.replied_at > deadline.due:
            return "late"
        late = archive is not None and archive_landed_late(archive, letter, letter.replied_at, deadline) is not None
        return "late" if late else "on-time"
    return "overdue" if as_of > deadline.due else "pending"


def landing_of(archive, record: Visit | Letter) -> Commit | None:
    """The commit that brought the record onto main, when the archive has a (complete) Git history."""
    history = archive.history
    if history is None or history.shallow:
        return None
    return history.landing(record.source.path)


def archive_landed_late(archive, record: Visit | Letter, done_at: datetime, deadline: Deadline) -> Commit | None:
    """The landing commit of a callback or reply done in time whose record reached main after the limit.

    第十四至十六条 require the callback *and* its archive entry within the limit: such a record is late.
    For an untimed callback the limit is the month's statistics cut-off. Records done before policy.yaml's
    ``audit.history_since`` were migrated into Git afterwards: they are never judged here.
    """
    if done_at > deadline.due or archive.history is None:
        return None
    if audit_settings(archive).exempt(done_at):
        return None
    landing = landing_of(archive, record)
    return landing if landing is not None and landing.time > deadline.due else None


def counted_state(archive, case: CallbackCase, as_of: datetime) -> State:
    """The case's state as the statistics count it: an on-time callback whose record landed late is late."""
    state = case.state(as_of, archive.policy)
    if state == "on-time" and case.deadline is not None and archive_landed_late(
            archive, case.reached, case.reached.visited_at, case.deadline) is not None:
        return "late"
    return state
