"""Charts drawn at build time as inline SVG: no script, no font or image from anywhere else.

Colours and text follow the theme through the CSS classes in ``docs/assets/stylesheets/archive.css``.
"""

from __future__ import annotations

import math

from .common import h

WIDTH, HEIGHT = 760, 300
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 40
COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
           "#17becf")
_LEGEND_ROW = 20


def _figure(title: str, body: list[str], legend: list[str], note: str) -> str:
    """The chart in a figure with its legend below the plot; one raw HTML block (no blank line)."""
    rows = math.ceil(len(legend) / 4)
    height = HEIGHT + rows * _LEGEND_ROW
    items = []
    for i, name in enumerate(legend):
        x, y = LEFT + (i % 4) * 176, HEIGHT + (i // 4) * _LEGEND_ROW + 6
        items.append(f'<rect x="{x}" y="{y}" width="12" height="12" fill="{COLOURS[i % len(COLOURS)]}"/>'
                     f'<text x="{x + 18}" y="{y + 11}">{h(name)}</text>')
    return (f'<figure class="ca-chart" data-search-exclude="true">'
            f'<svg viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{h(title)}">'
            f'<title>{h(title)}</title>{"".join(body)}{"".join(items)}</svg>'
            f'<figcaption>{h(title)}{h(note)}</figcaption></figure>')


def _x(i: int, n: int) -> float:
    inner = WIDTH - LEFT - RIGHT
    return LEFT + inner * (i + 0.5) / n


def _y(value: float, low: float, high: float) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - (value - low) / (high - low))


def _x_labels(labels: list[str]) -> list[str]:
    return [f'<text class="ca-axis" x="{_x(i, len(labels)):.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="middle">'
            f'{h(label)}</text>' for i, label in enumerate(labels)]


def _grid(ticks: list[float], low: float, high: float, text: str) -> list[str]:
    out = []
    for tick in ticks:
        y = _y(tick, low, high)
        out.append(f'<line class="ca-grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>'
                   f'<text class="ca-axis" x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{text.format(tick)}</text>')
    return out


def rate_chart(title: str, labels: list[str], series: dict[str, list[float | None]]) -> str:
    """Rates (0..1) per month as lines, one per series; a month without a value breaks the line."""
    values = [v for line in series.values() for v in line if v is not None]
    if not values or not labels:
        return f'<p class="ca-empty">{h(title)}：还没有数据。</p>'
    low = min(0.9, math.floor(min(values) * 10) / 10)
    ticks = [low + (1 - low) * k / 5 for k in range(6)]
    body = _grid(ticks, low, 1.0, "{:.0%}") + _x_labels(labels)
    for i, (name, line) in enumerate(series.items()):
        colour = COLOURS[i % len(COLOURS)]
        points, runs = [], [[]]
        for j, value in enumerate(line):
            if value is None:
                runs.append([])
                continue
            x, y = _x(j, len(labels)), _y(value, low, 1.0)
            runs[-1].append(f"{x:.1f},{y:.1f}")
            points.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}">'
                          f'<title>{h(name)} {h(labels[j])}：{value:.2%}</title></circle>')
        body += [f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{" ".join(run)}"/>'
                 for run in runs if len(run) > 1]
        body += points
    return _figure(title, body, list(series), "（纵轴起点不为零）" if low > 0 else "")


def count_chart(title: str, labels: list[str], series: dict[str, list[int]]) -> str:
    """Counts per month as stacked bars, one colour per series."""
    totals = [sum(line[j] for line in series.values()) for j in range(len(labels))]
    if not labels or not any(totals):
        return f'<p class="ca-empty">{h(title)}：还没有数据。</p>'
    step = 10 ** max(0, len(str(max(totals))) - 1)
    high = math.ceil(max(totals) / step) * step
    ticks = [high * k / 5 for k in range(6)]
    body = _grid(ticks, 0, high, "{:,.0f}") + _x_labels(labels)
    bar = (WIDTH - LEFT - RIGHT) / len(labels) * 0.6
    for j, label in enumerate(labels):
        base = 0
        for i, (name, line) in enumerate(series.items()):
            if not line[j]:
                continue
            top, bottom = _y(base + line[j], 0, high), _y(base, 0, high)
            body.append(f'<rect x="{_x(j, len(labels)) - bar / 2:.1f}" y="{top:.1f}" width="{bar:.1f}" '
                        f'height="{bottom - top:.1f}" fill="{COLOURS[i % len(COLOURS)]}">'
                        f'<title>{h(label)} {h(name)}：{line[j]}</title></rect>')
            base += line[j]
        body.append(f'<text class="ca-axis" x="{_x(j, len(labels)):.1f}" y="{_y(base, 0, high) - 4:.1f}" '
                    f'text-anchor="middle">{base}</text>')
    return _figure(title, body, list(series), "")
