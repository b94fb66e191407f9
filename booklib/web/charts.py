"""Bar charts as plain SVG numbers for the stats page's template (stats/_chart.html): drawn on the
server, no script, nothing the strict CSP would stop."""

from __future__ import annotations

from dataclasses import dataclass

WIDTH, HEIGHT, TOP, BOTTOM = 640, 220, 22, 28


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: int
    text: str  # what a screen reader and the bar's tooltip say


@dataclass(frozen=True)
class BarChart:
    title: str
    description: str
    bars: list[Bar]
    width: int = WIDTH
    height: int = HEIGHT
    baseline: float = HEIGHT - BOTTOM


def bar_chart(title: str, points: list[tuple[str, int]], unit: str, describe: str | None = None) -> BarChart:
    """One bar per (label, value); the tallest fills the chart, values are written above their bars."""
    top = max((value for _, value in points), default=0) or 1
    slot = WIDTH / max(len(points), 1)
    room = HEIGHT - TOP - BOTTOM
    bars = []
    for i, (label, value) in enumerate(points):
        height = room * value / top
        bars.append(Bar(x=round(i * slot + slot * 0.15, 1), y=round(HEIGHT - BOTTOM - height, 1),
                        width=round(slot * 0.7, 1), height=round(height, 1), label=label, value=value,
                        text=f"{label}: {value} {unit}"))
    listed = ", ".join(bar.text for bar in bars if bar.value) or f"no {unit} yet"
    return BarChart(title, describe or f"{title}: {listed}.", bars)
