"""The record cache (.cache/records/): keyed by content, safe to delete, ignored when damaged or outdated."""

from __future__ import annotations

import re
import shutil

from callback_archive.engine import cache
from callback_archive.engine.loader import load_archive
from conftest import AS_OF, place, run_validate, visit_yaml

SHARDS = ".cache/records"


def validate(root):
    return run_validate("--root", str(root), "--as-of", AS_OF, "--format", "json", "--stats")


def test_a_second_run_reads_nothing_again_and_says_the_same(committed):
    first = validate(committed)
    second = validate(committed)
    assert (committed / SHARDS).is_dir()
    assert "命中率 0.0%" in first.stderr
    assert "增量检查：" in second.stderr and "重新读取 0 个" in second.stderr
    assert re.search(r"用时：Git 历史 [0-9.]+ 秒，读取和检查 [0-9.]+ 秒，输出 [0-9.]+ 秒。", second.stderr)
    assert second.stdout == first.stdout and second.status == first.status
    assert any(f["code"] == "callback-late" for f in second.findings)


def test_deleting_the_cache_changes_nothing(committed):
    first = validate(committed)
    shutil.rmtree(committed / ".cache")
    again = validate(committed)
    assert again.stdout == first.stdout and "来自缓存 0 个" in again.stderr


def test_a_changed_file_is_read_again(committed):
    validate(committed)
    path = committed / "records/visits/tanggu/2026/11/HF-20261126-0001.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("method: phone", "method: wechat"), encoding="utf-8")
    run = validate(committed)  # modified in the work tree, not in the index: the index's blob id must not be trusted
    assert "重新读取 1 个" in run.stderr
    assert [f["code"] for f in run.findings if f["file"].endswith("0001.yaml")] == ["schema-enum"]


def test_untracked_files_are_cached_by_their_content(committed):
    place(committed, "records/visits/tanggu/2026/11/HF-20261126-0003.yaml", "id: [broken\n")
    first = validate(committed)
    second = validate(committed)
    assert "重新读取 0 个" in second.stderr and second.stdout == first.stdout
    assert any(f["code"] == "yaml-syntax" for f in second.findings)


def test_a_damaged_cache_is_ignored_and_rewritten(committed):
    first = validate(committed)
    shards = list((committed / SHARDS).iterdir())
    assert shards
    for shard in shards:
        shard.write_bytes(b"\x00 not marshal")
    shutil.rmtree(committed / ".cache" / "checks")  # else the findings of the last run are reused, reading nothing
    again = validate(committed)
    assert again.stdout == first.stdout and "来自缓存 0 个" in again.stderr
    assert "重新读取 0 个" in validate(committed).stderr


def test_another_reader_version_reads_everything_again(committed, monkeypatch):
    first = validate(committed)
    monkeypatch.setattr(cache, "version_key", lambda: "another schema or reader")
    again = validate(committed)
    assert again.stdout == first.stdout and "来自缓存 0 个" in again.stderr


def test_the_version_key_covers_schemas_and_reader_code(tmp_path):
    package, schemas = tmp_path / "callback_archive", tmp_path / "schemas"
    shutil.copytree(cache.PACKAGE, package)
    shutil.copytree(cache.PACKAGE.parent / "schemas", schemas)
    before = cache.reader_version(package, schemas)
    (schemas / "visit.schema.json").write_text((schemas / "visit.schema.json").read_text(encoding="utf-8") + " ", encoding="utf-8")
    after_schema = cache.reader_version(package, schemas)
    (package / "yamlread.py").write_text((package / "yamlread.py").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert len({before, after_schema, cache.reader_version(package, schemas)}) == 3


def test_no_cache_option_neither_reads_nor_writes_it(committed):
    run = run_validate("--root", str(committed), "--as-of", AS_OF, "--no-cache", "--stats")
    assert not (committed / SHARDS).exists() and "来自缓存 0 个" in run.stderr


def test_outside_git_there_is_no_cache(archive):
    place(archive, "records/visits/tanggu/2026/11/HF-20261126-0001.yaml", visit_yaml("HF-20261126-0001"))
    validate(archive)
    assert not (archive / ".cache").exists()


def test_cached_records_equal_freshly_read_ones(committed):
    fresh = load_archive(committed, use_cache=False)
    load_archive(committed)
    cached = load_archive(committed)
    assert cached.load_stats.read == 0
    for a, b in zip(fresh.visits, cached.visits, strict=True):
        assert [getattr(a, f) for f in a.__slots__ if f != "source"] == [getattr(b, f) for f in b.__slots__ if f != "source"]
        assert a.source.data == b.source.data and a.source.lines == b.source.lines
    assert fresh.orders == cached.orders and fresh.findings == cached.findings


def test_bad_jobs_is_a_usage_error(archive):
    assert run_validate("--root", str(archive), "--jobs", "0").status == 2
