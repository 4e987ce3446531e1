"""Geometry of the dashboard's charts, drawn as inline SVG by its template (no JavaScript)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from api.dashboard.service import DECISIONS, Week

WIDTH, HEIGHT = 640, 250
LEFT, RIGHT, TOP, BOTTOM = 44, 8, 14, 34


def bars(series: dict[str, dict[str, int]], unknown: str) -> dict[str, Any]:
    """Geometry of a grouped horizontal bar chart, drawn as inline SVG by the template."""
    labels = sorted({k for values in series.values() for k in values}, key=lambda k: (k == "", k))
    top = max((v for values in series.values() for v in values.values()), default=0) or 1
    rows = [
        {
            "label": label or unknown,
            "bars": [
                {"series": i, "value": values.get(label, 0), "width": values.get(label, 0) / top}
                for i, values in enumerate(series.values())
            ],
        }
        for label in labels
    ]
    return {"names": list(series), "rows": rows}


def nice_ticks(top: int, most: int = 4) -> list[int]:
    """Round axis values from 0 to at least `top`, at most `most` steps (1, 2 or 5 × 10^k)."""
    top = max(top, 1)
    step = 1
    for magnitude in range(0, 12):
        for base in (1, 2, 5):
            step = base * 10**magnitude
            if math.ceil(top / step) <= most:
                return list(range(0, step * math.ceil(top / step) + 1, step))
    return [0, top]


def week_label(t: Callable[..., str], day: Any) -> str:
    months = t("dashboard.months").split(",")
    return t("dashboard.week_label", day=day.day, month=months[day.month - 1], year=day.year)


def activity_chart(weeks: Sequence[Week], t: Callable[..., str]) -> dict[str, Any]:
    """Geometry of the weekly column chart: proposed suggestions beside stacked decisions."""
    ticks = nice_ticks(max(max(w.created, w.decided) for w in weeks))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    base = TOP + plot_h
    scale = plot_h / ticks[-1]
    group = plot_w / len(weeks)
    bar = min(26.0, group * 0.4)
    every = math.ceil(len(weeks) / 8)  # at most eight dates under the axis
    columns: list[dict[str, Any]] = []
    labels: list[dict[str, Any]] = []
    for i, week in enumerate(weeks):
        middle = LEFT + group * (i + 0.5)
        label = week_label(t, week.start)
        height = week.created * scale
        columns.append(
            {
                "x": round(middle - bar - 1, 1),
                "y": round(base - height, 1),
                "w": round(bar, 1),
                "h": round(height, 1),
                "cls": "series-0",
                "title": f"{label} — {t('dashboard.created')} : {week.created}",
            }
        )
        top = float(base)
        for status in DECISIONS:
            n = week.decisions.get(status, 0)
            if not n:
                continue
            height = n * scale
            top -= height
            columns.append(
                {
                    "x": round(middle + 1, 1),
                    "y": round(top, 1),
                    "w": round(bar, 1),
                    "h": round(height, 1),
                    "cls": f"bar-{status}",
                    "title": f"{label} — {t('status.' + status)} : {n}",
                }
            )
        if i % every == 0:
            labels.append({"x": round(middle, 1), "text": label})
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "base": base,
        "ticks": [{"y": round(base - v * scale, 1), "value": v} for v in ticks],
        "columns": columns,
        "labels": labels,
        "rows": [
            {
                "label": week_label(t, w.start),
                "created": w.created,
                "decisions": [w.decisions.get(s, 0) for s in DECISIONS],
            }
            for w in weeks
        ],
        "total_created": sum(w.created for w in weeks),
        "total_decided": sum(w.decided for w in weeks),
        "first": week_label(t, weeks[0].start),
        "last": week_label(t, weeks[-1].start),
    }
