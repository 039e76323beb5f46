"""Walk Beside: training for volunteer mentors of survivors of sex trafficking and CSEC.

Learners use :mod:`walkbeside.learn` (scenarios, self-checks, reflections) inside the module
notebooks; trainers and organizations use the ``walkbeside`` command (:mod:`walkbeside.cli`).
"""

__version__ = "0.1.0"
