"""nbgrader settings for the test fixture course (same shape as the curriculum's)."""
c = get_config()
c.CourseDirectory.course_id = "walkbeside-fixture"
c.IncludeHeaderFooter.header = "source/header.ipynb"
c.ClearSolutions.code_stub = {"python": ""}
c.Execute.timeout = 5  # short, so the infinite-loop fixture is quick
