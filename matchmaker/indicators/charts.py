"""Charts drawn on the server as SVG: no script, no chart library, nothing from the network, and the
same picture on screen and on paper. Each chart draws the rows of a table of tables.py (so hidden
cells stay hidden: they are left out of the picture) and the page puts that table beside it.
"""
from __future__ import annotations

from markupsafe import Markup, escape

from .tables import Hidden, Table

COLOURS = {"local": "#2f6f4f", "domestic": "#6b9bd1", "overseas": "#e0a43a"}
BAR = "#2f6f4f"


def _num(v) -> float:
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else 0.0


def _fmt(v) -> str:
    if isinstance(v, Hidden):
        return str(v)
    if isinstance(v, float) and not v.is_integer():
        return f"{v:,.1f}"
    return f"{int(v):,}" if isinstance(v, (int, float)) else str(v)


def _svg(width: int, height: int, title: str, body: list[str]) -> Markup:
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
            f'role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>')
    return Markup(head + "".join(body) + "</svg>")


def bars(table: Table, label_col: int, value_col: int, title: str, top: int = 15) -> Markup:
    """Horizontal bars, one per row (the largest first as the table lists them)."""
    rows = [r for r in table.rows if not isinstance(r[value_col], Hidden)][:top]
    if not rows:
        return Markup("")
    width, label_w, bar_h, gap = 640, 230, 20, 6
    top_v = max((_num(r[value_col]) for r in rows), default=0) or 1
    body = []
    for i, r in enumerate(rows):
        y = 10 + i * (bar_h + gap)
        w = max(_num(r[value_col]) / top_v * (width - label_w - 80), 0)
        label = str(r[label_col])
        short = label if len(label) <= 22 else label[:21] + "…"
        body.append(f'<text x="{label_w - 8}" y="{y + 14}" text-anchor="end" class="chart-label">'
                    f'<title>{escape(label)}</title>{escape(short)}</text>')
        body.append(f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{BAR}"/>')
        body.append(f'<text x="{label_w + w + 6:.1f}" y="{y + 14}" class="chart-value">'
                    f'{escape(_fmt(r[value_col]))}</text>')
    return _svg(width, 20 + len(rows) * (bar_h + gap), title, body)


WITHHELD = "#b9b9b9"


def stacked_months(table: Table, title: str, legend: list[str], withheld: str) -> Markup:
    """Deals per month, one column per month stacked local / domestic / overseas (columns 1..3); a month
    whose split is withheld (a "< N" cell) is one grey column of its total (column 4)."""
    rows = table.rows
    if not rows or not any(_num(r[4]) for r in rows):
        return Markup("")
    width, height, left, bottom, top_pad = 640, 310, 44, 40, 48
    plot_h = height - bottom - top_pad
    peak = max(_num(r[4]) for r in rows) or 1
    step = (width - left - 10) / len(rows)
    bar_w = max(step * 0.7, 2)
    body = []
    for k, (name, colour) in enumerate(zip([*legend, withheld], [*COLOURS.values(), WITHHELD])):
        x, y = (left + k * 170, 4) if k < 3 else (left, 22)  # the withheld key on a line of its own
        body.append(f'<rect x="{x}" y="{y}" width="12" height="12" fill="{colour}"/>'
                    f'<text x="{x + 16}" y="{y + 11}" class="chart-label">{escape(name)}</text>')
    for frac in (0, 0.5, 1):
        y = top_pad + plot_h * (1 - frac)
        body.append(f'<line x1="{left}" x2="{width - 10}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ccc"/>'
                    f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" class="chart-value">'
                    f'{escape(_fmt(round(peak * frac)))}</text>')
    for i, r in enumerate(rows):
        x = left + i * step + (step - bar_w) / 2
        y = top_pad + plot_h
        parts = list(zip(r[1:4], COLOURS.values()))
        if any(isinstance(v, Hidden) for v in r[1:4]):
            parts = [(r[4], WITHHELD)]
        for v, colour in parts:
            h = _num(v) / peak * plot_h
            if h > 0:
                y -= h
                body.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="{colour}">'
                            f'<title>{escape(r[0])}: {escape(_fmt(v))}</title></rect>')
        if len(rows) <= 13 or i % 3 == 0:
            body.append(f'<text x="{x + bar_w / 2:.1f}" y="{height - bottom + 16}" text-anchor="middle" '
                        f'class="chart-value">{escape(str(r[0])[2:])}</text>')
    return _svg(width, height, title, body)
