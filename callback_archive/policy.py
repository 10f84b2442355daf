"""policy.yaml: the deadlines, ratios and amounts of the rules, each citing its article."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from typing import Any


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
