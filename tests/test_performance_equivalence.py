"""Every way of loading gives the same findings: no cache, a cold cache, a warm cache, one or two processes,
and an incremental run after a pull request's changes (issue 8). On a generated year of a few thousand records."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from conftest import REPO, run_validate

sys.path.insert(0, str(REPO / "benchmarks"))

import generate_big_year  # noqa: E402

AS_OF = generate_big_year.AS_OF


@pytest.fixture(scope="module")
def year(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("year")
    with pytest.MonkeyPatch.context() as env:  # as in a Git hook: the generator still makes a repository of its own
        env.setenv("GIT_DIR", str(tmp_path_factory.mktemp("elsewhere") / ".git"))
        generate_big_year.generate(root, 2500, git=True)
    return root


def findings(root: Path, *extra: str) -> tuple[int, str]:
    run = run_validate("--root", str(root), "--as-of", AS_OF, "--format", "json", *extra)
    return run.status, run.stdout


def test_the_generated_year_has_every_kind_of_finding(year):
    status, out = findings(year, "--no-cache", "--jobs", "1")
    codes = {f["code"] for f in __import__("json").loads(out)["findings"]}
    assert status == 1
    assert {"callback-late", "callback-overdue", "order-missing-callback", "yaml-syntax", "schema-enum",
            "file-not-utf8", "path-wrong-folder", "callback-landed-late", "letter-late"} <= codes


def test_cold_warm_and_parallel_runs_agree(year):
    reference = findings(year, "--no-cache", "--jobs", "1")
    assert findings(year, "--no-cache", "--jobs", "2") == reference
    assert findings(year, "--jobs", "2") == reference  # cold: writes the cache
    assert (year / ".cache" / "records").is_dir()
    assert findings(year, "--jobs", "1") == reference  # warm
    assert findings(year) == reference


def test_a_pull_request_is_read_incrementally_and_checked_exactly(year):
    findings(year)  # the cache is current
    visit = sorted((year / "records" / "visits" / "kefu" / "2026" / "12").glob("HF-*.yaml"))[3]
    duplicate = visit.with_name("HF-20261231-9999.yaml")
    try:
        duplicate.write_text(visit.read_text(encoding="utf-8"), encoding="utf-8")  # same id twice: a cross-record finding
        incremental = findings(year, "--stats")
        assert incremental == findings(year, "--no-cache", "--jobs", "1")
        assert "id-duplicate" in incremental[1]
    finally:
        duplicate.unlink()
    run = run_validate("--root", str(year), "--as-of", AS_OF, "--stats")
    assert "重新读取 0 个" in run.stderr
