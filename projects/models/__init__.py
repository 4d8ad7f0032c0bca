"""The domain of the projects app, one module per subject; import from here."""

from projects.models.activities import Activity, Enrollment
from projects.models.dates import ZERO, MoneyField, PlausibleDateField, not_before_2000
from projects.models.ledgers import Milestone, Problem, ProgressReport
from projects.models.people import Membership
from projects.models.places import City, Zone
from projects.models.projects import Project
from projects.models.rules import StallThreshold
from projects.models.scope import ScopedQuerySet
from projects.stages import (
    LIVE_STAGES,
    PREVIOUS_STAGE,
    STAGE_DATE_FIELD,
    TRANSITION_FIELDS,
    Stage,
    Transition,
)

__all__ = [
    "LIVE_STAGES",
    "PREVIOUS_STAGE",
    "STAGE_DATE_FIELD",
    "TRANSITION_FIELDS",
    "ZERO",
    "Activity",
    "City",
    "Enrollment",
    "Membership",
    "Milestone",
    "MoneyField",
    "PlausibleDateField",
    "Problem",
    "ProgressReport",
    "Project",
    "ScopedQuerySet",
    "Stage",
    "StallThreshold",
    "Transition",
    "Zone",
    "not_before_2000",
]
