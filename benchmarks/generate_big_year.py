#!/usr/bin/env python3
"""Generate a big synthetic year of the archive (issue 8): ~200,000 callback files, for the scale benchmark.

Writes a complete archive root into ``--out`` (never into the repository's records/):
policy.yaml and records/units.yaml, calendar.yaml, disasters.yaml copied from the
repository, then one year of work orders (records/orders/<YYYY>-<MM>.csv), visits of
every category, key-customer letters, the registers, plans, 连心卡 rounds, a sample,
monthly submissions and a decisions file. Shares are realistic: most callbacks on time,
a few late, failed attempts, unreachable customers, orders nobody called back, letters
still pending, and a small share of odd files (YAML slips, schema errors, wrong folders,
GBK text, stray attachments) that exercise the validator's slow path.

The same ``--visits`` and ``--seed`` always give byte-identical files. With ``--git`` the
records are also committed into a Git repository in the output folder, landing on main in
twice-daily pull requests after they were made, so that the landing checks have a history.

    python benchmarks/generate_big_year.py --out /tmp/big --visits 200000 [--git]
"""

from __future__ import annotations

import argparse
import math
import os
import random
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))

from callback_archive.model import Customer, Letter, Trigger, Visit  # noqa: E402
from callback_archive.timeutil import BEIJING  # noqa: E402
from callback_archive.yamlwrite import dump_yaml  # noqa: E402
from generate_sample import (  # noqa: E402  (the sample generator's tables, record makers and templates, calendar)
    COMPANY_CORES,
    COMPANY_KINDS,
    COMPANY_PLACES,
    GIVEN_NAMES,
    OPINIONS,
    PHONE_PREFIXES,
    PHONE_UNITS,
    SURNAMES,
    TEAMS,
    UNIT_SHORT,
    UNREACHED_OPINIONS,
    VISITORS,
    is_workday,
    new_customer,
    new_letter,
    new_visit,
    nth_workday_after,
    number_records,
    render_letter,
    render_visit,
    set_reply,
)

YEAR = 2026
#: "Now" of the benchmark: the year is over, its completed-year checks apply, January's cases are pending.
AS_OF = "2027-01-08T09:00"
VISIT_CUTOFF = datetime(2027, 1, 7, 18, 0)
COPIED = ("policy.yaml", "records/units.yaml", "records/calendar.yaml", "records/disasters.yaml")
DISASTER = ("DS-2026-01", datetime(2026, 9, 14), datetime(2026, 9, 16, 23, 59), ("tanggu", "xinbei"))
CALL_HOURS = (time(8, 30), time(20, 0))
OFFICE_HOURS = (time(9, 0), time(17, 30))

# Shares of the visit files: what is left after cards, large and key customers goes to work orders.
CARD_SHARE = 0.04
ORDER_KINDS = (("new-install", 0.25), ("change", 0.20), ("repair", 0.45), ("complaint", 0.08), ("other", 0.02))
P_LATE = 0.03  # called back after the deadline
P_RETRY = 0.05  # a failed attempt before the one that reached the customer
P_UNREACHABLE = 0.004  # three failed attempts on two days: closed as unreachable
P_NEVER_REACHED = 0.002  # two failed attempts and nothing more: overdue
P_MISSING = 0.01  # an order nobody called back (第二十五条)
P_LAND_LATE = 0.01  # a record merged days after it was made
LETTER_SHARE = 0.01
ODD_SHARE = 1 / 5000  # per kind of odd file


@dataclass
class Made:
    """A generated record: its text, where it goes, and when it may land on main."""

    path: str
    text: str
    done: datetime
    encoding: str = "utf-8"


@dataclass
class BigYear:
    """Builds every file of the year with one random stream, in a fixed order."""

    visits_wanted: int
    seed: int
    rng: random.Random = field(init=False)
    visits: list[Visit] = field(default_factory=list)
    letters: list[Letter] = field(default_factory=list)
    orders: list[tuple[datetime, str]] = field(default_factory=list)  # (archived, csv row)
    accounts: set[str] = field(default_factory=set)
    order_numbers: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.days = [date(YEAR, 1, 1) + timedelta(days=i) for i in range(365)]
        self.workdays = [d for d in self.days if is_workday(d)]

    # ----- small random pieces ------------------------------------------------

    def unit(self) -> str:
        return self.rng.choices(list(PHONE_UNITS), weights=list(PHONE_UNITS.values()))[0]

    def account(self) -> str:
        """A 10-digit 户号; about a third start with 0 (they must stay quoted)."""
        while True:
            value = f"{self.rng.randrange(10 ** 10):010d}" if self.rng.random() < 0.35 else str(self.rng.randrange(10 ** 9, 10 ** 10))
            if value not in self.accounts:
                self.accounts.add(value)
                return value

    def phone(self) -> str:
        return self.rng.choice(PHONE_PREFIXES) + f"{self.rng.randrange(10 ** 8):08d}"

    def person(self) -> str:
        return self.rng.choice(SURNAMES) + self.rng.choice(GIVEN_NAMES)

    def company(self) -> str:
        return self.rng.choice(COMPANY_PLACES) + self.rng.choice(COMPANY_CORES) + self.rng.choice(COMPANY_KINDS)

    def customer(self, kind: str, groups: list[str], voltage: float | None = None) -> Customer:
        name = self.person() if kind == "residential" else self.company()
        if voltage is None:
            voltage = 0.4 if kind == "residential" else self.rng.choice((0.4, 0.4, 10))
        return new_customer(self.account(), name, self.phone(), kind, voltage, groups)

    def order_number(self, archived: datetime) -> str:
        while True:
            value = f"GD{archived:%Y%m%d}{self.rng.randrange(100000):05d}"
            if value not in self.order_numbers:
                self.order_numbers.add(value)
                return value

    def moment(self, day: date, hours: tuple[time, time]) -> datetime:
        start = datetime.combine(day, hours[0])
        span = int((datetime.combine(day, hours[1]) - start).total_seconds() // 60)
        return start + timedelta(minutes=self.rng.randrange(span))

    def call_time(self, earliest: datetime, latest: datetime) -> datetime:
        """A whole minute in [earliest, latest] within calling hours (8:30–20:00); the next morning if none fits."""
        span = max(int((latest - earliest).total_seconds() // 60), 1)
        for _ in range(30):
            when = (earliest + timedelta(minutes=1 + self.rng.randrange(span))).replace(second=0)
            if CALL_HOURS[0] <= when.time() <= CALL_HOURS[1]:
                return when
        day = earliest.date() + timedelta(days=earliest.time() > CALL_HOURS[0])
        return datetime.combine(day, CALL_HOURS[0]) + timedelta(minutes=self.rng.randrange(60))

    def workday_after(self, day: date, n: int) -> date:
        return nth_workday_after(day, n)

    def reached_outcome(self, table: list[str], unit: str, when: datetime) -> tuple[tuple[str, ...] | None, str, str | None, str | None]:
        """(topics or None for the default, satisfaction, opinion, follow_up) of a reached customer."""
        r = self.rng.random()
        satisfaction = "dissatisfied" if r < 0.04 else "basic" if r < 0.18 else "satisfied"
        pool = [entry for name in table for entry in OPINIONS[name][satisfaction]]
        if satisfaction == "satisfied" and self.rng.random() < 0.4:
            return None, satisfaction, None, None
        topics, opinion, template = self.rng.choice(pool)
        follow_up = None
        if template:
            due = self.workday_after(when.date(), self.rng.randint(3, 7))
            follow_up = template.format(unit=UNIT_SHORT[unit], date=f"{due.month}月{due.day}日",
                                        **{role: TEAMS[role][unit] for role in TEAMS})
        return topics, satisfaction, opinion, follow_up

    def attempts(self, category: str, unit: str, customer: Customer, trigger: Trigger | None, method: str,
                 times: list[datetime], table: list[str], topics: tuple[str, ...], reached_last: bool = True,
                 round_id: str | None = None) -> None:
        """One visit file per attempt made before the cutoff; all but the last fail."""
        visitor = self.rng.choice(VISITORS[unit])
        for i, when in enumerate(times):
            if when > VISIT_CUTOFF:
                return  # not made yet: the case is pending (or overdue)
            if reached_last and i == len(times) - 1:
                said, satisfaction, opinion, follow_up = self.reached_outcome(table, unit, when)
                self.visits.append(new_visit(category, unit, customer, trigger, method, when, visitor, said or topics,
                                             True, satisfaction, opinion, follow_up, round=round_id))
            else:
                self.visits.append(new_visit(category, unit, customer, trigger, method, when, visitor, topics, False,
                                             opinion=self.rng.choice(UNREACHED_OPINIONS), round=round_id))

    # ----- work orders ------------------------------------------------------------

    def build_orders(self, count: int) -> None:
        kinds = [k for k, _ in ORDER_KINDS]
        weights = [w for _, w in ORDER_KINDS]
        for _ in range(count):
            kind = self.rng.choices(kinds, weights=weights)[0]
            if kind in ("new-install", "change"):
                self.business_order(kind)
            elif kind == "repair":
                self.repair_order()
            else:
                self.other_order(kind)

    def plan(self) -> str:
        r = self.rng.random()
        for name, share in (("missing", P_MISSING), ("never", P_NEVER_REACHED), ("unreachable", P_UNREACHABLE),
                            ("late", P_LATE), ("retry", P_RETRY)):
            if r < share:
                return name
            r -= share
        return "normal"

    def register_order(self, order: str, kind: str, unit: str, customer: Customer, archived: datetime, groups: str = "") -> None:
        self.orders.append((archived, f"{order},{kind},{unit},{customer.account},{customer.kind},{archived:%Y-%m-%d %H:%M:%S},{groups}"))

    def business_order(self, kind: str) -> None:
        day = self.rng.choice(self.workdays if self.rng.random() < 0.95 else self.days)
        archived = self.moment(day, (time(8, 30), time(17, 59))).replace(second=self.rng.randrange(60))
        unit = self.unit()
        customer_kind = "non-residential" if self.rng.random() < 0.3 else "residential"
        customer = self.customer(customer_kind, [kind])
        order = self.order_number(archived)
        self.register_order(order, kind, unit, customer, archived)
        plan = self.plan()
        if plan == "missing":
            return
        trigger = Trigger(order, kind, archived)
        office = lambda k: self.moment(self.workday_after(day, k), OFFICE_HOURS)  # noqa: E731
        reached = plan not in ("never", "unreachable")
        if plan == "late":
            times = [office(self.rng.randint(8, 10))]
        elif plan == "retry":
            first = self.rng.randint(1, 4)
            times = [office(first), office(self.rng.randint(first + 1, 7))]
        elif plan == "unreachable":
            times = [office(1), office(2), office(3)]
        elif plan == "never":
            times = [office(1), office(2)]
        else:
            times = [office(self.rng.choices(range(1, 8), weights=[30, 25, 18, 12, 7, 5, 3])[0])]
        times = sorted(times)
        table = [kind] + (["non-residential-business"] if customer_kind == "non-residential" else [])
        self.attempts("business", unit, customer, trigger, "phone", times, table, ("business",), reached)

    def repair_order(self) -> None:
        day = self.rng.choice(self.days)
        archived = datetime.combine(day, time(self.rng.randrange(24), self.rng.randrange(60), self.rng.randrange(60)))
        unit = self.unit()
        customer_kind = "non-residential" if self.rng.random() < 0.15 else "residential"
        customer = self.customer(customer_kind, ["repair"])
        order = self.order_number(archived)
        self.register_order(order, "repair", unit, customer, archived)
        plan = self.plan()
        if plan == "missing":
            return
        disaster_id, start, end, units = DISASTER
        disaster = disaster_id if unit in units and start <= archived <= end and self.rng.random() < 0.5 else None
        hours = 48 if disaster else 24
        at = lambda lo, hi: self.call_time(archived + timedelta(hours=lo), archived + timedelta(hours=hi))  # noqa: E731
        reached = plan not in ("never", "unreachable")
        if plan == "late":
            times = [at(hours + 1, hours + 16)]
        elif plan == "retry":
            first = at(0.5, hours / 2 - 1)
            times = [first, self.call_time(first + timedelta(hours=1), archived + timedelta(hours=hours - 1))]
        elif plan == "unreachable":
            first = at(0.5, 3)
            times = [first, first + timedelta(hours=2), self.call_time(first + timedelta(hours=18), first + timedelta(hours=20))]
        elif plan == "never":
            first = at(0.5, 3)
            times = [first, first + timedelta(hours=3)]
        else:
            times = [at(0.5, hours - 2 if disaster is None else hours - 4)]
        table = ["repair"] + (["non-residential-repair"] if customer_kind == "non-residential" else [])
        trigger = Trigger(order, "repair", archived, disaster)
        self.attempts("repair", unit, customer, trigger, "phone", sorted(times), table, ("repair",), reached)

    def other_order(self, kind: str) -> None:
        """Phone complaints, and 热线 / 领导接待日 matters (order groups), called back within days."""
        day = self.rng.choice(self.workdays)
        archived = self.moment(day, OFFICE_HOURS).replace(second=self.rng.randrange(60))
        unit = self.unit()
        group = "complaint" if kind == "complaint" else self.rng.choice(("hotline", "reception-day"))
        customer = self.customer("non-residential" if self.rng.random() < 0.2 else "residential", [group])
        order = self.order_number(archived)
        self.register_order(order, kind, unit, customer, archived, "" if kind == "complaint" else group)
        if self.plan() == "missing":
            return
        when = self.moment(self.workday_after(day, self.rng.randint(1, 3)), OFFICE_HOURS)
        table = ["complaint"] if kind == "complaint" else ["other"]
        self.attempts("other", unit, customer, Trigger(order, kind, archived), "phone", [when], table, ("consultation",))

    # ----- registers, plans, rounds -------------------------------------------------

    def build_large_customers(self, count: int) -> dict[str, str]:
        """The 35 kV+ register, this year's and next year's plans, and their visits (a few never visited)."""
        register, entries = [], []
        for i in range(count):
            customer = self.customer("non-residential", [], self.rng.choice((35, 35, 110, 110, 220)))
            unit = self.rng.choice(("tanggu", "hangu", "kefu"))
            register.append({"account": customer.account, "name": customer.name, "voltage_kv": customer.voltage_kv,
                             "unit": unit})
            month = 1 + i * 12 // count
            method = "symposium" if i % 5 == 4 else "visit"
            entries.append({"account": customer.account, "month": month, "method": method})
            if self.rng.random() < 0.03:
                continue  # planned, never visited: overdue and unvisited
            days = [d for d in self.workdays if d.month == month]
            when = self.moment(self.rng.choice(days), (time(9, 30), time(16, 0)))
            self.attempts("large-customer", "marketing", customer, None, method, [when], ["large-customer"],
                          ("quality", "consultation"))
        plan_header = "# 大电力客户走访座谈年度计划（第十七条）：每年年底做出下一年度计划，覆盖名册中的每一户。\n"
        next_plan = [{**e, "month": 1 + (i * 7) % 12} for i, e in enumerate(entries)]
        return {
            "records/large-customers.yaml": "# 35 千伏及以上大电力客户名册（第五、十七条），营销部维护。\n" + dump_yaml({"customers": register}),
            f"records/plans/{YEAR}.yaml": plan_header + dump_yaml({"year": YEAR, "made_at": f"{YEAR - 1}-12-22",
                                                                   "made_by": "营销部 周建国", "entries": entries}),
            f"records/plans/{YEAR + 1}.yaml": plan_header + dump_yaml({"year": YEAR + 1, "made_at": f"{YEAR}-12-18",
                                                                       "made_by": "营销部 周建国", "entries": next_plan}),
        }

    def build_key_customers(self, count: int) -> str:
        """Standing key customers, each called back by letter once a year; a few forgotten."""
        register = []
        for _ in range(count):
            group = self.rng.choice(("npc-deputy", "cppcc-member", "media", "supervisor"))
            customer = self.customer("residential", [group])
            register.append({"account": customer.account, "name": customer.name, "groups": [group], "unit": "marketing"})
            if self.rng.random() < 0.05:
                continue
            when = self.moment(self.rng.choice(self.workdays), OFFICE_HOURS)
            self.attempts("other", "marketing", customer, None, "letter", [when], ["other"], ("consultation",))
        return "# 常设重点客户名册（第五、十二条）：每年至少逐户回访一次。\n" + dump_yaml({"customers": register})

    def build_rounds(self, cards: int) -> dict[str, str]:
        """Two 连心卡 rounds (April, October): every returned card is a visit; the sample is October's cards."""
        files: dict[str, str] = {}
        header = "# 连心卡发放回收轮次（第十七条）。每张回收的卡都登记为一条回访记录（round 填本轮编号）。\n"
        sampled: list[tuple[str, str, str]] = []
        for number, month in ((1, 4), (2, 10)):
            round_id = f"LXK-{YEAR}-{number:02d}"
            started = self.workday_after(date(YEAR, month, 1), 3)
            finished = started + timedelta(days=27)
            returned = {"residential": 0, "non-residential": 0}
            days = [d for d in self.workdays if started <= d <= finished]
            for _ in range(cards // 2):
                kind = "non-residential" if self.rng.random() < 0.4 else "residential"
                unit = self.rng.choice(list(PHONE_UNITS) + ["marketing"])
                customer = self.customer(kind, [])
                self.attempts("card", unit, customer, None, "card", [self.moment(self.rng.choice(days), OFFICE_HOURS)],
                              ["card"], ("quality",), round_id=round_id)
                returned[kind] += 1
                if month == 10:
                    sampled.append((customer.account, "居民生活" if kind == "residential" else "一般工商业", unit))
            customers = {"residential": cards * 60, "non-residential": cards * 3}
            sent = {k: math.ceil(v * (0.01 if k == "residential" else 0.10)) + 5 * number for k, v in customers.items()}
            if number == 2:
                sent["residential"] -= 10  # short of 1 %: a real gap the validator reports
            files[f"records/rounds/{round_id}.yaml"] = header + dump_yaml({
                "id": round_id, "month": f"{YEAR}-{month:02d}",
                "announcement": f"津电营销〔{YEAR}〕{9 + number * 11}号 关于开展{YEAR}年第{number}次“连心卡”发放回收工作的通知",
                "customers": customers, "sent": sent, "returned": returned,
                "started_at": f"{started}", "finished_at": f"{finished}", "reported_at": f"{finished}",
            })
        strata = {"一般工商业": 0, "居民生活": 0}
        for _, usage_type, _ in sampled:
            strata[usage_type] += 1
        sample = {
            "month": f"{YEAR}-10", "seed": self.seed, "ratio": 0.1,
            "source": {"file": f"customers-{YEAR}-10.csv", "sha256": f"{self.rng.getrandbits(256):064x}", "rows": len(sampled) * 10},
            "strata": [{"usage_type": u, "population": n * 10 + (5 if u == "一般工商业" else 0), "drawn": n} for u, n in strata.items()],
            "customers": [{"account": a, "usage_type": u, "unit": unit} for a, u, unit in sorted(sampled)],
        }
        files[f"records/samples/{YEAR}-10.yaml"] = "# 抽样回访名单（第五条）：由 scripts/draw_sample.py 生成，请勿手工修改。\n" + dump_yaml(sample)
        return files

    def build_submissions(self) -> dict[str, str]:
        """September to November submissions of every unit (figures as typed by hand); December's never came."""
        files = {}
        reporters = {"marketing": "孙丽", "kefu": "刘芳", "tanggu": "王静", "hangu": "李娜", "xinbei": "郑晓燕", "chadian": "何婷"}
        for month in (9, 10, 11):
            for unit, reporter in reporters.items():
                if (month, unit) == (11, "chadian"):
                    continue
                submitted = datetime(YEAR, month + 1, self.rng.choice((3, 4, 5, 5, 6)), 10 + self.rng.randrange(6))
                figures = {"business": {"total": 1000, "done": 990, "on_time": 960, "late": 30, "overdue": 10,
                                        "unreachable": 0, "satisfied": 900, "basic": 80, "dissatisfied": 10}}
                files[f"records/submissions/{YEAR}-{month:02d}/{unit}.yaml"] = dump_yaml({
                    "unit": unit, "month": f"{YEAR}-{month:02d}", "scope": "company" if unit == "marketing" else "unit",
                    "submitted_at": f"{submitted:%Y-%m-%d %H:%M}", "submitted_by": reporter, "figures": figures})
        files[f"records/decisions/{YEAR}-10.yaml"] = dump_yaml({
            "month": f"{YEAR}-10", "decided_by": "营销部 周建国", "decided_at": f"{YEAR}-11-20",
            "decisions": [{"case": "27-chadian", "head_amount": 300, "reason": "首次发生，酌情考核。"}]})
        return files

    # ----- letters --------------------------------------------------------------------

    def build_letters(self, count: int) -> None:
        groups = ("npc-deputy", "cppcc-member", "media", "supervisor", "public", "public")
        for _ in range(count):
            received = self.rng.choice(self.workdays)
            kind = "complaint" if self.rng.random() < 0.7 else "report"
            group = self.rng.choice(groups)
            unit = "marketing" if group != "public" or self.rng.random() < 0.6 else self.unit()
            sender = "匿名群众" if group == "public" and kind == "report" else self.person()
            required = self.rng.random() > 0.03
            subject = self.rng.choice(("反映小区频繁停电", "反映电压偏低", "反映营业厅排队时间长", "举报私拉乱接用电",
                                       "反映抢修人员到场慢", "反映电费账单看不懂", "举报施工扰民", "反映表箱锈蚀"))
            letter = new_letter(unit, kind, received, required, sender, group, subject)
            limit = 5 if kind == "complaint" else 10
            days = self.rng.randint(limit + 1, limit + 4) if self.rng.random() < P_LATE else self.rng.randint(1, limit)
            replied = self.workday_after(received, days)
            if required and datetime.combine(replied, time(17)) <= VISIT_CUTOFF and self.rng.random() > 0.01:
                set_reply(letter, replied, "经核查已处理完毕，并已电话向来函人说明处理结果。",
                          f"档案盒 FH-{received.year}-{received.month:02d}")
            self.letters.append(letter)

    # ----- ids, odd files, output ------------------------------------------------------

    def assign_ids(self) -> None:
        number_records(self.visits, self.letters)

    def build(self) -> None:
        cards = int(self.visits_wanted * CARD_SHARE)
        large = max(12, self.visits_wanted // 1000)
        key = max(10, self.visits_wanted // 2000)
        self.build_orders(int((self.visits_wanted - cards - large - key) / 1.02))
        self.files = {**self.build_large_customers(large), "records/key-customers.yaml": self.build_key_customers(key),
                      **self.build_rounds(cards), **self.build_submissions()}
        self.build_letters(max(20, int(self.visits_wanted * LETTER_SHARE)))
        self.assign_ids()

    def made(self) -> list[Made]:
        """Every record file with its text, odd cases applied, sorted by path."""
        out = []
        for v in self.visits:
            out.append(Made(v.source.path, render_visit(v), v.visited_at))
        for x in self.letters:
            done = datetime.combine((x.replied_at or x.received_at).date(), time(17))
            out.append(Made(x.source.path, render_letter(x), done))
        out.sort(key=lambda m: m.path)
        self.apply_odd_cases(out)
        return sorted(out, key=lambda m: m.path)

    def apply_odd_cases(self, made: list[Made]) -> None:
        """Spoil a few files the way people do; amend and void a few more (valid)."""
        visits = [m for m in made if m.path.startswith("records/visits/")]
        per_kind = max(1, int(len(visits) * ODD_SHARE))
        chosen = self.rng.sample(visits, per_kind * len(_ODD_CASES))
        for i, m in enumerate(chosen):
            _ODD_CASES[i // per_kind](m)
        for m in self.rng.sample(visits, per_kind * 3):
            if "amendments:" in m.text or "void:" in m.text or m.encoding != "utf-8":
                continue
            if self.rng.random() < 0.5:
                m.text += f"void:\n  at: {m.done + timedelta(days=2):%Y-%m-%d %H:%M}\n  by: 李敏\n  reason: 重复登记\n"
            else:
                m.text += (f"amendments:\n  - at: {m.done + timedelta(days=1):%Y-%m-%d %H:%M}\n    by: 李敏\n"
                           "    reason: 客户来电更正联系电话\n    fields: [customer.phone]\n")
        stray = visits[len(visits) // 2].path.rsplit("/", 1)[0]
        made.append(Made(f"{stray}/现场照片.jpg", "not a record", visits[0].done))
        made.append(Made(f"{stray}/HF-{YEAR}0101-9999.yml", visits[0].text, visits[0].done))


def _replace(m: Made, old: str, new: str) -> None:
    if old in m.text:
        m.text = m.text.replace(old, new, 1)


def _leading_zero(m: Made) -> None:
    start = m.text.index('account: "') + len('account: "')
    account = m.text[start:start + 10]
    m.text = m.text.replace(f'account: "{account}"', f"account: 0{account[1:]}", 1)


def _move_month(m: Made) -> None:
    folder, name = m.path.rsplit("/", 1)
    head, month = folder.rsplit("/", 1)
    m.path = f"{head}/{int(month) % 12 + 1:02d}/{name}"


def _rename(m: Made) -> None:
    m.path = m.path.replace(".yaml", "-1.yaml")


_ODD_CASES = (
    _leading_zero,  # yaml-leading-zero
    lambda m: _replace(m, "visitor:", "visitor: 李敏\nvisitor:"),  # yaml-duplicate-key
    lambda m: _replace(m, "\n  name:", "\n\tname:"),  # yaml-syntax (a tab)
    lambda m: _replace(m, "method: phone", "method: wechat"),  # schema-enum
    lambda m: _replace(m, "visitor:", "vistor:"),  # schema-unknown-key and schema-required
    lambda m: _replace(m, "reached: true", "reached: yes"),  # yaml-ambiguous-bool
    lambda m: setattr(m, "encoding", "gb18030"),  # file-not-utf8
    lambda m: setattr(m, "text", re.sub(r"visited_at: \d{4}-\d\d-\d\d", f"visited_at: {YEAR}-02-30", m.text)),  # time-invalid
    _move_month,  # path-wrong-folder
    _rename,  # id-file-mismatch
    lambda m: _replace(m, "\nunit: ", "\nunit: x"),  # unit-unknown and path-wrong-folder
    lambda m: setattr(m, "text", ""),  # file-empty
)


def outside_env(**extra: str) -> dict[str, str]:
    """This process's environment without Git's ``GIT_*`` variables, which a hook or an editor may set
    (``GIT_DIR``, ``GIT_INDEX_FILE``): with them ``git -C <year>`` would work on another repository."""
    return {**{k: v for k, v in os.environ.items() if not k.startswith("GIT_")}, **extra}


def commit(root: Path, made: list[Made], others: list[str]) -> int:
    """Commit everything with ``git fast-import``: the settings first, then records in twice-daily pull requests.

    A record lands at the first merge slot (12:00 or 18:00) after it was made; a few land days later.
    Returns the number of commits on main.
    """
    rng = random.Random(len(made))
    slots: dict[datetime, list[Made]] = {}
    for m in made:
        landing = m.done + timedelta(days=rng.randint(3, 12)) if rng.random() < P_LAND_LATE else m.done
        slot = landing.replace(minute=0, second=0, microsecond=0)
        slot = slot.replace(hour=12) if slot.hour < 12 else slot.replace(hour=18) if slot.hour < 18 else (slot + timedelta(days=1)).replace(hour=12)
        slots.setdefault(slot, []).append(m)
    env = outside_env()
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True, env=env)
    stream = bytearray()

    def data(raw: bytes) -> None:
        stream.extend(b"data %d\n" % len(raw))
        stream.extend(raw)
        stream.extend(b"\n")

    def header(stamp: int, message: str) -> None:
        stream.extend(b"commit refs/heads/main\n")
        who = "李敏 <staff@binhai.example>".encode()
        stream.extend(b"author %s %d +0800\ncommitter %s %d +0800\n" % (who, stamp, who, stamp))
        data(message.encode())

    start = int(datetime(YEAR - 1, 12, 20, 9, tzinfo=BEIJING).timestamp())
    header(start, "建立回访档案：政策、组织机构、工单与名册")
    for path in others:
        stream.extend(f"M 100644 inline {path}\n".encode())
        data((root / path).read_bytes())
    for number, slot in enumerate(sorted(slots), start=1):
        header(int(slot.replace(tzinfo=BEIJING).timestamp()), f"登记回访 (#{number})")
        for m in slots[slot]:
            stream.extend(f"M 100644 inline {m.path}\n".encode())
            data(m.text.encode(m.encoding))
    subprocess.run(["git", "fast-import", "--quiet"], cwd=root, input=bytes(stream), check=True, env=env)
    subprocess.run(["git", "reset", "-q"], cwd=root, check=True, env=env)
    subprocess.run(["git", "update-index", "-q", "--refresh"], cwd=root, check=False, env=env)
    return len(slots) + 1


def generate(out: Path, visits: int, seed: int = 20261231, git: bool = False) -> dict[str, int]:
    """Write the big year into ``out`` (emptied first); the counts of what was written."""
    if (out / "records").exists():
        shutil.rmtree(out / "records")
    shutil.rmtree(out / ".git", ignore_errors=True)
    shutil.rmtree(out / ".cache", ignore_errors=True)
    year = BigYear(visits, seed)
    year.build()
    files: dict[str, bytes] = {path: (REPO / path).read_bytes() for path in COPIED}
    files[".gitignore"] = b".cache/\n"
    files.update({path: text.encode("utf-8") for path, text in year.files.items()})
    by_month: dict[str, list[tuple[datetime, str]]] = {}
    for archived, row in sorted(year.orders):
        by_month.setdefault(f"{archived:%Y-%m}", []).append((archived, row))
    header = "order,kind,unit,account,customer_kind,archived_at,groups\n"
    for month, rows in by_month.items():
        lines = [row for _, row in rows]
        if month == f"{YEAR}-06":
            lines.append(lines[0])  # imported twice: order-duplicate
        files[f"records/orders/{month}.csv"] = (header + "\n".join(lines) + "\n").encode("utf-8")
    for path, raw in files.items():
        (out / path).parent.mkdir(parents=True, exist_ok=True)
        (out / path).write_bytes(raw)
    made = year.made()
    for m in made:
        target = out / m.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(m.text.encode(m.encoding))
    commits = commit(out, made, sorted(files)) if git else 0
    return {"visits": len(year.visits), "letters": len(year.letters), "orders": len(year.orders),
            "files": len(made) + len(files), "commits": commits}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="生成一个“大年份”的模拟档案（约 20 万份回访记录），供规模基准测试使用。")
    parser.add_argument("--out", type=Path, required=True, help="输出目录（档案根目录；其中已有的 records/ 会被删除）")
    parser.add_argument("--visits", type=int, default=200_000, help="回访记录数（约数，默认 200000）")
    parser.add_argument("--seed", type=int, default=20261231, help="随机种子（默认 20261231）")
    parser.add_argument("--git", action="store_true", help="同时建立 Git 仓库：记录按每天两次的合并请求合并到 main")
    args = parser.parse_args(argv)
    if (args.out.resolve() / "records") == (REPO / "records"):
        parser.error("不能写入本仓库的 records/：请用 --out 指定其他目录")
    counts = generate(args.out.resolve(), args.visits, args.seed, args.git)
    print(f"已生成 {counts['visits']} 份回访记录、{counts['letters']} 份复函记录、{counts['orders']} 张工单，"
          f"共 {counts['files']} 个文件" + (f"，main 上 {counts['commits']} 个提交" if args.git else "") + f"：{args.out}")
    print(f"校验时请用 --as-of {AS_OF}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
