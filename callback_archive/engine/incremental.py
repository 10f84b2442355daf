"""Incremental validation (issue 8): reuse the findings of the last run, recompute only what can have changed.

Every finding belongs to a *group* whose findings depend only on the records that
provide the group's data keys (see design/incremental-checks.md); the kinds of groups and
keys are named in ``groups`` (a file, a record id, a work order's case, a registered
customer, a month's submissions …), and each check declares how its findings are grouped.

A run compares every file's content key and Git landing with the last run's, finds the
groups that read the data keys the changed files provided before or provide now, adds the
groups whose results may change between the last ``as_of`` and this one (each group keeps
the first moment at which a comparison with "now" can turn), loads only the records those
groups read (with each work order's whole case), runs the checks over that part of the
archive and keeps the findings of those groups. Anything else that findings depend on —
policy, units, calendar, disasters, registers, plans, rounds, the years and order months
the archive has, the program — is in a fingerprint: a change means a full run. So does an
``as_of`` earlier than the last one. The state lives in ``.cache/checks/`` and may be
deleted at any time.
"""

from __future__ import annotations

import hashlib
import sys
from collections import defaultdict
from dataclasses import dataclass
from functools import cache, cached_property
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Callable, Iterable

from . import checkstate
from ..amendments import changes_since, diff_arguments, parse_name_status
from .loader import ORDERS_FOLDER, POLICY_FILE, Archive, Selection, classify, discover, load_archive
from .cache import GitIndex, LoadStats, Shards, StartedGit, file_keys, git_output, start_git, version_key
from ..checks import ALL_CHECKS, VOLATILE_CODES, Context, coverage, placement
from .checkstate import Listing, Results, Snapshot
from ..deadlines import end_of_day
from ..findings import Finding
from ..history import History
from .groups import (ACCOUNT, ALWAYS, CALENDAR, CASE, COUNTED, DECISIONS, FIGURES_MONTH, FILE, ID, PLANS, PROVISIONAL_YEAR,
                     REGISTERED, ROUND, SAMPLE, SUBMISSIONS, SUBMITTED, VISIT_MONTH, Lookups, case_key, kind_of, month_name)
from ..kinds import RECORDS_DIR, filed_by_month, names as kinds_where
from .keygraph import KeyGraph
from ..policy import audit_settings
from ..timeutil import BEIJING

FORMAT = 1
# Which files every run loads whole (few and small) and which of those a full run follows a change to:
# the kinds say (kinds.Kind.whole, full_run).
PACKAGE = Path(__file__).resolve().parent.parent  # the whole callback_archive package
ALL_RECORDS = "all records"  # stands for every case and file group (a full run)


@dataclass
class Outcome:
    """What a validation run found, and how it went (for ``--stats``)."""

    findings: list[Finding]
    paths: list[str]
    load_stats: LoadStats
    mode: str = "full"  # full | incremental
    groups: int = 0  # groups recomputed (incremental)


# --- what each file provides --------------------------------------------------------------


def provides(archive: Archive) -> dict[str, tuple[str, ...]]:
    """The data keys each loaded file (path) and work-order row (``path#order``) provides, besides its own ``f:``.

    Exact for every record whose work order's case is complete in ``archive``. (Runs over every
    record of a full run: written for speed.)
    """
    registered = {c.account for c in (*archive.large_customers, *archive.key_customers)}
    registered |= {entry.account for plan in archive.plans.values() for entry in plan.entries}  # plan progress reads them
    month_names: dict[int, str] = {}

    def month(moment: datetime) -> str:
        number = moment.year * 100 + moment.month
        found = month_names.get(number)
        if found is None:
            found = month_names[number] = month_name(moment.year, moment.month)
        return found

    visited_p, figures_p, provisional_p = VISIT_MONTH.prefix, FIGURES_MONTH.prefix, PROVISIONAL_YEAR.prefix
    id_p, account_p, round_p, registered_key = ID.prefix, ACCOUNT.prefix, ROUND.prefix, REGISTERED.key()

    case_month: dict[str, str] = {}
    keys: dict[str, list[str]] = defaultdict(list)
    for case in archive.cases:
        deadline = case.deadline
        if deadline is None:
            continue
        case_month[case.order] = figures_p + month(deadline.due if deadline.times_callback else case.trigger.archived_at)
        if deadline.provisional_years:  # counted once per case: on its order row, or on the attempt that opened it
            owner = f"{case.order_row.path}#{case.order}" if case.order_row is not None else case.attempts[0].source.path
            keys[owner] += [f"{provisional_p}{year}" for year in deadline.provisional_years]
    for source, record_id, _, _ in placement._placed(archive):
        if record_id is not None:
            keys[source.path].append(id_p + record_id)
    for visit in archive.visits:
        own = keys[visit.source.path]
        visited = month(visit.visited_at)
        own.append(visited_p + visited)
        account = visit.customer.account
        if account in registered:
            own += (account_p + account, registered_key)
        if visit.round is not None and visit.category == "card":
            own.append(round_p + visit.round)
        trigger = visit.trigger
        if trigger is not None:
            own.append(case_key(trigger.order))
            own.append(case_month.get(trigger.order) or figures_p + visited)
        else:
            own.append(figures_p + visited)
    for letter in archive.letters:
        deadline = archive.rules.for_letter(letter) if archive.rules is not None else None
        own = keys[letter.source.path]
        own.append(figures_p + month(deadline.due if deadline else letter.received_at))
        if deadline is not None:
            own += [f"{provisional_p}{year}" for year in deadline.provisional_years]
    for order in archive.orders:
        own = keys[f"{order.path}#{order.order}"]
        own.append(case_key(order.order))
        if order.order in case_month:
            own.append(case_month[order.order])
    for sample in archive.samples:
        keys[sample.source.path].append(SAMPLE.key(sample.source.path))
    for submission in archive.submissions:
        keys[submission.source.path].append(SUBMITTED.key(month_name(submission.year, submission.month)))
    for decisions in archive.decisions:
        keys[decisions.source.path].append(DECISIONS.key(month_name(decisions.year, decisions.month)))
    return {p: tuple(k) for p, k in keys.items()}


# --- which group a finding belongs to -----------------------------------------------------


def grouped_findings(archive: Archive, context: Context) -> dict[str, list[Finding]]:
    """Every finding of reading and of every check, by group (as each check declares)."""
    look = Lookups.of(archive)
    groups: dict[str, list[Finding]] = defaultdict(list)
    for check in ALL_CHECKS:
        group_of = check.grouping()
        for f in check(archive, context):
            groups[group_of(f, look)].append(f)
    return groups


# --- when a group's findings may change with "now" ----------------------------------------


def _next_midnight(moment: datetime) -> datetime:
    day = moment.astimezone(BEIJING).date() + timedelta(days=1)
    return datetime(day.year, day.month, day.day, tzinfo=BEIJING)


def _report_due(archive: Archive, month: str) -> datetime:
    year, number = (int(x) for x in month.split("-"))
    return archive.rules.monthly_report_due(year, number)


def thresholds(archive: Archive, as_of: datetime, groups: set[str] | None = None) -> dict[str, float]:
    """For each group, the first moment at or after ``as_of`` from which its findings may differ (none: never).

    ``groups`` None: every group of the archive (a full run). Moments may be early (the group
    is then only recomputed sooner), never late. (Runs over every record of a full run: the
    records whose moments are all past are passed over quickly.)
    """
    if groups is None:
        groups = _whole_archive_groups(archive)
    if archive.rules is None:
        return {g: as_of.timestamp() for g in groups}
    merge_days = timedelta(days=audit_settings(archive).merge_warning_days)
    moments: dict[str, list[datetime]] = defaultdict(list)
    for case in archive.cases:
        deadline = case.deadline
        if deadline is not None and deadline.due >= as_of:
            moments[CASE.key(case.order)] += [deadline.due - merge_days, deadline.due]
    for visit in archive.visits:
        trigger = visit.trigger
        if visit.visited_at >= as_of or (trigger is not None and trigger.archived_at >= as_of):
            moments[FILE.key(visit.source.path)] += [visit.visited_at, *([trigger.archived_at] if trigger else [])]
    for letter in archive.letters:
        found = moments[FILE.key(letter.source.path)]
        for moment in (letter.received_at, letter.replied_at):
            if moment is not None:
                found += [moment, _next_midnight(moment)]
        deadline = archive.rules.for_letter(letter)
        if deadline is not None:
            found += [deadline.due - merge_days, deadline.due]
    result: dict[str, float] = {}
    for group, found in moments.items():
        if group in groups or ALL_RECORDS in groups:
            at = min((m for m in found if m >= as_of), default=None)
            if at is not None:
                result[group] = at.timestamp()
    next_year_end = end_of_day(date(as_of.year, 12, 31))
    if next_year_end < as_of:
        next_year_end = end_of_day(date(as_of.year + 1, 12, 31))
    samples = {s.source.path: s for s in archive.samples}
    submitted = _submitted(archive)
    for group in groups:
        kind = kind_of(group)
        if kind is ALWAYS:
            at = as_of
        elif kind is PLANS or kind is CALENDAR:
            at = _next_midnight(as_of)
        elif kind is ACCOUNT:
            at = next_year_end
        elif kind is SAMPLE:
            sample = samples.get(SAMPLE.value(group))
            month_end = end_of_day(coverage.last_day_of_month(sample.year, sample.month)) if sample else None
            at = month_end if month_end is not None and month_end >= as_of else None
        elif kind is SUBMISSIONS or kind is DECISIONS:
            month = kind.value(group)
            due = _report_due(archive, month)
            # Before the month is due, case states inside it still turn; with nothing to compare, only the due date counts.
            at = (as_of if kind is DECISIONS or month in submitted else due) if as_of <= due else None
        else:
            continue
        if at is not None:
            result[group] = at.timestamp()
    return result


# --- what the findings depend on besides their groups' records ----------------------------


def _code_hash() -> str:
    digest = hashlib.sha1(f"{FORMAT} {sys.version_info[:2]} {version_key()}".encode())
    for path in sorted(PACKAGE.rglob("*.py")):
        digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def fingerprint(kinds: dict[str, str | None], keys: dict[str, str], history: History | None) -> str:
    """Everything besides the groups' own records that findings depend on."""
    digest = hashlib.sha1(_code_hash().encode())
    # Not ``base``: only the comparison with it depends on it, and that group is recomputed every run.
    digest.update(repr((history.ref if history else None, history.shallow if history else None)).encode())
    digest.update(f"{POLICY_FILE}\0{keys.get(POLICY_FILE, '')}\0".encode())
    full_run = kinds_where(full_run=True)
    for path, kind in kinds.items():
        if kind in full_run:  # units, calendar and disasters among them
            digest.update(f"{path}\0{keys.get(path, '')}\0".encode())
        elif kind == "orders":
            digest.update(f"{path}\0".encode())  # the months with orders files (visits in other months are not checked)
    return digest.hexdigest()


def landings_of(history: History | None) -> dict[str, str]:
    if history is None or history.shallow:
        return {}
    return {path: commit.sha for path, commit in history.landings.items()}


# --- a run --------------------------------------------------------------------------------


def _rows_of(archive: Archive) -> dict[str, tuple[str, ...]]:
    rows: dict[str, list[str]] = defaultdict(list)
    for order in archive.orders:
        rows[order.path].append(f"{order.path}#{order.order}")
    return {p: tuple(r) for p, r in rows.items()}


def _finding_row(f: Finding) -> tuple[Any, ...]:
    return (f.file, f.line, f.severity, f.article, f.record, f.code, f.message)


def _group_rows(groups: dict[str, list[Finding]]) -> dict[str, tuple[tuple[Any, ...], ...]]:
    return {g: tuple(_finding_row(f) for f in found) for g, found in groups.items() if found}


def _volatile(groups: dict[str, tuple[tuple[Any, ...], ...]], as_of: float) -> dict[str, float]:
    return {g: as_of for g, rows in groups.items() if any(row[5] in VOLATILE_CODES for row in rows)}


def _whole_archive_groups(archive: Archive) -> set[str]:
    """The groups a full run watches besides those of every record (``ALL_RECORDS``: cases and files)."""
    groups = {ALWAYS.key(), PLANS.key(), CALENDAR.key(), ALL_RECORDS}
    groups |= {ACCOUNT.key(c.account) for c in (*archive.key_customers, *archive.large_customers)}
    groups |= {SAMPLE.key(s.source.path) for s in archive.samples}
    groups |= {SUBMISSIONS.key(month_name(*m)) for m in archive.figure_months or ()}
    groups |= {SUBMISSIONS.key(m) for m in _submitted(archive)}
    groups |= {DECISIONS.key(m) for m in _decided(archive)}
    return groups


def _counts(provided: Iterable[tuple[str, ...]]) -> dict[str, int]:
    """How many providers give each counted key (see ``groups.COUNTED``)."""
    counts: dict[str, int] = defaultdict(int)
    for keys in provided:
        for k in keys:
            if k.startswith(COUNTED):
                counts[k] += 1
    return dict(counts)


def _order_years(rows: dict[str, tuple[str, ...]]) -> tuple[int, ...]:
    return tuple(sorted({int(path.rsplit("/", 1)[1][:4]) for path, found in rows.items() if found}))


def _years(counts: dict[str, int], order_years: Iterable[int]) -> tuple[int, ...]:
    """The years with visits or work orders (``coverage.completed_years``)."""
    visited = {int(VISIT_MONTH.value(k)[:4]) for k, n in counts.items() if n and VISIT_MONTH.has(k)}
    return tuple(sorted(visited | set(order_years)))


def _months(counts: dict[str, int]) -> set[tuple[int, int]]:
    months = (FIGURES_MONTH.value(k) for k, n in counts.items() if n and FIGURES_MONTH.has(k))
    return {(int(m[:4]), int(m[5:7])) for m in months}


_READ_BY_ITS_OWN_GROUP = (FILE, ID, CASE, ACCOUNT, ROUND, SAMPLE, DECISIONS)  # a group reads its own key


def _readers(keys: Iterable[str], samples_by_month: dict[str, set[str]], decided: set[str]) -> set[str]:
    """The groups whose findings depend on these data keys."""
    groups: set[str] = set()
    for key in keys:
        kind = kind_of(key)
        if kind in _READ_BY_ITS_OWN_GROUP:
            groups.add(key)
        elif kind is VISIT_MONTH:
            groups |= {SAMPLE.key(path) for path in samples_by_month.get(VISIT_MONTH.value(key), ())}
        elif kind is FIGURES_MONTH or kind is SUBMITTED:
            month = kind.value(key)
            groups.add(SUBMISSIONS.key(month))  # whether the month has figures at all decides what is missing
            if month in decided:
                groups.add(DECISIONS.key(month))
        elif kind is REGISTERED:
            groups.add(PLANS.key())
            groups |= {DECISIONS.key(month) for month in decided if month.endswith(("-01", "-12"))}
        elif kind is PROVISIONAL_YEAR:
            groups.add(CALENDAR.key())
    return groups


def _reads(group: str, sample_month: dict[str, str], submitted: set[str]) -> list[str]:
    """The data keys whose providers a group's findings are worked out from."""
    kind = kind_of(group)
    if kind in (FILE, ID, CASE, ACCOUNT, ROUND):
        return [group]
    if kind is SAMPLE:
        path = SAMPLE.value(group)
        return [group] + ([VISIT_MONTH.key(sample_month[path])] if path in sample_month else [])
    if kind is SUBMISSIONS:  # a month's figures are compared only with a submission of it
        month = SUBMISSIONS.value(group)
        return [SUBMITTED.key(month)] + ([FIGURES_MONTH.key(month)] if month in submitted else [])
    if kind is DECISIONS:  # registered customers' year (December) and the plans (January) count too
        month = DECISIONS.value(group)
        registered = [REGISTERED.key()] if month.endswith(("-01", "-12")) else []
        return [FIGURES_MONTH.key(month), SUBMITTED.key(month), group] + registered
    if kind is PLANS:
        return [REGISTERED.key()]
    return []  # the calendar: from the counts; always: small files


def validate(root: Path, *, as_of: datetime, history: History | Callable[[], History | None] | None,
             base: str | None = None, jobs: int | None = None, use_cache: bool = True) -> Outcome:
    """Every finding of the archive at ``as_of``: the same whichever way it is worked out.

    ``history`` may be ``history.start_history``'s function: it is called only when the
    history is needed (a full run needs it after reading every file, while its ``git log`` runs).
    """
    cut = _cut_at(history, as_of)
    if not use_cache:
        return _full(root, as_of, cut, base, jobs)
    index = GitIndex(root)  # Git lists and stats the files while this process does the same
    comparison = start_git(root, "diff", *diff_arguments(base)) if base is not None else None
    listings = checkstate.load_listings(root)
    known = dict(listings)
    paths = discover(root, listings)
    keys = file_keys(root, [POLICY_FILE, *paths], index)
    if keys is None:  # not a Git work tree that ignores .cache/: nothing is kept
        base_changes = _changes_against(root, base, comparison) if base is not None else None
        return _full(root, as_of, cut, base, jobs, paths=paths, base_changes=base_changes)
    if listings != known:
        checkstate.save_listings(root, listings)
    # The kinds that matter here (a full run, small files, orders): all but the bulk, the records filed by month.
    bulk = tuple(f"{RECORDS_DIR}/{kind.folder}/" for kind in filed_by_month().values())
    kinds = {p: classify(p) for p in paths if not p.startswith(bulk)}
    run = _Run(root, as_of, cut, base, jobs, paths, keys, kinds, comparison)
    return run.incremental() or run.full()


def _cut_at(history: History | Callable[[], History | None] | None, as_of: datetime) -> Callable[[], History | None]:
    """The history as it stood at ``as_of``, worked out when first asked for."""

    @cache
    def cut() -> History | None:
        found = history() if callable(history) else history
        return found.until(as_of) if found is not None else None

    return cut


def _changes_against(root: Path, base: str, comparison: StartedGit | None) -> list[tuple[str, str]]:
    """The record files changed since ``base``, from the ``git diff`` started early (asked again if it failed)."""
    output = git_output(comparison)
    return parse_name_status(output) if output is not None else changes_since(root, base)


def _history_digest(history: History | None) -> str:
    if history is None or history.shallow:
        return repr(history is not None)
    last = history.commits[-1].sha if history.commits else ""
    seals = " ".join(f"{s.tag}={s.commit}:{s.intact}" for s in history.seals)  # a broken seal moves landings
    return f"{history.ref} {history.head} {len(history.commits)} {last} {seals}"


@dataclass
class _Run:
    """One validation with the cache: incremental when the last run's state allows it, else full."""

    root: Path
    as_of: datetime
    history_at_as_of: Callable[[], History | None]
    base: str | None
    jobs: int | None
    paths: list[str]
    keys: dict[str, str]  # content keys of the files (and policy.yaml); unreadable files have none
    kinds: dict[str, str | None]
    comparison: StartedGit | None = None  # ``git diff`` against ``base``, started early

    @property
    def history(self) -> History | None:
        return self.history_at_as_of()  # worked out once (``_cut_at``)

    @cached_property
    def fingerprint(self) -> str:
        return fingerprint(self.kinds, self.keys, self.history)

    def _canonical_landings(self) -> dict[str, str]:
        canonical = {p: p for p in self.paths}  # one string per path in the stored tables
        return {canonical.get(p, p): sha for p, sha in landings_of(self.history).items()}

    @cached_property
    def base_changes(self) -> list[tuple[str, str]]:
        """The record files changed since ``base`` (none without one): the ``git diff`` started early is read once."""
        return _changes_against(self.root, self.base, self.comparison) if self.base is not None else []

    def full(self) -> Outcome:
        base_changes = self.base_changes if self.base is not None else None
        outcome, archive, found = _full(self.root, self.as_of, self.history_at_as_of, self.base, self.jobs, keys=self.keys,
                                        paths=self.paths, keep=True, base_changes=base_changes)
        provided = provides(archive)
        rows = _rows_of(archive)
        counts = _counts(provided.values())
        groups = _group_rows(found)
        archive.figure_months = _months(counts)
        until = thresholds(archive, self.as_of)
        until.update(_volatile(groups, self.as_of.timestamp()))
        snapshot = Snapshot(checkstate.new_token(), self.fingerprint, checkstate.digest(self.keys),
                            _history_digest(self.history), counts, _order_years(rows), checkstate.new_token(), {},
                            checkstate.new_token(), {}, {}, {})
        checkstate.save_graph(self.root, snapshot.graph_token, KeyGraph.build(provided))
        checkstate.save_listing(self.root, Listing(snapshot.listing_token, self.keys, self._canonical_landings(), rows))
        checkstate.save_snapshot(self.root, snapshot)
        checkstate.save_results(self.root, Results(snapshot.token, self.as_of.timestamp(), groups, until,
                                                   _sample_months(archive), tuple(_submitted(archive)),
                                                   tuple(_decided(archive))))
        return outcome

    def incremental(self) -> Outcome | None:
        """The findings worked out from the last run's, or None when this must be a full run."""
        results = checkstate.load_results(self.root)
        snapshot = checkstate.load_snapshot(self.root, results.token) if results is not None else None
        if snapshot is None or snapshot.fingerprint != self.fingerprint or self.as_of.timestamp() < results.as_of:
            return None
        manifest_digest, history_digest = checkstate.digest(self.keys), _history_digest(self.history)
        changes = _Changes(snapshot)
        if manifest_digest != snapshot.manifest_digest or history_digest != snapshot.history_digest:
            listing = checkstate.load_listing(self.root, snapshot.listing_token)
            if listing is None:
                return None
            changes.find(listing, self.keys, self._canonical_landings() if history_digest != snapshot.history_digest
                         else None)
        changes.paths |= {p for p in self.paths if p not in self.keys}  # unreadable: read (and reported) every time
        graph = checkstate.load_graph(self.root, snapshot.graph_token, snapshot.graph_overlay)
        if graph is None:
            return None
        outcome = self._update(results, snapshot, graph, changes)
        if outcome is not None:
            snapshot = changes.snapshot
            snapshot.manifest_digest, snapshot.history_digest = manifest_digest, history_digest
            checkstate.save_snapshot(self.root, snapshot)
        return outcome

    def _update(self, results: Results, snapshot: Snapshot, graph: KeyGraph, changes: "_Changes") -> Outcome | None:
        stamp = self.as_of.timestamp()
        changed = changes.paths
        on_disk = set(self.paths)
        existing = on_disk & changed
        whole = kinds_where(whole=True)
        small = {p for p, kind in self.kinds.items() if kind in whole}
        # Providers a changed file stood for last time (an orders file: each of its rows).
        old_providers = set(changed) | {row for p in changed for row in changes.old_rows.get(p, ())}
        old_keys = {p: graph.keys_of(p) or () for p in old_providers}
        touched = {FILE.key(p) for p in changed} | {k for keys in old_keys.values() for k in keys}
        groups = {ALWAYS.key()} | {g for g, at in results.until.items() if at <= stamp}
        shards = Shards(self.root, partial=True, hot=checkstate.load_hot(self.root))
        base_changes = self.base_changes
        always = small | ({p for _, p in base_changes} & on_disk)
        old = [k for keys in old_keys.values() for k in keys]
        decided = set(results.decided) | {DECISIONS.value(k) for k in old if DECISIONS.has(k)}
        submitted = set(results.submitted) | {SUBMITTED.value(k) for k in old if SUBMITTED.has(k)}
        loaded: Archive | None = None
        loaded_providers: set[str] = set()
        provided_now: dict[str, tuple[str, ...]] = {}
        while True:  # loading tells the changed files' new keys, which may bring in more groups: until no more are needed
            sample_month = _sample_months(loaded) if loaded is not None else dict(results.samples)
            samples_by_month: dict[str, set[str]] = defaultdict(set)
            for path, month in (*results.samples.items(), *sample_month.items()):
                samples_by_month[month].add(path)
            if loaded is not None:
                decided |= _decided(loaded)
                submitted |= _submitted(loaded)
            groups |= _readers(touched, samples_by_month, decided)
            needed_keys = {k for g in groups for k in _reads(g, sample_month, submitted)}
            selection, providers = _select(graph, needed_keys, existing, always, self.kinds, on_disk)
            if loaded is not None and providers <= loaded_providers:
                break
            if loaded is None and existing:
                # First only the changed files (and the small ones), for their keys now: the groups those
                # bring in are then loaded once, with the rest.
                selection, providers = _select(graph, set(), existing, always, self.kinds, on_disk)
                selection = Selection(selection.paths, {p: frozenset() for p in selection.rows})
            read_before = loaded.load_stats.read if loaded is not None else 0
            loaded = load_archive(self.root, jobs=self.jobs, keys=self.keys, select=selection, paths=self.paths,
                                  shards=shards)
            # A file read by an earlier pass comes from memory now: it was read all the same.
            loaded.load_stats.read += read_before
            loaded.load_stats.cached -= read_before
            loaded_providers = providers
            provided_now = provides(loaded)
            for provider, new_keys in provided_now.items():
                if provider in old_providers:
                    touched.update(new_keys)
                else:
                    touched.update(set(new_keys) ^ set(graph.keys_of(provider) or ()))
        # The providers as they are now: loaded ones get their keys afresh, those of changed files that are gone go.
        counts = dict(snapshot.counts)
        for provider in old_providers | set(provided_now):
            before = old_keys[provider] if provider in old_providers else graph.keys_of(provider)
            now = provided_now.get(provider)
            if before is not None and now is not None and set(before) == set(now):
                continue
            for k in before or ():
                if k in counts:
                    counts[k] -= 1
            for k in now or ():
                if k.startswith(COUNTED):
                    counts[k] = counts.get(k, 0) + 1
            graph.set(provider, now)
        order_years = changes.update_rows(_rows_of(loaded), snapshot.order_years)
        years = _years(counts, order_years)
        if years != _years(snapshot.counts, snapshot.order_years):
            return None  # "completed years" changed meaning for every customer and round
        loaded.record_years = set(years)
        loaded.figure_months = _months(counts)
        loaded.provisional_counts = {int(PROVISIONAL_YEAR.value(k)): n for k, n in counts.items()
                                     if n and PROVISIONAL_YEAR.has(k)}
        loaded.history = self.history
        if self.base is not None:
            loaded.memo[("changes-since", self.base)] = base_changes
        found = grouped_findings(loaded, Context(as_of=self.as_of, history=self.history, base=self.base))
        fresh = _group_rows({g: f for g, f in found.items() if g in groups})
        all_rows = {g: r for g, r in results.groups.items() if g not in groups}
        all_rows.update(fresh)
        until = {g: at for g, at in results.until.items() if g not in groups}
        until.update(thresholds(loaded, self.as_of, groups))
        until.update(_volatile(fresh, stamp))
        snapshot = changes.snapshot
        snapshot.counts, snapshot.order_years = counts, order_years
        compact = graph.compacted()
        if compact is not graph:
            snapshot.graph_token = checkstate.new_token()
            checkstate.save_graph(self.root, snapshot.graph_token, compact)
            graph = compact
        snapshot.graph_overlay = graph.overlay
        changes.compact(self.root)
        checkstate.save_hot(self.root, {p: e for p, e in shards.used.items() if not p.startswith(ORDERS_FOLDER)})
        snapshot.token = checkstate.new_token()
        checkstate.save_results(self.root, Results(snapshot.token, stamp, all_rows, until, _sample_months(loaded),
                                                   tuple(_submitted(loaded)), tuple(_decided(loaded))))
        findings = sorted((Finding(*row) for group in all_rows.values() for row in group), key=lambda f: f.sort_key)
        return Outcome(findings, loaded.paths, loaded.load_stats, "incremental", len(groups))


class _Changes:
    """The files changed since the last run, and the listing of the files as it is now (kept as the changes to the
    listing last written, so that a run writes only the small snapshot)."""

    LIMIT = 20_000  # changed entries before the listing is written afresh

    def __init__(self, snapshot: Snapshot):
        self.snapshot = snapshot
        self.paths: set[str] = set()
        self.listing: Listing | None = None
        self.old_rows: dict[str, tuple[str, ...]] = {}

    def find(self, listing: Listing, keys: dict[str, str], landings: dict[str, str] | None) -> None:
        """Compare with the listing (and the snapshot's changes to it); ``landings`` None: the history is the same."""
        s = self.snapshot
        self.listing = listing
        manifest = checkstate.overlaid(listing.manifest, s.manifest_overlay)
        self.paths = {p for p, _ in keys.items() ^ manifest.items()}
        s.manifest_overlay.update((p, keys.get(p)) for p in self.paths)
        if landings is not None:
            before = checkstate.overlaid(listing.landings, s.landings_overlay)
            moved = {p for p, _ in landings.items() ^ before.items()}
            self.paths |= moved
            s.landings_overlay.update((p, landings.get(p)) for p in moved)
        rows = checkstate.overlaid(listing.rows, s.rows_overlay)
        self.old_rows = {p: rows[p] for p in self.paths if p in rows}

    def update_rows(self, loaded_rows: dict[str, tuple[str, ...]], order_years: tuple[int, ...]) -> tuple[int, ...]:
        """Record the rows of the changed orders files; the years of orders files with rows."""
        if self.listing is None:
            return order_years  # only unreadable files again, which have no rows
        changed_orders = {p for p in self.paths if p.startswith(ORDERS_FOLDER)}
        self.snapshot.rows_overlay.update((p, loaded_rows.get(p)) for p in changed_orders)
        if not changed_orders:
            return order_years
        return _order_years(checkstate.overlaid(self.listing.rows, self.snapshot.rows_overlay))

    def compact(self, root: Path) -> None:
        s = self.snapshot
        if self.listing is None or len(s.manifest_overlay) + len(s.landings_overlay) < self.LIMIT:
            return
        s.listing_token = checkstate.new_token()
        checkstate.save_listing(root, Listing(s.listing_token, checkstate.overlaid(self.listing.manifest, s.manifest_overlay),
                                              checkstate.overlaid(self.listing.landings, s.landings_overlay),
                                              checkstate.overlaid(self.listing.rows, s.rows_overlay)))
        s.manifest_overlay, s.landings_overlay, s.rows_overlay = {}, {}, {}


def _submitted(archive: Archive) -> set[str]:
    return {month_name(s.year, s.month) for s in archive.submissions}


def _decided(archive: Archive) -> set[str]:
    return {month_name(d.year, d.month) for d in archive.decisions}


def _sample_months(archive: Archive) -> dict[str, str]:
    return {s.source.path: month_name(s.year, s.month) for s in archive.samples}


def _full(root: Path, as_of: datetime, history_at_as_of: Callable[[], History | None], base: str | None,
          jobs: int | None, *, keys: dict[str, str] | None = None, paths: list[str] | None = None, keep: bool = False,
          base_changes: list[tuple[str, str]] | None = None):
    """Every finding from the whole archive (with ``keep``: also the archive and the findings by group)."""
    archive = load_archive(root, jobs=jobs, use_cache=keys is not None, keys=keys, paths=paths)
    archive.history = history = history_at_as_of()
    if base_changes is not None:
        archive.memo[("changes-since", base)] = base_changes
    found = grouped_findings(archive, Context(as_of=as_of, history=history, base=base))
    findings = sorted((f for group in found.values() for f in group), key=lambda f: f.sort_key)
    outcome = Outcome(findings, archive.paths, archive.load_stats)
    return (outcome, archive, found) if keep else outcome


def _select(graph: KeyGraph, needed_keys: set[str], changed: set[str], always: set[str],
            kinds: dict[str, str | None], on_disk: set[str]) -> tuple[Selection, set[str]]:
    """The files and work-order rows to load for these data keys, each work order's case whole."""
    providers: set[str] = set(changed) | always
    for key in needed_keys:
        if FILE.has(key):
            providers.add(FILE.value(key))
        else:
            providers.update(graph.providers_of(key))
    orders = {k for p in providers for k in graph.keys_of(p) or () if CASE.has(k)}
    for key in orders:
        providers.update(graph.providers_of(key))
    paths: set[str] = set()
    rows: dict[str, set[str]] = defaultdict(set)
    for provider in providers:
        path, row, order = provider.partition("#")
        if path not in on_disk:
            continue  # gone since the last run
        paths.add(path)
        if row:
            rows[path].add(order)
        elif kinds.get(path) == "orders" and path not in changed:
            rows.setdefault(path, set())  # its reading findings, and only the rows asked for
    selection = Selection(frozenset(paths), {p: frozenset(r) for p, r in rows.items() if p not in changed})
    return selection, providers


