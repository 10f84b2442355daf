"""Completeness and coverage (第五、六、九、十七条; missing archives 第二十五条) on small fixtures."""

from __future__ import annotations

import io
from contextlib import redirect_stderr, redirect_stdout

from callback_archive.cli import sample as draw_sample_cli
from callback_archive.sampling import draw
from callback_archive.yamlwrite import dump_yaml
from conftest import AS_OF, add_visit, place, run_validate

HEADER = "order,kind,unit,account,customer_kind,archived_at\n"


def findings(root, as_of=AS_OF) -> list[dict]:
    run = run_validate("--root", str(root), "--as-of", as_of, "--format", "json")
    return run.findings


def codes(root, as_of=AS_OF) -> list[tuple[str, str | None]]:
    return sorted((f["code"], f["record"]) for f in findings(root, as_of))


# ----- orders ------------------------------------------------------------------


def test_missing_callback_is_found_by_its_order_once_the_deadline_passes(archive):
    place(archive, "records/orders/2026-11.csv", HEADER + "GD2026112400001,repair,tanggu,0212345678,residential,2026-11-24 10:00\n")
    assert findings(archive, "2026-11-25T09:59") == []  # pending: on the due list only
    [missing] = findings(archive, "2026-11-25T10:01")
    assert (missing["code"], missing["file"], missing["line"], missing["article"]) == (
        "order-missing-callback", "records/orders/2026-11.csv", 2, "第二十五条")
    assert "第十五条" in missing["message"] and "records/visits/tanggu/2026/11/" in missing["message"]


def test_order_with_a_visit_is_covered(archive):
    place(archive, "records/orders/2026-11.csv", HEADER + "GD2026112500123,repair,tanggu,0212345678,residential,2026-11-25 14:30:00\n")
    add_visit(archive, "HF-20261126-0001")
    assert findings(archive) == []


def test_complaint_order_is_due_with_the_month_statistics(archive):
    place(archive, "records/orders/2026-09.csv", HEADER + "GD2026091800001,complaint,tanggu,0212345678,residential,2026-09-18 15:00\n")
    assert findings(archive, "2026-10-05T16:00") == []
    [missing] = findings(archive, "2026-10-05T16:01")
    assert missing["code"] == "order-missing-callback" and "第二十条" in missing["message"]


def test_other_orders_need_no_callback_unless_a_key_group(archive):
    place(archive, "records/orders/2026-09.csv", HEADER.replace("\n", ",groups\n")
          + "GD2026091800001,other,tanggu,0212345678,residential,2026-09-18 15:00,\n"
          + "GD2026091800002,other,tanggu,0212345679,residential,2026-09-18 15:00,reception-day\n")
    assert codes(archive) == [("order-missing-callback", "GD2026091800002")]


def test_visit_naming_an_order_not_in_that_months_orders_is_a_warning(archive):
    place(archive, "records/orders/2026-11.csv", HEADER)
    add_visit(archive, "HF-20261126-0001")
    [unknown] = findings(archive)
    assert (unknown["code"], unknown["severity"], unknown["line"]) == ("visit-order-unknown", "warning", 10)


def test_visit_without_that_months_orders_file_is_not_judged(archive):
    place(archive, "records/orders/2026-10.csv", HEADER)
    add_visit(archive, "HF-20261126-0001")
    assert findings(archive) == []


def test_visit_must_agree_with_its_order(archive):
    place(archive, "records/orders/2026-11.csv", HEADER + "GD2026112500123,repair,xinbei,0212345670,residential,2026-11-25 14:30\n")
    add_visit(archive, "HF-20261126-0001")
    mismatches = [(f["code"], f["line"]) for f in findings(archive) if f["code"] == "visit-order-mismatch"]
    assert mismatches == [("visit-order-mismatch", 3), ("visit-order-mismatch", 5)]


def test_order_files_are_checked_row_by_row(archive):
    place(archive, "records/orders/2026-11.csv", HEADER
          + "GD2026112500001,repair,tanggu,0212345678,residential,2026-11-25 14:30\n"
          + "GD2026112500001,repair,tanggu,0212345678,residential,2026-11-25 14:30\n"
          + "GD2026112500002,repair,dagang,0212345678,residential,2026-11-25 14:30\n"
          + "GD2026112500003,fix,tanggu,0212345678,residential,2026/11/25\n"
          + "GD2026102500004,repair,tanggu,0212345678,residential,2026-10-25 14:30\n")
    got = sorted((f["code"], f["line"]) for f in findings(archive, "2026-11-25T15:00"))
    assert got == [("order-duplicate", 3), ("orders-invalid", 5), ("orders-invalid", 5), ("orders-invalid", 6),
                   ("unit-unknown", 4)]


def test_order_numbers_differing_only_in_case_are_one_order(archive):
    place(archive, "records/orders/2026-11.csv", HEADER
          + "GD2026112500001,repair,tanggu,0212345678,residential,2026-11-25 14:30\n"
          + "gd2026112500001,repair,tanggu,0212345678,residential,2026-11-25 14:30\n")
    [duplicate] = [f for f in findings(archive, "2026-11-25T15:00") if f["code"] == "order-duplicate"]
    assert duplicate["line"] == 3 and "不区分大小写" in duplicate["message"] and "第 2 行" in duplicate["message"]


def test_orders_file_without_the_contract_columns(archive):
    place(archive, "records/orders/2026-11.csv", "order,kind\nGD2026112500001,repair\n")
    run = run_validate("--root", str(archive), "--as-of", AS_OF, "--format", "json")
    assert run.status == 1
    [f] = run.findings
    assert f["code"] == "orders-invalid" and f["line"] == 1 and "unit" in f["message"]


# ----- who does what ---------------------------------------------------------------


def test_method_and_unit_mismatches_are_warnings(archive):
    add_visit(archive, "HF-20261126-0001", unit="marketing")
    path = archive / "records/visits/marketing/2026/11/HF-20261126-0001.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("method: phone", "method: visit"), encoding="utf-8")
    run = run_validate("--root", str(archive), "--as-of", AS_OF, "--format", "json")
    assert run.status == 0
    assert sorted((f["code"], f["article"]) for f in run.findings) == [
        ("method-unexpected", "第六条"), ("unit-unexpected", "第九条")]


# ----- key customers ---------------------------------------------------------------

KEY = """customers:
  - account: "0212345678"
    name: 王建华
    groups: [npc-deputy]
    unit: marketing
  - account: "0299999999"
    name: 李代表
    groups: [cppcc-member]
    unit: marketing
"""


def test_key_customer_never_called_is_reported_when_the_year_ends(archive):
    place(archive, "records/key-customers.yaml", KEY)
    add_visit(archive, "HF-20261126-0001")  # account 0212345678
    assert findings(archive, "2026-12-31T23:00") == []
    [uncalled] = [f for f in findings(archive, "2027-01-01T00:01") if f["code"] != "card-rounds-too-few"]
    assert (uncalled["code"], uncalled["record"], uncalled["line"]) == ("key-customer-uncalled", "0299999999", 6)
    assert "李代表" in uncalled["message"] and "政协委员" in uncalled["message"]


# ----- large customers and plans --------------------------------------------------------

REGISTER = """customers:
  - account: "0219001001"
    name: 天津滨海瀚洋石化有限公司
    voltage_kv: 220
    unit: tanggu
  - account: "0219001002"
    name: 天津临港恒锐重工有限公司
    voltage_kv: 110
    unit: tanggu
"""


def plan(year: int, entries: list[tuple[str, int]], made_at: str | None = None) -> str:
    lines = [f"year: {year}", f"made_at: {made_at or f'{year - 1}-12-20'}", "made_by: 营销部 周建国", "entries:"]
    lines += [f'  - {{account: "{a}", month: {m}, method: visit}}' for a, m in entries]
    return "\n".join(lines) + "\n"


def large_visit(root, id: str, account: str, visited: str) -> None:
    text = (f"id: {id}\ncategory: large-customer\nunit: marketing\ncustomer:\n  account: \"{account}\"\n"
            "  name: 天津滨海瀚洋石化有限公司\n  kind: non-residential\n  voltage_kv: 220\n"
            f"method: visit\nvisited_at: {visited}\nvisitor: 周建国\ntopics: [quality]\nreached: true\nsatisfaction: satisfied\n")
    place(root, f"records/visits/marketing/{visited[:4]}/{visited[5:7]}/{id}.yaml", text)


def test_large_customer_unvisited_at_year_end_and_plan_progress(archive):
    place(archive, "records/large-customers.yaml", REGISTER)
    place(archive, "records/plans/2026.yaml", plan(2026, [("0219001001", 3), ("0219001002", 11)]))
    place(archive, "records/plans/2027.yaml", plan(2027, [("0219001001", 3), ("0219001002", 5)]))
    large_visit(archive, "HF-20260915-0001", "0219001001", "2026-09-15 10:00")
    assert findings(archive, "2026-11-30T12:00") == []  # November not over yet
    assert codes(archive, "2026-12-01T00:01") == [("large-customer-plan-overdue", None)]
    year_end = codes(archive, "2027-01-01T00:01")
    assert ("large-customer-unvisited", "0219001002") in year_end


def test_plan_must_exist_cover_everyone_and_name_only_registered_customers(archive):
    place(archive, "records/large-customers.yaml", REGISTER)
    place(archive, "records/plans/2026.yaml", plan(2026, [("0219001001", 3), ("0219009999", 4)], made_at="2026-01-05"))
    got = {f["code"]: f for f in findings(archive, "2026-01-10T09:00")}
    assert set(got) == {"plan-late", "plan-unknown-customer", "plan-incomplete"}
    assert got["plan-unknown-customer"]["severity"] == "error"
    assert "0219001002" in got["plan-incomplete"]["message"]
    (archive / "records/plans/2026.yaml").unlink()
    [missing] = findings(archive, "2026-01-10T09:00")
    assert missing["code"] == "plan-missing" and missing["file"] == "records/plans/2026.yaml"


def test_next_years_plan_is_due_at_the_end_of_this_year(archive):
    place(archive, "records/large-customers.yaml", REGISTER)
    place(archive, "records/plans/2026.yaml", plan(2026, [("0219001001", 12), ("0219001002", 12)]))
    assert "plan-missing" not in [c for c, _ in codes(archive, "2026-12-31T12:00")]
    assert ("plan-missing", None) in codes(archive, "2027-01-01T00:01")


def test_large_customer_visit_for_an_unregistered_account(archive):
    place(archive, "records/large-customers.yaml", REGISTER)
    place(archive, "records/plans/2026.yaml", plan(2026, [("0219001001", 12), ("0219001002", 12)]))
    large_visit(archive, "HF-20260915-0001", "0219005555", "2026-09-15 10:00")
    assert codes(archive, "2026-09-16T09:00") == [("large-customer-unregistered", "HF-20260915-0001")]


# ----- 连心卡 rounds ---------------------------------------------------------------------


def card_round(id="LXK-2026-02", customers=(30000, 2600), sent=(300, 260), returned=(1, 0),
               started="2026-10-08", finished="2026-11-05") -> str:
    return dump_yaml({
        "id": id, "month": "2026-10",
        "customers": {"residential": customers[0], "non-residential": customers[1]},
        "sent": {"residential": sent[0], "non-residential": sent[1]},
        "returned": {"residential": returned[0], "non-residential": returned[1]},
        "started_at": started, "finished_at": finished,
    })


def card_visit(root, id="HF-20261015-0001", round_id="LXK-2026-02", visited="2026-10-15 10:00") -> None:
    text = (f"id: {id}\ncategory: card\nunit: tanggu\ncustomer:\n  account: \"0212345678\"\n  name: 王建华\n"
            f"  kind: residential\nmethod: card\nround: {round_id}\nvisited_at: {visited}\nvisitor: 李敏\n"
            "topics: [quality]\nreached: true\nsatisfaction: satisfied\n")
    place(root, f"records/visits/tanggu/{visited[:4]}/{visited[5:7]}/{id}.yaml", text)


def test_round_meeting_every_rule_is_silent(archive):
    place(archive, "records/rounds/LXK-2026-02.yaml", card_round())
    card_visit(archive)
    assert findings(archive) == []


def test_round_below_one_and_ten_percent(archive):
    place(archive, "records/rounds/LXK-2026-02.yaml", card_round(sent=(299, 259)))
    card_visit(archive)
    got = sorted((f["code"], f["line"]) for f in findings(archive))
    assert got == [("card-round-below-ratio", 7), ("card-round-below-ratio", 8)]
    assert any("至少 300 张" in f["message"] for f in findings(archive))


def test_round_counts_that_do_not_add_up(archive):
    place(archive, "records/rounds/LXK-2026-02.yaml", card_round(sent=(300, 260), returned=(1, 261)))
    card_visit(archive)
    run = run_validate("--root", str(archive), "--as-of", AS_OF, "--format", "json")
    assert run.status == 1
    assert [f["code"] for f in run.findings] == ["round-invalid"]


def test_round_longer_than_a_month_and_returns_without_records(archive):
    place(archive, "records/rounds/LXK-2026-02.yaml", card_round(returned=(2, 0), finished="2026-11-09"))
    card_visit(archive)
    assert sorted(c for c, _ in codes(archive)) == ["card-returns-mismatch", "card-round-too-long"]


def test_card_visit_must_name_a_known_round_within_its_dates(archive):
    place(archive, "records/rounds/LXK-2026-02.yaml", card_round(returned=(2, 0)))
    card_visit(archive, "HF-20261015-0001", round_id="LXK-2026-09")
    card_visit(archive, "HF-20261115-0001", visited="2026-11-15 10:00")
    got = sorted(c for c, _ in codes(archive))
    assert got == ["card-returns-mismatch", "card-round-unknown", "card-visit-outside-round"]


def test_fewer_than_two_rounds_in_a_finished_year(archive):
    place(archive, "records/rounds/LXK-2026-02.yaml", card_round())
    card_visit(archive)
    assert codes(archive, "2027-01-02T09:00") == [("card-rounds-too-few", None)]


# ----- sampling --------------------------------------------------------------------------

CUSTOMERS = "account,usage_type,unit\n" + "".join(
    f"{n:010d},{kind},tanggu\n" for kind, count, start in (("居民生活", 30, 1000), ("一般工商业", 12, 2000), ("农业生产", 5, 3000))
    for n in range(start, start + count))
TANGGU = {"tanggu": "tanggu"}  # the unit lookup of a list that names only 塘沽


def test_draw_is_reproducible_and_stratified():
    first = draw(CUSTOMERS.encode(), "c.csv", "2026-10", 7, 0.10, TANGGU)
    again = draw(CUSTOMERS.encode(), "c.csv", "2026-10", 7, 0.10, TANGGU)
    other = draw(CUSTOMERS.encode(), "c.csv", "2026-10", 8, 0.10, TANGGU)
    assert first == again and first.customers != other.customers
    assert first.strata == {"一般工商业": 12, "农业生产": 5, "居民生活": 30}
    drawn = {s["usage_type"]: s["drawn"] for s in first.as_data()["strata"]}
    assert drawn == {"一般工商业": 2, "农业生产": 1, "居民生活": 3}  # ceil(10 %) of each


def run_draw(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        status = draw_sample_cli.main(list(args))
    return status, out.getvalue(), err.getvalue()


def test_draw_command_writes_a_sample_that_an_auditor_can_redraw(archive, tmp_path_factory):
    customers = tmp_path_factory.mktemp("in") / "customers.csv"
    customers.write_text(CUSTOMERS, encoding="utf-8")
    status, out, _ = run_draw(str(customers), "--month", "2026-10", "--seed", "5", "--root", str(archive))
    assert status == 0 and "records/samples/2026-10.yaml" in out
    status, out, _ = run_draw(str(customers), "--month", "2026-10", "--verify", "--root", str(archive))
    assert status == 0 and "核对通过" in out and "6 户完全一致" in out
    status, _, err = run_draw(str(customers), "--month", "2026-10", "--root", str(archive))
    assert status == 2 and "不得重抽覆盖" in err
    customers.write_text(CUSTOMERS.replace("0000001000,居民生活", "0000001000,一般工商业"), encoding="utf-8")
    status, out, _ = run_draw(str(customers), "--month", "2026-10", "--verify", "--root", str(archive))
    assert status == 1 and "SHA-256 不同" in out


def test_draw_command_rejects_bad_input(archive, tmp_path_factory):
    folder = tmp_path_factory.mktemp("in")
    bad = folder / "bad.csv"
    bad.write_text("account,unit\n1,tanggu\n", encoding="utf-8")
    status, _, err = run_draw(str(bad), "--month", "2026-10", "--root", str(archive))
    assert status == 1 and "usage_type" in err
    status, _, err = run_draw(str(bad), "--month", "2026/10", "--root", str(archive))
    assert status == 2 and "年-月" in err


def test_sample_below_ten_percent_in_one_stratum(archive):
    sample = draw(CUSTOMERS.encode(), "c.csv", "2026-10", 7, 0.10, TANGGU)
    place(archive, "records/samples/2026-10.yaml", dump_yaml(sample.as_data()))
    place(archive, "records/rounds/LXK-2026-02.yaml", card_round(returned=(len(sample.customers) - 1, 0)))
    for i, customer in enumerate(sample.customers[1:], start=1):  # the first drawn customer never returned a card
        card_visit(archive, f"HF-20261015-{i:04d}", visited="2026-10-15 10:00")
        path = archive / f"records/visits/tanggu/2026/10/HF-20261015-{i:04d}.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace("0212345678", customer["account"]), encoding="utf-8")
    assert findings(archive, "2026-10-31T23:00") == []  # the month is not over
    [short] = findings(archive, "2026-11-01T00:01")
    assert short["code"] == "sample-below-ratio" and sample.customers[0]["usage_type"] in short["message"]


def test_a_big_districts_sample_is_checked_not_refused_for_its_size(archive):
    """A month's sample is a list the drawing tool writes: 10 % of 12,000 customers is over the 64 KiB of a record."""
    customers = "account,usage_type,unit\n" + "".join(f"{n:010d},居民生活,tanggu\n" for n in range(12_000))
    text = dump_yaml(draw(customers.encode(), "c.csv", "2026-10", 7, 0.10, TANGGU).as_data())
    assert len(text.encode()) > 64 * 1024
    place(archive, "records/samples/2026-10.yaml", text)
    [short] = findings(archive, "2026-11-01T00:01")  # nobody drawn was called back
    assert short["code"] == "sample-below-ratio" and "12000 户" in short["message"] and "至少 1200 户" in short["message"]


def test_a_runaway_list_file_is_refused(archive):
    place(archive, "records/samples/2026-10.yaml", "month: \"2026-10\"\n" + "# " + "很" * (6 * 1024 * 1024) + "\n")
    run = run_validate("--root", str(archive), "--as-of", AS_OF, "--format", "json")
    assert run.status == 1
    [refused] = run.findings
    assert refused["code"] == "file-too-large" and "16 MiB" in refused["message"] and "名单" in refused["message"]


def test_voided_records_count_for_nothing(archive):
    """A voided visit stays in the archive but is not a callback, a card or a sampled customer."""
    from callback_archive.archive import open_archive
    from callback_archive.reports.stats import unit_tallies
    from callback_archive.timeutil import parse_time

    place(archive, "records/orders/2026-11.csv", HEADER + "GD2026112500123,repair,tanggu,0212345678,residential,2026-11-25 14:30:00\n")
    path = archive / add_visit(archive, "HF-20261126-0001")
    path.write_text(path.read_text(encoding="utf-8")
                    + "void: {at: 2026-11-26 08:30, by: 李敏, reason: 工单号录错}\n", encoding="utf-8")
    [missing] = findings(archive, "2026-11-26T15:00")
    assert missing["code"] == "order-missing-callback"  # the voided visit does not cover the order
    loaded = open_archive(archive, as_of=parse_time("2026-11-26T15:00"), git=False)
    assert [v.id for v in loaded.records.voided] == ["HF-20261126-0001"] and loaded.records.visits == []
    tally = unit_tallies(loaded)[(2026, 11)]["tanggu"]
    assert tally.category_row("repair")["done"] == 0 and tally.category_row("repair")["overdue"] == 1
