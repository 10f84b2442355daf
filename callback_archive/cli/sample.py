"""``scripts/draw_sample.py``: draw a month's stratified sample, or redraw one to verify it."""

from __future__ import annotations

import sys
from pathlib import Path

from .guard import ChineseArgumentParser, UsageError, parse_month, program, resolve_root
from ..orders_import import load_units, read_checked_yaml
from ..policy import Policy
from ..progress import progress_wanted
from ..safefile import ensure_inside, locked, write_atomic
from ..sampling import CustomerListError, draw, headers_help
from ..yamlwrite import dump_yaml

PROG = "draw_sample.py"
HEADER = "# 抽样回访名单（第五条）：由 scripts/draw_sample.py 生成，请勿手工修改。\n"


def build_parser() -> ChineseArgumentParser:
    parser = ChineseArgumentParser(
        prog=PROG,
        description="按用电类型分层抽取抽样回访客户（第五条，不低于 10%），写入 records/samples/<年>-<月>.yaml；"
        "加 --verify 则用同一清单重抽并与已有名单核对。"
        "退出码：0 成功（或核对通过），1 客户清单有问题或核对不通过，2 用法错误、文件无法读取或写入。",
    )
    parser.add_argument("customers", type=Path, metavar="客户清单",
                        help=f"营销系统导出的客户清单 CSV（UTF-8、带 BOM 的 UTF-8 或 GBK 均可）。表头：{headers_help()}；"
                        "所在单位写 records/units.yaml 中的单位编号或中文名称")
    parser.add_argument("--month", required=True, metavar="年-月", help="抽样月份，如 2026-10")
    parser.add_argument("--seed", type=int, metavar="种子", help="随机种子（整数；默认取月份数字，如 202610）")
    parser.add_argument("--verify", action="store_true", help="不写文件：重抽并与已有的抽样名单逐户核对")
    parser.add_argument("--root", type=Path, help="档案仓库根目录（默认：当前目录向上查找）")
    return parser


def _read_list(path: Path) -> bytes:
    if not path.is_file():
        raise UsageError(f"找不到客户清单 {path}。")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise UsageError(f"无法读取客户清单 {path}（{exc.strerror}）。") from None


def _verify(root: Path, relpath: str, customers: Path, raw: bytes, units: dict[str, str]) -> int:
    if not (root / relpath).exists():
        raise UsageError(f"没有 {relpath}，无从核对。")
    existing = read_checked_yaml(root, relpath, "sample", "核对抽样名单")
    sample = draw(raw, customers.name, existing["month"], existing["seed"], existing["ratio"], units, progress_wanted())
    problems = []
    if existing["source"]["sha256"] != sample.sha256:
        problems.append(f"客户清单的 SHA-256 不同（名单记录 {existing['source']['sha256'][:12]}…，此清单 {sample.sha256[:12]}…）：不是同一份清单。")
    if existing["customers"] != sample.as_data()["customers"]:
        problems.append("重抽的客户与名单不一致。")
    if problems:
        print("核对不通过：" + " ".join(problems))
        return 1
    print(f"核对通过：用种子 {existing['seed']} 重抽 {relpath}，{len(sample.customers)} 户完全一致。")
    return 0


def _draw(root: Path, relpath: str, customers: Path, raw: bytes, units: dict[str, str], month: str, seed: int) -> int:
    policy = read_checked_yaml(root, "policy.yaml", "policy", "取得抽样比例")
    sample = draw(raw, customers.name, month, seed, Policy.from_data(policy).sampling.ratio, units, progress_wanted())
    target = root / relpath
    ensure_inside(root, target.parent)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"无法建立 {target.parent.relative_to(root)}/（{exc.strerror}），没有写入抽样名单。") from None
    with locked(target):
        if target.exists() or target.is_symlink():
            raise UsageError(f"{relpath} 已存在：抽样名单一经抽出不得重抽覆盖；核对请加 --verify。")
        write_atomic(target, HEADER + dump_yaml(sample.as_data()), root=root, new=True)
    for stratum in sample.as_data()["strata"]:
        print(f"{stratum['usage_type']}：{stratum['population']} 户，抽取 {stratum['drawn']} 户")
    print(f"已写入 {relpath}（种子 {seed}，清单 SHA-256 {sample.sha256[:12]}…）。下一步：git add {relpath} 并提交。")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        root = resolve_root(args.root)
        year, number = parse_month(args.month)
        month = f"{year}-{number:02d}"
        relpath = f"records/samples/{month}.yaml"
        raw = _read_list(args.customers)
        units = load_units(root)
        if args.verify:
            return _verify(root, relpath, args.customers, raw, units)
        seed = args.seed if args.seed is not None else int(month.replace("-", ""))
        return _draw(root, relpath, args.customers, raw, units, month, seed)
    except UsageError as exc:
        print(f"{program(PROG)}：错误：{exc}", file=sys.stderr)
        return 2
    except CustomerListError as exc:
        print(f"{program(PROG)}：错误：{exc}", file=sys.stderr)
        return 1
