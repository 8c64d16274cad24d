"""Imports of what the county receives or publishes: good files load, a bad row refuses the whole file."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from click.testing import CliRunner
from openpyxl import Workbook
from sqlalchemy import select

from app.cli import jobs_cmds
from app.employment.imports import ARCHIVES, EMPLOYMENT_CARDS, FIXED_POSTINGS, INSTITUTIONS, import_file
from app.employment.models import ArchiveRecord, EmploymentCardRecord, JobPosting, TrainingInstitution
from app.employment.tabular import ImportFileError
from engine.clock import CHINA

NOW = datetime(2026, 11, 20, 9, tzinfo=CHINA)
HEADER = "岗位编号,单位名称,联系电话,工种,工作地点（乡镇）,月薪（元）,开始日期,截止日期,招聘人数,岗位描述,招聘状态"
GOOD = [
    "QS-001,沁水县某煤业公司,0356-7021111,煤矿及煤层气,端氏镇,6500,2026-11-01,2027-01-31,10,井下作业,招聘中",
    "QS-002,沁水县某物流公司,13903561234,驾驶运输,龙港镇,5000,2026/11/15,2026年12月31日,2,,",
]


def write_csv(tmp_path, lines, name="岗位.csv", encoding="utf-8-sig"):
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding=encoding)
    return path


def load(store, importer, path):
    with store.session(write=True) as s:
        return import_file(s, importer, path, actor="admin", now=NOW)


def postings(store):
    with store.session() as s:
        return list(s.scalars(select(JobPosting).order_by(JobPosting.ref)))


def test_good_csv_loads_every_row(store, tmp_path):
    result = load(store, FIXED_POSTINGS, write_csv(tmp_path, [HEADER, *GOOD]))
    assert str(result) == "固定工岗位：新增2条，更新0条"
    first, second = postings(store)
    assert (first.kind, first.job_type, first.work_town, first.pay, first.headcount, first.status) == (
        "fixed", "mining", "DS", 6500, 10, "open")
    assert (first.source, first.created_by, first.instance_id) == ("岗位.csv", "admin", None)
    assert (second.date_from, second.date_to, second.description) == (date(2026, 11, 15), date(2026, 12, 31), "")


def test_gbk_csv_from_excel_loads(store, tmp_path):
    load(store, FIXED_POSTINGS, write_csv(tmp_path, [HEADER, *GOOD], encoding="gb18030"))
    assert [p.employer_name for p in postings(store)] == ["沁水县某煤业公司", "沁水县某物流公司"]


def test_xlsx_with_date_cells_and_float_numbers(store, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    sheet.append(["QS-003", "沁水县某酒店", "0356-7023333", "餐饮服务", "嘉峰镇", 3800.0,
                  datetime(2026, 11, 1), datetime(2027, 2, 28), 4.0, "", "招聘中"])
    path = tmp_path / "岗位.xlsx"
    book.save(path)
    load(store, FIXED_POSTINGS, path)
    (row,) = postings(store)
    assert (row.pay, row.headcount, row.date_to, row.work_town) == (3800, 4, date(2027, 2, 28), "JF")


@pytest.mark.parametrize(("bad", "message"), [
    ("QS-009,某公司,0356-7029999,挖煤,龙港镇,5000,2026-11-01,2027-01-31,1,,", "第4行“工种”“挖煤”不是有效的工种"),
    ("QS-009,某公司,0356-7029999,电工,龙港镇,五千,2026-11-01,2027-01-31,1,,", "第4行“月薪（元）”应为整数"),
    ("QS-009,某公司,0356-7029999,电工,龙港镇,5000,2026-13-01,2027-01-31,1,,", "第4行“开始日期”不是有效日期"),
    ("QS-009,某公司,0356-7029999,电工,龙港镇,5000,2027-02-01,2027-01-31,1,,", "第4行“截止日期”早于“开始日期”"),
    ("QS-009,,0356-7029999,电工,龙港镇,5000,2026-11-01,2027-01-31,1,,", "第4行“单位名称”不能为空"),
    ("QS-001,某公司,0356-7029999,电工,龙港镇,5000,2026-11-01,2027-01-31,1,,", "第4行与第2行重复"),
    ("QS-009,某公司,0356-7029999,电工,北京,5000,2026-11-01,2027-01-31,1,,",
     "第4行“工作地点（乡镇）”“北京”不是有效的乡镇"),
])
def test_a_bad_row_refuses_the_whole_file(store, tmp_path, bad, message):
    with pytest.raises(ImportFileError) as err:
        load(store, FIXED_POSTINGS, write_csv(tmp_path, [HEADER, *GOOD, bad]))
    assert str(err.value).startswith("岗位.csv：") and message in str(err.value)
    assert postings(store) == []  # the good rows before it were not written either


def test_missing_column_and_empty_files(store, tmp_path):
    with pytest.raises(ImportFileError, match="第1行（表头）缺少列：月薪（元）"):
        load(store, FIXED_POSTINGS, write_csv(tmp_path, [HEADER.replace("月薪（元）", "薪水")]))
    with pytest.raises(ImportFileError, match="只有表头"):
        load(store, FIXED_POSTINGS, write_csv(tmp_path, [HEADER]))
    with pytest.raises(ImportFileError, match="只能导入 .csv 或 .xlsx"):
        load(store, FIXED_POSTINGS, write_csv(tmp_path, [HEADER], name="岗位.txt"))


def test_reimport_updates_by_posting_number(store, tmp_path):
    load(store, FIXED_POSTINGS, write_csv(tmp_path, [HEADER, *GOOD]))
    filled = GOOD[0].replace("招聘中", "已招满")
    result = load(store, FIXED_POSTINGS, write_csv(tmp_path, [HEADER, filled], name="岗位更新.csv"))
    assert (result.added, result.updated) == (0, 1)
    first, _ = postings(store)
    assert (first.status, first.source, first.created_at) == ("filled", "岗位更新.csv", NOW)


def test_rosters_and_institutions(store, tmp_path):
    load(store, EMPLOYMENT_CARDS, write_csv(tmp_path, [
        "证号,身份证号码,姓名,发证日期,发证机构,状态",
        "1405210000123,140521199003150014,李明,2024-06-03,沁水县就业服务中心,有效"]))
    load(store, ARCHIVES, write_csv(tmp_path, [
        "身份证号码,姓名,存放机构,存放日期", "140521198507220026,王芳,沁水县人才交流中心,2019-07-01"]))
    load(store, INSTITUTIONS, write_csv(tmp_path, [
        "机构名称,所在乡镇,地址,联系电话,培训项目",
        "沁水县某职业培训学校,龙港镇,县城某路1号,0356-7020000,电工、焊工，计算机操作"]))
    with store.session() as s:
        assert s.scalar(select(EmploymentCardRecord.name)) == "李明"
        assert s.scalar(select(ArchiveRecord.stored_since)) == date(2019, 7, 1)
        inst = s.scalar(select(TrainingInstitution))
        assert (inst.programs, inst.active, inst.imported_by) == (["electrician", "welding", "computer"], True, "admin")
    with pytest.raises(ImportFileError, match="第2行“身份证号码”身份证号码校验码错误"):
        load(store, ARCHIVES, write_csv(tmp_path, ["身份证号码,姓名,存放机构", "140521198507220027,王芳,某中心"]))


def test_cli_imports_postings_and_refuses_a_bad_file(store, tmp_path, monkeypatch):
    monkeypatch.setattr(jobs_cmds, "get_store", lambda: store)
    runner = CliRunner()
    good = runner.invoke(jobs_cmds.jobs, ["import-postings", str(write_csv(tmp_path, [HEADER, *GOOD])),
                                          "--actor", "admin"])
    assert good.exit_code == 0 and good.output == "岗位.csv：固定工岗位：新增2条，更新0条\n"
    bad = runner.invoke(jobs_cmds.jobs, ["import-postings", str(write_csv(tmp_path, [HEADER, "QS-9,某公司"],
                                                                          name="坏.csv"))])
    assert bad.exit_code == 1 and "未导入任何数据。坏.csv：第2行“联系电话”不能为空" in bad.output
    assert len(postings(store)) == 2
    file = write_csv(tmp_path, ["机构名称,所在乡镇,地址,联系电话,培训项目,状态",
                                "某培训站,郑庄镇,某村,0356-7020001,焊工,停用"], name="机构.csv")
    institutions = runner.invoke(jobs_cmds.jobs, ["import-institutions", str(file)])
    assert institutions.exit_code == 0 and "培训机构：新增1条" in institutions.output
