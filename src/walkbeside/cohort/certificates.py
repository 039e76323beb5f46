"""`cohort certificates`: a printable HTML certificate for each learner who passed every
assessment (at or above the pass mark, nothing still waiting for manual grading).

Training hours are the sum of the modules' ``minutes`` (from their notebook metadata, kept in
cohort.json when the cohort was made). PDF: open the file in a browser and print to PDF; the
page is laid out for A4 and US Letter landscape.
"""

from __future__ import annotations

from datetime import date
from html import escape
from pathlib import Path

from .course import Cohort, write_atomic
from .html import page
from .report import follow_up
from .results import DEFAULT_PASS_MARK, grading_problems, load

CERTIFICATE_CSS = """
@page { size: landscape; margin: 12mm; }
body { max-width: 60rem; text-align: center; }
.frame { border: 6px double #34568b; padding: 2.5rem 2rem; }
.frame h1 { font-size: 2.2rem; margin: .2rem 0 1.2rem; } .name { font-size: 2rem; font-weight: 700; margin: .6rem 0; }
.modules { display: inline-block; text-align: left; margin: 1rem auto; }
.signature { margin-top: 2.5rem; display: flex; justify-content: space-around; }
.signature div { border-top: 1px solid #1d232a; padding-top: .3rem; min-width: 14rem; }
"""


def hours(minutes: int) -> str:
    value = f"{minutes / 60:.1f}".rstrip("0").rstrip(".")
    return f"{value} hour{'s' if value != '1' else ''}"


def render(cohort: Cohort, name: str, today: date) -> str:
    modules = [cohort.module_for(a) for a in cohort.assignments]
    minutes = sum(m.minutes for m in modules if m)
    items = "".join(f"<li>{escape(m.title)}</li>" for m in modules if m)
    body = f"""<div class="frame">
<p>Walk Beside · training for volunteer mentors</p>
<h1>Certificate of completion</h1>
<p>This certifies that</p>
<p class="name">{escape(name)}</p>
<p>has completed the Walk Beside mentor training and passed every assessment,<br>
a total of <strong>{hours(minutes)}</strong> of training ({minutes} minutes), covering:</p>
<ul class="modules">{items}</ul>
<p>Cohort {escape(cohort.name)} · {today:%d %B %Y}</p>
<div class="signature"><div>Trainer</div><div>Program</div></div>
</div>"""
    return page(f"Certificate: {name}", body, CERTIFICATE_CSS)


def write_certificates(cohort: Cohort, pass_mark: float | None = None) -> tuple[list[Path], list[tuple[str, str]]]:
    """(certificates written, [(learner id, why not yet)])."""
    pass_mark = DEFAULT_PASS_MARK if pass_mark is None else pass_mark
    problems = grading_problems(cohort)
    written, not_yet = [], []
    today = date.today()
    for learner in load(cohort):
        reasons = follow_up(cohort, learner, pass_mark, problems)
        if reasons:
            not_yet.append((learner.id, "; ".join(reasons)))
            continue
        path = cohort.path("certificates", f"{learner.id}.html")
        write_atomic(path, render(cohort, learner.name, today))
        written.append(path)
    return written, not_yet
