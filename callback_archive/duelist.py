"""The list a callback clerk starts the day with: what is overdue and what falls due soon."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from .archive import ArchiveAt
from .cases import STATE_LABELS, letter_state
from .deadlines import Deadline, end_of_day


@dataclass(frozen=True)
class DueItem:
    state: str  # pending | overdue
    deadline: Deadline
    what: str  # 回访 | 复函
    unit: str
    reference: str  # work order or letter id
    file: str
    detail: str

    def as_dict(self) -> dict:
        data = asdict(self)
        data["deadline"] = {
            "due": self.deadline.due.isoformat(),
            "article": self.deadline.article,
            "rule": self.deadline.rule,
            "provisional": self.deadline.provisional,
        }
        data["state_label"] = STATE_LABELS[self.state]
        return data


def due_items(at: ArchiveAt, within_workdays: int, unit: str | None = None) -> list[DueItem]:
    """Open items that are overdue, or due before the end of the ``within_workdays``-th working day from today."""
    archive, as_of = at.records, at.as_of
    if archive.rules is None:
        return []
    today = as_of.date()
    horizon = end_of_day(archive.calendar.nth_workday_after(today, within_workdays).day if within_workdays else today)
    items: list[DueItem] = []
    for case in archive.cases:
        state = case.state(as_of, archive.policy)
        if state not in ("pending", "overdue") or case.deadline is None:
            continue
        if case.attempts:
            last = case.attempts[-1]
            file, detail = last.source.path, f"已尝试 {len(case.attempts)} 次，最近 {last.visited_at:%m-%d %H:%M} 未联系上"
        else:
            file, detail = case.order_row.path, "尚无回访记录"
        items.append(DueItem(state, case.deadline, "回访", case.unit, case.order, file, detail))
    for letter in archive.letters:
        deadline = archive.rules.for_letter(letter)
        state = letter_state(letter, deadline, as_of)
        if state not in ("pending", "overdue"):
            continue
        items.append(DueItem(state, deadline, "复函", letter.unit, letter.id, letter.source.path, letter.subject))
    return sorted(
        (i for i in items if (unit is None or i.unit == unit) and (i.state == "overdue" or i.deadline.due <= horizon)),
        key=lambda i: (i.deadline.due, i.reference),
    )
