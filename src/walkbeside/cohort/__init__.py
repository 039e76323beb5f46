"""`walkbeside cohort`: a trainer's cohort from roster to certificates, on top of nbgrader.

Each step is its own module (create, release, collect, grade, feedback, report,
certificates); :mod:`.course` describes the cohort folder they share.
"""
