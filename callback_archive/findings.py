"""Findings: what a check says about a file, as data with a stable code and a location."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

Severity = Literal["error", "warning"]

SEVERITY_LABELS = {"error": "错误", "warning": "警告"}


@dataclass(frozen=True)
class Code:
    """A kind of finding: its stable code, default severity, the article it enforces, a Chinese title."""

    code: str
    severity: Severity
    article: str | None
    title: str


def _codes(*rows: tuple[str, Severity, str | None, str]) -> dict[str, Code]:
    return {row[0]: Code(*row) for row in rows}


# Every finding the tools can print. The staff guide lists this table; codes never change meaning.
CODES: dict[str, Code] = _codes(
    # Reading the file (第十一条: results are entered into the system in their proper fields).
    ("file-empty", "error", "第十一条", "空文件"),
    ("file-too-large", "error", "第十一条", "文件过大"),
    ("file-not-utf8", "error", "第十一条", "文件不是 UTF-8 编码"),
    ("file-not-record", "error", "第十一条", "records/ 下的文件不是记录"),
    ("file-unreadable", "error", None, "文件无法读取"),
    ("yaml-syntax", "error", "第十一条", "YAML 语法错误"),
    ("yaml-duplicate-key", "error", "第十一条", "字段重复"),
    ("yaml-anchor", "error", "第十一条", "使用了锚点或别名"),
    ("yaml-merge-key", "error", "第十一条", "使用了合并键 <<"),
    ("yaml-tag", "error", "第十一条", "使用了自定义标签"),
    ("yaml-complex-key", "error", "第十一条", "字段名不是文本"),
    ("yaml-ambiguous-bool", "error", "第十一条", "yes/no/on/off 含义不明确"),
    ("yaml-leading-zero", "error", "第十一条", "带前导零的数字未加引号"),
    ("yaml-sexagesimal", "error", "第十一条", "类似 1:30 的值未加引号"),
    ("not-a-mapping", "error", "第十一条", "文件内容不是字段表"),
    # Against the schema.
    ("schema-required", "error", "第十一条", "缺少必填字段"),
    ("schema-unknown-key", "error", "第十一条", "未知字段"),
    ("schema-enum", "error", "第十三条", "取值不在允许范围内"),
    ("schema-type", "error", "第十一条", "类型不对"),
    ("schema-number-as-text", "error", "第十一条", "户号、电话等写成了数字"),
    ("schema-format", "error", "第十一条", "格式不对"),
    ("schema-invalid", "error", "第十一条", "内容不符合记录格式"),
    ("time-invalid", "error", "第十一条", "日期或时间不存在"),
    # Where the record lives (第十条: each unit keeps its own archive; 第十三条: by category).
    ("id-file-mismatch", "error", "第十条", "编号与文件名不一致"),
    ("id-duplicate", "error", "第十条", "编号重复"),
    ("unit-unknown", "error", "第九条", "责任单位不存在"),
    ("path-wrong-folder", "error", "第十条", "记录放错了文件夹"),
    ("path-unexpected", "error", "第十条", "文件位置不符合档案结构"),
    ("units-invalid", "error", "第八条", "组织机构配置有误"),
    ("policy-invalid", "error", "第二十四条", "考核政策文件有误"),
    ("calendar-invalid", "error", "第十四条", "工作日历文件有误"),
    ("calendar-year-missing", "warning", "第十四条", "节假日安排尚未登记，时限暂定"),
    ("attempt-trigger-mismatch", "error", "第十一条", "同一工单的几次回访触发业务不一致"),
    # Times.
    ("visit-before-trigger", "error", "第十四条", "回访时间早于业务归档时间"),
    ("time-in-future", "error", "第十一条", "时间晚于当前时间"),
    ("letter-reply-before-receipt", "error", "第十六条", "复函日期早于收函日期"),
    # Deadlines (第十四、十五、十六条). Late records are archived all the same: warnings, never errors.
    ("disaster-unknown", "error", "第十五条", "自然灾害编号未认定"),
    ("disaster-not-applicable", "error", "第十五条", "自然灾害不适用于该抢修"),
    ("callback-late", "warning", "第十四条", "回访超时"),
    ("callback-overdue", "warning", "第十四条", "逾期未回访"),
    ("letter-late", "warning", "第十六条", "复函超时"),
    ("letter-overdue", "warning", "第十六条", "逾期未复函"),
)


@dataclass(frozen=True)
class Finding:
    """One problem, located: ``file`` is relative to the archive root, ``line`` is 1-based."""

    file: str
    line: int | None
    severity: Severity
    article: str | None
    record: str | None
    code: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def sort_key(self) -> tuple[str, int, str]:
        return (self.file, self.line or 0, self.code)


def finding(
    code: str,
    file: str,
    line: int | None,
    message: str,
    *,
    record: str | None = None,
    severity: Severity | None = None,
    article: str | None = None,
) -> Finding:
    """Make a finding of a catalogued ``code``; severity and article default to the catalogue's."""
    spec = CODES[code]
    return Finding(
        file=file,
        line=line,
        severity=severity or spec.severity,
        article=article if article is not None else spec.article,
        record=record,
        code=code,
        message=message,
    )
