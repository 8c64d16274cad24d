"""Importing provincial exports (CSV and .xlsx) into roster_record: all rows or none; and the `roster` CLI."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from click.testing import CliRunner
from openpyxl import Workbook
from sqlalchemy import select

from app.cli import social_cmds
from app.social.models import RosterRecord
from app.social.roster import RosterFileError, import_roster

NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
WANG = "140521199003150110"
LI = "140521198507220229"
ZHAO = "140521197001010318"
HEADER = "身份证号码,姓名,缴费年度,险种,缴费金额,到账情况,备注\n"


def write_csv(tmp_path, text, name="resident.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def records(store, kind="resident_pension_contribution"):
    with store.session() as s:
        return s.scalars(select(RosterRecord).where(RosterRecord.kind == kind).order_by(RosterRecord.id)).all()


def load(store, kind, path):
    with store.session(write=True) as s:
        return import_roster(s, kind, path, actor="admin1", now=NOW)


def test_csv_import_keeps_every_column(store, tmp_path):
    path = write_csv(tmp_path, HEADER + f"{WANG},王五,2024,基本养老保险,\"1,000.50\",已到账,\n"
                                        f"{WANG},王五,2025,基本养老保险,500,已到账,补登\n"
                                        f"{LI.lower()},李四,2025,补充养老保险,300,未到账,\n\n")
    result = load(store, "resident_pension_contribution", path)
    assert (result.rows, result.people, result.replaced) == (3, 2, 0)
    rows = records(store)
    assert [(r.id_number, r.row_number) for r in rows] == [(WANG, 2), (WANG, 3), (LI, 4)]
    assert json.loads(rows[0].fields) == {"name": "王五", "year": "2024", "scheme": "基本养老保险",
                                          "amount": "1000.50", "arrival": "已到账"}
    assert json.loads(rows[1].fields)["备注"] == "补登"  # a column the county does not know is kept as it is
    assert (rows[0].source_file, rows[0].imported_by, rows[0].imported_at) == ("resident.csv", "admin1", NOW)


@pytest.mark.parametrize(("body", "message"), [
    (f"{WANG},王五,2024,基本,500,,\n{ZHAO[:-1]}9,赵六,2024,基本,500,,\n", "第3行：身份证号码校验码错误"),
    (f"{WANG},王五,2024,基本,五百,,\n", "第2行：缴费金额“五百”不是数字"),
    (f"{WANG},王五,24,基本,500,,\n", "第2行：缴费年度“24”应为四位年份"),
    (f"{WANG},王五,2024,基本,,,\n", "第2行：缺少缴费金额"),
    (f"{WANG},王五,2024,基本,500,,,多余\n", "第2行：数据列数多于表头"),
])
def test_bad_row_refuses_the_whole_file_and_names_the_row(store, tmp_path, body, message):
    load(store, "resident_pension_contribution", write_csv(tmp_path, HEADER + f"{WANG},王五,2023,基本,400,,\n",
                                                            name="before.csv"))
    with pytest.raises(RosterFileError) as err:
        load(store, "resident_pension_contribution", write_csv(tmp_path, HEADER + body))
    assert str(err.value).startswith("文件 resident.csv")
    assert message in str(err.value)
    assert [json.loads(r.fields)["year"] for r in records(store)] == ["2023"]  # the earlier import is untouched


def test_missing_required_columns_and_unknown_kind(store, tmp_path):
    path = write_csv(tmp_path, "姓名,缴费年度\n王五,2024\n")
    with pytest.raises(RosterFileError, match="第1行（表头）缺少列：身份证号码、缴费金额"):
        load(store, "resident_pension_contribution", path)
    with pytest.raises(RosterFileError, match="未知的名册类型 pensions"):
        load(store, "pensions", path)
    with pytest.raises(RosterFileError, match="没有数据行"):
        load(store, "resident_pension_contribution", write_csv(tmp_path, HEADER, name="empty.csv"))
    with pytest.raises(RosterFileError, match="只支持 .csv 或 .xlsx"):
        load(store, "resident_pension_contribution", write_csv(tmp_path, HEADER, name="data.txt"))


def test_reimport_replaces_the_listed_people_only(store, tmp_path):
    load(store, "resident_pension_contribution", write_csv(
        tmp_path, HEADER + f"{WANG},王五,2024,基本,500,,\n{LI},李四,2024,基本,300,,\n", name="first.csv"))
    result = load(store, "resident_pension_contribution", write_csv(
        tmp_path, HEADER + f"{WANG},王五,2024,基本,500,,\n{WANG},王五,2025,基本,600,,\n", name="second.csv"))
    assert result.replaced == 1
    assert [(r.id_number, r.source_file) for r in records(store)] == [
        (LI, "first.csv"), (WANG, "second.csv"), (WANG, "second.csv")]


def test_gbk_csv_from_chinese_excel(store, tmp_path):
    path = write_csv(tmp_path, "公民身份号码,姓名,卡状态,制卡进度\n" + f"{ZHAO},赵六,正常,已领卡\n", encoding="gbk")
    load(store, "card_status", path)
    (row,) = records(store, "card_status")
    assert json.loads(row.fields) == {"name": "赵六", "status": "正常", "progress": "已领卡"}


def test_xlsx_import_reads_numbers_and_dates_as_the_clerk_sees_them(store, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["身份证号码", "姓名", "险种", "参保状态", "参保日期"])
    sheet.append([WANG, "王五", "城乡居民基本养老保险", "正常参保", datetime(2015, 3, 1)])
    sheet.append([None, None, None, None, None])
    sheet.append([LI, "李四", "城乡居民补充养老保险", "正常参保", date(2020, 1, 5)])
    book.save(tmp_path / "enrolment.xlsx")
    result = load(store, "resident_pension_enrolment", tmp_path / "enrolment.xlsx")
    assert (result.rows, result.people) == (2, 2)
    rows = records(store, "resident_pension_enrolment")
    assert json.loads(rows[0].fields)["since"] == "2015-03-01" and rows[1].row_number == 4


def test_xlsx_id_stored_as_a_number_is_refused(store, tmp_path):
    book = Workbook()
    book.active.append(["身份证号码", "姓名", "发放年月", "发放金额"])
    book.active.append([WANG, "王五", "2026-10", 1234.5])
    book.active.append([140521199003150110.0, "王五", 202611, 1234.5])  # Excel lost the last digits
    book.save(tmp_path / "pay.xlsx")
    with pytest.raises(RosterFileError, match="pay.xlsx 第3行：身份证号码"):
        load(store, "resident_pension_payment", tmp_path / "pay.xlsx")
    assert records(store, "resident_pension_payment") == []


def test_damaged_xlsx(store, tmp_path):
    (tmp_path / "bad.xlsx").write_bytes(b"not a zip")
    with pytest.raises(RosterFileError, match="不是有效的 Excel"):
        load(store, "card_status", tmp_path / "bad.xlsx")


@pytest.fixture()
def cli(store, monkeypatch):
    monkeypatch.setattr(social_cmds, "get_store", lambda: store)
    return lambda *args: CliRunner().invoke(social_cmds.roster, list(args))


def test_cli_import_and_refusal(cli, store, tmp_path):
    good = write_csv(tmp_path, HEADER + f"{WANG},王五,2024,基本,500,,\n")
    result = cli("import", "resident_pension_contribution", str(good), "--actor", "张管理员")
    assert result.exit_code == 0, result.output
    assert result.output == "已导入城乡居民养老保险缴费记录：1行，1人；替换原有记录0条。\n"
    assert records(store)[0].imported_by == "张管理员"
    bad = write_csv(tmp_path, HEADER + f"{WANG},王五,2024,基本,abc,,\n", name="bad.csv")
    result = cli("import", "resident_pension_contribution", str(bad))
    assert result.exit_code == 1 and "文件 bad.csv 第2行：缴费金额“abc”不是数字" in result.output
    assert cli("import", "no_such_kind", str(good)).exit_code == 2


def test_cli_lists_kinds(cli):
    result = cli("kinds")
    assert result.exit_code == 0
    line = "card_status  社会保障卡状态：身份证号码*、姓名、卡状态*、卡号、制卡进度、发卡银行、更新日期"
    assert line in result.output.splitlines()
