"""A check declared once: its finding codes, the articles it cites, what it reads, how its findings are grouped.

The runner (``checks.run_checks``) and the incremental engine (``engine.incremental``) both
read these declarations; ``validate`` proves at import that they agree with the findings
catalogue, so a check that is not declared, or declared wrongly, cannot run.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import Callable, Iterable, Mapping

from ..engine.groups import Grouping
from ..engine.loader import Archive
from ..findings import CODES, Code, Finding
from ..history import History


@dataclass(frozen=True)
class Context:
    """What a check may judge against besides the archive: ``as_of`` is "now".

    ``history`` is main's record history (None outside Git: landing checks are then
    skipped); ``base`` is the revision given with ``--base`` to compare against.
    """

    as_of: datetime
    history: History | None = None
    base: str | None = None


CheckFunction = Callable[[Archive, Context], Iterable[Finding]]


class DeclarationError(Exception):
    """A check's declaration contradicts the catalogue or itself (a programming error, found at import)."""


@dataclass(frozen=True)
class Check:
    """A check and what it declares; called like the function it wraps.

    ``codes``: every finding code it may emit. ``group``: how its findings are grouped for an
    incremental run (one rule from ``engine.groups``, or a rule per code). ``reads``: the
    ``Archive`` fields it judges. ``articles``: the articles its findings may cite besides
    their codes' own (a deadline's article). ``volatile``: the codes whose text is worked out
    from "now" (how late, how long left), whose groups every run recomputes.
    """

    run: CheckFunction
    codes: tuple[str, ...]
    group: Grouping | Mapping[str, Grouping] | None
    reads: tuple[str, ...]
    articles: tuple[str, ...] = ()
    volatile: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return f"{self.run.__module__}.{self.run.__name__}"

    def __call__(self, archive: Archive, context: Context) -> Iterable[Finding]:
        return self.run(archive, context)

    def cited_articles(self) -> set[str]:
        """Every article its findings may cite: its codes' own and those it declares besides."""
        return {CODES[c].article for c in self.codes if c in CODES and CODES[c].article} | set(self.articles)

    def grouping(self) -> Grouping:
        """The rule telling each of its findings' group (per code when it declared a rule per code)."""
        if callable(self.group):
            return self.group
        rules = dict(self.group or {})
        return lambda f, look: rules[f.code](f, look)


def check(*, codes: tuple[str, ...], group: Grouping | Mapping[str, Grouping] | None, reads: tuple[str, ...],
          articles: tuple[str, ...] = (), volatile: tuple[str, ...] = ()) -> Callable[[CheckFunction], Check]:
    """Declare the decorated function a check (see ``Check``)."""

    def declare(run: CheckFunction) -> Check:
        return Check(run, codes, group, reads, articles, volatile)

    return declare


def validate(checks: Iterable[Check], catalogue: Mapping[str, Code], unchecked: Iterable[str] = ()) -> None:
    """Raise ``DeclarationError`` naming every contradiction between the checks and the catalogue.

    ``unchecked``: catalogue codes no check emits (notices about the run).
    """
    problems: list[str] = []
    archive_fields = {f.name for f in dataclasses.fields(Archive)}
    produced: set[str] = set(unchecked)
    for c in checks:
        if not c.codes:
            problems.append(f"{c.name} declares no finding codes")
        produced.update(c.codes)
        problems += [f"{c.name} declares {code!r}, which is not in findings.CODES" for code in c.codes
                     if code not in catalogue]
        if c.group is None:
            problems.append(f"{c.name} declares no group")
        elif not callable(c.group):
            problems += [f"{c.name} has no group for {code!r}" for code in c.codes if code not in c.group]
            problems += [f"{c.name} groups {code!r}, which it does not declare" for code in c.group if code not in c.codes]
        problems += [f"{c.name} declares volatile {code!r}, which is not among its codes" for code in c.volatile
                     if code not in c.codes]
        problems += [f"{c.name} reads {name!r}, which is not a field of Archive" for name in c.reads
                     if name not in archive_fields]
        if not c.reads:
            problems.append(f"{c.name} declares nothing it reads")
    problems += [f"no check emits {code!r} of findings.CODES" for code in catalogue if code not in produced]
    if problems:
        raise DeclarationError("Check declarations are wrong:\n  " + "\n  ".join(problems))


def volatile_codes(checks: Iterable[Check]) -> frozenset[str]:
    """The codes whose text changes with "now", of all these checks."""
    return frozenset(code for c in checks for code in c.volatile)

