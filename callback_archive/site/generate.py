"""Pages of the archive site that are generated from the repository and never committed.

The MkDocs plugin only wires ``generated_files`` (``generated_pages`` once the workbooks are
made) into the build; ``write_pages`` and the command line write the same pages and files
(the clerks' form /admin/ included) into a folder, so another site generator can use them
with nothing but a configuration change.

    python -m callback_archive.site.generate --out DIR [--as-of 2026-11-26T09:00] [--cms 设置文件]
"""

from __future__ import annotations

import json
import os
import sys
from concurrent.futures import Future
from datetime import date, datetime
from pathlib import Path
from typing import Any

from callback_archive.cli.guard import ChineseArgumentParser, UsageError, run_command
from callback_archive.fileread import read_program_file
from callback_archive.findings import CODES
from callback_archive.guide import render_code_pages
from callback_archive.safefile import WriteError, write_atomic
from callback_archive.schema_docs import render_schema_markdown
from callback_archive.site import site_files
from callback_archive.site.admin import admin_files, check_backend
from callback_archive.timeutil import BEIJING, parse_time
from callback_archive.yamlread import YamlSyntaxError, parse_yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
AS_OF_VARIABLE = "CALLBACK_AS_OF"

# Record kinds in the order the field reference shows them; any other schema follows alphabetically.
KIND_NAMES = {"visit": "回访记录", "letter": "复函记录", "units": "组织机构"}

_SCHEMA_SUFFIX = ".schema.json"

_FIELDS_INTRO = """\
# 记录格式说明

每一次回访、每一封复函都是仓库中的一个 YAML 文件。本页在构建网站时根据 `schemas/` 文件夹中的 JSON Schema 自动生成，列出每类文件可以填写的字段、哪些必须填写以及允许的取值。校验程序依据的也是这些 Schema。

- 字段名中的 `.` 表示下一级字段，如 `customer.account` 是 `customer` 下的 `account`；`[]` 表示列表中的每一项；`<…>` 表示由填写人自定的键。
- “必填”一栏为“条件”的字段是否必须填写，见该节末尾的“条件规则”。
"""


def schema_files(root: Path) -> list[Path]:
    """The schema files under ``<root>/schemas``: known kinds first, then the rest alphabetically."""
    order = list(KIND_NAMES)

    def position(path: Path) -> tuple[int, str]:
        kind = _kind(path)
        return (order.index(kind) if kind in order else len(order), kind)

    return sorted((root / "schemas").glob("*" + _SCHEMA_SUFFIX), key=position)


def _kind(path: Path) -> str:
    return path.name.removesuffix(_SCHEMA_SUFFIX)


def _load_schema(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ValueError(f"{path} 不是有效的 JSON：第 {error.lineno} 行第 {error.colno} 列，{error.msg}") from None


def render_fields_page(root: Path) -> str:
    """记录格式说明: one section per schema file."""
    sections = [_FIELDS_INTRO]
    for path in schema_files(root):
        kind = _kind(path)
        schema = {"title": KIND_NAMES.get(kind, kind), **_load_schema(path)}
        section = render_schema_markdown(schema, heading_level=2, anchor=kind)
        sections.append(f"{section}\n定义文件：`schemas/{path.name}`\n")
    if len(sections) == 1:
        sections.append("`schemas/` 文件夹中还没有记录格式定义。\n")
    return "\n".join(sections)


def site_as_of(value: str | date | None = None) -> datetime:
    """The site's "now": ``value``, else the ``CALLBACK_AS_OF`` environment variable, else the clock.

    mkdocs.yml's ``!ENV`` reads the variable as YAML, so ``2026-12-10T09:00:00+08:00`` arrives as a
    datetime and ``2026-12-10`` as a date: they are read as their text would be (without a zone: Beijing)."""
    if value is not None and not isinstance(value, str):
        value = value.isoformat() if isinstance(value, date) else str(value)
    text = value or os.environ.get(AS_OF_VARIABLE)
    if not text:
        return datetime.now(BEIJING)
    try:
        return parse_time(text)
    except ValueError as error:
        raise ValueError(f"{AS_OF_VARIABLE} 或 as_of 的值无效：{error}。") from None


def generated_pages(root: Path, as_of: datetime | None = None,
                    cms: dict[str, Any] | None = None) -> dict[str, str | bytes]:
    """Site-relative path → Markdown (or the bytes of a file) for everything generated from ``root``.
    ``cms``: the Git host of the clerks' form (/admin/), see ``site.admin.cms_config``."""
    pages, later = generated_files(root, as_of, cms)
    return {**pages, **{path: future.result() for path, future in later.items()}}


def generated_files(root: Path, as_of: datetime | None = None,
                    cms: dict[str, Any] | None = None) -> tuple[dict[str, str | bytes], dict[str, Future]]:
    """``generated_pages`` in two parts: what is ready, and files (the workbooks) a worker process is still making."""
    pages: dict[str, str | bytes] = {"fields.md": render_fields_page(root), **render_code_pages(),
                                     **admin_files(root, cms)}
    ready, later = site_files(root, as_of or site_as_of())  # last: it starts the worker making the workbooks
    pages.update(ready)
    return pages, later


def read_cms(path: Path) -> dict[str, Any] | None:
    """The Git host of the clerks' form from a YAML file (the keys of the plugin's option ``cms``).
    UsageError for a file that cannot be read (a link, a folder, too large), ValueError for its content."""
    raw = read_program_file(path)
    try:
        parsed = parse_yaml(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ValueError(f"{path} 不是 UTF-8 编码的文本：请用 UTF-8 保存。") from None
    except YamlSyntaxError as error:
        raise ValueError(f"{path} 第 {error.line} 行不是有效的 YAML：{error.problem}") from None
    for problem in parsed.problems:  # a duplicate key, an alias…: what the file says would be ambiguous
        raise ValueError(f"{path} 第 {problem.line} 行：{CODES[problem.code].title}（{problem.path}）")
    return check_backend(parsed.data)


def write_pages(root: Path, out_dir: Path, as_of: datetime | None = None,
                cms: dict[str, Any] | None = None) -> list[Path]:
    """Write the generated pages and files under ``out_dir`` and return the files written.

    Each file is written whole or not at all (``safefile.write_atomic``; WriteError naming the file).
    """
    written = []
    for src_uri, content in generated_pages(root, as_of, cms).items():
        target = out_dir / src_uri
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise WriteError(f"无法建立文件夹 {target.parent}：{exc.strerror}。") from None
        write_atomic(target, content)
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = ChineseArgumentParser(
        prog="python -m callback_archive.site.generate",
        description="把根据仓库生成的网站页面（Markdown）和文件（月报工作簿、登记表单 /admin/）写入指定文件夹。",
    )
    parser.add_argument("--out", type=Path, required=True, metavar="文件夹", help="输出文件夹，如 build/generated")
    parser.add_argument("--root", type=Path, default=REPO_ROOT, metavar="文件夹", help="档案仓库根目录（默认：本程序所在仓库）")
    parser.add_argument("--as-of", metavar="时间",
                        help=f"统计截至的时间，如 2026-11-26T09:00（默认：环境变量 {AS_OF_VARIABLE}，否则当前时钟）")
    parser.add_argument("--cms", type=Path, metavar="设置文件",
                        help="登记表单 /admin/ 连接的 Git 网站：YAML 文件，内容同 mkdocs.yml 中插件的 cms:"
                             "（见 docs/clerk-form.md；默认：只能用本机模式）")
    args = parser.parse_args(argv)
    try:
        as_of = site_as_of(args.as_of)
        cms = read_cms(args.cms) if args.cms else None
    except (ValueError, UsageError) as error:
        parser.error(str(error))
    try:
        written = write_pages(args.root, args.out, as_of, cms)
    except (WriteError, UsageError, ValueError) as error:  # ValueError: a schema of the archive is not JSON
        print(f"生成网站页面：错误：{error}", file=sys.stderr)
        return 2
    print(f"已生成 {len(written)} 个文件，写入 {args.out}")
    return 0


if __name__ == "__main__":
    run_command(main)
