"""A small server-side SVG bar chart: no JavaScript, prints on any old PC."""

from __future__ import annotations

from markupsafe import Markup, escape

from app.sla.queries import Week

SERIES = (("opened", "新受理", "#4a7fb5"), ("finished", "已办结", "#5a9e5a"), ("overdue", "超期", "#c33"))


def weekly_chart(weeks: list[Week], width: int = 720, height: int = 220) -> Markup:
    """Draw grouped bars per week with a legend."""
    top = max([max(w.opened, w.finished, w.overdue) for w in weeks] + [1])
    plot_h, base, left = height - 60, height - 30, 30
    slot = (width - left) / max(len(weeks), 1)
    bar = slot / (len(SERIES) + 1)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
             f'role="img" aria-label="每周受理、办结和超期案件数">',
             f'<line x1="{left}" y1="{base}" x2="{width}" y2="{base}" stroke="#888"/>',
             f'<text x="2" y="{base - plot_h + 4}" font-size="11">{top}</text>']
    for n, week in enumerate(weeks):
        x0 = left + n * slot
        for k, (attr, label, color) in enumerate(SERIES):
            value = getattr(week, attr)
            h = plot_h * value / top
            parts.append(f'<rect x="{x0 + (k + 0.5) * bar:.1f}" y="{base - h:.1f}" width="{bar:.1f}" '
                         f'height="{h:.1f}" fill="{color}"><title>{escape(label)} {value}</title></rect>')
        parts.append(f'<text x="{x0 + slot / 2:.1f}" y="{base + 14}" font-size="10" text-anchor="middle">'
                     f'{week.start:%m-%d}</text>')
    for k, (_, label, color) in enumerate(SERIES):
        parts.append(f'<rect x="{left + k * 90}" y="4" width="12" height="12" fill="{color}"/>'
                     f'<text x="{left + k * 90 + 16}" y="14" font-size="12">{escape(label)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
