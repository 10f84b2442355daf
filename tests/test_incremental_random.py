"""Randomized check of incremental validation (issue 8): after random edits, commits and moves of "now",
a run with the cache gives exactly what a run without it gives.

Each seed starts from a pristine copy of one generated year (with its Git history), fills the cache,
then edits the work tree round after round the way pull requests do (edits accumulate, some rounds
land them on main) and moves ``--as-of`` forward or back. A missed dependency of an incremental run
shows up as a difference from the full run; the assertion names the seed, the round, the edits and
the findings that differ.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import traceback
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from random import Random
from typing import Callable

import pytest

from conftest import REPO, run_validate

sys.path.insert(0, str(REPO / "benchmarks"))

import generate_big_year  # noqa: E402

AS_OF = generate_big_year.AS_OF
SEEDS = (11, 22, 33, 44, 55, 66)
ROUNDS = 5
FORWARD_HOURS = (0, 0, 3, 30, 5 * 24, 25 * 24, 60 * 24)  # 0 h twice: an unchanged "now" is the common case
BACKWARD_HOURS = (3, 30, 10 * 24)  # 10 days back from early January crosses the year end
P_BACKWARD = 0.15
P_COMMIT = 0.4
P_WATCHED = 0.35  # edits of visits that pick a registered, planned or sampled customer's visit
TIME_FORMAT = "%Y-%m-%dT%H:%M"
#: How often each kind of edit was applied, over every seed of a session (for whoever runs the file by hand).
APPLIED: Counter[str] = Counter()


@pytest.fixture(scope="module")
def year(tmp_path_factory) -> Path:
    """The generated year with its Git history, made once; seeds work on copies."""
    root = tmp_path_factory.mktemp("incremental-year")
    generate_big_year.generate(root, 2500, git=True)
    return root


# --- the work tree and small text helpers --------------------------------------------------


@dataclass
class Tree:
    """An archive root being edited, with the seed's random stream and a log of what was done."""

    root: Path
    rng: Random
    log: list[str] = field(default_factory=list)
    number: int = 7000  # new ids and file names: far above the generator's per-day numbers

    def files(self, pattern: str) -> list[Path]:
        return sorted(self.root.glob(pattern))

    def rel(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def text(self, path: Path) -> str | None:
        """The file's UTF-8 text; None for the odd files that are not UTF-8."""
        try:
            return path.read_bytes().decode("utf-8")
        except (UnicodeDecodeError, OSError):
            return None

    def pick(self, pattern: str, wanted: str | Callable[[str], object] | None = None) -> tuple[Path, str] | None:
        """A random UTF-8 file (and its text) matching ``pattern`` whose text has the line regex ``wanted``
        (or passes the test ``wanted``); None when no file qualifies."""
        candidates = self.files(pattern)
        for path in self.rng.sample(candidates, len(candidates)):
            text = self.text(path)
            if text is not None and _matches(text, wanted):
                return path, text
        return None

    def visit(self, wanted: str | Callable[[str], object] | None = None) -> tuple[Path, str] | None:
        """A random visit as ``pick`` gives; now and then one of a registered (or planned) or of a sampled
        customer: few visits are theirs, and their groups are the ones a blind pick would hardly ever touch."""
        if self.rng.random() < P_WATCHED:
            registered = self.rng.random() < 0.5
            watched = set(self.accounts(registered=registered, sampled=not registered))
            found = self.pick(VISITS, lambda text: _account(text) in watched and _matches(text, wanted))
            if found is not None:
                return found
        return self.pick(VISITS, wanted)

    def next_id(self, day: datetime) -> str:
        self.number += 1
        return f"HF-{day:%Y%m%d}-{self.number:04d}"

    def accounts(self, registered: bool = True, sampled: bool = True) -> list[str]:
        """Accounts the checks look up: of the registers and plans, of the samples."""
        found: set[str] = set()
        patterns = (("records/*-customers.yaml", "records/plans/*.yaml") if registered else ()) + (
            ("records/samples/*.yaml",) if sampled else ())
        for pattern in patterns:
            for path in self.files(pattern):
                found.update(re.findall(r'account: "(\d+)"', self.text(path) or ""))
        return sorted(found)

    def orders(self) -> list[str]:
        found: set[str] = set()
        for path in self.files("records/orders/*.csv"):
            found.update(line.split(",", 1)[0] for line in (self.text(path) or "").splitlines()[1:] if line)
        return sorted(found)

    def fresh_account(self) -> str:
        return f"{self.rng.randrange(10 ** 9, 10 ** 10)}"


def _matches(text: str, wanted: str | Callable[[str], object] | None) -> bool:
    if wanted is None:
        return True
    return bool(wanted(text) if callable(wanted) else re.search(wanted, text, re.M))


def _account(text: str) -> str | None:
    match = re.search(r'^  account: "?(\d+)"?$', text, re.M)
    return match.group(1) if match else None


def _sub_line(text: str, pattern: str, replace: Callable[[re.Match], str]) -> str:
    """``text`` with the first line matching ``pattern`` (a whole-line regex) replaced."""
    return re.sub(pattern, replace, text, count=1, flags=re.M)


def _drop_line(text: str, pattern: str) -> str:
    return re.sub(pattern + r"\n", "", text, count=1, flags=re.M)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))


def _visited(text: str) -> datetime | None:
    match = re.search(r"^visited_at: (\d{4}-\d\d-\d\d \d\d:\d\d)$", text, re.M)
    try:
        return datetime.strptime(match.group(1), "%Y-%m-%d %H:%M") if match else None
    except ValueError:  # the generator's time-invalid file (February 30)
        return None


VISITS = "records/visits/*/*/*/*.yaml"
SHIFTS = (-72, -26, -3, 2, 20, 50, 5 * 24, 40 * 24)  # hours


# --- the edits: each returns what it did, or None when the archive offers no candidate -------


def edit_visit_time(t: Tree) -> str | None:
    """Move a visit's visited_at later or earlier by hours or days."""
    found = t.visit(_visited)
    if found is None:
        return None
    path, text = found
    when = _visited(text) + timedelta(hours=t.rng.choice(SHIFTS))
    _write(path, _sub_line(text, r"^visited_at: .*$", lambda m: f"visited_at: {when:%Y-%m-%d %H:%M}"))
    return f"visited_at -> {when:%Y-%m-%d %H:%M}: {t.rel(path)}"


def edit_reached(t: Tree) -> str | None:
    """Flip reached; half the time keep satisfaction consistent with it (else the schema objects)."""
    found = t.visit(r"^reached: (true|false)$")
    if found is None:
        return None
    path, text = found
    now = "false" if re.search(r"^reached: true$", text, re.M) else "true"
    text = _sub_line(text, r"^reached: (true|false)$", lambda m: f"reached: {now}")
    tidy = t.rng.random() < 0.5
    if tidy and now == "false":
        text = _drop_line(text, r"^satisfaction: .*")
    elif tidy and "\nsatisfaction:" not in text:
        text = _sub_line(text, r"^reached: true$", lambda m: "reached: true\nsatisfaction: satisfied")
    _write(path, text)
    return f"reached -> {now}{' (tidied)' if tidy else ''}: {t.rel(path)}"


def edit_trigger_order(t: Tree) -> str | None:
    """Point a visit's trigger at another existing work order (now and then at one that does not exist)."""
    found = t.visit(r"^  order: \S+$")
    orders = t.orders()
    if found is None or not orders:
        return None
    path, text = found
    order = t.rng.choice(orders) if t.rng.random() < 0.85 else f"GD20261231{t.rng.randrange(10 ** 5):05d}X"
    _write(path, _sub_line(text, r"^  order: \S+$", lambda m: f"  order: {order}"))
    return f"trigger.order -> {order}: {t.rel(path)}"


def edit_duplicate_id(t: Tree) -> str | None:
    """Copy a visit to a new file name beside it, id unchanged: the id is there twice."""
    found = t.visit(_visited)
    if found is None:
        return None
    path, text = found
    target = path.with_name(t.next_id(_visited(text)) + ".yaml")
    _write(target, text)
    return f"duplicate id {t.rel(path)} -> {t.rel(target)}"


def edit_delete_visit(t: Tree) -> str | None:
    """Delete a visit file."""
    found = t.visit()
    if found is None:
        return None
    found[0].unlink()
    return f"delete {t.rel(found[0])}"


def edit_move_visit(t: Tree) -> str | None:
    """Move a visit file to another month folder of its unit (now and then to next year's January)."""
    found = t.visit()
    if found is None:
        return None
    path = found[0]
    unit_dir = path.parent.parent.parent
    month = path.parent.name
    if t.rng.random() < 0.1:
        folder = unit_dir / "2027" / "01"
    else:
        folder = path.parent.parent / t.rng.choice([f"{m:02d}" for m in range(1, 13) if f"{m:02d}" != month])
    target = folder / path.name
    if target.exists():
        return None
    target.parent.mkdir(parents=True, exist_ok=True)
    path.rename(target)
    return f"move {t.rel(path)} -> {t.rel(target)}"


def edit_account(t: Tree) -> str | None:
    """Change a visit's customer.account: to a registered, planned or sampled customer's, or a new one."""
    found = t.visit(r"^  account: .*$")
    if found is None:
        return None
    path, text = found
    known = t.accounts()
    account = t.rng.choice(known) if known and t.rng.random() < 0.6 else t.fresh_account()
    _write(path, _sub_line(text, r"^  account: .*$", lambda m: f'  account: "{account}"'))
    return f"customer.account -> {account}: {t.rel(path)}"


def edit_void(t: Tree) -> str | None:
    """Void a visit (void: at/by/reason)."""
    found = t.visit(lambda text: _visited(text) and not re.search(r"^void:", text, re.M))
    if found is None:
        return None
    path, text = found
    when = _visited(text)
    at = when + timedelta(hours=t.rng.choice((2, 30, 24 * 20)))
    _write(path, text.rstrip("\n") + f"\nvoid:\n  at: {at:%Y-%m-%d %H:%M}\n  by: 李敏\n  reason: 重复登记\n")
    return f"void at {at:%Y-%m-%d %H:%M}: {t.rel(path)}"


def edit_letter_reply(t: Tree) -> str | None:
    """Move a letter's replied_at, delete it, or give a pending letter a reply."""
    found = t.pick("records/letters/*/*/*/*.yaml")
    if found is None:
        return None
    path, text = found
    replied = re.search(r"^replied_at: (\d{4}-\d\d-\d\d)$", text, re.M)
    if replied and t.rng.random() < 0.3:
        text = _drop_line(_drop_line(text, r"^replied_at: .*"), r"^reply: .*")
        _write(path, text)
        return f"letter reply deleted: {t.rel(path)}"
    if replied:
        day = datetime.strptime(replied.group(1), "%Y-%m-%d") + timedelta(days=t.rng.choice((-3, -1, 1, 2, 6, 20)))
        _write(path, _sub_line(text, r"^replied_at: .*$", lambda m: f"replied_at: {day:%Y-%m-%d}"))
        return f"replied_at -> {day:%Y-%m-%d}: {t.rel(path)}"
    received = re.search(r"^received_at: (\d{4}-\d\d-\d\d)$", text, re.M)
    if received is None:
        return None
    day = datetime.strptime(received.group(1), "%Y-%m-%d") + timedelta(days=t.rng.choice((1, 4, 9, 30)))
    _write(path, text.rstrip("\n") + f"\nreplied_at: {day:%Y-%m-%d}\nreply: 已电话答复来函人。\n")
    return f"replied_at added {day:%Y-%m-%d}: {t.rel(path)}"


def edit_order_row(t: Tree) -> str | None:
    """In an orders CSV: move a row's archived_at, delete a row, or add an order nobody called back."""
    found = t.pick("records/orders/*.csv")
    if found is None:
        return None
    path, text = found
    lines = text.split("\n")
    rows = [i for i in range(1, len(lines)) if lines[i].count(",") == 6]
    if not rows:
        return None
    i = t.rng.choice(rows)
    cells = lines[i].split(",")
    action = t.rng.choice(("archived_at", "archived_at", "delete", "add"))
    if action == "delete":
        del lines[i]
        what = f"order row deleted {cells[0]}"
    else:
        try:
            archived = datetime.strptime(cells[5], "%Y-%m-%d %H:%M:%S")
        except ValueError:
            return None
        if action == "add":
            cells[0] = f"GD{archived:%Y%m%d}9{t.rng.randrange(10 ** 4):04d}"
            cells[3] = t.fresh_account()
            lines.insert(i + 1, ",".join(cells))
            what = f"order row added {cells[0]}"
        else:
            archived += timedelta(hours=t.rng.choice(SHIFTS))
            cells[5] = f"{archived:%Y-%m-%d %H:%M:%S}"
            lines[i] = ",".join(cells)
            what = f"order {cells[0]} archived_at -> {cells[5]}"
    _write(path, "\n".join(lines))
    return f"{what}: {t.rel(path)}"


def edit_sample(t: Tree) -> str | None:
    """In a sample: replace a drawn customer's account, drop a customer, or change a stratum's count."""
    found = t.pick("records/samples/*.yaml")
    if found is None:
        return None
    path, text = found
    action = t.rng.choice(("account", "drop", "drawn"))
    if action == "account" and re.search(r'^- account: "\d+"$', text, re.M):
        visit = t.pick(VISITS, r'^  account: "\d+"$')
        account = re.search(r'^  account: "(\d+)"$', visit[1], re.M).group(1) if visit else t.fresh_account()
        lines = [i for i, line in enumerate(text.split("\n")) if line.startswith("- account:")]
        chosen = t.rng.choice(lines)
        text = "\n".join(f'- account: "{account}"' if i == chosen else line for i, line in enumerate(text.split("\n")))
        what = f"sample account -> {account}"
    elif action == "drop" and "\n- account:" in text:
        lines = text.split("\n")
        starts = [i for i, line in enumerate(lines) if line.startswith("- account:")]
        start = t.rng.choice(starts)
        end = start + 1
        while end < len(lines) and lines[end].startswith("  "):
            end += 1
        what = f"sample customer dropped {lines[start][len('- account: '):]}"
        text = "\n".join(lines[:start] + lines[end:])
    elif re.search(r"^  drawn: \d+$", text, re.M):
        delta = t.rng.choice((-3, -1, 1, 4))
        text = _sub_line(text, r"^  drawn: (\d+)$", lambda m: f"  drawn: {max(0, int(m.group(1)) + delta)}")
        what = f"sample drawn {delta:+d}"
    else:
        return None
    _write(path, text)
    return f"{what}: {t.rel(path)}"


def edit_round(t: Tree) -> str | None:
    """Change a 连心卡 round's customers, sent or returned counts."""
    found = t.pick("records/rounds/*.yaml", r"^  (residential|non-residential): \d+$")
    if found is None:
        return None
    path, text = found
    lines = text.split("\n")
    numbered = [i for i, line in enumerate(lines) if re.fullmatch(r"  (residential|non-residential): \d+", line)]
    i = t.rng.choice(numbered)
    key, value = lines[i].strip().split(": ")
    delta = t.rng.choice((-7, -2, -1, 1, 3, 20))
    lines[i] = f"  {key}: {max(0, int(value) + delta)}"
    section = next((lines[j].rstrip(":") for j in range(i, -1, -1) if not lines[j].startswith(" ")), "?")
    _write(path, "\n".join(lines))
    return f"round {section}.{key} {delta:+d}: {t.rel(path)}"


def edit_submission(t: Tree) -> str | None:
    """Change a submission's figure or submitted_at, delete one, or submit for a month or unit that had none."""
    found = t.pick("records/submissions/*/*.yaml")
    if found is None:
        return None
    path, text = found
    action = t.rng.choice(("figure", "figure", "submitted_at", "delete", "add"))
    if action == "delete":
        path.unlink()
        return f"submission deleted: {t.rel(path)}"
    if action == "add":
        month = t.rng.choice(("2026-08", "2026-11", "2026-12"))
        target = t.root / "records" / "submissions" / month / path.name
        if target.exists():
            return None
        year, number = (int(x) for x in month.split("-"))
        due = datetime(year + number // 12, number % 12 + 1, t.rng.choice((2, 5, 9)), 10)
        text = _sub_line(text, r'^month: .*$', lambda m: f'month: "{month}"')
        _write(target, _sub_line(text, r"^submitted_at: .*$", lambda m: f"submitted_at: {due:%Y-%m-%d %H:%M}"))
        return f"submission added: {t.rel(target)}"
    if action == "submitted_at":
        match = re.search(r"^submitted_at: (\d{4}-\d\d-\d\d \d\d:\d\d)$", text, re.M)
        if match is None:
            return None
        when = datetime.strptime(match.group(1), "%Y-%m-%d %H:%M") + timedelta(hours=t.rng.choice(SHIFTS))
        _write(path, _sub_line(text, r"^submitted_at: .*$", lambda m: f"submitted_at: {when:%Y-%m-%d %H:%M}"))
        return f"submitted_at -> {when:%Y-%m-%d %H:%M}: {t.rel(path)}"
    lines = text.split("\n")
    figures = [i for i, line in enumerate(lines) if re.fullmatch(r"    \w+: \d+", line)]
    if not figures:
        return None
    i = t.rng.choice(figures)
    key, value = lines[i].strip().split(": ")
    lines[i] = f"    {key}: {max(0, int(value) + t.rng.choice((-30, -1, 1, 12)))}"
    _write(path, "\n".join(lines))
    return f"submission {key} {value} -> {lines[i].split(': ')[1]}: {t.rel(path)}"


def edit_decisions(t: Tree) -> str | None:
    """Change a decision's case, amount or date, or delete the decisions file."""
    found = t.pick("records/decisions/*.yaml")
    if found is None:
        return None
    path, text = found
    action = t.rng.choice(("case", "amount", "decided_at", "delete"))
    if action == "delete":
        path.unlink()
        return f"decisions deleted: {t.rel(path)}"
    if action == "case" and re.search(r"^- case: \S+$", text, re.M):
        case = t.rng.choice(("27-chadian", "27-xinbei", "27-kefu", "27-marketing"))
        _write(path, _sub_line(text, r"^- case: \S+$", lambda m: f"- case: {case}"))
        return f"decision case -> {case}: {t.rel(path)}"
    if action == "amount" and re.search(r"^  head_amount: \d+$", text, re.M):
        amount = t.rng.choice((0, 100, 500, 3000))
        _write(path, _sub_line(text, r"^  head_amount: \d+$", lambda m: f"  head_amount: {amount}"))
        return f"decision head_amount -> {amount}: {t.rel(path)}"
    match = re.search(r'^decided_at: "(\d{4}-\d\d-\d\d)"$', text, re.M)
    if match is None:
        return None
    day = datetime.strptime(match.group(1), "%Y-%m-%d") + timedelta(days=t.rng.choice((-30, -5, 3, 40)))
    _write(path, _sub_line(text, r"^decided_at: .*$", lambda m: f'decided_at: "{day:%Y-%m-%d}"'))
    return f"decided_at -> {day:%Y-%m-%d}: {t.rel(path)}"


def edit_plan(t: Tree) -> str | None:
    """Change a plan entry's month, method or account."""
    found = t.pick("records/plans/*.yaml", r"^  month: \d+$")
    if found is None:
        return None
    path, text = found
    lines = text.split("\n")
    action = t.rng.choice(("month", "method", "account"))
    pattern = {"month": r"  month: \d+", "method": r"  method: \w+", "account": r'- account: "\d+"'}[action]
    chosen = [i for i, line in enumerate(lines) if re.fullmatch(pattern, line)]
    if not chosen:
        return None
    i = t.rng.choice(chosen)
    if action == "month":
        lines[i] = f"  month: {t.rng.randint(1, 12)}"
    elif action == "method":
        lines[i] = "  method: symposium" if lines[i].endswith("visit") else "  method: visit"
    else:
        lines[i] = f'- account: "{t.fresh_account()}"'
    _write(path, "\n".join(lines))
    return f"plan {lines[i].strip()}: {t.rel(path)}"


def edit_new_visit(t: Tree) -> str | None:
    """Add a visit copied from an existing one, with a new unique id and file name in the same folder."""
    found = t.visit(_visited)
    if found is None:
        return None
    path, text = found
    when = _visited(text)
    if t.rng.random() < 0.3:
        when += timedelta(hours=t.rng.choice((1, 5, 26)))
        text = _sub_line(text, r"^visited_at: .*$", lambda m: f"visited_at: {when:%Y-%m-%d %H:%M}")
    if t.rng.random() < 0.5:
        text = _sub_line(text, r"^  account: .*$", lambda m: f'  account: "{t.fresh_account()}"')
    new_id = t.next_id(when)
    text = _sub_line(text, r"^id: .*$", lambda m: f"id: {new_id}")
    target = path.with_name(f"{new_id}.yaml")
    _write(target, text)
    return f"new visit {t.rel(target)} (from {path.name})"


def edit_trigger_archived(t: Tree) -> str | None:
    """Move a visit's trigger.archived_at (the start of its case's time limit) by hours or days."""
    pattern = r"^  archived_at: (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\+08:00$"
    found = t.visit(pattern)
    if found is None:
        return None
    path, text = found
    when = datetime.strptime(re.search(pattern, text, re.M).group(1), "%Y-%m-%dT%H:%M:%S")
    when += timedelta(hours=t.rng.choice(SHIFTS))
    _write(path, _sub_line(text, pattern, lambda m: f"  archived_at: {when:%Y-%m-%dT%H:%M:%S}+08:00"))
    return f"trigger.archived_at -> {when:%Y-%m-%d %H:%M}: {t.rel(path)}"


def edit_card_round(t: Tree) -> str | None:
    """Put a 连心卡 visit into the other round, or a round that does not exist."""
    found = t.visit(r"^round: \S+$")
    if found is None:
        return None
    path, text = found
    rounds = sorted({p.stem for p in t.files("records/rounds/*.yaml")} | {"LXK-2026-09"})
    current = re.search(r"^round: (\S+)$", text, re.M).group(1)
    others = [r for r in rounds if r != current]
    chosen = t.rng.choice(others)
    _write(path, _sub_line(text, r"^round: \S+$", lambda m: f"round: {chosen}"))
    return f"round -> {chosen}: {t.rel(path)}"


EDITS: dict[str, Callable[[Tree], str | None]] = {
    "visit_time": edit_visit_time,
    "reached": edit_reached,
    "trigger_order": edit_trigger_order,
    "duplicate_id": edit_duplicate_id,
    "delete_visit": edit_delete_visit,
    "move_visit": edit_move_visit,
    "account": edit_account,
    "void": edit_void,
    "letter_reply": edit_letter_reply,
    "order_row": edit_order_row,
    "sample": edit_sample,
    "round": edit_round,
    "submission": edit_submission,
    "decisions": edit_decisions,
    "plan": edit_plan,
    "new_visit": edit_new_visit,
    "trigger_archived_at": edit_trigger_archived,
    "card_round": edit_card_round,
}
KINDS = sorted(EDITS)
#: Plans and rounds change what many groups mean: any change to them is a full run, so they are picked less.
WEIGHTS = {"plan": 0.4, "round": 0.4}


def commit(t: Tree, when: datetime, round_number: int) -> str:
    """Land the work tree's record changes on main at ``when`` (Beijing time), through a pull request or not."""
    subject = f"回访记录修改 (#{9000 + round_number})" if t.rng.random() < 0.75 else "直接修改回访记录"
    stamp = f"{when:%Y-%m-%dT%H:%M:%S}+08:00"
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}  # e.g. GIT_DIR when run from a hook
    env.update(GIT_AUTHOR_DATE=stamp, GIT_COMMITTER_DATE=stamp)
    git = ["git", "-c", "user.name=测试", "-c", "user.email=test@binhai.example", "-c", "commit.gpgsign=false"]
    subprocess.run([*git, "add", "-A", "records"], cwd=t.root, check=True, env=env)
    subprocess.run([*git, "commit", "-q", "--allow-empty", "--no-verify", "-m", subject], cwd=t.root, check=True,
                   env=env)
    return f"commit {subject!r} at {stamp}"


# --- running and comparing ------------------------------------------------------------------


def validate(root: Path, as_of: str, *extra: str) -> tuple[int, str, str]:
    """(status, stdout, stderr) of a JSON run; an exception comes back as status -1 with its traceback."""
    try:
        run = run_validate("--root", str(root), "--as-of", as_of, "--format", "json", *extra)
    except Exception:  # noqa: BLE001 - reported with the seed and the edits
        return -1, "", traceback.format_exc()
    return run.status, run.stdout, run.stderr


def truth(root: Path, as_of: str) -> tuple[int, str, str]:
    """A run without any cache (records, checks or Git history): nothing of earlier runs is used."""
    return validate(root, as_of, "--no-cache", "--jobs", "1")


def _findings(stdout: str) -> list[dict]:
    try:
        return json.loads(stdout)["findings"]
    except (ValueError, KeyError, TypeError):
        return []


def difference(incremental: tuple[int, str, str], full: tuple[int, str, str], limit: int = 15) -> str:
    """The differing findings as code + file (+ record), missing from or extra in the incremental run."""
    ours, theirs = _findings(incremental[1]), _findings(full[1])
    key = lambda f: f"{f.get('code')} {f.get('file')}" + (f" [{f['record']}]" if f.get("record") else "")  # noqa: E731
    missing = Counter(map(key, theirs)) - Counter(map(key, ours))
    extra = Counter(map(key, ours)) - Counter(map(key, theirs))
    lines = [f"status incremental={incremental[0]} full={full[0]}; findings {len(ours)} vs {len(theirs)}"]
    lines += [f"  - missing: {k}" + (f" x{n}" if n > 1 else "") for k, n in sorted(missing.items())[:limit]]
    lines += [f"  + extra:   {k}" + (f" x{n}" if n > 1 else "") for k, n in sorted(extra.items())[:limit]]
    if not missing and not extra:  # same codes and files: show the first finding (or summary) that differs
        pairs = [(a, b) for a, b in zip(ours, theirs) if a != b]
        if pairs:
            lines += [f"  first differing finding:\n    incremental {pairs[0][0]}\n    full        {pairs[0][1]}"]
        else:
            lines += ["  summary or output text differs:", f"    incremental {incremental[1][-300:]!r}",
                      f"    full        {full[1][-300:]!r}"]
    for name, run in (("incremental", incremental), ("full", full)):
        if run[0] == -1 or (run[2] and "Traceback" in run[2]):
            lines.append(f"  {name} run failed:\n{run[2][-3000:]}")
    return "\n".join(lines)


def _next_as_of(rng: Random, as_of: datetime) -> tuple[datetime, str]:
    if rng.random() < P_BACKWARD:
        hours = -rng.choice(BACKWARD_HOURS)
    else:
        hours = rng.choice(FORWARD_HOURS)
    return as_of + timedelta(hours=hours), f"as_of {hours:+d} h"


@pytest.mark.parametrize("seed", SEEDS)
def test_incremental_runs_equal_full_runs_after_random_edits(year: Path, tmp_path: Path, seed: int) -> None:
    """Fill the cache, then round after round: edit, maybe land the edits, move "now", compare with --no-cache."""
    root = tmp_path / "root"
    shutil.copytree(year, root, symlinks=True, ignore=lambda folder, names: [".cache"] if Path(folder) == year else [])
    tree = Tree(root, Random(seed))
    as_of = datetime.strptime(AS_OF, TIME_FORMAT)
    first = validate(root, AS_OF)  # fills the cache
    assert first[0] in (0, 1), f"seed {seed}: the first run failed:\n{first[2][-3000:]}"
    for round_number in range(1, ROUNDS + 1):
        tree.log.append(f"round {round_number}:")
        for _ in range(tree.rng.randint(1, 5)):
            kind = tree.rng.choices(KINDS, weights=[WEIGHTS.get(k, 1.0) for k in KINDS])[0]
            done = EDITS[kind](tree)
            APPLIED[kind if done else f"{kind} (skipped)"] += 1
            tree.log.append(f"  {kind}: {done or 'skipped (no candidate)'}")
        as_of, moved = _next_as_of(tree.rng, as_of)
        if tree.rng.random() < P_COMMIT:
            landed = as_of + timedelta(hours=tree.rng.choice((-30, -2, 1, 50)))  # some land after "now"
            tree.log.append(f"  {commit(tree, landed, round_number)}")
            APPLIED["commit"] += 1
        text = f"{as_of:{TIME_FORMAT}}"
        tree.log.append(f"  {moved} -> {text}")
        incremental, full = validate(root, text), truth(root, text)
        assert incremental[:2] == full[:2], (
            f"seed {seed}, round {round_number}, --as-of {text}: the run with the cache differs from --no-cache\n"
            + difference(incremental, full) + "\nedits so far:\n" + "\n".join(tree.log)
        )
