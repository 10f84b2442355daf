"""The repository boundary: a symlink under records/, schemas/ or docs/ is reported and never read, cached
or published; only regular files are read, their size checked before reading."""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from callback_archive.engine.cache import file_keys
from conftest import AS_OF, EXAMPLES, REPO, place
from gitrepo import GitRepo
from readers_helpers import validate

VISIT = (EXAMPLES / "valid" / "repair-visit.yaml").read_text(encoding="utf-8")
FOLDER = "records/visits/tanggu/2026/11"
PATH = f"{FOLDER}/HF-20261125-0001.yaml"
SECRET = "保密的外部文件内容"


@pytest.fixture
def outside(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A valid record outside the archive, with a text that must never show up in any output."""
    path = tmp_path_factory.mktemp("outside") / "HF-20261125-0001.yaml"
    path.write_text(VISIT.replace("王某某", SECRET), encoding="utf-8")
    return path


def _symlink_finding(run, file: str) -> dict:
    [found] = [f for f in run.findings if f["file"] == file]
    assert found["code"] == "symlink-not-allowed" and found["severity"] == "error"
    assert "符号链接" in found["message"]
    return found


def test_link_to_a_file_outside_is_reported_and_not_read(archive, outside):
    (archive / FOLDER).mkdir(parents=True)
    os.symlink(outside, archive / PATH)
    run = validate(archive)
    assert run.status == 1
    _symlink_finding(run, PATH)
    assert SECRET not in run.stdout and SECRET not in run.stderr


def test_link_to_dev_zero_ends_at_once(archive):
    (archive / FOLDER).mkdir(parents=True)
    os.symlink("/dev/zero", archive / PATH)
    started = time.monotonic()
    run = validate(archive, timeout=30)
    assert time.monotonic() - started < 30
    assert run.status == 1
    _symlink_finding(run, PATH)


def test_fifo_is_not_waited_for(archive):
    (archive / FOLDER).mkdir(parents=True)
    os.mkfifo(archive / PATH)
    run = validate(archive, timeout=30)
    assert run.status == 1
    [found] = run.only(PATH)
    assert found["code"] == "file-not-regular" and "不是普通文件" in found["message"]


def test_linked_folder_is_reported_and_not_entered(archive, outside):
    (archive / "records/visits/tanggu/2026").mkdir(parents=True)
    os.symlink(outside.parent, archive / FOLDER)
    run = validate(archive)
    assert run.status == 1
    _symlink_finding(run, FOLDER)
    assert SECRET not in run.stdout


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (4 * 1024 ** 3, resource.RLIM_INFINITY))


def test_sparse_huge_file_is_refused_before_reading(archive):
    place(archive, PATH, VISIT)
    os.truncate(archive / PATH, 64 * 1024 ** 3)  # 64 GiB of holes: reading them needs that much memory
    run = validate(archive, timeout=60, preexec_fn=_limit_memory)
    assert run.status == 1
    [found] = run.only(PATH)
    assert found["code"] == "file-too-large" and "64 KiB" in found["message"]


def test_links_under_docs_and_schemas_are_reported(archive, outside):
    (archive / "docs").mkdir()
    (archive / "schemas").mkdir()
    os.symlink(outside, archive / "docs" / "leak.md")
    os.symlink("/dev/zero", archive / "schemas" / "visit.schema.json")
    run = validate(archive, timeout=30)
    assert run.status == 1
    _symlink_finding(run, "docs/leak.md")
    _symlink_finding(run, "schemas/visit.schema.json")


def test_committed_link_is_reported_from_git_and_never_cached(archive, outside):
    (archive / FOLDER).mkdir(parents=True)
    os.symlink(outside, archive / PATH)
    GitRepo(archive).commit("登记回访", at="2026-11-26T12:00:00+08:00")
    mode = subprocess.run(["git", "-C", str(archive), "ls-files", "-s", PATH], capture_output=True, text=True,
                          check=True).stdout.split()[0]
    assert mode == "120000"
    assert PATH not in (file_keys(archive, [PATH]) or {"": ""})
    for _ in range(2):  # the second run has a cache: the link is still reported, from reading it again
        run = validate(archive)
        assert run.status == 1
        _symlink_finding(run, PATH)
    assert not any(SECRET.encode() in p.read_bytes() for p in (archive / ".cache").rglob("*") if p.is_file())


def test_regular_file_replaced_by_a_link_is_not_taken_from_the_cache(archive, outside):
    place(archive, PATH, VISIT)
    GitRepo(archive).commit("登记回访", at="2026-11-26T12:00:00+08:00")
    first = validate(archive)
    assert first.status == 0 and "symlink-not-allowed" not in first.stdout
    (archive / PATH).unlink()
    os.symlink(outside, archive / PATH)
    _symlink_finding(validate(archive), PATH)


def _site_copy(tmp_path: Path) -> Path:
    """The site's configuration and pages, copied: links are added to this docs/ only."""
    site = tmp_path / "project"
    site.mkdir()
    for name in ("docs", "overrides", "schemas", "records"):
        shutil.copytree(REPO / name, site / name)
    for name in ("mkdocs.yml", "policy.yaml"):
        shutil.copy(REPO / name, site / name)
    return site


def _mkdocs(project: Path, archive: Path, out: Path, as_of: str = AS_OF, strict: bool = True):
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", *(["--strict"] if strict else []), "--site-dir", str(out)],
        cwd=project, capture_output=True, text=True, timeout=600,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "CALLBACK_ARCHIVE_ROOT": str(archive),
             "CALLBACK_AS_OF": as_of, "PYTHONPATH": str(REPO)},
    )


def test_site_leaves_out_linked_docs_and_says_so(archive, outside, tmp_path):
    project = _site_copy(tmp_path)
    os.symlink(outside, project / "docs" / "leak.md")
    linked = tmp_path / "linked"
    linked.mkdir()
    (linked / "inner.md").write_text(f"# {SECRET}\n", encoding="utf-8")
    os.symlink(linked, project / "docs" / "linked")
    out = tmp_path / "site"
    result = _mkdocs(project, archive, out, strict=False)
    assert result.returncode == 0, result.stderr
    assert "docs/leak.md 是符号链接" in result.stderr and "docs/linked/inner.md 是符号链接" in result.stderr
    assert "Traceback" not in result.stderr
    published = [p for p in out.rglob("*") if p.is_file() and p.suffix in (".html", ".md", ".yaml", ".json")]
    assert published and not any(SECRET.encode() in p.read_bytes() for p in published)
    assert not (out / "leak").exists() and not (out / "linked").exists()
    strict = _mkdocs(project, archive, tmp_path / "strict")
    assert strict.returncode != 0 and "Traceback" not in strict.stderr
