"""`cuncun county`: list the counties and bind a county-level account to its county."""

from __future__ import annotations

from datetime import UTC, datetime

import click
from sqlalchemy import func, select

from app.cli.common import cli_actor, get_store
from app.org.models import County, CountyMember, Town
from app.org.services import OrgError, bind_county


@click.group("county")
def county() -> None:
    """Counties (县) and the county-level accounts bound to them."""


@county.command("list")
def list_counties() -> None:
    """List the counties with their numbers of towns and bound accounts."""
    with get_store().session() as session:
        towns = dict(session.execute(select(Town.county_code, func.count()).group_by(Town.county_code)).all())
        members = dict(session.execute(select(CountyMember.county_code, func.count())
                                       .group_by(CountyMember.county_code)).all())
        for row in session.scalars(select(County).order_by(County.ordinal)):
            click.echo(f"{row.code}  {row.name}  乡镇 {towns.get(row.code, 0)}  县级账号 {members.get(row.code, 0)}")


@county.command("bind")
@click.argument("username")
@click.argument("county_code")
@click.option("--actor", default=None, help="Who binds (for the audit trail; default: the OS user).")
def bind(username: str, county_code: str, actor: str | None) -> None:
    """Bind a county-level account (reviewer, supervisor, ...) to its county."""
    try:
        with get_store().session(write=True) as session:
            row = bind_county(session, username, county_code, actor=cli_actor(actor, prefix="cli:"),
                              at=datetime.now(UTC))
            click.echo(f"{username} 已绑定到 {row.name}（{row.code}）。")
    except OrgError as exc:
        raise click.ClickException(str(exc)) from None
