"""``scripts/draw_sample.py``: draw a month's stratified sample, or redraw one to verify it."""

from __future__ import annotations

import sys
from pathlib import Path

from .cli import ChineseArgumentParser, UsageError, parse_month, resolve_root
from .sampling import draw
from .yamlread import parse_yaml
from .yamlwrite import dump_yaml


def build_parser() -> ChineseArgumentParser:
    parser = ChineseArgumentParser(
        prog="draw_sample.py",
        description="按用电类型分层抽取抽样回访客户（第五条，不低于 10%），写入 records/samples/<年>-<月>.yaml；"
        "加 --verify 则用同一清单重抽并与已有名单核对。",
    )
    parser.add_argument("customers", type=Path, metavar="客户清单", help="CSV（UTF-8），表头至少含 account,usage_type,unit")
    parser.add_argument("--month", required=True, metavar="年-月", help="抽样月份，如 2026-10")
    parser.add_argument("--seed", type=int, metavar="种子", help="随机种子（整数；默认取月份数字，如 202610）")
    parser.add_argument("--verify", action="store_true", help="不写文件：重抽并与已有的抽样名单逐户核对")
    parser.add_argument("--root", type=Path, help="档案仓库根目录（默认：当前目录向上查找）")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        root = resolve_root(args.root)
        year, number = parse_month(args.month)
        month = f"{year}-{number:02d}"
        if not args.customers.is_file():
            raise UsageError(f"找不到客户清单 {args.customers}。")
        target = root / "records" / "samples" / f"{month}.yaml"
        seed = args.seed if args.seed is not None else int(month.replace("-", ""))
        existing = parse_yaml(target.read_text(encoding="utf-8")).data if target.exists() else None
        if args.verify:
            if existing is None:
                raise UsageError(f"没有 {target.relative_to(root)}，无从核对。")
            seed = existing["seed"]
        policy = parse_yaml((root / "policy.yaml").read_text(encoding="utf-8")).data
        ratio = existing["ratio"] if args.verify else policy["sampling"]["ratio"]
        sample = draw(args.customers.read_bytes(), args.customers.name, month, seed, ratio)
    except UsageError as exc:
        print(f"draw_sample.py：错误：{exc}", file=sys.stderr)
        return 2
    except ValueError as exc:
        print(f"draw_sample.py：错误：{exc}", file=sys.stderr)
        return 1
    data = sample.as_data()
    relative = target.relative_to(root).as_posix()
    if args.verify:
        problems = []
        if existing["source"]["sha256"] != sample.sha256:
            problems.append(f"客户清单的 SHA-256 不同（名单记录 {existing['source']['sha256'][:12]}…，此清单 {sample.sha256[:12]}…）：不是同一份清单。")
        if existing["customers"] != data["customers"]:
            problems.append("重抽的客户与名单不一致。")
        if problems:
            print("核对不通过：" + " ".join(problems))
            return 1
        print(f"核对通过：用种子 {seed} 重抽 {relative}，{len(sample.customers)} 户完全一致。")
        return 0
    if existing is not None:
        print(f"draw_sample.py：错误：{relative} 已存在：抽样名单一经抽出不得重抽覆盖；核对请加 --verify。", file=sys.stderr)
        return 2
    target.parent.mkdir(parents=True, exist_ok=True)
    header = "# 抽样回访名单（第五条）：由 scripts/draw_sample.py 生成，请勿手工修改。\n"
    target.write_text(header + dump_yaml(data), encoding="utf-8", newline="\n")
    for stratum in data["strata"]:
        print(f"{stratum['usage_type']}：{stratum['population']} 户，抽取 {stratum['drawn']} 户")
    print(f"已写入 {relative}（种子 {seed}，清单 SHA-256 {sample.sha256[:12]}…）。下一步：git add {relative} 并提交。")
    return 0
