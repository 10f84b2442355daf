"""``.github/CODEOWNERS`` from ``records/units.yaml``: each unit's records are reviewed by its own team.

第十条: every branch, the service centre and every station keeps its own archive, so a pull
request that touches ``records/visits/tanggu/`` asks the 塘沽 team for review. The files that
decide for everyone (organisation, policy, calendar, disasters) are the 营销部's (第八、二十四条).

    python scripts/codeowners.py           # regenerate
    python scripts/codeowners.py --check   # exit 1 when the committed file is stale
"""

from __future__ import annotations

import sys
from pathlib import Path

from .cli import ChineseArgumentParser, UsageError, resolve_root
from .safefile import ensure_inside, write_atomic
from .yamlread import YamlSyntaxError, parse_yaml

CODEOWNERS_FILE = ".github/CODEOWNERS"
UNITS_FILE = "records/units.yaml"
# A unit without ``team`` in units.yaml is reviewed by the team of this name (see schemas/units.schema.json).
DEFAULT_TEAM = "@binhai-power/{id}-callback"

# Per-unit folders and files; ``{id}`` is the unit. Submissions are the monthly reports (第十九、二十条).
UNIT_PATTERNS = ("/records/visits/{id}/", "/records/letters/{id}/", "/records/submissions/*/{id}.yaml")
# Files that set the rules for every unit, and the article that makes them the 营销部's.
MARKETING_FILES = (
    ("/records/units.yaml", "第八条：回访工作的职能管理由营销部负责"),
    ("/policy.yaml", "第二十四条：营销部为归口考核管理部门"),
    ("/records/calendar.yaml", "第二十四条：考核时限依据的工作日历"),
    ("/records/disasters.yaml", "第十五条：延长时限的自然灾害由营销部认定"),
    ("/records/orders/", "第八条：相关指标的统计汇总至营销部"),
    ("/records/key-customers.yaml", "第九条：人大政协代表、新闻媒体等重点客户由营销部负责"),
    ("/records/large-customers.yaml", "第九条：35KV 及以上大电力客户的走访、座谈由营销部负责"),
    ("/records/plans/", "第十七条：大电力客户走访、座谈的年度计划"),
    ("/records/rounds/", "第九条：连心卡由营销部牵头组织"),
    ("/records/samples/", "第九条：抽样（调查）回访由营销部牵头组织"),
    ("/records/decisions/", "第二十四条：视情节的考核决定由营销部作出"),
)

_HEADER = """\
# 由 python scripts/codeowners.py 根据 records/units.yaml 生成，请勿手工修改：
# 改动 units.yaml（单位或 team）后重新运行该命令并一同提交；--check 检查本文件是否过期（pre-commit 钩子和测试都会运行）。
# 每个单位的回访、复函文件夹和月报由该单位的团队审核（第十条：各单位负责建立管辖客户的回访档案）。
"""


def load_units(root: Path) -> list[dict]:
    """The units of ``records/units.yaml``; UsageError in Chinese when the file cannot give them."""
    try:
        data = parse_yaml((root / UNITS_FILE).read_text(encoding="utf-8-sig")).data
    except (OSError, UnicodeDecodeError, YamlSyntaxError):
        data = None
    units = data.get("units") if isinstance(data, dict) else None
    if not isinstance(units, list) or not all(isinstance(u, dict) and isinstance(u.get("id"), str) for u in units):
        raise UsageError(f"{UNITS_FILE} 缺失或有误：请先运行 python scripts/validate.py {UNITS_FILE} 查看问题。")
    return units


def team_of(unit: dict) -> str:
    return unit.get("team") or DEFAULT_TEAM.format(id=unit["id"])


def render_codeowners(units: list[dict]) -> str:
    """The CODEOWNERS text: later lines win on GitHub, so each unit's lines follow the shared ones."""
    lines = [_HEADER]
    marketing = [team_of(u) for u in units if u.get("kind") == "marketing"]
    if marketing:
        lines.append("# 全公司共用的配置和名册由营销部审核。")
        for path, why in MARKETING_FILES:  # GitHub reads no comment after the owners: each reason goes above
            lines += [f"# {why}", f"{path}  {' '.join(marketing)}"]
        lines.append("")
    for unit in units:
        lines.append(f"# {unit.get('name', unit['id'])}（{unit['id']}）")
        lines += [f"{pattern.format(id=unit['id'])}  {team_of(unit)}" for pattern in UNIT_PATTERNS]
        lines.append("")
    return "\n".join(lines)


def build_parser() -> ChineseArgumentParser:
    parser = ChineseArgumentParser(
        prog="codeowners.py",
        description=f"根据 {UNITS_FILE} 生成 {CODEOWNERS_FILE}（每个单位的记录由该单位的团队审核）。"
        "退出码：0 已生成或未过期，1 --check 发现文件过期，2 用法或 units.yaml 有误。",
    )
    parser.add_argument("--check", action="store_true", help=f"只检查 {CODEOWNERS_FILE} 是否与 {UNITS_FILE} 一致，不写文件")
    parser.add_argument("--root", type=Path, help="档案仓库根目录（默认：当前目录向上查找含 records/ 的目录）")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        root = resolve_root(args.root)
        text = render_codeowners(load_units(root))
    except UsageError as exc:
        print(f"codeowners.py：错误：{exc}", file=sys.stderr)
        return 2
    target = root / CODEOWNERS_FILE
    current = target.read_text(encoding="utf-8", errors="replace") if target.is_file() else None
    if args.check:
        if current == text:
            print(f"{CODEOWNERS_FILE} 与 {UNITS_FILE} 一致。")
            return 0
        what = "不存在" if current is None else "已过期，与 records/units.yaml 不一致"
        print(f"{CODEOWNERS_FILE} {what}：请运行 python scripts/codeowners.py 重新生成，并与 units.yaml 一同提交。",
              file=sys.stderr)
        return 1
    if current == text:
        print(f"{CODEOWNERS_FILE} 已是最新，无需改动。")
        return 0
    try:
        ensure_inside(root, target)  # before the folder is made: a linked .github must not be followed out
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UsageError(f"无法建立文件夹 {target.parent}：{exc.strerror}。") from None
        write_atomic(target, text, root=root)
    except UsageError as exc:
        print(f"codeowners.py：错误：{exc}", file=sys.stderr)
        return 2
    print(f"已生成 {CODEOWNERS_FILE}：请与 {UNITS_FILE} 一同提交。")
    return 0
