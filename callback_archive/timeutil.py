"""Times in records: Beijing time unless an offset is written."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache

# China has kept UTC+8 without daylight saving since 1991, so a fixed offset is exact
# and needs no tz database on the machine.
BEIJING = timezone(timedelta(hours=8), "北京时间")

_TIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}:\d{2})?)?\Z"
)


@lru_cache(maxsize=1024)
def parse_time(text: str, *, end_of_day: bool = False) -> datetime:
    """Parse a record's date or date-time into an aware datetime in Beijing time.

    A bare date means the start of that day, or its last second with ``end_of_day``.
    Raises ValueError with a Chinese message for text that is not a real moment.
    The answers for the last 1,024 texts are kept: reading a record checks its times, then builds it from them.
    """
    match = _TIME.match(text.strip())
    if not match:
        raise ValueError(f"“{text}”不是日期或时间，应写成如 2026-11-26 10:00 或 2026-11-26")
    year, month, day, hour, minute, second, offset = match.groups()
    try:
        if hour is None:
            base = datetime(int(year), int(month), int(day), tzinfo=BEIJING)
            return base.replace(hour=23, minute=59, second=59) if end_of_day else base
        if offset is None or offset == "+08:00":
            return datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0), tzinfo=BEIJING)
        if offset == "Z":
            tz = timezone.utc
        else:
            sign = 1 if offset[0] == "+" else -1
            tz = timezone(sign * timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6])))
        moment = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0), tzinfo=tz)
    except ValueError:
        raise ValueError(f"“{text}”这个日期或时间不存在，请核对年月日和时分") from None
    return moment.astimezone(BEIJING)


def parse_date(text: str) -> date:
    """The Beijing calendar day of a record's date or date-time."""
    return parse_time(text).date()


def format_time(moment: datetime) -> str:
    """A moment as staff read it: ``2026-11-26 10:00`` in Beijing time."""
    return moment.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")


def format_duration(delta: timedelta) -> str:
    """A duration in Chinese: ``2 天 3 小时 5 分钟``."""
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [f"{days} 天" if days else "", f"{hours} 小时" if hours else "", f"{mins} 分钟" if mins else ""]
    return " ".join(p for p in parts if p) or "不到 1 分钟"
