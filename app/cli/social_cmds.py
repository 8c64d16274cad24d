"""`cuncun roster`: import exports of the provincial system, list the kinds the county understands."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click

from app.cli.common import cli_actor, get_store
from app.social.roster import KINDS, RosterFileError, import_roster


@click.group("roster")
def roster() -> None:
    """Provincial-system exports (名册) the county imports for its queries and checks."""


@roster.command("import")
@click.argument("kind", type=click.Choice(sorted(KINDS)))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--actor", default=None, help="Who is importing (defaults to the OS user).")
def import_cmd(kind: str, file: Path, actor: str | None) -> None:
    """Import FILE (.csv or .xlsx, header in the first row) as KIND; a file with any bad row is refused whole."""
    store = get_store()
    try:
        with store.session(write=True) as session:
            result = import_roster(session, kind, file, actor=cli_actor(actor), now=datetime.now(UTC))
    except RosterFileError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"已导入{KINDS[kind].label}：{result.rows}行，{result.people}人；替换原有记录{result.replaced}条。")


@roster.command("kinds")
def kinds_cmd() -> None:
    """List the kinds of export and their columns (* = required; the ID-number column is always required)."""
    for kind in KINDS.values():
        columns = "、".join(c.label + ("*" if c.required else "") for c in kind.columns)
        click.echo(f"{kind.kind}  {kind.label}：身份证号码*、{columns}")
