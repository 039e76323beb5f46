"""Small inline SVG charts (horizontal bars, histogram) with text alternatives for screen
readers; written by hand so report.html needs no plotting library and no network."""

from __future__ import annotations

from html import escape

BAR = "#34568b"
MUTED = "#d6dde4"


def bars(title: str, items: list[tuple[str, float, str]], maximum: float = 100.0) -> str:
    """One horizontal bar per (label, value, value text), scaled to ``maximum``."""
    label_w, bar_w, row_h, value_w = 300, 300, 26, 150
    height = row_h * len(items) + 10
    desc = "; ".join(f"{label}: {text}" for label, _, text in items)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{label_w + bar_w + value_w}" height="{height}" '
           f'viewBox="0 0 {label_w + bar_w + value_w} {height}" font-family="system-ui, sans-serif" font-size="13">',
           f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>"]
    for i, (label, value, text) in enumerate(items):
        y = 5 + i * row_h
        width = 0 if maximum <= 0 else max(0.0, min(1.0, value / maximum)) * bar_w
        shown = label if len(label) <= 40 else label[:39] + "…"
        out.append(f'<text x="{label_w - 8}" y="{y + 17}" text-anchor="end">{escape(shown)}</text>')
        out.append(f'<rect x="{label_w}" y="{y + 4}" width="{bar_w}" height="{row_h - 8}" fill="{MUTED}"/>')
        out.append(f'<rect x="{label_w}" y="{y + 4}" width="{width:.1f}" height="{row_h - 8}" fill="{BAR}"/>')
        out.append(f'<text x="{label_w + bar_w + 8}" y="{y + 17}">{escape(text)}</text>')
    out.append("</svg>")
    return "".join(out)


def histogram(title: str, percents: list[float], buckets: int = 10) -> str:
    """How many learners scored 0–9 %, 10–19 %, … 90–100 %."""
    counts = [0] * buckets
    for p in percents:
        counts[min(buckets - 1, int(max(0.0, p) * buckets // 100))] += 1
    width, height, pad = 420, 150, 28
    col = (width - pad) / buckets
    top = max(counts) or 1
    desc = "; ".join(f"{i * 100 // buckets}–{(i + 1) * 100 // buckets}%: {c}" for i, c in enumerate(counts) if c)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height + pad}" '
           f'viewBox="0 0 {width} {height + pad}" font-family="system-ui, sans-serif" font-size="11">',
           f"<title>{escape(title)}</title><desc>{escape(desc or 'no scores yet')}</desc>",
           f'<line x1="{pad}" y1="{height}" x2="{width}" y2="{height}" stroke="#4b5661"/>']
    for i, count in enumerate(counts):
        h = (height - 16) * count / top
        x = pad + i * col
        out.append(f'<rect x="{x + 2:.1f}" y="{height - h:.1f}" width="{col - 4:.1f}" height="{h:.1f}" fill="{BAR}"/>')
        if count:
            out.append(f'<text x="{x + col / 2:.1f}" y="{height - h - 3:.1f}" text-anchor="middle">{count}</text>')
        out.append(f'<text x="{x + col / 2:.1f}" y="{height + 14}" text-anchor="middle">{i * 100 // buckets}</text>')
    out.append(f'<text x="{width}" y="{height + 26}" text-anchor="end">percent score</text></svg>')
    return "".join(out)
