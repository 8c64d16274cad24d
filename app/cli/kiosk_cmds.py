"""`cuncun kiosk`: register kiosks to points, revoke them, list them; staff API tokens for integration."""

from __future__ import annotations

from datetime import UTC, datetime

import click

from app.cli.common import cli_actor, get_store
from app.filters import china_time
from app.kiosk import services
from app.kiosk.services import KioskAdminError


def _run(action):
    """Run an admin action in one transaction; a refusal becomes a clean command-line error."""
    try:
        with get_store().session(write=True) as session:
            return action(session, datetime.now(UTC))
    except KioskAdminError as exc:
        raise click.ClickException(str(exc)) from None


def _actor(actor: str | None) -> str:
    """Return who runs the command, for the audit trail (an OS user is marked as coming from the CLI)."""
    return cli_actor(actor, prefix="cli:")


def _show_once(token: str) -> None:
    click.echo(f"令牌（只显示这一次，请立即配置到设备上，系统只保存其摘要）：\n{token}")


@click.group("kiosk")
def kiosk() -> None:
    """Self-service kiosks (自助机) and API tokens."""


@kiosk.command("register")
@click.argument("point_code")
@click.option("--name", default="", help="The kiosk's name (default: <point name>自助机).")
@click.option("--actor", default=None, help="Who registers it (defaults to the OS user).")
def register_cmd(point_code: str, name: str, actor: str | None) -> None:
    """Register a kiosk to POINT_CODE and print its token once."""
    def action(session, now):
        kiosk_row, raw = services.register_kiosk(session, point_code, name, actor=_actor(actor), now=now)
        return kiosk_row.id, kiosk_row.name, raw

    kiosk_id, kiosk_name, raw = _run(action)
    click.echo(f"已登记自助机 {kiosk_id}：{kiosk_name}（网点 {point_code}）")
    _show_once(raw)


@kiosk.command("revoke")
@click.argument("kiosk_id", type=int)
@click.option("--actor", default=None, help="Who revokes it (defaults to the OS user).")
def revoke_cmd(kiosk_id: int, actor: str | None) -> None:
    """Take kiosk KIOSK_ID out of service: its token stops working at once (401)."""
    name = _run(lambda session, now: services.revoke_kiosk(session, kiosk_id, actor=_actor(actor), now=now).name)
    click.echo(f"已停用自助机 {kiosk_id}：{name}")


@kiosk.command("rotate")
@click.argument("kiosk_id", type=int)
@click.option("--actor", default=None, help="Who rotates it (defaults to the OS user).")
def rotate_cmd(kiosk_id: int, actor: str | None) -> None:
    """Give kiosk KIOSK_ID a new token (the old one stops working) and print it once."""
    raw = _run(lambda session, now: services.rotate_kiosk_token(session, kiosk_id, actor=_actor(actor), now=now))
    click.echo(f"已为自助机 {kiosk_id} 更换令牌，旧令牌已吊销。")
    _show_once(raw)


@kiosk.command("list")
def list_cmd() -> None:
    """List the kiosks with their points and tokens, then the staff API tokens."""
    def action(session, now):
        kiosks = [(k.id, k.name, k.point_code, point, k.revoked_at,
                   [(t.prefix, t.revoked_at, t.last_used_at) for t in found])
                  for k, point, found in services.list_kiosks(session)]
        staff = [(t.id, t.prefix, user, t.label, t.revoked_at, t.last_used_at)
                 for t, user in services.list_staff_tokens(session)]
        return kiosks, staff

    kiosks, staff = _run(action)
    if not kiosks:
        click.echo("没有已登记的自助机。")
    for kiosk_id, name, point_code, point, revoked, found in kiosks:
        state = f"已停用 {china_time(revoked)}" if revoked else "在用"
        click.echo(f"{kiosk_id}\t{name}\t{point_code} {point}\t{state}")
        for prefix, token_revoked, used in found:
            click.echo(f"\t令牌 {prefix}…\t{'已吊销' if token_revoked else '有效'}\t最近使用 {china_time(used) or '—'}")
    for token_id, prefix, user, label, revoked, used in staff:
        click.echo(f"API令牌 {token_id}\t{prefix}…\t账号 {user}\t{label}\t{'已吊销' if revoked else '有效'}\t"
                   f"最近使用 {china_time(used) or '—'}")


@kiosk.command("api-token")
@click.argument("username")
@click.option("--label", default="", help="What the token is for (e.g. the integrating system).")
@click.option("--actor", default=None, help="Who issues it (defaults to the OS user).")
def api_token_cmd(username: str, label: str, actor: str | None) -> None:
    """Issue an API token acting as staff account USERNAME (its role and scope) and print it once."""
    def action(session, now):
        token, raw = services.issue_staff_token(session, username, label, actor=_actor(actor), now=now)
        return token.id, raw

    token_id, raw = _run(action)
    click.echo(f"已为账号 {username} 签发API令牌 {token_id}")
    _show_once(raw)


@kiosk.command("revoke-token")
@click.argument("token_id", type=int)
@click.option("--actor", default=None, help="Who revokes it (defaults to the OS user).")
def revoke_token_cmd(token_id: int, actor: str | None) -> None:
    """Revoke API token TOKEN_ID (a staff token, or one kiosk token)."""
    _run(lambda session, now: services.revoke_token(session, token_id, actor=_actor(actor), now=now))
    click.echo(f"已吊销令牌 {token_id}")
