"""Everything the site is made from, computed once per build: the archive, its history, findings, summaries."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ..engine.loader import Archive, load_archive
from ..cases import CallbackCase
from ..checks import Context, run_checks
from ..findings import Finding
from ..history import History, load_history
from ..reports.monthly import month_summary, months_present
from ..reports.summary import Summary, read_summary
from ..reports.stats import Month
from .common import Privacy, public_summary, rel

_RECORD_CELL = re.compile(r"(?<=\| )((?:HF|FH)-\d{8}-\d{4})(?= \|)")


@dataclass
class SiteData:
    """One build's inputs. ``summaries`` are the months' public summaries (masked), oldest first;
    ``places`` tells on which page each record is shown (filled by the archive pages)."""

    archive: Archive
    as_of: datetime
    git: History | None  # as loaded: None outside Git, ``shallow`` in a shallow clone
    privacy: Privacy
    findings: dict[str, list[Finding]] = field(default_factory=dict)  # by file
    summaries: dict[Month, Summary] = field(default_factory=dict)
    case_of: dict[str, tuple[CallbackCase, int]] = field(default_factory=dict)  # visit id → case, attempt number
    places: dict[str, str] = field(default_factory=dict)

    @property
    def history(self) -> History | None:
        """Main's record history as of ``as_of``; None without a full Git history."""
        return self.archive.history

    @property
    def usable(self) -> bool:
        """False while policy.yaml is missing or invalid: nothing can be counted."""
        return self.archive.rules is not None

    def unit_name(self, unit: str) -> str:
        known = self.archive.units.get(unit)
        return known.name if known else unit

    def record_link(self, record: str, page: str) -> str | None:
        """The link from ``page`` to a record's block, or None for a record the site does not show."""
        place = self.places.get(record)
        return f"{rel(page, place)}#{record}" if place else None

    def link_records(self, markdown: str, page: str) -> str:
        """Link every table cell that is just a record id (``| HF-20261125-0001 |``) to the record."""
        def link(match: re.Match) -> str:
            target = self.record_link(match[1], page)
            return f"[{match[1]}]({target})" if target else match[1]

        return _RECORD_CELL.sub(link, markdown)


def load_site_data(root: Path, as_of: datetime) -> SiteData:
    """Load the archive and its Git history once, run the checks once, summarise every month once."""
    archive = load_archive(root)
    history = load_history(root)
    archive.history = history.until(as_of) if history is not None and not history.shallow else None
    site = SiteData(archive, as_of, history, Privacy.of(archive))
    if not site.usable:
        return site
    for item in run_checks(archive, Context(as_of=as_of, history=history)):
        site.findings.setdefault(item.file, []).append(item)
    for case in archive.cases:
        for number, visit in enumerate(case.attempts, 1):
            site.case_of[visit.id] = (case, number)
    for month in months_present(archive, as_of):
        site.summaries[month] = read_summary(public_summary(month_summary(archive, month, as_of), site.privacy))
    return site
