"""``scripts/new_record.py``: add a visit or a letter in one command, or amend a landed record.

Exit status: 0 written and valid (warnings allowed), 1 written but the validator found errors
in it, 2 nothing written (bad usage, a bad value, or cancelled).
"""

from __future__ import annotations

import re
import sys
from datetime import datetime
from pathlib import Path
from typing import Any, Callable

from . import validate as validate_cli
from .. import kinds
from ..engine.loader import MAX_FILE_BYTES, decode
from ..archive import open_archive
from .guard import (
    ChineseArgumentParser, UsageError, add_root_and_as_of, parse_month, program, resolve_as_of, resolve_root,
)
from ..submissions import write_submission
from ..new_record import (
    KINDS,
    Answers,
    Context,
    Field,
    InputError,
    Problem,
    allocate_id,
    allowed_values,
    append_amendment,
    ask_when,
    build_record,
    default_for,
    describe,
    find_order,
    flatten,
    get_path,
    is_required,
    load_context,
    new_problems,
    parse_answer,
    present,
    problems,
    prompt_description,
    readable,
    record_fields,
    record_relpath,
    render_record,
    same_at_precision,
    set_field,
    subschema,
    value_choices,
)
from ..safefile import WriteError, ensure_inside, locked, write_atomic
from ..timeutil import format_time, parse_date
from ..yamlread import YamlSyntaxError, parse_yaml

PROG = "new_record.py"


class Cancelled(Exception):
    """The person stopped the prompts (end of input or 否 at the confirmation)."""


# --------------------------------------------------------------------------- the parser


def _help(field: Field) -> str:
    parts = [field.title, field.description]
    if field.enum:
        parts.append("可选：" + describe(value_choices(field) or []) + ("，多个用逗号分隔" if field.type == "array" else ""))
    if field.type == "boolean":
        parts.append("填 是 或 否（true/false）")
    return "。".join(p.rstrip("。") for p in parts if p).replace("%", "%%")


def build_parser() -> ChineseArgumentParser:
    parser = ChineseArgumentParser(
        prog=PROG,
        allow_abbrev=False,
        description="登记一条回访或复函记录，或更正已入库的记录：自动编号、放到正确的文件夹、写出带中文注释的文件并立即校验。"
        "退出码：0 已写入且无错误，1 已写入但有错误需修改，2 未写入（用法或取值有误、已取消）。",
    )
    commands = parser.add_subparsers(dest="command", metavar="命令", required=True)
    for kind, spec in KINDS.items():
        sub = commands.add_parser(
            kind,
            allow_abbrev=False,
            help=f"登记一条{spec.label}记录",
            description=f"登记一条{spec.label}记录。所有字段都可以用选项给出；缺少的字段在终端中逐项提问"
            "（加 -i 则选项没有给出的每一项都问）。选项给出的值不再提问；写入前列出全部内容，可按编号改正任一项。",
        )
        sub.add_argument("-i", "--interactive", action="store_true", help="逐项提问选项没有给出的每一项，写入前可按编号改正")
        for field in record_fields(kind):
            sub.add_argument(field.flag, dest=field.path, metavar="值", help=_help(field))
        add_root_and_as_of(sub)
    amend = commands.add_parser(
        "amend",
        allow_abbrev=False,
        help="更正一条已入库的记录，并追加更正记录（amendments）",
        description="更正一条已入库的回访或复函记录：只改动 --set 给出的字段所在的行，其余内容一字不动，"
        "并在文件末尾的 amendments 中追加一条更正记录（时间、更正人、原因、字段）。",
    )
    amend.add_argument("file", metavar="文件", help="记录文件的路径，或记录编号（如 HF-20261125-0001）")
    amend.add_argument("--set", action="append", default=[], metavar="字段=值",
                       help="要改的字段和新值，如 customer.phone=13800001234 或 satisfaction=basic；可写多次")
    amend.add_argument("--by", metavar="姓名", help="更正人")
    amend.add_argument("--reason", metavar="原因", help="更正原因，如 户号录错")
    amend.add_argument("-i", "--interactive", action="store_true", help="逐项询问更正人和原因")
    add_root_and_as_of(amend)
    void = commands.add_parser(
        "void",
        allow_abbrev=False,
        help="作废一条登记错误的记录（不删除、不移动）",
        description="作废一条登记错误的回访或复函记录：在文件中添加 void（时间、作废人、原因），其余内容一字不动。"
        "作废的记录保留在档案中，不计入时限和统计；需要时再用 visit 或 letter 在正确的位置登记一条新记录。",
    )
    void.add_argument("file", metavar="文件", help="记录文件的路径，或记录编号（如 HF-20261125-0001）")
    void.add_argument("--by", metavar="姓名", help="作废人")
    void.add_argument("--reason", metavar="原因", help="作废原因，如 单位填错，已在 tanggu 重新登记")
    void.add_argument("-i", "--interactive", action="store_true", help="逐项询问作废人和原因")
    add_root_and_as_of(void)
    submission = commands.add_parser(
        "submission",
        allow_abbrev=False,
        help="生成本单位的月度统计上报（第十九、二十条）",
        description="生成 records/submissions/<年-月>/<单位>.yaml：上报数字取自档案，上报时间为当前时间（--as-of 可指定）。"
        "每月 5 日 16:00 前上报上月统计，节假日不顺延；营销部的上报是全公司汇总。",
    )
    submission.add_argument("--unit", required=True, metavar="单位", help="上报单位编号，如 tanggu")
    submission.add_argument("--month", required=True, metavar="年-月", help="统计月份，如 2026-10")
    submission.add_argument("--by", metavar="姓名", help="上报人（默认：units.yaml 中的统计上报责任人）")
    add_root_and_as_of(submission)
    return parser


# --------------------------------------------------------------------------- prompting


def _concerns_path(field_path: str, path: str) -> bool:
    """Whether a problem at ``path`` (``trigger``, ``topics.1``) concerns the field at ``field_path``."""
    return bool(path) and (field_path == path or field_path.startswith(path + ".") or path.startswith(field_path + "."))


def _concerns(field: Field, path: str) -> bool:
    return _concerns_path(field.path, path)


def _read(prompt: str) -> str:
    """One line typed after ``prompt``; the end of input cancels."""
    try:
        return input(prompt)
    except EOFError:
        raise Cancelled from None


class Prompter:
    """Asks for the fields of one record in Chinese, re-asking until each answer fits."""

    def __init__(self, kind: str, context: Context, seeds: Answers):
        self.kind = kind
        self.context = context
        self.seeds = seeds
        self.fields = record_fields(kind)
        self.answers: Answers = dict(seeds)  # values given as options are never asked again
        self.looked_up: Answers = {}
        self.previous: Answers = {}  # the value a field had before the person chose to change it
        self.opened: set[str] = set()  # optional objects whose first field has been asked

    def say(self, text: str = "") -> None:
        print(text)

    def read(self, prompt: str) -> str:
        return _read(prompt)

    def run(self) -> Answers:
        self.say(f"登记{KINDS[self.kind].label}记录：逐项填写，方括号里是默认值，直接回车即采用。按 Ctrl+C 放弃。")
        order = self.seeds.get("trigger.order")
        if isinstance(order, str):
            self.look_up(order)
        for field in self.fields:
            if field.path in self.seeds:
                continue
            required = self.applies(field)
            if required is not None:
                self.ask(field, required)
        return self.settle()

    def settle(self) -> Answers:
        """Re-ask the fields that stop the record from being written until none does."""
        for _ in range(2 * len(self.fields)):
            pending = problems(self.kind, self.answers, self.context)
            if not pending:
                return self.answers
            self.fix(pending[0])
        raise InputError("多次修改后仍有问题：请检查填写的内容。")

    def applies(self, field: Field) -> bool | None:
        """None if the field is not asked now; otherwise whether it must be answered."""
        parent = field.path.rpartition(".")[0]
        if parent and not present(self.answers, parent) and not is_required(self.kind, self.answers, parent):
            if parent in self.opened:
                return None  # its first field was left empty: the whole object is left out
            self.opened.add(parent)
            return False
        if is_required(self.kind, self.answers, field.path):
            return True
        if not ask_when(self.kind, field.path, self.answers):
            return None
        if allowed_values(self.kind, field, self.answers, self.context) == []:
            return None  # no value fits this record (e.g. no declared disaster)
        return False

    def fix(self, problem: Problem) -> None:
        field = next((f for f in self.fields if _concerns(f, problem.path)), None)
        if field is None and not problem.path:
            dropped = self._settled_by_dropping(problem)
            if dropped is not None:  # e.g. a satisfaction left over after 是否联系上 was changed to 否
                self.say(f"！{problem.message}（已去掉“{dropped.title or dropped.path}”。）")
                self.answers.pop(dropped.path)
                return
        if field is None:
            raise InputError(problem.message)
        self.say(f"！{problem.message}")
        self.answers.pop(field.path, None)
        self.ask(field, True)

    def _settled_by_dropping(self, problem: Problem) -> Field | None:
        """The optional answer, latest first, whose removal alone makes a record-level problem go away."""
        for field in reversed(self.fields):
            if field.path not in self.answers:
                continue
            rest = {p: v for p, v in self.answers.items() if p != field.path}
            if not is_required(self.kind, rest, field.path) and problem not in problems(self.kind, rest, self.context):
                return field
        return None

    def default(self, field: Field) -> Any:
        for source in (self.previous, self.seeds, self.looked_up):
            if field.path in source:
                return source[field.path]
        return default_for(self.kind, field.path, self.answers, self.context)

    def ask(self, field: Field, required: bool) -> None:
        choices = allowed_values(self.kind, field, self.answers, self.context)
        default = self.default(field)
        if default is None and required and choices and len(choices) == 1:
            default = choices[0][0]  # the only value the record can take here
        self.say()
        parent_path = field.path.rpartition(".")[0]
        if parent_path and not present(self.answers, parent_path) and not required:
            parent = subschema(self.kind, parent_path)  # an optional group: say what it is for
            self.say(f"〔{parent.get('title', parent_path)}〕{parent.get('description', '')}（不适用的直接回车跳过整组）")
        self.say(f"【{field.title or field.path}】{prompt_description(field)}".rstrip())
        for number, (value, name) in enumerate(choices or [], 1):
            self.say(f"  {number}. {value}  {name}".rstrip())
        self.say(f"  （{self._how(field, choices, required, default)}）")
        while True:
            text = self.read(f"{field.title or field.path}{self._default_text(field, default)}：").strip()
            if not text or (text == "-" and not required):
                if text == "-" or default is None:
                    if required:
                        self.say("！这一项必须填写。")
                        continue
                    return
                value = default
            else:
                try:
                    value = parse_answer(self.kind, field, text, choices)
                except InputError as exc:
                    self.say(f"！{exc}")
                    continue
                offered = [v for v, _ in choices or []]
                if offered and field.type != "array" and value not in offered:
                    self.say(f"！“{text}”不是可选的值：请填编号 1–{len(offered)}、取值或中文名称：{describe(choices)}。")
                    continue
                value = _as_ordered(field.path, text, value, self.looked_up)
            found = new_problems(self.kind, self.answers, field.path, value, self.context)
            if field.path in self.previous:  # a correction: answers it rules out are removed afterwards (settle)
                found = [p for p in found if p.path]
            if found:
                for problem in found:
                    self.say(f"！{problem.message}")
                continue
            self.answers[field.path] = value
            if field.path == "trigger.order":
                self.look_up(value)
            return

    def _how(self, field: Field, choices: list[tuple[str, str]] | None, required: bool, default: Any) -> str:
        if field.type == "boolean":
            how = "填 是 或 否"
        elif field.type == "array":
            how = "可多选：填编号或取值，用逗号分隔，如 1,3"
        elif choices:
            how = "填编号、取值或中文名称"
        elif field.path in ("visited_at", "trigger.archived_at"):
            how = "写到分钟，如 2026-11-26 10:00"
        else:
            examples = field.schema.get("examples")
            how = f"如 {examples[0]}" if examples else "填写文字"
        if not required:
            how += "；可不填，直接回车跳过" if default is None else "；输入 - 表示不填"
        return how

    def _default_text(self, field: Field, default: Any) -> str:
        if default is None:
            return ""
        if isinstance(default, bool):
            return f" [默认：{'是' if default else '否'}]"
        if isinstance(default, list):
            return f" [默认：{'、'.join(default)}]"
        name = self._name_of(field, default)
        return f" [默认：{default}{' ' + name if name else ''}]"

    def _name_of(self, field: Field, value: Any) -> str:
        """The Chinese name of a value: the schema's, or the unit's or disaster's on file."""
        return field.name_of(value) or dict(value_choices(field, self.context) or []).get(value, "")

    def summary(self) -> list[Field]:
        """Print the answers as a numbered table; the fields in the order of their numbers."""
        shown = [f for f in self.fields if f.path in self.answers]
        width = max(len(f.title or f.path) for f in shown)
        self.say()
        for number, field in enumerate(shown, 1):
            title = field.title or field.path
            self.say(f"  {number:>2}. {title}{'　' * (width - len(title))}  {self._shown(field, self.answers[field.path])}")
        return shown

    def _shown(self, field: Field, value: Any) -> str:
        if isinstance(value, bool):
            return "是" if value else "否"
        if isinstance(value, list):
            return "、".join(f"{v}（{field.name_of(v)}）" if field.name_of(v) else str(v) for v in value)
        name = self._name_of(field, value)
        return f"{value}（{name}）" if name else str(value)

    def confirm(self, shown: list[Field]) -> Field | bool:
        """True to write, False to cancel, or the field the person wants to change."""
        while True:
            text = self.read(f"写入？[Y/n/改第几项 1–{len(shown)}]：").strip().lower()
            if text in ("", "y", "yes", "是"):
                return True
            if text in ("n", "no", "否"):
                return False
            if text.isdigit() and 1 <= int(text) <= len(shown):
                return shown[int(text) - 1]
            self.say(f"！请直接回车（或 Y）写入，填 n 放弃，或填 1–{len(shown)} 中的编号改正那一项。")

    def change(self, field: Field) -> Answers:
        """Ask ``field`` again (its value so far is the default), then settle what that change unsettled."""
        self.previous = {field.path: self.answers.pop(field.path)}
        try:
            self.ask(field, is_required(self.kind, self.answers, field.path))  # an optional one may be emptied with -
        finally:
            self.previous = {}
        return self.settle()

    def look_up(self, order: str) -> None:
        found = find_order(self.context.root, order)
        if found is None:
            self.say("  （没有在工单文件和已有回访中找到这个工单：触发业务请逐项填写。）")
            return
        self.looked_up, source = found
        self.say(f"  （已从{source} 读取触发业务、单位和客户信息，作为下面各项的默认值。）")


# --------------------------------------------------------------------------- making a record


def _as_ordered(path: str, text: str, value: Any, ordered: Answers) -> Any:
    """A typed archive time that agrees with the work order's as far as it goes is the order's (seconds kept)."""
    known = ordered.get(path)
    if path == "trigger.archived_at" and isinstance(known, str) and same_at_precision(text, known):
        return known
    return value


def _given(kind: str, args: Any, context: Context) -> tuple[Answers, list[str]]:
    """The values of the flags, and a Chinese error for each that cannot be a value of its field."""
    given: Answers = {}
    errors = []
    for field in record_fields(kind):
        raw = getattr(args, field.path)
        if raw is None:
            continue
        try:
            given[field.path] = parse_answer(kind, field, raw, value_choices(field, context))
        except InputError as exc:
            errors.append(f"{field.flag}：{exc}")
    order = given.get("trigger.order")
    found = find_order(context.root, order) if isinstance(order, str) and "trigger.archived_at" in given else None
    if found is not None:
        raw = getattr(args, "trigger.archived_at")
        given["trigger.archived_at"] = _as_ordered("trigger.archived_at", raw, given["trigger.archived_at"], found[0])
    return given, errors


def _from_flags(kind: str, given: Answers, context: Context) -> tuple[Answers, list[str]]:
    """Flags, then what the work order tells, then the usual defaults; errors name the flags."""
    answers = dict(given)
    notes = []
    order = answers.get("trigger.order")
    if isinstance(order, str):
        found = find_order(context.root, order)
        if found is not None:
            looked_up, source = found
            for path, value in looked_up.items():
                answers.setdefault(path, value)
            notes.append(f"已从{source} 读取工单 {order} 的触发业务、单位和客户信息。")
    for field in record_fields(kind):
        if field.path not in answers:
            value = default_for(kind, field.path, answers, context)
            if value is not None and (is_required(kind, answers, field.path) or ask_when(kind, field.path, answers)):
                answers[field.path] = value
    return answers, notes


def _flag_message(kind: str, problem: Problem) -> str:
    """A problem told with the flag that fixes it; a missing object names the flags of its required fields."""
    fields = [f for f in record_fields(kind) if _concerns(f, problem.path)]
    if not fields or not problem.path:
        return problem.message
    if not problem.required:
        return f"{fields[0].flag}：{problem.message}"
    needed = [f.flag for f in fields if f.path == problem.path or is_required(kind, {}, f.path)] or [fields[0].flag]
    return f"缺少 {'、'.join(needed)}：{problem.message}"


def _names(context: Context) -> dict[str, dict[str, str]]:
    return {"unit": context.units, "trigger.disaster": context.disasters}


def _now(args: Any) -> datetime:
    """The command's moment, in whole seconds: the precision records and ``--as-of`` are written in."""
    return resolve_as_of(args.as_of).replace(microsecond=0)


def make_record(kind: str, args: Any) -> int:
    root = resolve_root(args.root)
    as_of = _now(args)
    context = load_context(root, as_of)
    if not context.units:
        raise UsageError("records/units.yaml 缺失或有误，无法确定单位：请先运行 python scripts/validate.py 查看问题。")
    given, errors = _given(kind, args, context)
    answers, notes = _from_flags(kind, given, context)
    found = problems(kind, answers, context)
    # Values given by flags that no record can take stop the command at once, prompts or not.
    bad = [p for p in found if not p.required and (not p.path or any(_concerns_path(g, p.path) for g in given))]
    if errors or bad:
        raise InputError("\n".join(errors + [_flag_message(kind, p) for p in bad]))
    interactive = args.interactive or (sys.stdin.isatty() and bool(found))
    if interactive:
        prompter = Prompter(kind, context, given)
        answers = prompter.run()
    else:
        for note in notes:
            print(note)
        if found:
            raise InputError("\n".join(_flag_message(kind, p) for p in found) + "\n（也可以加 -i 逐项填写。）")
    spec = KINDS[kind]
    while True:
        record_id = allocate_id(root, kind, parse_date(answers[spec.id_day_field]))
        data = build_record(kind, answers, record_id)
        relpath = record_relpath(kind, data)
        text = render_record(kind, data, relpath, _names(context))
        if len(text.encode("utf-8")) > MAX_FILE_BYTES:
            raise InputError(f"内容太长：一条记录不能超过 {MAX_FILE_BYTES // 1024} KiB，请精简客户意见等文字。")
        if not interactive:
            break
        print(f"\n将写入 {relpath}：")
        choice = prompter.confirm(prompter.summary())
        if choice is True:
            break
        if choice is False:
            raise Cancelled
        answers = prompter.change(choice)
    target = ensure_inside(root, root / relpath)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WriteError(f"无法建立文件夹 {target.parent}：请检查这个路径上是否有同名的文件、是否有写入权限。") from None
    write_atomic(target, text, root=root, new=True)  # new: never overwrite a record
    print(f"已写入 {relpath}")
    unit = context.units.get(data["unit"], data["unit"])
    if kind == "visit":
        category = next(f for f in record_fields(kind) if f.path == "category").name_of(data["category"])
        what = f"工单 {get_path(data, 'trigger.order')}" if get_path(data, "trigger.order") else category
        message = f"登记回访 {record_id}（{unit}，{what}）"
    else:
        message = f"登记复函 {record_id}（{unit}，{'已复函' if 'replied_at' in data else '收函'}）"
    return _report(root, as_of, relpath, message)


def _report(root: Path, as_of: datetime, relpath: str, message: str) -> int:
    """Validate the written file as CI will (the whole archive, findings of this file), then say what next."""
    print(f"\n校验 {relpath}：")
    status = validate_cli.main(["--root", str(root), "--as-of", as_of.isoformat(timespec="seconds"), str(root / relpath)])
    if status != 0:
        print(f"\n请按上面的提示修改 {relpath}，再运行 python scripts/validate.py {relpath}，没有错误后再提交。")
        return 1
    print("\n下一步：")
    print(f"  git add {relpath}")
    print(f'  git commit -m "{message}"')
    print("  git push")
    print("然后在 Git 网站上为这个分支发起合并请求（pull request），CI 校验通过、审核人同意后合并。")
    return 0


# --------------------------------------------------------------------------- amending


_ID = re.compile(r"(HF|FH)-[0-9]{8}-[0-9]{4}\Z")


def _record_file(root: Path, given: str) -> str:
    """The archive path of a record named by its path or its id."""
    if _ID.match(given):
        matches = sorted(p for p in (root / "records").rglob(f"{given}.yaml") if p.is_file())  # no FIFO or device
        if len(matches) != 1:
            raise UsageError(f"找不到编号为 {given} 的记录文件。" if not matches else f"编号 {given} 有多个文件：请给出文件路径。")
        path = matches[0]
    else:
        try:
            path = Path(given).resolve()
            exists = path.is_file()
        except (OSError, ValueError):  # a name the system cannot hold (a NUL byte, too long)
            exists = False
        if not exists:
            raise UsageError(f"文件不存在：{given!r}" if "\0" in given else f"文件不存在：{given}")
    try:
        relpath = path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        raise UsageError(f"{given} 不在档案目录 {root} 中（或经符号链接指向档案以外）：只能更正档案中的记录。") from None
    kind = kinds.for_path(relpath)
    if kind is None or kind.name not in KINDS:
        raise UsageError(f"{relpath} 不是回访或复函记录：只能更正 records/visits/ 和 records/letters/ 下的记录。")
    return relpath


def _parse_sets(kind: str, sets: list[str], context: Context) -> list[tuple[Field, Any]]:
    fields = {f.path: f for f in record_fields(kind)}
    fields.update({f.flag.removeprefix("--"): f for f in record_fields(kind)})
    parsed, errors = [], []
    for item in sets:
        name, sep, raw = item.partition("=")
        field = fields.get(name.strip())
        if not sep or field is None:
            known = "、".join(f.path for f in record_fields(kind))
            errors.append(f"--set {item}：应写成 字段=值，字段可以是：{known}。")
            continue
        if not raw.strip():
            errors.append(f"--set {item}：新值不能为空。")
            continue
        try:
            parsed.append((field, parse_answer(kind, field, raw, value_choices(field, context))))
        except InputError as exc:
            errors.append(f"--set {item}：{exc}")
    if errors:
        raise InputError("\n".join(errors))
    if not parsed:
        raise InputError("请用 --set 字段=值 给出要更正的字段，如 --set customer.phone=13800001234。")
    return parsed


def _ask_text(label: str, given: str | None, interactive: bool, flag: str) -> str:
    if given and given.strip():
        try:
            return readable(given).strip()
        except InputError as exc:
            raise InputError(f"{flag}：{exc}") from None
    if not interactive:
        raise InputError(f"缺少 {flag}（{label}）。")
    while True:
        text = _read(f"{label}：").strip()
        try:
            if readable(text):
                return text
        except InputError as exc:
            print(f"！{exc}")
            continue
        print("！这一项必须填写。")


def _read_record(root: Path, relpath: str) -> tuple[bytes, str, dict[str, Any]]:
    """A record's byte-order mark, text and data; a UsageError (exit 2) for anything the file can be."""
    path = root / relpath
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise UsageError(f"无法读取 {relpath}：{exc.strerror or exc}。") from None
    if len(raw) > MAX_FILE_BYTES:
        raise UsageError(f"{relpath} 超过 {MAX_FILE_BYTES // 1024} KiB，不是一条记录：请先运行 python scripts/validate.py {relpath}。")
    bom = b"\xef\xbb\xbf" if raw.startswith(b"\xef\xbb\xbf") else b""
    try:
        text = decode(raw)
        parsed = parse_yaml(text)
    except (ValueError, YamlSyntaxError, RecursionError):
        parsed = None
    if parsed is None or parsed.problems or not isinstance(parsed.data, dict) or not isinstance(parsed.data.get("id"), str):
        raise UsageError(f"{relpath} 有格式错误：请先运行 python scripts/validate.py {relpath}，按提示修正后再更正。")
    return bom, text, parsed.data


def _rewrite(root: Path, relpath: str, change: Callable[[str, dict[str, Any]], str]) -> None:
    """Read, change and write a record back under its write lock: a failed write leaves it as it was."""
    path = ensure_inside(root, root / relpath)
    with locked(path):
        bom, text, data = _read_record(root, relpath)
        try:
            new_text = change(text, data)
        except RecursionError:
            raise UsageError(f"{relpath} 嵌套层数过多，无法更正：请先运行 python scripts/validate.py {relpath}。") from None
        write_atomic(path, bom + new_text.encode("utf-8"), root=root)


def _amended(kind: str, changes: list[tuple[Field, Any]], entry: dict[str, Any], names: dict[str, dict[str, str]],
             text: str) -> str:
    """``text`` with the changes made and the amendment appended, checked by reading it back."""
    for field, value in changes:
        text = set_field(kind, text, field, value, names)
    text = append_amendment(kind, text, entry)
    written = parse_yaml(text).data
    if any(get_path(written, field.path) != value for field, value in changes):  # pragma: no cover - a bug here
        raise RuntimeError("更正后读回的值与给出的值不一致。")
    return text


def amend_record(args: Any) -> int:
    root = resolve_root(args.root)
    as_of = _now(args)
    relpath = _record_file(root, args.file)
    kind = kinds.for_path(relpath).name  # one of KINDS (_record_file)
    _, text, data = _read_record(root, relpath)
    context = load_context(root, as_of)
    changes = _parse_sets(kind, args.set, context)
    answers = flatten(data)
    for field, value in changes:
        found = new_problems(kind, answers, field.path, value, context)
        if found:
            raise InputError("\n".join(f"--set {field.path}：{p.message}" for p in found))
        answers[field.path] = value
    moved = record_relpath(kind, build_record(kind, answers, data["id"]))
    if moved != relpath:
        raise InputError(
            f"改动后这条记录应放在 {moved}，而已入库的记录不能移动（第十一条）：请用 void 作废这条记录"
            f"（python scripts/new_record.py void {relpath} --by 姓名 --reason 原因），再登记一条新记录。"
        )
    names = _names(context)
    _amended(kind, changes, {"at": "", "by": "", "reason": "", "fields": []}, names, text)  # what cannot be done, before asking
    interactive = args.interactive or sys.stdin.isatty()
    by = _ask_text("更正人", args.by, interactive, "--by")
    reason = _ask_text("更正原因", args.reason, interactive, "--reason")
    entry = {"at": format_time(as_of), "by": by, "reason": reason, "fields": [field.path for field, _ in changes]}
    _rewrite(root, relpath, lambda current, _: _amended(kind, changes, entry, names, current))
    print(f"已更正 {relpath}：{'、'.join(f.path for f, _ in changes)}，并在 amendments 末尾追加了一条更正。")
    return _report(root, as_of, relpath, f"更正{KINDS[kind].label} {data['id']}：{reason}")


def _voided(kind: str, values: dict[str, str], relpath: str, text: str, data: dict[str, Any]) -> str:
    if "void" in data:
        raise InputError(f"{relpath} 已经作废（{data['void']}）。")
    fields = {f.path: f for f in record_fields(kind, all_fields=True)}
    for path, value in values.items():
        text = set_field(kind, text, fields[path], value)
    return text


def void_record(args: Any) -> int:
    root = resolve_root(args.root)
    as_of = _now(args)
    relpath = _record_file(root, args.file)
    kind = kinds.for_path(relpath).name  # one of KINDS (_record_file)
    _, text, data = _read_record(root, relpath)
    placeholder = {"void.at": format_time(as_of), "void.by": "-", "void.reason": "-"}
    _voided(kind, placeholder, relpath, text, data)  # already void, or not writable in place: say so before asking
    interactive = args.interactive or sys.stdin.isatty()
    values = {
        "void.at": format_time(as_of),
        "void.by": _ask_text("作废人", args.by, interactive, "--by"),
        "void.reason": _ask_text("作废原因", args.reason, interactive, "--reason"),
    }
    _rewrite(root, relpath, lambda current, now: _voided(kind, values, relpath, current, now))
    print(f"已作废 {relpath}。需要时请用 visit 或 letter 命令在正确的位置另行登记一条新记录。")
    return _report(root, as_of, relpath, f"作废{KINDS[kind].label} {data['id']}：{values['void.reason']}")


def submit_statistics(args) -> int:
    """The unit's monthly statistics as the archive counts them, written and checked like any record."""
    root = resolve_root(args.root)
    as_of = _now(args)
    year, month = parse_month(args.month)
    at = open_archive(root, as_of=as_of, git=False)
    archive = at.records
    if archive.rules is None:
        raise UsageError("policy.yaml 缺失或有误：请先运行 scripts/validate.py 查看问题。")
    try:
        relpath = write_submission(at, args.unit, year, month, args.by)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    print(f"已写入 {relpath}。")
    return _report(root, as_of, relpath, f"{archive.units[args.unit].name} 上报 {year} 年 {month} 月回访统计")


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if hasattr(sys.stdin, "reconfigure"):  # bytes that are not UTF-8 reach the answer checks, which refuse them
        sys.stdin.reconfigure(errors="surrogateescape")
    if sys.stdin.isatty():
        try:
            import readline  # noqa: F401  (line editing for the prompts where the platform has it)
        except ImportError:  # pragma: no cover - Windows
            pass
    try:
        if args.command == "amend":
            return amend_record(args)
        if args.command == "void":
            return void_record(args)
        if args.command == "submission":
            return submit_statistics(args)
        return make_record(args.command, args)
    except (UsageError, InputError) as exc:
        print(f"{program(PROG)}：错误：{exc}\n没有写入任何文件。", file=sys.stderr)
        return 2
    except (Cancelled, KeyboardInterrupt):
        print("\n已取消，没有写入任何文件。", file=sys.stderr)
        return 2
