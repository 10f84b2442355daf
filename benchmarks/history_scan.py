#!/usr/bin/env python3
"""History scan benchmark: landing times of many thousands of records over thousands of commits.

Builds a throw-away repository with ``git fast-import`` (direct commits and pull
requests merged with merge commits, like main), then times the one-pass scan
without cache, the rebuild with a current cache, the rebuild after one new
commit, and per-file ``git log`` on a sample for comparison. Prints figures only.

    python benchmarks/history_scan.py [--files 20000] [--commits 4000]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from callback_archive.history import load_history  # noqa: E402
from generate_big_year import outside_env  # noqa: E402

START = 1_795_000_000  # 2026-11-18, seconds since the epoch


def _data(text: str) -> bytes:
    raw = text.encode("utf-8")
    return b"data %d\n" % len(raw) + raw + b"\n"


def _commit(branch: str, mark: int, stamp: int, message: str, parents: list[int], files: list[str]) -> bytes:
    out = [f"commit refs/heads/{branch}\nmark :{mark}\n".encode(),
           f"author 李敏 <staff@binhai.example> {stamp} +0800\ncommitter 李敏 <staff@binhai.example> {stamp} +0800\n".encode(),
           _data(message)]
    if parents:
        out.append(f"from :{parents[0]}\n".encode())
        out += [f"merge :{p}\n".encode() for p in parents[1:]]
    for path in files:
        out.append(f"M 100644 inline {path}\n".encode())
        out.append(_data(f"id: {Path(path).stem}\nvisited_at: 2026-11-26 10:00\n"))
    return b"".join(out)


def build(root: Path, files: int, commits: int) -> None:
    """``commits`` first-parent commits on main; every third one merges a pull request of its own."""
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    per_commit = max(1, files // commits)
    stream, mark, main, n = [], 0, 0, 0
    for i in range(commits):
        batch = [f"records/visits/u{n % 7}/2026/{1 + n % 12:02d}/HF-2026{i:06d}-{k:04d}.yaml" for k in range(per_commit)]
        n += 1
        stamp = START + 600 * i
        if i % 3 == 2 and main:
            mark += 1
            stream.append(_commit(f"pr-{i}", mark, stamp - 300, "登记回访", [main], batch))
            mark += 1
            # fast-import does not merge trees: the merge commit names the files it brings in.
            stream.append(_commit("main", mark, stamp, f"Merge pull request #{i} from binhai/pr-{i}", [main, mark - 1], batch))
        else:
            mark += 1
            stream.append(_commit("main", mark, stamp, "登记回访", [main] if main else [], batch))
        main = mark
    subprocess.run(["git", "fast-import", "--quiet"], cwd=root, input=b"".join(stream), check=True)
    subprocess.run(["git", "checkout", "-q", "main"], cwd=root, check=True)
    (root / ".git" / "info" / "exclude").write_text(".cache/\n", encoding="utf-8")  # the history cache is kept


def main() -> int:
    parser = argparse.ArgumentParser(description="历史扫描基准：生成大量提交和记录，测量一次扫描的耗时。")
    parser.add_argument("--files", type=int, default=20000, help="记录文件数（默认 20000）")
    parser.add_argument("--commits", type=int, default=4000, help="main 上的提交数（默认 4000，每三个有一个是合并请求）")
    parser.add_argument("--sample", type=int, default=50, help="逐个文件 git log 对比的抽样数（默认 50）")
    args = parser.parse_args()
    os.environ.clear()  # git, and GitPython in this process, must work on the throw-away repository alone
    os.environ.update(outside_env())
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        started = time.perf_counter()
        build(root, args.files, args.commits)
        print(f"生成仓库：{time.perf_counter() - started:.1f} 秒")

        started = time.perf_counter()
        history = load_history(root)
        full = time.perf_counter() - started
        print(f"记录文件 {len(history.landings)} 个，main 第一父链提交 {history.scanned} 个")
        print(f"一次扫描（无缓存）：{full:.2f} 秒")

        started = time.perf_counter()
        cached = load_history(root)
        print(f"重建（缓存最新，读取 {cached.scanned} 个提交）：{time.perf_counter() - started:.2f} 秒")

        (root / "records/visits/new.yaml").parent.mkdir(parents=True, exist_ok=True)
        (root / "records/visits/new.yaml").write_text("id: new\n", encoding="utf-8")
        subprocess.run(["git", "add", "-A"], cwd=root, check=True)
        subprocess.run(["git", "-c", "user.name=李敏", "-c", "user.email=staff@binhai.example", "commit", "-q", "-m", "新提交"],
                       cwd=root, check=True)
        started = time.perf_counter()
        incremental = load_history(root)
        print(f"重建（新增 1 个提交，读取 {incremental.scanned} 个）：{time.perf_counter() - started:.2f} 秒")

        sample = sorted(history.landings)[:: max(1, len(history.landings) // args.sample)][: args.sample]
        started = time.perf_counter()
        for path in sample:
            subprocess.run(["git", "log", "--diff-filter=A", "--first-parent", "--format=%H", "--", path],
                           cwd=root, capture_output=True, check=True)
        each = (time.perf_counter() - started) / len(sample)
        print(f"逐个文件 git log：每个 {each:.3f} 秒，全部 {len(history.landings)} 个约 {each * len(history.landings):.0f} 秒")
    return 0


if __name__ == "__main__":
    sys.exit(main())
