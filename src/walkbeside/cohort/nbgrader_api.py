"""nbgrader's own Python API, configured exactly as `nbgrader` would be inside the cohort folder."""

from __future__ import annotations

import logging
from typing import Any

from .course import Cohort


def cohort_config(cohort: Cohort, **overrides: Any):
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    config = Config()
    config.merge(PyFileConfigLoader("nbgrader_config.py", path=str(cohort.root)).load_config())
    config.CourseDirectory.root = str(cohort.root)
    # nbgrader's exchange is for JupyterHub courses; a folder of its own keeps it quiet here.
    exchange = cohort.state_file("exchange")
    exchange.mkdir(parents=True, exist_ok=True)
    config.Exchange.root = str(exchange)
    for dotted, value in overrides.items():
        section, name = dotted.split(".")
        config[section][name] = value
    return config


def api(cohort: Cohort, **overrides: Any):
    """An NbGraderAPI for the cohort; nbgrader's log goes into each call's result, not the screen."""
    from nbgrader.apps import NbGraderAPI

    log = logging.getLogger("walkbeside.nbgrader")
    log.propagate = False  # nbgrader's messages are kept in each call's result instead
    log.setLevel(logging.INFO)
    return NbGraderAPI(config=cohort_config(cohort, **overrides), log=log)


def gradebook(cohort: Cohort):
    """The cohort's gradebook (use it with ``with``)."""
    from nbgrader.api import Gradebook

    return Gradebook(cohort.db_url, cohort.meta.get("course_id", "default_course"))
