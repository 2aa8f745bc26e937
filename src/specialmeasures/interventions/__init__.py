"""Interventions and oversight: Improvement Directors, buddying, funding, improvement plans,
leadership, the Oversight and Assurance Group and the one monthly return.

Every create, change and approval is written with its audit row (named actor, role, rationale)
in one transaction; bad input raises a one-line error and writes nothing.
"""

from specialmeasures.interventions._common import Actor
from specialmeasures.interventions.matrix import Matrix, intervention_matrix

__all__ = ["Actor", "Matrix", "intervention_matrix"]
