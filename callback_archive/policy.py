"""policy.yaml: the deadlines, ratios and amounts of the rules, each citing its article."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from .timeutil import parse_time


@dataclass(frozen=True)
class Policy:
    """The schema-valid policy file, with typed accessors for what code needs."""

    data: dict[str, Any]

    def deadline(self, name: str) -> dict[str, Any]:
        return self.data["deadlines"][name]

    @property
    def monthly_report_time(self) -> time:
        hour, minute = self.deadline("monthly_report")["time"].split(":")
        return time(int(hour), int(minute))

    @property
    def unreachable(self) -> dict[str, Any]:
        return self.data["unreachable"]

    @property
    def calendar(self) -> dict[str, Any]:
        return self.data["calendar"]


@dataclass(frozen=True)
class AuditSettings:
    """policy.yaml's ``audit`` section; without it nothing is exempt and nothing counts as backfilled."""

    history_since: datetime | None = None
    backfill_days: int | None = None
    merge_warning_days: int = 0

    def exempt(self, moment: datetime) -> bool:
        """A callback before the archive was kept in Git: its record was migrated, not late."""
        return self.history_since is not None and moment < self.history_since


def audit_settings(archive) -> AuditSettings:
    section = archive.policy.data.get("audit") if archive.policy is not None else None
    if not section:
        return AuditSettings()
    return AuditSettings(parse_time(section["history_since"]), section["backfill_days"], section["merge_warning_days"])
