"""Hand-rolled SVG for the web UI: the dyad timeline and an actor's partner network.

Drawn on the server so the pages work without JavaScript and without any network connection.
Every piece of text that reaches the SVG is escaped.
"""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import quote, urlencode

from markupsafe import Markup, escape

TIMELINE_WIDTH = 900
TIMELINE_HEIGHT = 300
MARGIN = {"top": 20, "right": 50, "bottom": 40, "left": 46}
GOLDSTEIN_RANGE = 10.0  # the Goldstein scale runs from -10 to +10
MAX_X_LABELS = 12

NETWORK_SIZE = 360
NETWORK_RADIUS = 130
MAX_EDGE_WIDTH = 9.0


def _num(x: float) -> str:
    return f"{x:.1f}"


def goldstein_colour(mean: float | None) -> str:
    """Red for conflict, green for cooperation, grey when unknown (the legend says the same)."""
    if mean is None:
        return "#888888"
    t = max(-1.0, min(1.0, mean / GOLDSTEIN_RANGE))
    if t >= 0:
        return f"rgb({int(120 - 90 * t)},{int(140 + 40 * t)},{int(120 - 60 * t)})"
    return f"rgb({int(170 + 60 * -t)},{int(110 - 70 * -t)},{int(100 - 60 * -t)})"


def dyad_timeline(series: list[dict[str, Any]], a: str, b: str) -> Markup:
    """Bars of event counts per period (stacked by direction) and a line of mean Goldstein."""
    w, h, m = TIMELINE_WIDTH, TIMELINE_HEIGHT, MARGIN
    plot_w, plot_h = w - m["left"] - m["right"], h - m["top"] - m["bottom"]
    parts = [
        f'<svg class="timeline" viewBox="0 0 {w} {h}" role="img" '
        f'aria-label="Events and Goldstein between {escape(a)} and {escape(b)}" xmlns="http://www.w3.org/2000/svg">'
    ]
    if not series:
        parts.append(
            f'<text x="{w / 2}" y="{h / 2}" text-anchor="middle" class="empty">No events</text></svg>'
        )
        return Markup("".join(parts))
    top = max(1, max(p["count"] for p in series))
    step = plot_w / len(series)
    bar_w = max(1.0, step * 0.7)

    def y_count(v: float) -> float:
        return m["top"] + plot_h - v / top * plot_h

    def y_gold(v: float) -> float:
        return m["top"] + plot_h / 2 - v / GOLDSTEIN_RANGE * plot_h / 2

    # axes and gridlines
    for frac in (0, 0.5, 1):
        v = top * frac
        y = y_count(v)
        parts.append(
            f'<line class="grid" x1="{m["left"]}" x2="{w - m["right"]}" y1="{_num(y)}" y2="{_num(y)}"/>'
        )
        parts.append(
            f'<text class="axis" x="{m["left"] - 6}" y="{_num(y + 4)}" text-anchor="end">{v:g}</text>'
        )
    for v in (-GOLDSTEIN_RANGE, 0.0, GOLDSTEIN_RANGE):
        parts.append(
            f'<text class="axis gaxis" x="{w - m["right"] + 6}" y="{_num(y_gold(v) + 4)}">{v:+g}</text>'
        )
    zero = _num(y_gold(0))
    parts.append(f'<line class="zero" x1="{m["left"]}" x2="{w - m["right"]}" y1="{zero}" y2="{zero}"/>')
    label_every = max(1, math.ceil(len(series) / MAX_X_LABELS))
    points = []
    for i, p in enumerate(series):
        x = m["left"] + i * step + (step - bar_w) / 2
        ab, ba = p.get("a_to_b", 0), p.get("b_to_a", 0)
        mean = p.get("goldstein_mean")
        tip = (
            f"{p['period']}: {p['count']} events ({a}→{b} {ab}, {b}→{a} {ba}); "
            f"Goldstein sum {p['goldstein_sum']:g}, mean {'–' if mean is None else format(mean, 'g')}"
        )
        parts.append(f'<g class="period" data-period="{escape(p["period"])}"><title>{escape(tip)}</title>')
        y_ab = y_count(ab)
        parts.append(
            f'<rect class="bar a2b" x="{_num(x)}" y="{_num(y_ab)}" width="{_num(bar_w)}" '
            f'height="{_num(y_count(0) - y_ab)}"/>'
        )
        y_ba = y_count(ab + ba)
        parts.append(
            f'<rect class="bar b2a" x="{_num(x)}" y="{_num(y_ba)}" width="{_num(bar_w)}" '
            f'height="{_num(y_ab - y_ba)}"/>'
        )
        parts.append("</g>")
        if mean is not None:
            points.append((x + bar_w / 2, y_gold(mean), mean, p["period"]))
        if i % label_every == 0:
            parts.append(
                f'<text class="axis" x="{_num(x + bar_w / 2)}" y="{h - m["bottom"] + 16}" '
                f'text-anchor="middle">{escape(p["period"])}</text>'
            )
    if points:
        d = " ".join(
            ("M" if i == 0 else "L") + f"{_num(x)},{_num(y)}" for i, (x, y, _, _) in enumerate(points)
        )
        parts.append(f'<path class="goldstein" d="{d}"/>')
        for x, y, mean, period in points:
            parts.append(
                f'<circle class="gpoint" cx="{_num(x)}" cy="{_num(y)}" r="3.5" '
                f'fill="{goldstein_colour(mean)}">'
                f"<title>{escape(period)}: mean Goldstein {mean:g}</title></circle>"
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def partner_network(center: str, partners: list[dict[str, Any]], center_id: str) -> Markup:
    """The actor in the middle, its strongest partners around it; edge width by event count,
    colour by mean Goldstein. Partners link to their actor page, or to the dyad page."""
    size, r = NETWORK_SIZE, NETWORK_RADIUS
    cx = cy = size / 2
    parts = [
        f'<svg class="network" viewBox="0 0 {size} {size}" role="img" '
        f'aria-label="Strongest partners of {escape(center)}" xmlns="http://www.w3.org/2000/svg">'
    ]
    if not partners:
        parts.append(
            f'<text x="{cx}" y="{cy}" text-anchor="middle" class="empty">No events with partners</text></svg>'
        )
        return Markup("".join(parts))
    top = max(p["count"] for p in partners)
    nodes = []
    for i, p in enumerate(partners):
        angle = -math.pi / 2 + 2 * math.pi * i / len(partners)
        x, y = cx + r * math.cos(angle), cy + r * math.sin(angle)
        width = 1.0 + (MAX_EDGE_WIDTH - 1.0) * p["count"] / top
        colour = goldstein_colour(p.get("goldstein_mean"))
        parts.append(
            f'<line class="edge" x1="{_num(cx)}" y1="{_num(cy)}" x2="{_num(x)}" y2="{_num(y)}" '
            f'stroke="{colour}" stroke-width="{_num(width)}"><title>{escape(p.get("name") or p["partner"])}: '
            f"{p['count']} events, mean Goldstein {p.get('goldstein_mean')}</title></line>"
        )
        nodes.append((x, y, p))
    for x, y, p in nodes:
        if p.get("actor_id"):
            href = "/actors/" + quote(str(p["actor_id"]), safe="")
        else:
            href = "/dyads?" + urlencode({"dyad": f"{center_id},{p['partner']}"})
        label = str(p.get("name") or p["partner"])
        anchor = "start" if x > cx + 1 else "end" if x < cx - 1 else "middle"
        dx = 10 if anchor == "start" else -10 if anchor == "end" else 0
        # labels beside side nodes; above the top node and below the bottom one
        dy = 4 if anchor != "middle" else (18 if y > cy else -10)
        parts.append(
            f'<a href="{escape(href)}" class="node"><circle cx="{_num(x)}" cy="{_num(y)}" r="7"/>'
            f'<text x="{_num(x + dx)}" y="{_num(y + dy)}" text-anchor="{anchor}">'
            f"{escape(label[:28])}</text></a>"
        )
    parts.append(
        f'<circle class="center" cx="{_num(cx)}" cy="{_num(cy)}" r="11"/>'
        f'<text class="center-label" x="{_num(cx)}" y="{_num(cy + 26)}" text-anchor="middle">'
        f"{escape(center[:30])}</text>"
    )
    parts.append("</svg>")
    return Markup("".join(parts))


def role_timeline(roles: list[dict[str, Any]], today: str) -> Markup:
    """Roles over time as horizontal bars, oldest first; open-ended roles run to ``today``."""
    dated = [r for r in roles if r.get("start")]
    if not dated:
        return Markup("")

    def year(d: str) -> float:
        parts = [int(x) for x in d.split("-")[:3]] + [1, 1]
        return parts[0] + (parts[1] - 1) / 12 + (parts[2] - 1) / 365

    lo = min(year(r["start"]) for r in dated)
    hi = max(year(r.get("end") or today) for r in dated)
    hi = max(hi, lo + 1)
    w, row_h, left = 640, 22, 200
    h = row_h * len(dated) + 24
    parts = [f'<svg class="roles" viewBox="0 0 {w} {h}" xmlns="http://www.w3.org/2000/svg">']
    for i, r in enumerate(dated):
        x0 = left + (year(r["start"]) - lo) / (hi - lo) * (w - left - 10)
        x1 = left + (year(r.get("end") or today) - lo) / (hi - lo) * (w - left - 10)
        y = i * row_h + 4
        title = f"{r.get('title') or r.get('code') or 'role'} ({r['start']} – {r.get('end') or 'now'})"
        label = escape((r.get("title") or "")[:30])
        parts.append(
            f'<text class="axis" x="{left - 6}" y="{y + 13}" text-anchor="end">{label}</text>'
            f'<rect class="role" x="{_num(x0)}" y="{y}" width="{_num(max(2.0, x1 - x0))}" '
            f'height="{row_h - 6}">'
            f"<title>{escape(title)}</title></rect>"
        )
    first, last = math.ceil(lo), int(hi)
    for yr in range(first, last + 1, max(1, math.ceil((last - first + 1) / MAX_X_LABELS))):
        x = left + (yr - lo) / (hi - lo) * (w - left - 10)
        parts.append(f'<text class="axis" x="{_num(x)}" y="{h - 4}" text-anchor="middle">{yr}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
