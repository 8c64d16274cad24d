"""`cuncun bpmn check FILE...`: every rule, each finding with file, line, element and the fix."""

from __future__ import annotations

import sys

import click

from app.bootstrap import build_engine
from app.checking import check as run_checks
from app.checking import read_files
from engine.settings import Settings


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
def check(files: tuple[str, ...]) -> None:
    """Check process files; exit non-zero when anything is an error."""
    settings = Settings.from_env()
    engine = build_engine(settings)
    findings = run_checks(engine, settings, read_files(files))
    for finding in findings:
        click.echo(f"{finding.severity}: {finding}")
    errors = sum(1 for f in findings if f.is_error)
    click.echo(f"{len(files)} file(s) checked: {errors} error(s), {len(findings) - errors} warning(s)")
    sys.exit(1 if errors else 0)
