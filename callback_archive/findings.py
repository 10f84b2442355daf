"""Findings: what a check says about a file, as data with a stable code and a location."""

from __future__ import annotations

from dataclasses import dataclass
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
    # The repository boundary: only regular files inside the repository are read or published.
    ("symlink-not-allowed", "error", "第十条", "档案中不能有符号链接"),
    ("file-not-regular", "error", "第十条", "不是普通文件"),
    ("file-bom-repeated", "error", "第十一条", "文件有多余的 BOM 标记"),
    ("file-line-endings", "error", "第十一条", "文件用单独的 CR 换行"),
    ("yaml-syntax", "error", "第十一条", "YAML 语法错误"),
    ("yaml-duplicate-key", "error", "第十一条", "字段重复"),
    ("yaml-anchor", "error", "第十一条", "使用了锚点或别名"),
    ("yaml-merge-key", "error", "第十一条", "使用了合并键 <<"),
    ("yaml-tag", "error", "第十一条", "使用了自定义标签"),
    ("yaml-complex-key", "error", "第十一条", "字段名不是文本"),
    ("yaml-ambiguous-bool", "error", "第十一条", "yes/no/on/off 含义不明确"),
    ("yaml-leading-zero", "error", "第十一条", "带前导零的数字未加引号"),
    ("yaml-sexagesimal", "error", "第十一条", "类似 1:30 的值未加引号"),
    ("yaml-ambiguous-number", "error", "第十一条", "数字写法在不同软件里含义不同"),
    ("yaml-number-too-long", "error", "第十一条", "整数位数过多"),
    ("yaml-not-finite", "error", "第十一条", "数值是 NaN 或无穷大"),
    ("yaml-too-deep", "error", "第十一条", "列表或字段嵌套过深"),
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
    ("disasters-invalid", "error", "第十五条", "自然灾害认定文件有误"),
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
    # Completeness and coverage (第五、六、九、十七条; missing archives: 第二十五条).
    ("orders-invalid", "error", "第十一条", "工单文件有误"),
    ("order-duplicate", "error", "第十一条", "工单重复导入"),
    ("order-missing-callback", "warning", "第二十五条", "工单没有回访记录"),
    ("visit-order-unknown", "warning", "第五条", "回访所填工单不在导入的工单中"),
    ("visit-order-mismatch", "error", "第十一条", "回访与工单不一致"),
    ("method-unexpected", "warning", "第六条", "回访方式与细则不同"),
    ("unit-unexpected", "warning", "第九条", "责任单位与分工不同"),
    ("key-customer-uncalled", "warning", "第五条", "重点客户全年未回访"),
    ("large-customer-unregistered", "warning", "第五条", "大电力客户不在名册中"),
    ("large-customer-unvisited", "warning", "第五条", "大电力客户全年未走访座谈"),
    ("large-customer-plan-overdue", "warning", "第十七条", "计划的走访座谈逾期"),
    ("plan-missing", "warning", "第十七条", "缺少年度计划"),
    ("plan-late", "warning", "第十七条", "年度计划制定过晚"),
    ("plan-incomplete", "warning", "第十七条", "年度计划未覆盖全部大电力客户"),
    ("plan-unknown-customer", "error", "第十七条", "计划中的客户不在名册中"),
    ("plan-invalid", "error", "第十七条", "年度计划有误"),
    ("card-round-unknown", "error", "第十七条", "连心卡轮次不存在"),
    ("card-visit-outside-round", "warning", "第十七条", "连心卡回访不在轮次期间"),
    ("round-invalid", "error", "第十七条", "连心卡轮次数字有误"),
    ("card-round-below-ratio", "warning", "第十七条", "连心卡抽样量不足"),
    ("card-returns-mismatch", "warning", "第十七条", "回收张数与回访记录不符"),
    ("card-round-too-long", "warning", "第十七条", "连心卡轮次超过一个月"),
    ("card-rounds-too-few", "warning", "第十七条", "全年连心卡轮次不足"),
    ("sample-below-ratio", "warning", "第五条", "抽样回访比例不足"),
    # Monthly submissions and assessment (第十九、二十、二十四至二十七条).
    ("submission-late", "warning", "第二十七条", "月度统计逾期上报"),
    ("submission-missing", "warning", "第二十七条", "月度统计未上报"),
    ("submission-differs", "warning", "第十九条", "上报数字与档案不一致"),
    ("decision-unknown-case", "error", "第二十四条", "考核决定针对的案例不存在"),
    ("decision-out-of-range", "error", "第二十四条", "考核决定不符合规定"),
    ("decision-self-judged", "error", "第二十四条", "营销部对自己的案例作出决定而未经公司领导批准"),
    # Audit trail from Git (第十一条; archive entries in time: 第十四、十五、十六条). The moment a record
    # first lands on main is when its archive entry was established; records on main are amended, never rewritten.
    ("callback-landed-late", "warning", "第十四条", "回访按时但档案建立超时"),
    ("letter-landed-late", "warning", "第十六条", "复函按时但档案建立超时"),
    ("archive-merge-due", "warning", "第十四条", "记录尚未合并，档案建立时限将至或已过"),
    ("record-time-after-landing", "error", "第十一条", "回访（来函）时间晚于记录合并到 main 的时间"),
    ("history-shallow", "warning", "第十一条", "Git 历史不完整，无法确定档案建立时间"),
    ("seal-broken", "error", "第二十条", "已封存月份的 Git 历史被改写"),
    # Said beside the findings (``notices`` in JSON, a notice on GitHub), not counted among them: about the run.
    ("history-unavailable", "warning", "第十一条", "不在 Git 仓库中，未检查档案建立时间"),
    ("amendment-missing", "error", "第十一条", "修改已合并的记录未登记更正"),
    ("amendment-rewritten", "error", "第十一条", "改写或删除了已有的更正"),
    ("record-deleted", "error", "第十一条", "删除了已合并的记录"),
    ("record-moved", "error", "第十一条", "移动或改名了已合并的记录"),
)
# Codes no check emits: notices about the run (``history.unavailable_notice``), said beside the findings.
NOTICE_CODES = ("history-unavailable",)


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
        return {"file": self.file, "line": self.line, "severity": self.severity, "article": self.article,
                "record": self.record, "code": self.code, "message": self.message}

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
