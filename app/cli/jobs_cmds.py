"""`cuncun jobs`: load what the county receives or publishes for the employment items from .csv/.xlsx files."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click
from sqlalchemy import inspect

from app.cli.common import cli_actor, get_store
from app.employment.imports import IMPORTERS, Importer, import_file
from app.employment.tabular import ImportFileError


def _run(importer: Importer, file: Path, actor: str | None) -> None:
    """Import one file in one transaction; a bad file changes nothing and names its bad row."""
    store = get_store()
    if not inspect(store.engine).has_table(importer.table.__tablename__):
        raise click.ClickException(f"数据表 {importer.table.__tablename__} 不存在，请先运行 cuncun init-db")
    try:
        with store.session(write=True) as session:
            result = import_file(session, importer, file, actor=cli_actor(actor), now=datetime.now(UTC))
    except ImportFileError as exc:
        raise click.ClickException(f"未导入任何数据。{exc}") from None
    click.echo(f"{file.name}：{result}")


@click.group("jobs")
def jobs() -> None:
    """Employment data: fixed postings, job fairs, policies, rosters and training institutions."""


FILE = click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
ACTOR = click.option("--actor", default=None, help="Who is importing (defaults to the OS user).")


@jobs.command("import-postings")
@FILE
@ACTOR
def import_postings(file: Path, actor: str | None) -> None:
    """Import enterprises' fixed-job postings (岗位编号, 单位名称, 联系电话, 工种, 月薪（元）, ...)."""
    _run(IMPORTERS["postings"], file, actor)


@jobs.command("import-fairs")
@FILE
@ACTOR
def import_fairs(file: Path, actor: str | None) -> None:
    """Import the job fairs the county publishes (名称, 举办日期, 地点, 主办单位, ...)."""
    _run(IMPORTERS["fairs"], file, actor)


@jobs.command("import-policies")
@FILE
@ACTOR
def import_policies(file: Path, actor: str | None) -> None:
    """Import published employment policy documents (标题, 文号, 发布机关, 发布日期, 摘要, 链接)."""
    _run(IMPORTERS["policies"], file, actor)


@jobs.command("import-cards")
@FILE
@ACTOR
def import_cards(file: Path, actor: str | None) -> None:
    """Import the 《就业创业证》 roster (证号, 身份证号码, 姓名, 发证日期, 发证机构, 状态)."""
    _run(IMPORTERS["cards"], file, actor)


@jobs.command("import-archives")
@FILE
@ACTOR
def import_archives(file: Path, actor: str | None) -> None:
    """Import the personnel-file roster (身份证号码, 姓名, 存放机构, 机构地址, 联系电话, 存放日期, 备注)."""
    _run(IMPORTERS["archives"], file, actor)


@jobs.command("import-institutions")
@FILE
@ACTOR
def import_institutions(file: Path, actor: str | None) -> None:
    """Import training institutions (机构名称, 所在乡镇, 地址, 联系电话, 培训项目, 状态)."""
    _run(IMPORTERS["institutions"], file, actor)
