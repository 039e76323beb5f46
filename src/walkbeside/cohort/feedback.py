"""`cohort feedback`: one self-contained HTML file per learner, readable offline.

For each graded assessment: the score, every question with the learner's own answer, its
points, the trainer's comment from the formgrader, and which module to review for anything
not yet right. The answer key (hidden tests) is never included.
"""

from __future__ import annotations

import re
from datetime import date
from html import escape
from pathlib import Path

from .course import Cohort, write_atomic
from .html import markdown, number, page
from .results import AssignmentResult, LearnerResult, load, question_texts


TYPED = re.compile(r"^\s*answer_\d+\s*=\s*(.*?)\s*$", re.M)


def shown_answer(source: str) -> str:
    """What the learner typed: the value of the last ``answer_N = ...`` line, else the cell."""
    typed = TYPED.findall(source)
    if typed:
        value = typed[-1]
        return "" if value in ('""', "''") else value
    return source.strip()


def _status(score: float, max_score: float, waiting: bool) -> str:
    if waiting:
        return '<span class="wait">waiting for your trainer to read it</span>'
    if score >= max_score:
        return '<span class="ok">✓ full marks</span>'
    return '<span class="todo">worth another look</span>'


def _assignment(cohort: Cohort, learner: LearnerResult, result: AssignmentResult) -> str:
    module = cohort.module_for(result.assignment)
    title = module.title if module else result.assignment
    texts = question_texts(cohort, learner.id, result.assignment)
    parts = [f'<h2 id="{escape(result.assignment)}">{escape(title)}</h2>',
             f"<p><strong>{number(result.score)} of {number(result.max_score)} points</strong> ({result.percent:.0f}%)"
             + (f"; late penalty {number(result.late_penalty)}" if result.late_penalty else "") + "</p>"]
    to_review = False
    order = list(texts)  # the notebook's own order; the gradebook has none
    questions = sorted(result.questions, key=lambda q: order.index((q.notebook, q.cell)) if (q.notebook, q.cell) in order else len(order))
    for q in questions:
        prompt, answer = texts.get((q.notebook, q.cell), ("", ""))
        to_review |= q.score < q.max_score and not q.needs_manual_grade
        parts.append('<section class="question">')
        parts.append(f'<p class="score">{number(q.score)} of {number(q.max_score)} points · {_status(q.score, q.max_score, q.needs_manual_grade)}</p>')
        if prompt:
            parts.append(markdown(prompt))
        parts.append(f'<p>Your answer:</p><div class="answer">{escape(shown_answer(answer)) or "<em>(left blank)</em>"}</div>')
        if q.comment.strip():
            parts.append(f'<p class="comment"><strong>Your trainer:</strong> {escape(q.comment.strip())}</p>')
        parts.append("</section>")
    if to_review and module:
        parts.append(f'<p><strong>To review:</strong> module “{escape(module.title)}” ({escape(module.slug)}). '
                     "Reread its key points, then talk it through with your trainer.</p>")
    return "\n".join(parts)


def render(cohort: Cohort, learner: LearnerResult) -> str:
    rows = []
    for assignment in cohort.assignments:
        module = cohort.module_for(assignment)
        result = learner.assignments.get(assignment)
        label = escape(module.title if module else assignment)
        if result is None:
            rows.append(f"<tr><td>{label}</td><td class=\"num\">—</td><td>not received yet</td></tr>")
        else:
            rows.append(f'<tr><td><a href="#{escape(assignment)}">{label}</a></td><td class="num">{number(result.score)}/{number(result.max_score)}</td>'
                        f"<td>{_status(result.score, result.max_score, result.needs_manual_grade)}</td></tr>")
    body = [f"<h1>Your feedback, {escape(learner.name)}</h1>",
            f'<p class="note">Walk Beside · cohort {escape(cohort.name)} · {date.today():%d %B %Y}. '
            "This file is for you; it works without internet and can be printed.</p>",
            '<table><thead><tr><th>Assessment</th><th class="num">Points</th><th>Status</th></tr></thead><tbody>',
            *rows, "</tbody></table>"]
    body += [_assignment(cohort, learner, result) for result in learner.assignments.values()]
    return page(f"Feedback for {learner.name}", "\n".join(body))


def write_feedback(cohort: Cohort) -> list[Path]:
    written = []
    for learner in load(cohort):
        if not learner.assignments:
            continue
        path = cohort.path("feedback-html", f"{learner.id}.html")
        write_atomic(path, render(cohort, learner))
        written.append(path)
    return written
