"""nbgrader configuration for the Walk Beside assessments (an nbgrader course root).

Run nbgrader from this folder, e.g.:

    cd assessments
    nbgrader generate_assignment 02-boundaries     # release/02-boundaries/02-boundaries-assessment.ipynb
    nbgrader autograde 02-boundaries               # after collecting submissions into submitted/
    nbgrader generate_feedback 02-boundaries       # after grading the reflections in Formgrader

Formgrader (in JupyterLab: Nbgrader > Formgrader) shows each reflection's rubric right above it,
and each question's explanation under its test.

Learners working alone use `walkbeside assessment get MODULE` and then
`walkbeside assessment selfgrade NOTEBOOK`, which runs the same nbgrader steps in a temporary
copy of this course. How the notebooks are built (answer cells, format checks, hidden tests,
rubrics) is described at the top of src/walkbeside/assessments.py; `walkbeside check` checks it.
"""

import os

c = get_config()  # noqa: F821 (nbgrader provides get_config)
_here = os.path.dirname(os.path.abspath(__file__))  # noqa: F821 (traitlets sets __file__)

# Every released notebook starts with the shared instructions and crisis card. The path is
# found from this file, so nbgrader works from any folder and in copies of this course.
c.IncludeHeaderFooter.header = os.path.join(_here, "source", "header.ipynb")

# Learners answer by typing letters into `answer_3 = ""`. The answer cell holds that line,
# then the key between ### BEGIN SOLUTION / ### END SOLUTION. Replace the key with an empty
# line (not nbgrader's default `raise NotImplementedError()`), so an untouched notebook runs
# cleanly and scores zero through the checks' own plain-language messages.
c.ClearSolutions.code_stub = {"python": ""}

# What a learner sees in a written-reflection box before typing.
c.ClearSolutions.text_stub = (
    "*Type your reflection here. Double-click this box to start writing, "
    "then press Shift+Enter when you are done.*"
)

# Each cell runs simple checks; a minute is plenty even on a slow laptop.
c.Execute.timeout = 60
