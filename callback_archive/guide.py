"""The staff guide's pages of finding codes, rendered from ``findings.CODES`` so that they cannot drift.

The site generates them (see ``site.generate.generated_pages``): ``codes.md`` lists every code and links to its own
page, ``codes/<code>.md``, which says what the code means, the article, how to fix it, and shows a wrong and a right
record taken from the tested example files (``EXAMPLES``). ``docs/guide.md`` links to the list; the validator's
GitHub, GitLab and JUnit reports link to a code's page when the site's address is known (``site_url``).
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass
from pathlib import Path

import yaml

from .fileread import MAX_FILE_BYTES, MAX_LIST_BYTES
from .articles import article_url
from .findings import CODES, SEVERITY_LABELS, Code

# The example files: each invalid one with the codes it must produce (cases.yaml), tested by
# tests/test_validate_examples.py and shown on the code pages, so every example on the site is a real, checked one.
EXAMPLES = Path(__file__).resolve().parent / "examples"

SITE_URL_VARIABLE = "CALLBACK_SITE_URL"
CODE_PAGES = "codes"  # the folder of the code pages, beside the list codes.md

SEVERITY_MEANINGS = {
    "error": "记录不符合格式或规定，必须改正后才能合并。",
    "warning": "记录照常归档（例如超时的回访），但要知悉并处理；考核见各条款。",
}

# What a clerk does about each finding. A code without an entry is told "follow the message".
FIXES: dict[str, str] = {
    "file-empty": "填写记录内容，或删除这个空文件。",
    "file-too-large": f"一个文件只记一次回访或一封复函（上限 {MAX_FILE_BYTES // 1024} KiB），抽样名单、名册等名单类文件上限 "
                      f"{MAX_LIST_BYTES // 1024 // 1024} MiB；附件、录音、扫描件不要放进档案。",
    "file-not-utf8": "用编辑器“另存为”UTF-8 编码（记事本、WPS 默认常是 GBK）。",
    "file-not-record": "records/ 下只放 .yaml 记录；扩展名写 .yaml，不写 .yml；表格、图片放到档案系统之外。",
    "file-unreadable": "检查文件权限，或从 Git 恢复该文件。",
    "symlink-not-allowed": "删除符号链接（git rm），把文件本身放进档案；链接不会被读取，也不会发布到网站。",
    "file-not-regular": "删除或移走这个管道、设备或文件夹链接：档案只收普通文件。",
    "file-bom-repeated": "用编辑器以“UTF-8（无 BOM）”另存；开头的一个 BOM 可以接受，多余的不会被自动删除。",
    "file-line-endings": "在编辑器中把换行改为 LF（或 CRLF）后保存；单独的 CR 不会被自动改写。",
    "yaml-syntax": "看提示的那一行和上一行：缩进只用空格、同一层对齐，冒号后有空格，值里有冒号或 `#` 时整个值加引号。",
    "yaml-duplicate-key": "同一字段只写一次：合并或删除重复的那一行。",
    "yaml-anchor": "不要用 `&` 和 `*`：把内容直接写出来。",
    "yaml-merge-key": "不要用 `<<`：把字段直接写出来。",
    "yaml-tag": "删除 `!` 开头的标签；文本需要时加引号。",
    "yaml-complex-key": "字段名写成简单的文字，如 `opinion:`。",
    "yaml-ambiguous-bool": "是/否写 `true` 或 `false`；表示文字时加引号，如 `\"no\"`。",
    "yaml-leading-zero": "户号、电话、编号一律加双引号，如 `\"0212345678\"`。",
    "yaml-sexagesimal": "给值加引号；时间写完整的日期和时间，如 `2026-11-26 10:00`。",
    "yaml-ambiguous-number": "数字写成 1000、0.5 这样的普通写法；户号、编号等文本加双引号。",
    "yaml-number-too-long": "户号、电话、编号加双引号；数值字段不需要超过 18 位的整数。",
    "yaml-not-finite": "填写实际的数值；不要写 .nan、.inf，没有数值时删除这个字段。",
    "yaml-too-deep": "检查多余的 `[`、`{` 或一层套一层的缩进：记录只有两三层。",
    "not-a-mapping": "文件内容应是一行一个“字段: 值”，不是列表或单个值。",
    "schema-required": "补上提示中的字段；“条件”必填的字段见提示里的规则。",
    "schema-unknown-key": "检查拼写（提示会给出最接近的字段名），或删除这个字段。",
    "schema-enum": "改成提示中列出的允许值之一（英文取值，括号里是中文含义）。",
    "schema-type": "按提示改成文字、数字、true/false 或列表。",
    "schema-number-as-text": "给值加双引号，如 `\"13800001234\"`。",
    "schema-format": "按提示中的示例格式改写。",
    "schema-invalid": "按提示中的规则改正。",
    "time-invalid": "核对年、月、日和时、分：这个日期或时间不存在。",
    "id-file-mismatch": "把文件重命名为“编号.yaml”，或改正 id。",
    "id-duplicate": "换一个未用过的编号（当天的下一个序号），文件名一起改；scripts/new_record.py 会自动编号。",
    "unit-unknown": "填写 records/units.yaml 中已有的单位编号；新单位先由营销部在 units.yaml 中登记。",
    "path-wrong-folder": "把文件移到提示的文件夹：单位 / 年 / 月，年月取触发业务的归档时间（复函取收函日期）。",
    "path-unexpected": "回访放在 records/visits/单位/年/月/，复函放在 records/letters/单位/年/月/。",
    "units-invalid": "由营销部改正 records/units.yaml（单位编号唯一，供电所写上级分公司）。",
    "policy-invalid": "由营销部改正 policy.yaml；改正前时限无法计算。",
    "calendar-invalid": "由营销部改正 records/calendar.yaml。",
    "disasters-invalid": "由营销部改正 records/disasters.yaml：每次灾害的结束时间晚于开始时间。",
    "calendar-year-missing": "由营销部在 records/calendar.yaml 中登记下一年的节假日安排；登记前时限按周一至周五暂定。",
    "attempt-trigger-mismatch": "同一工单的每次尝试，触发业务（类型、归档时间）和单位要一致：照第一次的写。",
    "visit-before-trigger": "核对回访时间和业务归档时间：回访应在归档之后。",
    "time-in-future": "核对时间：不能预先登记还没发生的回访或复函。",
    "letter-reply-before-receipt": "核对收函日期和复函日期。",
    "disaster-unknown": "核对灾害编号；未经营销部认定的不能写，删除后按 24 小时计算。",
    "disaster-not-applicable": "删除 trigger.disaster：只有认定范围和期间内的抢修回访才延长到 48 小时。",
    "callback-late": "记录照常归档；超时按第二十六条考核。以后请留意每天的待办清单。",
    "callback-overdue": "尽快回访并登记；联系不上的每次尝试也要登记（reached: false）。",
    "letter-late": "记录照常归档；超时按第二十六条考核。",
    "letter-overdue": "尽快复函并登记复函日期、内容和原件存放位置。",
    "orders-invalid": "由导入工单的人按提示改正工单文件的那一行。",
    "order-duplicate": "同一工单只导入一次：删除重复的行。",
    "order-missing-callback": "这张工单还没有回访记录：尽快回访并登记（第二十五条）。",
    "visit-order-unknown": "核对工单号；确是漏导的工单，请营销部补导工单文件。",
    "visit-order-mismatch": "按工单文件核对单位、户号、业务类型和归档时间。",
    "method-unexpected": "核对回访方式是否符合第六条；确有原因的可在 opinion 中说明。",
    "unit-unexpected": "核对责任单位是否符合第九条“谁受理谁负责”。",
    "key-customer-uncalled": "安排对该重点客户的回访。",
    "large-customer-unregistered": "由营销部把该客户补登到大电力客户名册。",
    "large-customer-unvisited": "按年度计划安排走访或座谈。",
    "large-customer-plan-overdue": "尽快完成计划中的走访或座谈并登记。",
    "plan-missing": "由营销部在年底前制定下一年度的走访座谈计划（第十七条）。",
    "plan-late": "下一年度的计划应在每年年底前制定。",
    "plan-incomplete": "把名册中遗漏的大电力客户补进年度计划。",
    "plan-unknown-customer": "计划中的客户先登记到大电力客户名册，或改正户号。",
    "plan-invalid": "按提示改正年度计划文件。",
    "card-round-unknown": "核对 round 填写的连心卡轮次编号。",
    "card-visit-outside-round": "核对回访时间是否在该轮连心卡的期间内。",
    "round-invalid": "核对轮次文件中的发放、回收数字。",
    "card-round-below-ratio": "按第十七条补足抽样量（非居民 10%、居民 1%）。",
    "card-returns-mismatch": "核对回收张数与登记的连心卡回访记录。",
    "card-round-too-long": "连心卡从组织到上报应在一个月内完成。",
    "card-rounds-too-few": "每年至少组织两次连心卡发放回收。",
    "sample-below-ratio": "抽样回访比例不低于 10%：补足抽样回访。",
    "submission-late": "按时上报：每月 5 日 16:00 前，节假日不顺延（第二十条）。",
    "submission-missing": "尽快上报上月统计（第二十七条）。",
    "submission-differs": "核对上报数字与档案记录，改正后重新上报。",
    "decision-unknown-case": "核对考核决定所指的案例。",
    "decision-out-of-range": "决定只能确定第二十五、二十六条主管领导的金额：0（写明理由）或规定区间内；责任部门金额和第二十七条金额不能改。",
    "decision-self-judged": "营销部自己是责任单位的案例，决定须经公司领导批准：填写 approved_by（姓名、职务）。",
    "callback-landed-late": "回访按时，但记录合并晚了，按第二十六条考核：回访后尽快提交并合并，档案建立也有时限。",
    "letter-landed-late": "复函按时，但记录合并晚了：复函后尽快提交并合并。",
    "archive-merge-due": "尽快发起并合并这条记录的合并请求。",
    "record-time-after-landing": "核对时间：回访（来函）时间不能晚于记录合并的时间。",
    "history-shallow": "CI 检出仓库时需要完整历史（fetch-depth: 0）；请联系仓库管理员。",
    "history-unavailable": "在 Git 仓库（克隆的档案）的根目录中运行校验，才能检查每条记录的档案建立时间；CI 总是这样运行。",
    "amendment-missing": "在 amendments 末尾追加一条更正（时间、更正人、原因、字段）；scripts/new_record.py amend 会自动追加。",
    "amendment-rewritten": "已有的更正不能改动或删除：恢复原样，新的更正追加在末尾。",
    "record-deleted": "恢复这个文件；登记错误的记录用 void 作废，不要删除。",
    "record-moved": "把文件移回原处；单位或月份填错的记录用 void 作废后另行登记。",
    "seal-broken": "由仓库管理员查明改写的原因，把 main 恢复为包含封存提交的历史；不要删除或移动封存标签。",
}

_INTRO = """\
# 校验信息一览

校验程序（本地的 `scripts/validate.py`、pre-commit 钩子和合并请求的 CI）发现的每个问题都是一行：

```
records/visits/tanggu/2026/11/HF-20261125-0001.yaml:8: 错误 [第十一条] HF-20261125-0001: 说明……（schema-required）
```

依次是文件和行号、级别、依据的条款、记录编号、中文说明和括号里的代码。合并请求中同样的说明标注在出问题的那一行上。

""" + "".join(f"- **{SEVERITY_LABELS[severity]}**：{meaning}\n" for severity, meaning in SEVERITY_MEANINGS.items()) + f"""
本页根据程序中的代码表自动生成，列出全部代码；点代码可以看它的说明页：含义、依据的条款、怎么改，以及错误和正确的记录示例。\
具体怎么改，以每条信息里的说明为准。

网站的地址已知时，合并请求中 GitHub 的标注、GitLab 的代码质量报告和 JUnit 报告在每条信息后附上该代码说明页的链接。\
地址取环境变量 `{SITE_URL_VARIABLE}`，没有设置时取档案仓库 `mkdocs.yml` 中的 `site_url`（如 `https://archive.example.cn/`）；\
两者都没有时不附链接。

| 代码 | 级别 | 条款 | 含义 | 怎么办 |
| --- | --- | --- | --- | --- |
"""

_NO_FIX = "按校验信息中的说明处理。"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def code_page(code: str) -> str:
    """The site-relative Markdown file of a code's page: ``codes/schema-required.md``."""
    return f"{CODE_PAGES}/{code}.md"


def code_page_url(site_url: str, code: str) -> str:
    """The published address of a code's page under the site's address (MkDocs' directory URLs)."""
    return f"{site_url.rstrip('/')}/{CODE_PAGES}/{code}/"


def site_url(root: Path) -> str | None:
    """The site's address: ``CALLBACK_SITE_URL``, else ``site_url`` in ``root``'s mkdocs.yml, else None.

    mkdocs.yml is read leniently (its ``!ENV`` and ``!!python`` tags count as unset): a broken file is
    MkDocs' to report when the site is built, never a reason for the validator to fail."""
    given = os.environ.get(SITE_URL_VARIABLE, "").strip()
    if given:
        return given
    try:
        config = yaml.load((root / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_LenientLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    value = config.get("site_url") if isinstance(config, dict) else None
    return value.strip() if isinstance(value, str) and value.strip() else None


class _LenientLoader(yaml.SafeLoader):
    """Any tag (``!ENV``, ``!!python/name:…``) reads as None."""


_LenientLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def render_codes_page() -> str:
    """校验信息一览: one row per finding code, in the catalogue's order, each linked to its page."""
    rows = []
    for code in CODES.values():
        article = f"[{code.article}]({article_url(code.article)})" if code.article else "—"
        fix = FIXES.get(code.code, _NO_FIX)
        rows.append(f"| [`{code.code}`]({code_page(code.code)}) | {SEVERITY_LABELS[code.severity]} | {article} | "
                    f"{_cell(code.title)} | {_cell(fix)} |")
    return _INTRO + "\n".join(rows) + "\n"


@dataclass(frozen=True)
class Example:
    """An example file as the code pages show it: where it is placed, its bytes, the findings it must produce
    (code, line) and, for a wrong one, the right record that corrects it. ``warning``: archived all the same."""

    name: str
    path: str
    content: bytes
    expect: tuple[tuple[str, int | None], ...] = ()
    right: "Example | None" = None
    warning: bool = False


def examples_by_code(folder: Path = EXAMPLES) -> dict[str, list[Example]]:
    """Each code → the examples that produce it (the invalid ones, then those with warnings), in cases.yaml's order."""
    cases = yaml.safe_load((folder / "cases.yaml").read_text(encoding="utf-8"))
    valid = {case["file"]: Example(case["file"], case["path"], (folder / "valid" / case["file"]).read_bytes())
             for case in cases["valid"]}
    by_code: dict[str, list[Example]] = {}
    for group in ("invalid", "warning"):
        for case in cases[group]:
            example = Example(case["file"], case["path"], (folder / group / case["file"]).read_bytes(),
                              tuple((e["code"], e["line"]) for e in case["expect"]), valid.get(case.get("right")),
                              group == "warning")
            for code in dict.fromkeys(code for code, _ in example.expect):
                by_code.setdefault(code, []).append(example)
    return by_code


def _record(example: Example) -> str:
    """The file's place and its text in a code block; an empty or non-UTF-8 file said as such."""
    place = f"文件 `{example.path}`"
    if not example.content.strip():
        return f"{place}：空文件，{'只有空白' if example.content else '没有任何内容'}。\n"
    try:
        text, note = example.content.decode("utf-8"), ""
    except UnicodeDecodeError:
        text, note = example.content.decode("utf-8", "replace"), "（不是 UTF-8 编码：按 UTF-8 读出的样子，读不出的字显示为 �）"
    boms = len(text) - len(text.lstrip("\ufeff"))
    if boms > 1:
        text, note = text.lstrip("\ufeff"), note + f"（开头有 {boms} 个看不见的 BOM 标记）"
    if "\r" in text.replace("\r\n", ""):
        text, note = text.replace("\r\n", "\n").replace("\r", "\n"), note + "（用单独的 CR 换行，这里按行显示）"
    language = "yaml" if example.path.endswith((".yaml", ".yml")) else "text"
    return f"{place}{note}：\n\n```{language}\n{text.rstrip()}\n```\n"


def _spans(numbers: list[tuple[int, int]]) -> str:
    return "、".join(f"{a}" if a == b else f"{a}–{b}" for a, b in numbers)


_EDITS = {"replace": "改写第 {} 行", "insert": "补上第 {} 行", "delete": "删去原来的第 {} 行"}


def _changes(wrong: Example, right: Example) -> str:
    """What the correction changed: the file's place, its encoding or line breaks, the lines rewritten, added or removed
    (numbered as in the right record, removed ones as in the wrong)."""
    said = [f"文件移到 `{right.path}`"] if wrong.path != right.path else []
    try:
        text = wrong.content.decode("utf-8")
    except UnicodeDecodeError:
        said.append("内容用 UTF-8 编码另存")
    else:
        if "\r" in text.replace("\r\n", ""):
            said.append("换行改为 LF")
        if text.startswith("\ufeff\ufeff"):
            said.append("删去开头多余的 BOM 标记")
        matcher = difflib.SequenceMatcher(None, text.lstrip("\ufeff").splitlines(),
                                          right.content.decode("utf-8-sig").splitlines(), autojunk=False)
        for kind, edit in _EDITS.items():
            spans = [(i1 + 1, i2) if kind == "delete" else (j1 + 1, j2)
                     for op, i1, i2, j1, j2 in matcher.get_opcodes() if op == kind]
            if spans:
                said.append(edit.format(_spans(spans)))
    return "与错误的记录相比：" + "，".join(said or ["内容相同"]) + "。"


def _findings(example: Example, page_code: str) -> str:
    """``校验程序报告：第 17 行 `schema-unknown-key`；第 1 行 `schema-required`。``, the other codes linked to their pages."""
    said = []
    for code, line in example.expect:
        name = f"`{code}`" if code == page_code else f"[`{code}`]({code}.md)"
        said.append(f"{f'第 {line} 行' if line else '整个文件'} {name}")
    return "校验程序报告：" + "；".join(said) + "。\n"


def _examples_section(code: str, examples: list[Example]) -> str:
    if not examples:
        return ("## 示例\n\n这个代码还没有示例文件。说明页只展示校验程序测试过的真实示例（`callback_archive/examples/`），"
                "不另行编写；请按上面“怎么改”和校验信息里的说明处理。\n")
    parts = ["## 示例\n\n以下示例取自校验程序的测试文件（`callback_archive/examples/`），每个都经测试确认会报告这个代码。\n"]
    for example in examples:
        parts.append(f"### {'有警告的记录' if example.warning else '错误的记录'}：{example.name}\n\n"
                     f"{_record(example)}\n{_findings(example, code)}")
        if example.warning:
            parts.append("这是警告：记录照常归档，不需要改正；按上面“怎么改”处理。\n")
        elif example.right is None:
            parts.append("改正：这个文件不应放在 `records/` 中，删除或移到档案之外。\n")
        else:
            parts.append(f"#### 改正后\n\n{_changes(example, example.right)}\n\n{_record(example.right)}")
    return "\n".join(parts)


# Ninety short pages that share their wording would otherwise crowd the archive's own pages out of a search for
# common words (“不满意” matches every “不”); a search for a code still finds its page, whose title names it.
_CODE_PAGE_META = "---\nsearch:\n  boost: 0.1\n---\n\n"


def render_code_page(code: Code, examples: list[Example]) -> str:
    """One code's page: what it means, its article and severity, how to fix it, and its examples."""
    article = f"[{code.article}]({article_url(code.article, '../rules.md')})" if code.article else "—"
    return (f"{_CODE_PAGE_META}# {code.code}：{code.title}\n\n"
            f"- **含义**：{code.title}（代码 `{code.code}`）。\n"
            f"- **级别**：{SEVERITY_LABELS[code.severity]}，{SEVERITY_MEANINGS[code.severity]}\n"
            f"- **依据**：细则{article}\n\n"
            f"## 怎么改\n\n{FIXES.get(code.code, _NO_FIX)}\n\n"
            f"{_examples_section(code.code, examples)}\n"
            f"[返回校验信息一览](../codes.md)\n")


def render_code_pages() -> dict[str, str]:
    """The list (``codes.md``) and every code's page (``codes/<code>.md``), site-relative path → Markdown."""
    examples = examples_by_code()
    pages = {"codes.md": render_codes_page()}
    pages.update({code_page(code.code): render_code_page(code, examples.get(code.code, [])) for code in CODES.values()})
    return pages
