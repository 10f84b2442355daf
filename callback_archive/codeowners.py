"""CODEOWNERS from ``records/units.yaml``: each unit's records are reviewed by its own team, on every Git host.

GitHub reads ``.github/CODEOWNERS``, GitLab ``.gitlab/CODEOWNERS`` (with a section a unit, each section approved on
its own) and Gitea/Forgejo ``.gitea/CODEOWNERS`` (Go regular expressions). The merge request templates of GitLab and
Gitea are copies of ``.github/pull_request_template.md``: the checklist is written once.

第十条: every branch, the service centre and every station keeps its own archive, so a pull
request that touches ``records/visits/tanggu/`` asks the 塘沽 team for review. The files that
decide for everyone (organisation, policy, calendar, disasters) are the 营销部's (第八、二十四条).

    python scripts/codeowners.py           # regenerate
    python scripts/codeowners.py --check   # exit 1 when the committed file is stale
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path

from .cli.guard import ChineseArgumentParser, UsageError, program, resolve_root
from .safefile import ensure_inside, write_atomic
from .schemas import load_schema
from .unitnames import UNITS_FILE
from .yamlread import YamlSyntaxError, parse_yaml

CODEOWNERS_FILE = ".github/CODEOWNERS"
GITLAB_CODEOWNERS_FILE = ".gitlab/CODEOWNERS"
GITEA_CODEOWNERS_FILE = ".gitea/CODEOWNERS"
TEMPLATE_FILE = ".github/pull_request_template.md"
TEMPLATE_COPIES = (".gitlab/merge_request_templates/Default.md", ".gitea/pull_request_template.md")
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
    # The schema's patterns keep a unit id or team from writing lines of its own into CODEOWNERS.
    if not isinstance(units, list) or load_schema("units").problems(data):
        raise UsageError(f"{UNITS_FILE} 缺失或有误：请先运行 python scripts/validate.py {UNITS_FILE} 查看问题。")
    return units


def team_of(unit: dict) -> str:
    return unit.get("team") or DEFAULT_TEAM.format(id=unit["id"])


def _render(units: list[dict], shared_heading: str, unit_heading: str, pattern: Callable[[str], str] = str) -> str:
    """The rules every host reads: the 营销部's shared files first, then each unit's own folders (later lines win
    on GitHub). ``unit_heading`` is formatted with the unit's name and id; ``pattern`` writes a path the host's way."""
    lines = [_HEADER]
    marketing = [team_of(u) for u in units if u.get("kind") == "marketing"]
    if marketing:
        lines.append(shared_heading)
        for path, why in MARKETING_FILES:  # GitHub reads no comment after the owners: each reason goes above
            lines += [f"# {why}", f"{pattern(path)}  {' '.join(marketing)}"]
        lines.append("")
    for unit in units:
        lines.append(unit_heading.format(name=unit.get("name", unit["id"]), id=unit["id"]))
        lines += [f"{pattern(p.format(id=unit['id']))}  {team_of(unit)}" for p in UNIT_PATTERNS]
        lines.append("")
    return "\n".join(lines)


def render_codeowners(units: list[dict]) -> str:
    """GitHub's CODEOWNERS."""
    return _render(units, "# 全公司共用的配置和名册由营销部审核。", "# {name}（{id}）")


def render_gitlab_codeowners(units: list[dict]) -> str:
    """GitLab's CODEOWNERS: the same rules, a section each (a file under several sections needs every section's
    approval; the patterns of different sections never overlap, so each file is one team's)."""
    return _render(units, "[全公司共用的配置和名册（营销部审核）]", "[{name}（{id}）]")


# What Gitea's CODEOWNERS needs escaped in a regular expression: a backslash doubled, as its documentation shows.
_GO_SPECIAL = re.compile(r"([.+*?()|\[\]{}^$\\])")


def gitea_pattern(pattern: str) -> str:
    """A CODEOWNERS path pattern (``/records/visits/tanggu/``, ``*`` within one folder) as the Go regular expression
    Gitea matches against the whole path."""
    parts = [_GO_SPECIAL.sub(r"\\\\\1", part).replace(" ", "\\ ").replace("#", "\\#")
             for part in pattern.lstrip("/").split("*")]
    return "[^/]*".join(parts) + (".*" if pattern.endswith("/") else "")


def render_gitea_codeowners(units: list[dict]) -> str:
    """Gitea's and Forgejo's CODEOWNERS: the same rules as regular expressions."""
    return _render(units, "# 全公司共用的配置和名册由营销部审核。", "# {name}（{id}）", gitea_pattern)


def render_template_copy(source: str) -> str:
    """A host's merge request template: the GitHub one, with a note where to change it."""
    return f"<!-- 由 python scripts/codeowners.py 从 {TEMPLATE_FILE} 复制生成：请改那个文件后重新运行该命令。 -->\n{source}"


def generated_files(root: Path) -> dict[str, str]:
    """Every file this command writes, by path, with the text it should have. The merge request templates are
    copied only from a template there is: a repository without one gets none."""
    units = load_units(root)
    renderers = {
        CODEOWNERS_FILE: render_codeowners,
        GITLAB_CODEOWNERS_FILE: render_gitlab_codeowners,
        GITEA_CODEOWNERS_FILE: render_gitea_codeowners,
    }
    files = {path: render(units) for path, render in renderers.items()}
    try:
        ensure_inside(root, root / TEMPLATE_FILE)
    except UsageError:
        raise UsageError(f"不读取合并请求模板 {TEMPLATE_FILE}：它（经符号链接）指向仓库以外。请改用普通文件夹和文件。") from None
    try:
        template = (root / TEMPLATE_FILE).read_text(encoding="utf-8")
    except FileNotFoundError:
        return files
    except UnicodeDecodeError:
        raise UsageError(f"无法读取合并请求模板 {TEMPLATE_FILE}：不是 UTF-8 编码，请用 UTF-8 保存。") from None
    except OSError as exc:
        raise UsageError(f"无法读取合并请求模板 {TEMPLATE_FILE}：{exc.strerror or exc}。") from None
    files.update({path: render_template_copy(template) for path in TEMPLATE_COPIES})
    return files


def build_parser() -> ChineseArgumentParser:
    parser = ChineseArgumentParser(
        prog="codeowners.py",
        description=f"根据 {UNITS_FILE} 生成 GitHub、GitLab、Gitea 的 CODEOWNERS（每个单位的记录由该单位的团队审核），"
        f"并把 {TEMPLATE_FILE} 复制为 GitLab 和 Gitea 的合并请求模板。"
        "退出码：0 已生成或未过期，1 --check 发现文件过期，2 用法、units.yaml 或模板有误。",
    )
    parser.add_argument("--check", action="store_true",
                        help=f"只检查这些文件是否与 {UNITS_FILE} 和 {TEMPLATE_FILE} 一致，不写文件")
    parser.add_argument("--root", type=Path, help="档案仓库根目录（默认：当前目录向上查找含 records/ 的目录）")
    return parser


def _write(root: Path, relpath: str, text: str) -> None:
    target = root / relpath
    ensure_inside(root, target)  # before the folder is made: a linked .gitlab must not be followed out
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"无法建立文件夹 {target.parent}：{exc.strerror}。") from None
    write_atomic(target, text, root=root)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        root = resolve_root(args.root)
        files = generated_files(root)
    except UsageError as exc:
        print(f"{program('codeowners.py')}：错误：{exc}", file=sys.stderr)
        return 2
    stale = []
    for relpath, text in files.items():
        target = root / relpath
        current = target.read_text(encoding="utf-8", errors="replace") if target.is_file() else None
        if current != text:
            stale.append((relpath, current is None))
    if args.check:
        if not stale:
            print(f"{'、'.join(files)} 与 {UNITS_FILE} 和 {TEMPLATE_FILE} 一致。")
            return 0
        for relpath, missing in stale:
            source = TEMPLATE_FILE if relpath in TEMPLATE_COPIES else UNITS_FILE
            what = "不存在" if missing else f"已过期，与 {source} 不一致"
            print(f"{relpath} {what}：请运行 python scripts/codeowners.py 重新生成，并与 {source} 一同提交。",
                  file=sys.stderr)
        return 1
    if not stale:
        print(f"{'、'.join(files)} 已是最新，无需改动。")
        return 0
    try:
        for relpath, _ in stale:
            _write(root, relpath, files[relpath])
    except UsageError as exc:
        print(f"{program('codeowners.py')}：错误：{exc}", file=sys.stderr)
        return 2
    print(f"已生成 {'、'.join(relpath for relpath, _ in stale)}：请与 {UNITS_FILE} 一同提交。")
    return 0
