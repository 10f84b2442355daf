"""Independent checks over a loaded archive; each yields findings and never raises on bad data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Callable, Iterable

from .. import amendments
from ..engine.loader import Archive
from ..findings import Finding
from ..history import History
from . import assessment, coverage, deadlines, landing, placement, times, units


@dataclass(frozen=True)
class Context:
    """What a check may judge against besides the archive: ``as_of`` is "now".

    ``history`` is main's record history (None outside Git: landing checks are then
    skipped); ``base`` is the revision given with ``--base`` to compare against.
    """

    as_of: datetime
    history: History | None = None
    base: str | None = None


Check = Callable[[Archive, Context], Iterable[Finding]]

ALL_CHECKS: tuple[Check, ...] = (
    units.check_units,
    placement.check_ids_match_files,
    placement.check_unique_ids,
    placement.check_units_exist,
    placement.check_folders,
    times.check_visit_times,
    times.check_letter_times,
    deadlines.check_disasters,
    deadlines.check_attempts_agree,
    deadlines.check_callback_deadlines,
    deadlines.check_letter_deadlines,
    deadlines.check_calendar_years,
    coverage.check_orders,
    coverage.check_order_callbacks,
    coverage.check_visits_against_orders,
    coverage.check_responsibilities,
    coverage.check_key_customers,
    coverage.check_large_customers,
    coverage.check_card_rounds,
    coverage.check_samples,
    assessment.check_submissions,
    assessment.check_decisions,
    landing.check_landing,
    amendments.check_against_base,
)


def run_checks(archive: Archive, context: Context) -> list[Finding]:
    """The loading findings plus those of every check, in a stable order."""
    found = list(archive.findings)
    for check in ALL_CHECKS:
        found.extend(check(archive, context))
    return sorted(found, key=lambda f: f.sort_key)
