"""Write a report as JSON and as one self-contained HTML page (inline CSS and SVG, every text escaped)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import Any

from eval.harness import Report

_CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#222}
h1{font-size:1.5em}h2{font-size:1.15em;margin-top:2em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;width:100%;margin:.5em 0}td,th{border:1px solid #ddd;padding:4px 6px;
vertical-align:top;text-align:left}th{background:#f4f4f4}.num{text-align:right;font-variant-numeric:tabular-nums}
.bad{color:#a40000}.ok{color:#17632a}.quote{background:#fff8d6}.muted{color:#777}svg text{font-size:11px}
"""
_BINS = 10


def write_report(report: Report, out_dir: Path) -> tuple[Path, Path]:
    """Write report.json and report.html into out_dir (created if needed); return both paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path, html_path = out_dir / "report.json", out_dir / "report.html"
    json_path.write_text(json.dumps(report.to_json(), ensure_ascii=False, indent=2), encoding="utf-8")
    html_path.write_text(render_html(report), encoding="utf-8")
    return json_path, html_path


def _fmt(value: Any) -> str:
    """A metric value for display."""
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.3f}"
    return escape(str(value))


def histogram(scores: Sequence[float], labels: Sequence[bool | None], title: str) -> str:
    """An SVG histogram of scores in [0, 1]: faithful-labelled, unfaithful-labelled and unlabelled stacked."""
    groups = {"faithful": "#3a8f4f", "unfaithful": "#c0392b", "unlabelled": "#7f8c8d"}
    counts = {g: [0] * _BINS for g in groups}
    for s, label in zip(scores, labels, strict=True):
        group = "unlabelled" if label is None else ("faithful" if label else "unfaithful")
        counts[group][min(_BINS - 1, int(s * _BINS))] += 1
    top = max([sum(c[i] for c in counts.values()) for i in range(_BINS)] + [1])
    width, height, bar = 420, 160, 36
    parts = [f'<svg width="{width}" height="{height + 40}" role="img" aria-label="{escape(title)}">']
    for i in range(_BINS):
        top_y = float(height)
        for group, colour in groups.items():
            h = counts[group][i] / top * (height - 10)
            if h:
                top_y -= h
                tip = f"{group}: {counts[group][i]} in [{i / _BINS:.1f}, {(i + 1) / _BINS:.1f})"
                parts.append(
                    f'<rect x="{10 + i * (bar + 4)}" y="{top_y:.1f}" width="{bar}" height="{h:.1f}" '
                    f'fill="{colour}"><title>{escape(tip)}</title></rect>'
                )
        parts.append(f'<text x="{10 + i * (bar + 4)}" y="{height + 14}">{i / _BINS:.1f}</text>')
    legend = " ".join(f'<tspan fill="{c}">■ {g}</tspan>' for g, c in groups.items())
    parts.append(f'<text x="10" y="{height + 34}">{legend}</text></svg>')
    return "".join(parts)


def bars(values: dict[str, float | None], title: str) -> str:
    """A horizontal SVG bar chart of named values in [0, 1]."""
    rows = [(k, v) for k, v in values.items() if v is not None]
    height = 22 * len(rows) + 10
    parts = [f'<svg width="520" height="{height}" role="img" aria-label="{escape(title)}">']
    for i, (name, value) in enumerate(rows):
        y = 5 + 22 * i
        parts.append(f'<text x="0" y="{y + 13}">{escape(name)}</text>')
        parts.append(f'<rect x="170" y="{y}" width="{300 * value:.1f}" height="16" fill="#2c6fbb"></rect>')
        parts.append(f'<text x="{175 + 300 * value:.1f}" y="{y + 13}">{value:.2f}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _metric_table(metrics: dict[str, Any]) -> str:
    """The scalar metrics as a two-column table."""
    rows = []
    for name, value in metrics.items():
        if isinstance(value, dict):
            value = ", ".join(f"{k} {_fmt(v)}" for k, v in value.items() if not isinstance(v, dict))
            rows.append(f"<tr><th>{escape(name)}</th><td>{value}</td></tr>")
        else:
            rows.append(f'<tr><th>{escape(name)}</th><td class="num">{_fmt(value)}</td></tr>')
    return "<table>" + "".join(rows) + "</table>"


def _unsupported_table(items: Sequence[dict[str, Any]]) -> str:
    """Each unsupported claim beside its best source quote, the reason and the score."""
    rows = []
    for item in items:
        for s in item.get("sentences", []):
            if s["supported"]:
                continue
            reason = escape(s["reason"] or "") + (
                f' <span class="muted">({escape(s["detail"])})</span>' if s["detail"] else ""
            )
            rows.append(
                f"<tr><td>{escape(str(item['id']))}</td><td>{escape(s['text'])}</td><td class='bad'>{reason}</td>"
                f"<td class='quote'>{escape(s['quote'])}<br><span class='muted'>[{s['start']}:{s['end']}]</span></td>"
                f"<td class='num'>{s['score']:.2f}</td></tr>"
            )
    if not rows:
        return "<p class='ok'>Every claim is supported.</p>"
    head = "<tr><th>item</th><th>claim</th><th>reason</th><th>best source quote</th><th>score</th></tr>"
    return "<table>" + head + "".join(rows) + "</table>"


def _by_kind(metrics: dict[str, Any]) -> str:
    """Metrics by question kind: one bar chart per kind (questions reports only)."""
    kinds = metrics.get("by_kind") or {}
    parts = []
    for kind, values in kinds.items():
        numeric = {k: v for k, v in values.items() if isinstance(v, float) or v is None}
        parts.append(f"<h3>{escape(kind)} <span class='muted'>({values['n_items']} items)</span></h3>")
        parts.append(bars(numeric, f"metrics for {kind}"))
    return "".join(parts)


def render_html(report: Report) -> str:
    """The whole report as one HTML page with no external assets."""
    items = report.items
    scores = [float(i["score"]) for i in items]
    labels = [i.get("label") for i in items]
    sentence_scores = [float(s["score"]) for i in items for s in i.get("sentences", [])]
    sentence_labels = [s.get("label") for i in items for s in i.get("sentences", [])]
    title = f"BriefLens evaluation — {report.kind}"
    body = [
        f"<h1>{escape(title)}</h1>",
        f"<p>judge <b>{escape(report.judge)}</b>, threshold {report.threshold:.3f}, {len(items)} items.</p>",
        f"<p class='muted'>{escape(report.validation)}</p>",
        "".join(f"<p class='bad'>note: {escape(n)}</p>" for n in report.notes),
        "<h2>Metrics</h2>",
        _metric_table(report.metrics),
        "<h2>Score distributions</h2><h3>items</h3>",
        histogram(scores, labels, "item scores"),
        "<h3>sentences</h3>",
        histogram(sentence_scores, sentence_labels, "sentence scores"),
    ]
    if report.kind == "questions":
        body += ["<h2>Metrics by question kind</h2>", _by_kind(report.metrics)]
    body += ["<h2>Unsupported claims</h2>", _unsupported_table(items)]
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>" + "".join(body) + "</body></html>"
    )
