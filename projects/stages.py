"""The vocabulary of the stage machine, in one place: stages, transitions and their dates.

Imports nothing of the project's own, so roles, models, services, the API and the admin all
spell a stage or a transition from here and nowhere else.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    SIGNED = "signed", _("signed")
    STARTED = "started", _("started")
    PRODUCING = "producing", _("producing")
    AT_TARGET = "at_target", _("at target output")
    TERMINATED = "terminated", _("terminated")


class Transition(models.TextChoices):
    START = "start", _("start")
    PUT_INTO_PRODUCTION = "put_into_production", _("put into production")
    REACH_TARGET = "reach_target", _("reach target output")
    TERMINATE = "terminate", _("terminate")
    CORRECT = "correct", _("correct")


LIVE_STAGES = (Stage.SIGNED, Stage.STARTED, Stage.PRODUCING)
# The forward path, in order; terminated stands beside it.
FORWARD_STAGES = (Stage.SIGNED, Stage.STARTED, Stage.PRODUCING, Stage.AT_TARGET)
# The date a project entered each stage; the rates and stall queries read these columns.
STAGE_DATE_FIELD = {
    Stage.SIGNED: "signed_on",
    Stage.STARTED: "started_on",
    Stage.PRODUCING: "producing_on",
    Stage.AT_TARGET: "at_target_on",
    Stage.TERMINATED: "terminated_on",
}
# The columns only a transition writes: read-only in the admin and the API, and what
# ``project_transition`` saves.
TRANSITION_FIELDS = (
    "stage",
    "started_on",
    "producing_on",
    "at_target_on",
    "terminated_on",
    "termination_reason",
    "version",
)
PREVIOUS_STAGE = {
    Stage.STARTED: Stage.SIGNED,
    Stage.PRODUCING: Stage.STARTED,
    Stage.AT_TARGET: Stage.PRODUCING,
}
