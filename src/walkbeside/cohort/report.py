"""`cohort report`: ``report/grades.csv`` and ``report/report.html``.

The CSV has one row per learner: points per assessment (empty when nothing was received),
total, maximum, percent and status. The HTML adds completion per module, score
distributions, the hardest questions and who needs follow-up, with inline SVG charts.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from html import escape
from pathlib import Path

from . import svg
from .course import Cohort, write_atomic
from .html import number, page
from .results import DEFAULT_PASS_MARK, LearnerResult, grading_problems, load, max_scores


def follow_up(cohort: Cohort, learner: LearnerResult, pass_mark: float, problems: dict[str, str]) -> list[str]:
    reasons = []
    for assignment in cohort.assignments:
        result = learner.assignments.get(assignment)
        problem = problems.get(f"{learner.id}/{assignment}")
        if problem:
            reasons.append(f"{assignment}: {problem}")
        elif result is None:
            reasons.append(f"{assignment}: not received")
        elif result.needs_manual_grade:
            reasons.append(f"{assignment}: waiting for manual grading")
        elif result.percent < pass_mark:
            reasons.append(f"{assignment}: {result.percent:.0f}% (pass mark {pass_mark:g}%)")
    return reasons


def status(reasons: list[str]) -> str:
    return "passed all" if not reasons else "follow up"


def grades_csv(cohort: Cohort, learners: list[LearnerResult], pass_mark: float, problems: dict[str, str]) -> str:
    maxima = max_scores(cohort)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", "first_name", "last_name", "email", *cohort.assignments, "total", "max", "percent", "status"])
    available = sum(maxima.get(a, 0.0) for a in cohort.assignments)
    for learner in learners:
        scores = [number(learner.assignments[a].score) if a in learner.assignments else "" for a in cohort.assignments]
        total = sum(r.score for r in learner.assignments.values())
        percent = 100 * total / available if available else 0.0
        writer.writerow([learner.id, learner.first_name, learner.last_name, learner.email, *scores,
                         number(total), number(available), f"{percent:.1f}", status(follow_up(cohort, learner, pass_mark, problems))])
    return out.getvalue()


def hardest(learners: list[LearnerResult], count: int = 5) -> list[tuple[str, float, int]]:
    """(assignment · question, mean percent, answers) for the lowest-scoring autograded questions."""
    totals: dict[tuple[str, str, str], list[float]] = {}
    for learner in learners:
        for result in learner.assignments.values():
            for q in result.questions:
                if q.max_score and not q.needs_manual_grade:
                    totals.setdefault((result.assignment, q.notebook, q.cell), []).append(100 * q.score / q.max_score)
    means = [(f"{a} · {cell}", sum(v) / len(v), len(v)) for (a, _, cell), v in totals.items()]
    return sorted(means, key=lambda item: (item[1], item[0]))[:count]


def report_html(cohort: Cohort, learners: list[LearnerResult], pass_mark: float, problems: dict[str, str]) -> str:
    total = len(learners) or 1
    completion = []
    for assignment in cohort.assignments:
        module = cohort.module_for(assignment)
        received = sum(1 for learner in learners if assignment in learner.assignments)
        completion.append((module.title if module else assignment, 100 * received / total, f"{received} of {len(learners)}"))
    body = [f"<h1>Cohort report: {escape(cohort.name)}</h1>",
            f'<p class="note">{len(learners)} learners · pass mark {pass_mark:g}% on every assessment · {date.today():%d %B %Y}. '
            "Learner details are personal data: store and share this file as your program's privacy policy says.</p>",
            "<h2>Completion per module</h2>",
            f"<figure><figcaption>Assessments received</figcaption>{svg.bars('Assessments received per module', completion)}</figure>",
            "<h2>Score distributions</h2>"]
    for assignment in cohort.assignments:
        percents = [learner.assignments[assignment].percent for learner in learners if assignment in learner.assignments]
        body.append(f"<figure><figcaption>{escape(assignment)} ({len(percents)} graded)</figcaption>"
                    f"{svg.histogram(f'Score distribution for {assignment}', percents)}</figure>")
    hard = hardest(learners)
    body.append("<h2>Hardest questions</h2>")
    if hard:
        body.append(f"<figure><figcaption>Average score on the lowest-scoring questions</figcaption>"
                    f"{svg.bars('Hardest questions', [(label, mean, f'{mean:.0f}% ({n} answers)') for label, mean, n in hard])}</figure>")
    else:
        body.append("<p>No graded answers yet.</p>")
    body.append("<h2>Learners who need follow-up</h2>")
    rows = []
    for learner in learners:
        reasons = follow_up(cohort, learner, pass_mark, problems)
        if reasons:
            rows.append(f"<tr><td>{escape(learner.name)} ({escape(learner.id)})</td><td>{'<br>'.join(escape(r) for r in reasons)}</td></tr>")
    if rows:
        body += ["<table><thead><tr><th>Learner</th><th>Why</th></tr></thead><tbody>", *rows, "</tbody></table>"]
    else:
        body.append("<p>Everyone has passed every assessment.</p>")
    if problems:
        body.append("<h2>Problems while grading</h2><table><thead><tr><th>Submission</th><th>What happened</th></tr></thead><tbody>")
        body += [f"<tr><td>{escape(key)}</td><td>{escape(reason)}</td></tr>" for key, reason in sorted(problems.items())]
        body.append("</tbody></table><p>Open the learner's file in <code>submitted/</code>, talk with the learner, "
                    "and collect and grade a new copy.</p>")
    return page(f"Cohort report: {cohort.name}", "\n".join(body))


def write_report(cohort: Cohort, pass_mark: float | None = None) -> list[Path]:
    pass_mark = DEFAULT_PASS_MARK if pass_mark is None else pass_mark
    learners = load(cohort)
    problems = grading_problems(cohort)
    csv_path, html_path = cohort.path("report", "grades.csv"), cohort.path("report", "report.html")
    write_atomic(csv_path, grades_csv(cohort, learners, pass_mark, problems))
    write_atomic(html_path, report_html(cohort, learners, pass_mark, problems))
    return [csv_path, html_path]
