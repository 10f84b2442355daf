"""Independent checks over a loaded archive; each yields findings and never raises on bad data.

``ALL_CHECKS`` is the one list of checks: each declares its codes, what it reads and how its
findings are grouped (``declaration.check``), and the list is validated against the findings
catalogue when this package is imported.
"""

from __future__ import annotations

from typing import Iterable

from .. import amendments
from ..engine.groups import always, by_file
from ..engine.loader import Archive
from ..findings import CODES, NOTICE_CODES, Finding
from .declaration import Check, Context, check, validate, volatile_codes
from . import assessment, coverage, deadlines, landing, placement, times, units


@check(codes=(
    "file-empty", "file-too-large", "file-not-utf8", "file-not-record", "file-unreadable", "symlink-not-allowed",
    "file-not-regular", "file-bom-repeated", "file-line-endings", "yaml-syntax", "yaml-duplicate-key", "yaml-anchor",
    "yaml-merge-key", "yaml-tag", "yaml-complex-key", "yaml-ambiguous-bool", "yaml-leading-zero", "yaml-sexagesimal",
    "yaml-ambiguous-number", "yaml-number-too-long", "yaml-not-finite", "yaml-too-deep", "not-a-mapping",
    "schema-required", "schema-unknown-key", "schema-enum", "schema-type", "schema-number-as-text", "schema-format",
    "schema-invalid", "time-invalid", "path-unexpected", "policy-invalid", "calendar-invalid", "disasters-invalid",
    "orders-invalid"), group=by_file, reads=("findings",))
def reading(archive: Archive, context: Context) -> Iterable[Finding]:
    """What reading the files found (``engine.loader``): each finding is about its own file."""
    return archive.findings


against_base = check(codes=("amendment-missing", "amendment-rewritten", "record-deleted", "record-moved"),
                     group=always, reads=("files", "paths", "root"))(amendments.check_against_base)

ALL_CHECKS: tuple[Check, ...] = (
    reading,
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
    against_base,
)
validate(ALL_CHECKS, CODES, NOTICE_CODES)

VOLATILE_CODES = volatile_codes(ALL_CHECKS)
"""Codes whose text is worked out from "now" (how late, how long left): their groups are recomputed every run."""


def run_checks(archive: Archive, context: Context) -> list[Finding]:
    """The findings of reading and of every check, in a stable order."""
    found: list[Finding] = []
    for c in ALL_CHECKS:
        found.extend(c(archive, context))
    return sorted(found, key=lambda f: f.sort_key)


__all__ = ["ALL_CHECKS", "VOLATILE_CODES", "Check", "Context", "run_checks"]
