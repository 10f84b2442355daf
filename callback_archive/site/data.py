"""Everything the site is made from, computed once per build: the archive, its history, findings, summaries."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ..archive import ArchiveAt, open_archive
from ..engine.loader import Archive
from ..cases import CallbackCase
from ..checks import Context, run_checks
from ..findings import Finding
from ..history import History
from ..reports.monthly import month_summary, months_present
from ..reports.summary import Summary, read_summary
from ..reports.stats import Month
from .common import Privacy, public_summary, rel

_RECORD_CELL = re.compile(r"(?<=\| )((?:HF|FH)-\d{8}-\d{4})(?= \|)")


@dataclass
class SiteData:
    """One build's inputs. ``summaries`` are the months' public summaries (masked), oldest first;
    ``places`` tells on which page each record is shown (filled by the archive pages)."""

    at: ArchiveAt
    privacy: Privacy
    findings: dict[str, list[Finding]] = field(default_factory=dict)  # by file
    summaries: dict[Month, Summary] = field(default_factory=dict)
    case_of: dict[str, tuple[CallbackCase, int]] = field(default_factory=dict)  # visit id → case, attempt number
    places: dict[str, str] = field(default_factory=dict)

    @property
    def archive(self) -> Archive:
        return self.at.records

    @property
    def as_of(self) -> datetime:
        return self.at.as_of

    @property
    def git(self) -> History | None:
        """As loaded: None outside Git, ``shallow`` in a shallow clone."""
        return self.at.git

    @property
    def history(self) -> History | None:
        """Main's record history as of ``as_of``; None without a full Git history."""
        return self.at.history

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
    at = open_archive(root, as_of=as_of)
    archive = at.records
    site = SiteData(at, Privacy.of(archive))
    if not site.usable:
        return site
    for item in run_checks(archive, Context(as_of=as_of, history=at.git)):
        site.findings.setdefault(item.file, []).append(item)
    for case in archive.cases:
        for number, visit in enumerate(case.attempts, 1):
            site.case_of[visit.id] = (case, number)
    for month in months_present(at):
        site.summaries[month] = read_summary(public_summary(month_summary(at, month), site.privacy))
    return site
