#!/usr/bin/env python3
"""Scale benchmark (issue 8): the validator on a big generated year, every figure next to its target.

For each size it generates a year with benchmarks/generate_big_year.py into a Git
repository (kept in ``--work`` and reused while the generator and size are unchanged),
then runs the real command line, ``scripts/validate.py --format json --stats``, and
reports the median of ``--runs`` runs of:

* cold: no cache at all (``.cache/`` deleted, so Git history is scanned again too);
* warm: nothing changed since the previous run (an incremental run: see callback_archive/engine/incremental.py);
* pull request: 25 records amended and 25 added in the work tree, validated with
  ``--base main`` as the pull-request workflow does, starting from main's cache; its
  findings are compared with a run without cache on the same files (cross-record checks
  must stay exact);
* cold, warm and 1-process runs must print the same findings.

Wall time and peak memory are of the whole process tree (the validator and its workers),
sampled from /proc. Timing thresholds live here, never in unit tests.

    python benchmarks/validate_scale.py --quick              # 5,000 records, a smoke test
    python benchmarks/validate_scale.py                      # 50,000, 100,000 and 200,000 records
    python benchmarks/validate_scale.py --sizes 200000 --runs 5 [--site]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))

import generate_big_year  # noqa: E402

PYTHON = sys.executable
AS_OF = generate_big_year.AS_OF
PR_CHANGED, PR_ADDED = 25, 25
TARGETS = {  # name: (limit, unit); all "at most"
    "cold": (30.0, "秒"),
    "memory": (1536.0, "MB"),
    "warm": (3.0, "秒"),
    "pr": (3.0, "秒"),
    "site": (90.0, "秒"),
    "page": (2.0, "MB"),
    "search": (20.0, "MB"),
}


@dataclass
class Run:
    wall: float
    cpu: float  # user + system seconds of the whole process tree: what other work on the machine cannot inflate
    peak_mb: float
    output: bytes
    stats: str
    status: int


@dataclass
class Figures:
    size: int
    files: int = 0
    cold: list[Run] = field(default_factory=list)
    warm: list[Run] = field(default_factory=list)
    pr: list[Run] = field(default_factory=list)
    checks: dict[str, bool] = field(default_factory=dict)
    site: dict[str, float] = field(default_factory=dict)


def _tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants, from /proc (0 once it is gone).

    A child started with ``subprocess`` (``git`` …) runs in its parent's memory until it
    executes its program (vfork), and /proc shows it with its parent's name and resident
    size: such a child, with the same name and at least 95 % of its parent's size (the two
    are read a moment apart), is its parent's memory seen twice, and is not added (it made
    rare 1.7 GB "peaks" at 200,000 records). A worker just forked shares its parent's pages too.
    """
    total, stack = 0, [(pid, None)]  # (process, its parent's (name, resident size))
    while stack:
        current, parent = stack.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            match = re.search(r"VmRSS:\s+(\d+)", status)
            name, rss = re.search(r"Name:\s+(.*)", status).group(1), int(match.group(1)) if match else 0
            borrowed = parent is not None and name == parent[0] and rss >= 0.95 * parent[1]
            total += 0 if borrowed else rss
            for task in Path(f"/proc/{current}/task").iterdir():
                stack += [(int(c), (name, rss)) for c in (task / "children").read_text().split()]
        except (OSError, AttributeError, ValueError):
            continue
    return total


def run(command: list[str], cwd: Path = REPO, env: dict[str, str] | None = None) -> Run:
    """Run a command, timing it and sampling its process tree's memory every 20 ms."""
    peak = 0
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env=env or generate_big_year.outside_env())
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.wait(0.02):
            peak = max(peak, _tree_rss_kb(process.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = process.communicate()
    wall = time.perf_counter() - started
    done.set()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # waited-for descendants: the validator and its workers
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    stats = "\n".join(line for line in err.decode("utf-8", "replace").splitlines()
                      if line.startswith(("读取统计", "增量检查", "用时")))
    if process.returncode not in (0, 1):
        raise SystemExit(f"命令失败（{process.returncode}）：{' '.join(command)}\n{err.decode('utf-8', 'replace')[-2000:]}")
    return Run(wall, cpu, peak / 1024, out, stats, process.returncode)


def validate(root: Path, *extra: str) -> Run:
    return run([PYTHON, str(REPO / "scripts" / "validate.py"), "--root", str(root), "--as-of", AS_OF,
                "--format", "json", "--stats", *extra])


def _generator_stamp(size: int) -> str:
    code = (REPO / "benchmarks" / "generate_big_year.py").read_bytes() + (REPO / "scripts" / "generate_sample.py").read_bytes()
    return f"{size} {hashlib.sha1(code).hexdigest()}"


def prepare(work: Path, size: int) -> Path:
    """The generated year of ``size`` visits, committed; regenerated only when the generator changed."""
    root = work / f"year-{size}"
    stamp = root / ".cache-stamp"
    if not (stamp.is_file() and stamp.read_text() == _generator_stamp(size)):
        print(f"生成 {size} 条回访的模拟年份……", flush=True)
        started = time.perf_counter()
        root.mkdir(parents=True, exist_ok=True)
        generate_big_year.generate(root, size, git=True)
        (root / ".git" / "info" / "exclude").write_text(".cache-stamp\n", encoding="utf-8")
        stamp.write_text(_generator_stamp(size))
        print(f"  用时 {time.perf_counter() - started:.0f} 秒", flush=True)
    _reset(root)
    return root


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env=generate_big_year.outside_env())


def _reset(root: Path) -> None:
    """Back to main as committed: the pull-request changes undone."""
    _git(root, "checkout", "-q", "--", "records")
    _git(root, "clean", "-q", "-f", "--", "records")


def _findings(output: bytes) -> list:
    return json.loads(output)["findings"]


def pull_request(root: Path, number: int) -> None:
    """Amend ``PR_CHANGED`` committed visits (with their amendments entry) and add ``PR_ADDED`` new ones."""
    visits = sorted((root / "records" / "visits").glob("*/2026/12/*.yaml"))
    step = max(1, len(visits) // (PR_CHANGED + PR_ADDED + 1))
    chosen = visits[number % step::step][: PR_CHANGED + PR_ADDED]
    for path in chosen[:PR_CHANGED]:
        text = path.read_text(encoding="utf-8")
        if "amendments:" in text or "void:" in text or "\nvisitor:" not in text:
            continue
        text = re.sub(r"\nvisitor: .*", "\nvisitor: 王海燕", text, count=1)
        path.write_text(text + "amendments:\n  - at: 2027-01-07 10:00\n    by: 李敏\n    reason: 回访人登记错误\n"
                        "    fields: [visitor]\n", encoding="utf-8")
    for i, path in enumerate(chosen[PR_CHANGED:]):
        new_id = f"HF-20270107-{9000 + number * PR_ADDED + i:04d}"
        text = re.sub(r"^id: .*", f"id: {new_id}", path.read_text(encoding="utf-8"), count=1, flags=re.M)
        text = re.sub(r"\nvisited_at: .*", "\nvisited_at: 2027-01-07 15:00", text, count=1)
        # Filed by the trigger's month when there is one, else by the visit's: January 2027.
        target = path.with_name(f"{new_id}.yaml") if "trigger:" in text else path.parents[2] / "2027" / "01" / f"{new_id}.yaml"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


def measure(work: Path, size: int, runs: int, site: bool) -> Figures:
    root = prepare(work, size)
    figures = Figures(size)
    for _ in range(runs):
        shutil.rmtree(root / ".cache", ignore_errors=True)
        figures.cold.append(validate(root))
    for _ in range(runs):
        figures.warm.append(validate(root))
    figures.files = int(re.search(r"文件 (\d+) 个", figures.cold[-1].stats).group(1))
    single = validate(root, "--no-cache", "--jobs", "1")
    outputs = {figures.cold[0].output, figures.warm[-1].output, single.output}
    figures.checks["冷启动、缓存、单进程结果一致"] = len(outputs) == 1
    for number in range(runs):
        pull_request(root, number)
        figures.pr.append(validate(root, "--base", "main"))
        if number == runs - 1:
            exact = validate(root, "--base", "main", "--no-cache")
            figures.checks["合并请求（增量）与无缓存结果一致"] = exact.output == figures.pr[-1].output
        _reset(root)
        validate(root)  # back to main's state, as the pull-request workflow restores main's cache
    validate(root)  # leave the cache current for the next run of the benchmark
    if site:
        figures.site = build_site(root)
    return figures


def build_site(root: Path) -> dict[str, float]:
    """``mkdocs build`` of the generated year (CALLBACK_ARCHIVE_ROOT / CALLBACK_AS_OF): time, largest page, search index."""
    with tempfile.TemporaryDirectory() as folder:
        env = generate_big_year.outside_env(CALLBACK_ARCHIVE_ROOT=str(root), CALLBACK_AS_OF=AS_OF)
        built = run([PYTHON, "-m", "mkdocs", "build", "--site-dir", folder], env=env)
        pages = [p for p in Path(folder).rglob("*.html")]
        index = Path(folder) / "search" / "search_index.json"
        return {"site": built.wall, "page": max((p.stat().st_size for p in pages), default=0) / 2**20,
                "search": index.stat().st_size / 2**20 if index.exists() else 0.0, "pages": len(pages)}


def _median(runs: list[Run], attribute: str = "wall") -> float:
    return statistics.median(getattr(r, attribute) for r in runs)


def _pad(text: str, width: int) -> str:
    """Left-aligned in ``width`` terminal columns (a Chinese character takes two)."""
    return text + " " * max(0, width - sum(2 if ord(c) > 0x2E80 else 1 for c in text))


def _row(label: str, value: float, target: str | None, unit: str) -> str:
    limit = TARGETS[target][0] if target else None
    verdict = "" if limit is None else ("达标" if value <= limit else "未达标")
    goal = f"≤ {limit:g} {unit}" if limit is not None else ""
    return f"  {_pad(label, 34)}{value:>10.2f} {_pad(unit, 5)}{_pad(goal, 13)}{verdict}"


def _hit_rate(run: Run, files: int) -> float:
    """The share of the archive's files a run did not read again (their results or findings came from the cache)."""
    reread = int(re.search(r"重新读取 (\d+) 个", run.stats).group(1))
    return 100 * (1 - reread / files)


def report(figures: Figures) -> None:
    cold, warm, pr = _median(figures.cold), _median(figures.warm), _median(figures.pr)
    peak = max(r.peak_mb for r in figures.cold + figures.warm + figures.pr)
    print(f"\n== {figures.size} 条回访的一年：共 {figures.files} 个文件，"
          f"中位数（冷启动 {len(figures.cold)} 次、缓存 {len(figures.warm)} 次、合并请求 {len(figures.pr)} 次）")
    print(_row("冷启动全量校验（无缓存）", cold, "cold", "秒"))
    print(_row("  处理器时间（各进程合计）", _median(figures.cold, "cpu"), None, "秒"))
    print(_row("  每秒文件数", figures.files / cold, None, "个"))
    print(_row("  每个文件", cold / figures.files * 1e6, None, "微秒"))
    print(_row("缓存全量校验（无改动）", warm, "warm", "秒"))
    print(_row("  处理器时间", _median(figures.warm, "cpu"), None, "秒"))
    print(_row("  每个文件", warm / figures.files * 1e6, None, "微秒"))
    print(_row("  缓存命中率（未重新读取的文件）", _hit_rate(figures.warm[-1], figures.files), None, "%"))
    print(_row(f"合并请求（改 {PR_CHANGED} 增 {PR_ADDED}，--base）", pr, "pr", "秒"))
    print(_row("  处理器时间", _median(figures.pr, "cpu"), None, "秒"))
    print(_row("  缓存命中率（未重新读取的文件）", _hit_rate(figures.pr[-1], figures.files + PR_ADDED), None, "%"))
    print(_row("峰值内存（进程树）", peak, "memory", "MB"))
    for label, run in (("缓存（无改动）", figures.warm[-1]), ("合并请求", figures.pr[-1])):
        for line in run.stats.splitlines():
            print(f"  {label}" + (line if line.startswith("用时") else f"：{line.removeprefix('读取统计：')}"))
    for name, ok in figures.checks.items():
        print(f"  {name}：{'是' if ok else '否（有差异！）'}")
    if figures.site:
        print(_row("网站构建（mkdocs build）", figures.site["site"], "site", "秒"))
        print(_row("  最大页面", figures.site["page"], "page", "MB"))
        print(_row("  搜索索引", figures.site["search"], "search", "MB"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="规模基准：在生成的大年份档案上测量校验耗时、内存和缓存命中，并与目标对照。")
    parser.add_argument("--sizes", default="50000,100000,200000", help="回访记录数，逗号分隔（默认 50000,100000,200000）")
    parser.add_argument("--quick", action="store_true", help="只测 5000 条（冒烟测试）")
    parser.add_argument("--runs", type=int, default=3, help="每项测几次取中位数（默认 3）")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "callback-archive-scale",
                        help="生成档案的目录（默认系统临时目录下；生成器未变时重复使用）")
    parser.add_argument("--site", action="store_true", help="同时用 mkdocs build 构建生成档案的网站并测量")
    args = parser.parse_args(argv)
    sizes = [5000] if args.quick else [int(s) for s in args.sizes.split(",")]
    print(f"机器：{os.cpu_count()} 个处理器，Python {sys.version.split()[0]}；as-of {AS_OF}；"
          f"开始时负载 {os.getloadavg()[0]:.2f}（其他程序占用处理器时，耗时偏长，处理器时间基本不变）", flush=True)
    all_figures = [measure(args.work, size, args.runs, args.site) for size in sizes]
    for figures in all_figures:
        report(figures)
    print(f"\n结束时负载 {os.getloadavg()[0]:.2f}")
    if len(all_figures) > 1:
        print("\n== 线性增长：每个文件的耗时（微秒）")
        for figures in all_figures:
            print(f"  {figures.size:>7} 条：冷启动 {_median(figures.cold) / figures.files * 1e6:7.1f}，"
                  f"缓存 {_median(figures.warm) / figures.files * 1e6:6.1f}，合并请求 {_median(figures.pr) / figures.files * 1e6:6.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
