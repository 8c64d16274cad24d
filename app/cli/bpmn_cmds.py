"""`cuncun bpmn`: tools for BPMN files (render a diagram to SVG)."""

from __future__ import annotations

from pathlib import Path

import click

from engine.diagram import DiagramError, render_svg


@click.group()
def bpmn() -> None:
    """BPMN file tools."""


@bpmn.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the SVG.")
@click.option("--diagram", "diagram_id", default=None,
              help="Diagram, plane, process or collaboration id to draw (default: the first diagram).")
def render(file: Path, out: Path, diagram_id: str | None) -> None:
    """Render FILE's diagram (its BPMN DI) to an SVG file."""
    try:
        svg = render_svg(file, diagram_id=diagram_id)
    except DiagramError as exc:
        raise click.ClickException(f"{file}: {exc.message} ({exc.detail})") from exc
    out.write_text('<?xml version="1.0" encoding="UTF-8"?>\n' + svg + "\n", encoding="utf-8")
    click.echo(f"wrote {out}")
