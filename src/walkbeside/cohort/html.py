"""One self-contained HTML page: inline CSS, no scripts, fonts or images from the network,
so a file opens the same offline, attached to an email, or printed."""

from __future__ import annotations

import re
from html import escape

ANCHOR = re.compile(r'<a class="anchor-link" href="#[^"]*">[^<]*</a>')

CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d232a;
       max-width: 52rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; }
h1, h2, h3 { line-height: 1.25; } h2 { border-bottom: 2px solid #d6dde4; padding-bottom: .2rem; margin-top: 2.2rem; }
table { border-collapse: collapse; width: 100%; margin: 1rem 0; }
th, td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid #d6dde4; vertical-align: top; }
th { background: #f1f4f7; } td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.question { border: 1px solid #d6dde4; border-radius: .4rem; padding: .4rem 1rem; margin: 1rem 0; }
.answer { background: #f6f8fa; padding: .5rem; white-space: pre-wrap; overflow-wrap: anywhere; font-family: ui-monospace, monospace; }
.ok { color: #1f6f3f; font-weight: 600; } .todo { color: #8a4b00; font-weight: 600; } .wait { color: #34568b; font-weight: 600; }
.comment { border-left: 4px solid #34568b; padding-left: .8rem; }
.score { margin: .6rem 0 0; font-size: .95rem; }
.note { color: #4b5661; font-size: .95rem; }
figure { margin: 1rem 0; } figcaption { font-weight: 600; margin-bottom: .3rem; }
@media print { body { margin: 0; max-width: none; } .question { break-inside: avoid; } }
"""


def page(title: str, body: str, extra_css: str = "") -> str:
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<title>{escape(title)}</title>\n<style>{CSS}{extra_css}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def number(value: float) -> str:
    """2, 1.5: points as a person writes them."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def markdown(text: str) -> str:
    """Curriculum markdown (never learner text) to HTML."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    # nbconvert's renderer (as in its HTML export), without the "¶" links it adds to headings
    return ANCHOR.sub("", markdown2html_mistune(text))
