"""Declared checks (issue 18): every check says once what it emits, reads and how its findings are grouped.

The declarations are validated at import; here each kind of mistake is shown to be caught, and the
checks are run over the examples, the sample archive and a generated year to prove that what each
check emits, cites and reads is what it declares.
"""

from __future__ import annotations

import dataclasses
import inspect
import shutil
import sys
from datetime import datetime
from pathlib import Path

import pytest
import yaml

from callback_archive import fileread, kinds, orders, schemas, yamlread
from callback_archive.checks import ALL_CHECKS, VOLATILE_CODES, Check, Context, reading
from callback_archive.checks.declaration import DeclarationError, check, validate
from callback_archive.engine.groups import Lookups, always, by_file
from callback_archive.engine import loader
from callback_archive.engine.loader import Archive, load_archive
from callback_archive.findings import CODES, NOTICE_CODES, Code
from callback_archive.history import load_history
from callback_archive.timeutil import BEIJING
from conftest import AS_OF, EXAMPLES, REPO, place

sys.path.insert(0, str(REPO / "benchmarks"))

import generate_big_year  # noqa: E402

FIELDS = {f.name for f in dataclasses.fields(Archive)}


def _run(archive):
    return archive


def _catalogue(*codes: str) -> dict[str, Code]:
    return {c: Code(c, "error", None, c) for c in codes}


def _problems(checks: list[Check], catalogue: dict[str, Code]) -> str:
    with pytest.raises(DeclarationError) as raised:
        validate(checks, catalogue)
    return str(raised.value)


def test_the_real_declarations_are_valid():
    validate(ALL_CHECKS, CODES, NOTICE_CODES)
    assert len({c.name for c in ALL_CHECKS}) == len(ALL_CHECKS)


def test_a_check_without_codes_is_an_error():
    empty = check(codes=(), group=by_file, reads=("visits",))(_run)
    assert "declares no finding codes" in _problems([empty], {})


def test_a_declared_code_missing_from_the_catalogue_is_an_error():
    unknown = check(codes=("a", "made-up"), group=by_file, reads=("visits",))(_run)
    assert "'made-up', which is not in findings.CODES" in _problems([unknown], _catalogue("a"))


def test_a_catalogued_code_no_check_emits_is_an_error():
    one = check(codes=("a",), group=by_file, reads=("visits",))(_run)
    assert "no check emits 'b'" in _problems([one], _catalogue("a", "b"))
    validate([one], _catalogue("a", "b"), unchecked=("b",))  # a notice about the run


def test_a_check_without_a_group_or_with_a_code_left_ungrouped_is_an_error():
    ungrouped = check(codes=("a",), group=None, reads=("visits",))(_run)
    assert "declares no group" in _problems([ungrouped], _catalogue("a"))
    partly = check(codes=("a", "b"), group={"a": by_file, "c": always}, reads=("visits",))(_run)
    problems = _problems([partly], _catalogue("a", "b", "c"))
    assert "has no group for 'b'" in problems
    assert "groups 'c', which it does not declare" in problems


def test_a_volatile_code_must_be_one_of_the_checks_codes():
    wrong = check(codes=("a",), group=by_file, reads=("visits",), volatile=("b",))(_run)
    assert "volatile 'b', which is not among its codes" in _problems([wrong], _catalogue("a", "b"))


def test_a_check_must_read_fields_of_the_archive():
    wrong = check(codes=("a",), group=by_file, reads=("vists",))(_run)
    assert "reads 'vists', which is not a field of Archive" in _problems([wrong], _catalogue("a"))
    nothing = check(codes=("a",), group=by_file, reads=())(_run)
    assert "declares nothing it reads" in _problems([nothing], _catalogue("a"))


def test_volatile_codes_are_those_the_checks_declare():
    assert VOLATILE_CODES == {"callback-overdue", "letter-overdue", "archive-merge-due", "time-in-future"}


def test_every_declared_code_is_written_where_the_check_lives():
    """A code declared but never emitted would be a stale declaration: each is a literal in its check's module
    (reading's: in the modules that read files and the kinds' declarations)."""
    readers = [loader, kinds, schemas, yamlread, fileread, orders]  # kinds: how a valid file enters the archive
    for c in ALL_CHECKS:
        sources = [inspect.getsource(m) for m in (readers if c is reading else [inspect.getmodule(c.run)])]
        for code in c.codes:
            assert any(f'"{code}"' in text for text in sources), f"{c.name} declares {code!r} but never writes it"


# --- what the checks really do --------------------------------------------------------------


class _Recording:
    """An archive that notes which of its fields are read."""

    def __init__(self, archive: Archive):
        self._archive, self.read = archive, set()

    def __getattr__(self, name: str):
        if name in FIELDS:
            self.read.add(name)
        return getattr(self._archive, name)


def _agree(archive: Archive, context: Context) -> set[str]:
    """Each check emits only the codes it declares, cites only its articles and reads only its fields; the codes seen."""
    look = Lookups.of(archive)
    seen: set[str] = set()
    for c in ALL_CHECKS:
        archive.memo.clear()  # what an earlier check remembered is read again, by this one
        recording = _Recording(archive)
        found = list(c(recording, context))
        codes = {f.code for f in found}
        assert codes <= set(c.codes), f"{c.name} emits undeclared {codes - set(c.codes)}"
        articles = {f.article for f in found if f.article}
        assert articles <= c.cited_articles(), f"{c.name} cites undeclared {articles - c.cited_articles()}"
        assert recording.read <= set(c.reads), f"{c.name} reads undeclared {recording.read - set(c.reads)}"
        grouping = c.grouping()
        assert all(grouping(f, look) for f in found)
        seen |= codes
    return seen


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BEIJING)


def test_checks_on_the_examples_do_what_they_declare(tmp_path: Path):
    cases = yaml.safe_load((EXAMPLES / "cases.yaml").read_text(encoding="utf-8"))
    examples = [(folder, case) for folder, listed in cases.items() for case in listed]
    assert {folder for folder, _ in examples} >= {"invalid", "valid", "warning"}
    for number, (folder, case) in enumerate(examples):
        root = tmp_path / str(number)
        shutil.copytree(EXAMPLES / "base", root)
        shutil.copy(REPO / "policy.yaml", root / "policy.yaml")
        place(root, case["path"], (EXAMPLES / folder / case["file"]).read_bytes())
        _agree(load_archive(root, use_cache=False), Context(as_of=_moment(AS_OF)))


def test_checks_on_the_sample_archive_do_what_they_declare():
    archive = load_archive(REPO, use_cache=False)
    _agree(archive, Context(as_of=_moment(AS_OF)))
    _agree(archive, Context(as_of=_moment("2027-03-01T09:00")))  # after the year: what is missing


def test_checks_on_a_generated_year_with_its_history_do_what_they_declare(tmp_path: Path):
    generate_big_year.generate(tmp_path, 400, git=True)
    archive = load_archive(tmp_path, use_cache=False)
    seen: set[str] = set()
    for as_of in (generate_big_year.AS_OF, "2027-02-20T09:00"):
        moment = _moment(as_of)
        history = load_history(tmp_path, use_cache=False)
        archive.history = history.until(moment) if history else None
        seen |= _agree(archive, Context(as_of=moment, history=archive.history, base="HEAD~1"))
    assert {"callback-overdue", "callback-landed-late", "order-missing-callback", "submission-missing"} <= seen
