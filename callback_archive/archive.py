"""One archive at one moment: what a command opens and every report, list and page is worked out from.

``open_archive`` reads the records (engine/loader.py) and main's Git history once and cuts the history at
the moment asked for; an ``ArchiveAt`` carries all of it, so that functions take the archive and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .engine.loader import Archive, load_archive
from .history import History, load_history
from .policy import Policy


@dataclass(frozen=True)
class ArchiveAt:
    """The loaded records, as the archive stood at ``as_of``."""

    records: Archive  # records.history: main's history at ``as_of``; None outside Git or in a shallow clone
    as_of: datetime
    git: History | None = None  # as loaded, not cut: None outside Git (or not asked for), ``shallow`` in a shallow clone

    @classmethod
    def of(cls, records: Archive, git: History | None, as_of: datetime) -> ArchiveAt:
        """The records with main's history as it stood at ``as_of`` (the one place ``records.history`` is set)."""
        records.history = git.until(as_of) if git is not None and not git.shallow else None
        return cls(records, as_of, git)

    @property
    def policy(self) -> Policy | None:
        """The rules; None while policy.yaml is missing or invalid."""
        return self.records.policy

    @property
    def history(self) -> History | None:
        return self.records.history


def open_archive(root: Path, *, as_of: datetime, git: bool = True) -> ArchiveAt:
    """Load the archive under ``root`` as it stood at ``as_of``; with ``git``, main's history too."""
    return ArchiveAt.of(load_archive(root), load_history(root) if git else None, as_of)
