#!/usr/bin/env python3
"""Benchmark of the archive website: ``mkdocs build --strict`` of an archive, timed, with the sizes that matter.

Prints the build time (wall clock, and the processor time of the build and its worker process: other
programs on the machine lengthen the first, hardly the second), the size of the search index (what every
visitor's browser loads and indexes), the largest page and the number of pages and files, each next to
its target. ``--runs N`` builds N times and reports the medians. Defaults to the repository's own sample archive.

    python benchmarks/site_build.py [--root DIR] [--as-of 2026-11-26T09:00] [--site-dir DIR] [--runs N]

A big year for comparison: ``python benchmarks/generate_big_year.py --out /tmp/big`` and then
``python benchmarks/site_build.py --root /tmp/big --as-of 2027-01-08T09:00``.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from generate_big_year import outside_env

REPO = Path(__file__).resolve().parent.parent
LIMITS = {"build_seconds": 90, "page_bytes": 2 * 1024 * 1024, "index_bytes": 20 * 1024 * 1024}


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.2f} MB"


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def build(root: Path, as_of: str | None, site: Path) -> tuple[float, float]:
    """Run the real build; returns its wall and processor seconds (the process exits non-zero on any warning)."""
    env = outside_env(NO_MKDOCS_2_WARNING="1", CALLBACK_ARCHIVE_ROOT=str(root))
    if as_of:
        env["CALLBACK_AS_OF"] = as_of
    started, cpu = time.perf_counter(), _children_cpu()
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(REPO / "mkdocs.yml"),
         "--site-dir", str(site)],
        cwd=REPO, capture_output=True, text=True, env=env,
    )
    seconds, cpu = time.perf_counter() - started, _children_cpu() - cpu
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"mkdocs build --strict 失败（退出码 {result.returncode}）")
    return seconds, cpu


def report(site: Path, seconds: float, cpu: float) -> list[str]:
    pages = sorted(site.rglob("*.html"), key=lambda p: p.stat().st_size)
    index = site / "search" / "search_index.json"
    files = [p for p in site.rglob("*") if p.is_file()]
    largest = pages[-1]
    flag = lambda ok: "" if ok else "  ← 超过目标"  # noqa: E731
    return [
        f"构建时间        {seconds:.1f} 秒（目标 ≤ {LIMITS['build_seconds']} 秒）{flag(seconds <= LIMITS['build_seconds'])}"
        f"；处理器时间 {cpu:.1f} 秒（构建进程和它的工作进程合计）",
        f"搜索索引        {_mb(index.stat().st_size)}（search/search_index.json，目标 < 20 MB）"
        f"{flag(index.stat().st_size < LIMITS['index_bytes'])}",
        f"最大的页面      {_mb(largest.stat().st_size)}（{largest.relative_to(site).as_posix()}，目标 ≤ 2 MB）"
        f"{flag(largest.stat().st_size <= LIMITS['page_bytes'])}",
        f"页面 / 文件     {len(pages)} 个页面，共 {len(files)} 个文件，{_mb(sum(p.stat().st_size for p in files))}",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="计时构建档案网站（mkdocs build --strict），并报告搜索索引和最大页面的大小。")
    parser.add_argument("--root", type=Path, default=REPO, help="档案根目录（默认：本仓库的样例档案）")
    parser.add_argument("--as-of", help="网站的“当前时间”，如 2026-11-26T09:00（默认：当前时钟）")
    parser.add_argument("--site-dir", type=Path, help="把网站留在这个文件夹（默认：临时文件夹，用后删除）")
    parser.add_argument("--runs", type=int, default=1, help="构建几次，报告中位数（默认 1）")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as temporary:
        site = args.site_dir or Path(temporary) / "site"
        print(f"档案 {args.root.resolve()}；开始时负载 {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        runs = []
        for n in range(1, max(1, args.runs) + 1):
            runs.append(build(args.root.resolve(), args.as_of, site))
            if args.runs > 1:
                print(f"第 {n} 次：{runs[-1][0]:.1f} 秒，处理器 {runs[-1][1]:.1f} 秒", flush=True)
        seconds, cpu = (statistics.median(r[i] for r in runs) for i in (0, 1))
        if args.runs > 1:
            print(f"{len(runs)} 次的中位数：")
        print("\n".join(report(site, seconds, cpu)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
