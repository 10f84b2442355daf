"""Times that cannot be true: a callback before its trigger, records in the future of "now"."""

from __future__ import annotations

from typing import Iterable

from ..findings import Finding, finding
from ..engine.groups import by_file
from .declaration import check
from ..timeutil import format_time


@check(codes=("visit-before-trigger", "time-in-future"), group=by_file, reads=("visits",),
       volatile=("time-in-future",))
def check_visit_times(archive, context) -> Iterable[Finding]:
    for visit in archive.visits:
        source = visit.source
        # Compared at the precision both have: a visit written to the minute (08:10) is not before
        # an order archived within that minute (08:10:35).
        archived = visit.trigger and visit.trigger.archived_at
        if archived and visit.visited_at.second == 0:
            archived = archived.replace(second=0)
        if archived and visit.visited_at < archived:
            yield finding(
                "visit-before-trigger",
                source.path,
                source.line_of("visited_at"),
                f"回访时间 {format_time(visit.visited_at)} 早于业务归档时间 {format_time(visit.trigger.archived_at)}："
                "回访应在归档之后，请核对两个时间。",
                record=visit.id,
            )
        for path, moment in (("visited_at", visit.visited_at), ("trigger.archived_at", visit.trigger and visit.trigger.archived_at)):
            if moment and moment > context.as_of:
                yield finding(
                    "time-in-future",
                    source.path,
                    source.line_of(path),
                    f"`{path}` 是 {format_time(moment)}，晚于当前时间 {format_time(context.as_of)}：不能预先登记，请核对时间。",
                    record=visit.id,
                )


@check(codes=("letter-reply-before-receipt", "time-in-future"), group=by_file, reads=("letters",),
       volatile=("time-in-future",))
def check_letter_times(archive, context) -> Iterable[Finding]:
    for letter in archive.letters:
        source = letter.source
        if letter.replied_at and letter.replied_at.date() < letter.received_at.date():
            yield finding(
                "letter-reply-before-receipt",
                source.path,
                source.line_of("replied_at"),
                f"复函日期 {letter.replied_at:%Y-%m-%d} 早于收函日期 {letter.received_at:%Y-%m-%d}：请核对两个日期。",
                record=letter.id,
            )
        for path, moment in (("received_at", letter.received_at), ("replied_at", letter.replied_at)):
            if moment is None:
                continue
            date_only = len(source.data[path]) == 10
            if (moment.date() > context.as_of.date()) if date_only else (moment > context.as_of):
                yield finding(
                    "time-in-future",
                    source.path,
                    source.line_of(path),
                    f"`{path}` 是 {source.data[path]}，晚于当前时间 {format_time(context.as_of)}：不能预先登记，请核对日期。",
                    record=letter.id,
                )
