"""Amend, never rewrite (第十一条): the working tree (or a pull request) against a base revision.

Once a record is on main its text is evidence. A change must be explained by a new
entry at the end of its ``amendments`` list (when, who, why, which fields); older
entries are never edited; a record file is never deleted or moved — a mistaken
record is voided (``void: {at, by, reason}``) and stays. ``validate.py --base REV``
runs this comparison; the pull-request workflow passes the target branch.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import PurePosixPath
from typing import Any, Iterable, Iterator

from .findings import Finding, finding
from .history import RECORD_PREFIXES, is_record_path, open_repo
from .model import RecordFile
from .schemas import load_schema
from .yamlread import YamlSyntaxError, parse_yaml

_MISSING = object()


def _leaves(value: Any, prefix: str) -> list[str]:
    if isinstance(value, dict) and value:
        return [leaf for key, sub in value.items() for leaf in _leaves(sub, f"{prefix}.{key}" if prefix else key)]
    return [prefix] if value is not _MISSING else []


def changed_fields(old: Any, new: Any, prefix: str = "") -> list[str]:
    """Dotted paths of the fields that differ; a list is one field, a mapping is compared field by field."""
    if isinstance(old, dict) and isinstance(new, dict):
        keys = list(new) + [key for key in old if key not in new]
        found: list[str] = []
        for key in keys:
            found += changed_fields(old.get(key, _MISSING), new.get(key, _MISSING), f"{prefix}.{key}" if prefix else key)
        return found
    if old == new:
        return []
    if isinstance(old, dict) or isinstance(new, dict):
        leaves = _leaves(old, prefix) + _leaves(new, prefix)
        return list(dict.fromkeys(leaves)) or [prefix]
    return [prefix]


def covers(fields: Iterable[str], path: str) -> bool:
    """An amendment naming ``customer`` covers ``customer.phone``."""
    return any(path == f or path.startswith(f + ".") for f in fields)


def _show(value: Any) -> str:
    if value is _MISSING:
        return "（没有此字段）"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return f"“{text[:40]}…”" if len(text) > 40 else f"“{text}”"


def _get(data: Any, path: str) -> Any:
    for part in path.split("."):
        if not isinstance(data, dict) or part not in data:
            return _MISSING
        data = data[part]
    return data


def _trail(data: dict[str, Any]) -> list[Any]:
    amendments = data.get("amendments")
    return amendments if isinstance(amendments, list) else []


def _entry_words(entry: Any) -> str:
    if not isinstance(entry, dict):
        return _show(entry)
    return " ".join(str(entry[key]) for key in ("at", "by", "reason") if key in entry)


def compare_record(old_text: str, new: RecordFile, base: str) -> list[Finding]:
    """What the new version of a record on ``base`` changed without an amendment, or rewrote."""
    try:
        old = parse_yaml(old_text).data
    except YamlSyntaxError:
        return []  # base had no readable record here: nothing to protect
    if not isinstance(old, dict):
        return []
    record = new.text("id")
    findings: list[Finding] = []
    old_list, new_list = _trail(old), _trail(new.data)
    for i, entry in enumerate(old_list):
        if i >= len(new_list) or new_list[i] != entry:
            line = new.line_of(f"amendments.{i}") if i < len(new_list) else new.line_of("amendments")
            findings.append(finding(
                "amendment-rewritten", new.path, line,
                f"amendments 第 {i + 1} 条更正（{_entry_words(entry)}）已在 {base} 上，不能修改或删除："
                f"请按 {base} 恢复原样，新的更正追加在列表末尾。", record=record))
    added = [entry for entry in new_list[len(old_list):] if isinstance(entry, dict)]
    named = [f for entry in added for f in entry.get("fields", []) if isinstance(f, str)]
    schema = load_schema(new.kind)
    for path in changed_fields(old, new.data):
        top = path.split(".")[0]
        if top == "amendments" or (top == "void" and "void" not in old) or covers(named, path):
            continue  # the trail itself, a first voiding (it says who and why), or an explained change
        findings.append(finding(
            "amendment-missing", new.path, new.line_of(path),
            f"{schema.label(path)} 在 {base} 上是 {_show(_get(old, path))}，现在是 {_show(_get(new.data, path))}，"
            "但没有登记更正：已合并的记录每次修改都要在 amendments 末尾追加一条，写明 at（何时）、by（何人）、"
            f"reason（为何）和 fields（包括 {path}）。若整条记录登记错了，不要修改内容，请添加 void 作废。",
            record=record))
    return findings


def check_against_base(archive, context) -> Iterable[Finding]:
    """With ``--base REV``: changed records need amendments; records on REV are never deleted or moved."""
    base = context.base
    if base is None:
        return
    changes = archive.remember(("changes-since", base), lambda: changes_since(archive.root, base))
    files = {f.path: f for f in archive.files}
    on_disk = set(archive.paths)
    compared = [path for status, path in changes if status != "A" and path in on_disk and path in files]
    old_texts = texts_at(archive.root, base, compared)
    by_name: dict[str, str] | None = None
    for status, path in changes:
        if status == "A":
            continue
        if path in on_disk:
            if path in files:
                yield from compare_record(old_texts[path], files[path], base)
            continue
        if by_name is None:  # only when a record is gone: a file of the same name (its id) elsewhere means moved
            by_name = {p.rpartition("/")[2]: p for p in on_disk if is_record_path(p)}
        yield from _gone(path, by_name.get(path.rpartition("/")[2]), base, files)


def changes_since(root, base: str) -> list[tuple[str, str]]:
    """(A/M/D/T, path) of every record file the work tree changed since ``base``."""
    return parse_name_status(open_repo(root).git.diff(*diff_arguments(base)))


def diff_arguments(base: str) -> list[str]:
    """``git diff`` arguments listing the record files changed since ``base`` (see ``parse_name_status``)."""
    return ["--no-renames", "--name-status", "-z", base, "--", *RECORD_PREFIXES]


def parse_name_status(output: str) -> list[tuple[str, str]]:
    fields = output.split("\0")
    return [(fields[i][:1], fields[i + 1]) for i in range(0, len(fields) - 1, 2) if is_record_path(fields[i + 1])]


def texts_at(root, revision: str, paths: list[str]) -> dict[str, str]:
    """The texts of ``paths`` at ``revision``, read by one ``git cat-file --batch`` (a process per file costs 20 ms)."""
    if not paths:
        return {}
    result = subprocess.run(["git", "-C", str(root), "cat-file", "--batch"], check=True, capture_output=True,
                            input="".join(f"{revision}:{path}\n" for path in paths).encode())
    output, position, texts = result.stdout, 0, {}
    for path in paths:
        header_end = output.index(b"\n", position)
        size = int(output[position:header_end].split()[2])  # "<sha> blob <size>"
        texts[path] = output[header_end + 1:header_end + 1 + size].decode("utf-8", "replace")
        position = header_end + 1 + size + 1
    return texts


def _gone(path: str, moved_to: str | None, base: str, files: dict[str, RecordFile]) -> Iterator[Finding]:
    record = PurePosixPath(path).stem
    void = "如果记录登记错了（包括单位、月份填错），请在原文件中添加 void: {at, by, reason} 作废，需要时在正确的位置以新编号另行登记。"
    if moved_to is not None:
        target = files.get(moved_to)
        yield finding("record-moved", moved_to, target.line_of("id") if target else None,
                      f"记录 {record} 在 {base} 上位于 {path}，现在被移到了这里：已合并的记录不能移动或改名。"
                      f"请移回原处（git mv {moved_to} {path}）。{void}", record=record)
    else:
        yield finding("record-deleted", path, None,
                      f"记录 {record} 已在 {base} 上，不能删除（回访档案必须完整保留）：请恢复这个文件"
                      f"（git checkout {base} -- {path}）。{void}", record=record)
