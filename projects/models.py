"""The domain: zones, "三个一批" rounds, projects and what officers record about them.

The stage of a project is a protected django-fsm field: only the transitions below change it,
and only ``workflow.services.project_transition`` calls them, inside a locked, logged
database transaction.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition

from projects.access import Role, may_take_transition, role_group_join

ZERO = Decimal("0")
# Every project of these rounds is of this century: an earlier date is a mistyped year.
not_before_2000 = MinValueValidator(
    datetime.date(2000, 1, 1), message=_("Dates before 2000 are not accepted; check the year.")
)


class City(models.Model):
    name = models.CharField(_("name"), max_length=50, unique=True)
    province = models.CharField(_("province"), max_length=50, default="山西省")

    class Meta:
        verbose_name = _("city")
        verbose_name_plural = _("cities")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ZoneQuerySet(models.QuerySet):
    def visible_to(self, user) -> ZoneQuerySet:
        membership = Membership.of(user)
        if getattr(user, "is_superuser", False) and user.is_active:
            return self.all()
        if membership is None:
            return self.none()
        if membership.zone_id:
            return self.filter(pk=membership.zone_id)
        return self.filter(city_id=membership.city_id)


class Zone(models.Model):
    class Category(models.TextChoices):
        INDUSTRIAL = "industrial", _("industrial")
        AGRICULTURAL = "agricultural", _("agricultural")
        TOURISM = "tourism", _("tourism")

    class Level(models.TextChoices):
        NATIONAL = "national", _("national")
        PROVINCIAL = "provincial", _("provincial")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    city = models.ForeignKey(City, models.PROTECT, related_name="zones", verbose_name=_("city"))
    county = models.CharField(_("county"), max_length=50, blank=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)

    objects = ZoneQuerySet.as_manager()

    class Meta:
        verbose_name = _("development zone")
        verbose_name_plural = _("development zones")
        ordering = ["city__name", "code"]
        constraints = [
            models.UniqueConstraint(fields=["city", "name"], name="zone_name_unique_in_city"),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """Where a user belongs and in which role: a zone (officer, zone leader) or a city."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="membership",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    zone = models.ForeignKey(
        Zone, models.PROTECT, null=True, blank=True, related_name="members", verbose_name=_("zone")
    )
    city = models.ForeignKey(
        City, models.PROTECT, null=True, blank=True, related_name="members", verbose_name=_("city")
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(zone__isnull=False, city__isnull=True)
                    | Q(zone__isnull=True, city__isnull=False)
                ),
                name="membership_zone_xor_city",
            ),
            models.CheckConstraint(
                condition=~Q(role__in=[Role.OFFICER, Role.ZONE_LEADER]) | Q(zone__isnull=False),
                name="membership_zone_roles_have_zone",
            ),
            models.CheckConstraint(
                condition=~Q(role=Role.SUPERVISOR) | Q(city__isnull=False),
                name="membership_supervisor_has_city",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.zone or self.city}"

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        role_group_join(self.user, self.role)

    def clean(self) -> None:
        if bool(self.zone_id) == bool(self.city_id):
            raise ValidationError(_("A user belongs to exactly one zone or one city."))
        if self.role in (Role.OFFICER, Role.ZONE_LEADER) and not self.zone_id:
            raise ValidationError({"zone": _("Officers and zone leaders belong to a zone.")})
        if self.role == Role.SUPERVISOR and not self.city_id:
            raise ValidationError({"city": _("Supervisors belong to a city.")})

    @classmethod
    def of(cls, user) -> Membership | None:
        """The user's membership, cached on the user object for the request."""
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return None
        try:
            return user.membership
        except cls.DoesNotExist:
            return None


class ActivityQuerySet(models.QuerySet):
    def visible_to(self, user) -> ActivityQuerySet:
        if getattr(user, "is_superuser", False) and user.is_active:
            return self.all()
        membership = Membership.of(user)
        if membership is None:
            return self.none()
        if membership.zone_id:
            return self.filter(city__zones=membership.zone_id)
        return self.filter(city_id=membership.city_id)


class Activity(models.Model):
    """One "三个一批" round of a city, e.g. 2024年第二次."""

    name = models.CharField(_("name"), max_length=100)
    city = models.ForeignKey(
        City, models.PROTECT, related_name="activities", verbose_name=_("city")
    )
    held_on = models.DateField(_("held on"), validators=[not_before_2000])

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("“three batches” activity")
        verbose_name_plural = _("“three batches” activities")
        ordering = ["-held_on"]
        constraints = [
            models.UniqueConstraint(fields=["city", "name"], name="activity_name_unique_in_city"),
        ]
        indexes = [models.Index(fields=["city", "held_on"], name="activity_city_held_on")]

    def __str__(self) -> str:
        return f"{self.city} {self.name}"


class Stage(models.TextChoices):
    SIGNED = "signed", _("signed")
    STARTED = "started", _("started")
    PRODUCING = "producing", _("producing")
    AT_TARGET = "at_target", _("at target output")
    TERMINATED = "terminated", _("terminated")


LIVE_STAGES = (Stage.SIGNED, Stage.STARTED, Stage.PRODUCING)
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


class ProjectQuerySet(models.QuerySet):
    def visible_to(self, user) -> ProjectQuerySet:
        """The one scope rule: a user sees their zone's projects, or their city's."""
        if getattr(user, "is_superuser", False) and user.is_active:
            return self.all()
        membership = Membership.of(user)
        if membership is None:
            return self.none()
        if membership.zone_id:
            return self.filter(zone_id=membership.zone_id)
        return self.filter(zone__city_id=membership.city_id)


def _guard(refusal):
    """Attach the sentence an officer reads when this guard refuses a transition."""

    def mark(condition):
        condition.refusal = refusal
        return condition

    return mark


@_guard(_("An actual start date is required to start the project."))
def has_start_date(project: Project) -> bool:
    return project.started_on is not None


@_guard(_("An actual production date is required to put the project into production."))
def has_production_date(project: Project) -> bool:
    return project.producing_on is not None


@_guard(
    _(
        "The actual annual output is below the target annual output; "
        "confirm explicitly that the project has reached its target."
    )
)
def output_reached_or_confirmed(project: Project) -> bool:
    if project.target_confirmed:
        return True
    target, actual = project.target_annual_output, project.actual_annual_output
    return target is not None and actual is not None and actual >= target


@_guard(_("A date is required to reach the target output."))
def has_target_date(project: Project) -> bool:
    return project.at_target_on is not None


@_guard(_("A reason is required to terminate a project."))
def has_termination_reason(project: Project) -> bool:
    return bool(project.termination_reason.strip()) and project.terminated_on is not None


def _role_may(name: str):
    def permission(project: Project, user) -> bool:
        return may_take_transition(user, name)

    return permission


class Project(ConcurrentTransitionMixin, models.Model):
    class Tier(models.TextChoices):
        NATIONAL = "national", _("national reserve")
        PROVINCIAL = "provincial", _("provincial major")
        COUNTY = "county", _("county key")

    class Category(models.TextChoices):
        INDUSTRY = "industry", _("industry")
        INFRASTRUCTURE = "infrastructure", _("infrastructure")
        LIVELIHOOD = "livelihood", _("livelihood")

    name = models.CharField(_("name"), max_length=200)
    investor = models.CharField(_("investor"), max_length=200)
    zone = models.ForeignKey(Zone, models.PROTECT, related_name="projects", verbose_name=_("zone"))
    industry_chain = models.CharField(_("industry chain"), max_length=50, blank=True)
    tier = models.CharField(_("tier"), max_length=20, choices=Tier.choices, default=Tier.COUNTY)
    category = models.CharField(
        _("category"), max_length=20, choices=Category.choices, default=Category.INDUSTRY
    )
    total_investment = models.DecimalField(
        _("total investment (10k yuan)"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(ZERO)],
    )
    funds_in_place = models.DecimalField(
        _("funds in place (10k yuan)"),
        max_digits=14,
        decimal_places=2,
        default=ZERO,
        validators=[MinValueValidator(ZERO)],
    )
    land_area = models.DecimalField(
        _("land (mu)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO)],
    )
    is_standard_land = models.BooleanField(_("standard land"), default=False)
    is_commitment_based = models.BooleanField(_("commitment-based approval"), default=False)
    is_fully_agented = models.BooleanField(_("full agency service"), default=False)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_projects",
        verbose_name=_("responsible leader"),
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="officered_projects",
        verbose_name=_("project officer"),
    )

    stage = FSMField(
        _("stage"), max_length=20, choices=Stage.choices, default=Stage.SIGNED, protected=True
    )
    signed_on = models.DateField(_("signed on"), validators=[not_before_2000])
    started_on = models.DateField(_("started on"), null=True, blank=True, editable=False)
    producing_on = models.DateField(_("in production on"), null=True, blank=True, editable=False)
    at_target_on = models.DateField(_("at target output on"), null=True, blank=True, editable=False)
    terminated_on = models.DateField(_("terminated on"), null=True, blank=True, editable=False)
    termination_reason = models.TextField(_("termination reason"), blank=True, editable=False)

    planned_start_on = models.DateField(
        _("planned start"), validators=[not_before_2000], null=True, blank=True
    )
    planned_production_on = models.DateField(
        _("planned production"), validators=[not_before_2000], null=True, blank=True
    )
    planned_target_on = models.DateField(
        _("planned target output"), validators=[not_before_2000], null=True, blank=True
    )
    in_statistics_on = models.DateField(
        _("entered investment statistics on"), null=True, blank=True
    )
    above_scale_on = models.DateField(
        _("entered above-scale database on"), validators=[not_before_2000], null=True, blank=True
    )
    target_annual_output = models.DecimalField(
        _("target annual output (10k yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO)],
    )
    actual_annual_output = models.DecimalField(
        _("actual annual output (10k yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO)],
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ProjectQuerySet.as_manager()

    # Set by the caller of ``reach_target`` for one call; never stored.
    target_confirmed = False

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-signed_on", "-id"]
        indexes = [
            models.Index(fields=["zone", "stage"], name="project_zone_stage"),
            models.Index(fields=["stage", "signed_on"], name="project_stage_signed_on"),
            models.Index(fields=["stage", "started_on"], name="project_stage_started_on"),
            models.Index(fields=["stage", "producing_on"], name="project_stage_producing_on"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(total_investment__gte=0)
                & Q(funds_in_place__gte=0)
                & (Q(land_area__isnull=True) | Q(land_area__gte=0))
                & (Q(target_annual_output__isnull=True) | Q(target_annual_output__gte=0))
                & (Q(actual_annual_output__isnull=True) | Q(actual_annual_output__gte=0)),
                name="project_money_not_negative",
            ),
            models.CheckConstraint(
                condition=(Q(started_on__isnull=True) | Q(started_on__gte=F("signed_on")))
                & (Q(producing_on__isnull=True) | Q(producing_on__gte=F("started_on")))
                & (Q(at_target_on__isnull=True) | Q(at_target_on__gte=F("producing_on"))),
                name="project_stage_dates_in_order",
            ),
            models.CheckConstraint(
                condition=(
                    Q(planned_start_on__isnull=True)
                    | Q(planned_production_on__isnull=True)
                    | Q(planned_production_on__gte=F("planned_start_on"))
                )
                & (
                    Q(planned_production_on__isnull=True)
                    | Q(planned_target_on__isnull=True)
                    | Q(planned_target_on__gte=F("planned_production_on"))
                ),
                name="project_planned_dates_in_order",
            ),
            # The stage and its entry dates never disagree, whatever writes the row.
            models.CheckConstraint(
                condition=Q(
                    stage=Stage.SIGNED,
                    started_on__isnull=True,
                    producing_on__isnull=True,
                    at_target_on__isnull=True,
                    terminated_on__isnull=True,
                )
                | Q(
                    stage=Stage.STARTED,
                    started_on__isnull=False,
                    producing_on__isnull=True,
                    at_target_on__isnull=True,
                    terminated_on__isnull=True,
                )
                | Q(
                    stage=Stage.PRODUCING,
                    started_on__isnull=False,
                    producing_on__isnull=False,
                    at_target_on__isnull=True,
                    terminated_on__isnull=True,
                )
                | Q(
                    stage=Stage.AT_TARGET,
                    started_on__isnull=False,
                    producing_on__isnull=False,
                    at_target_on__isnull=False,
                    terminated_on__isnull=True,
                )
                | Q(stage=Stage.TERMINATED, terminated_on__isnull=False, at_target_on__isnull=True),
                name="project_stage_matches_dates",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean_fields(self, exclude=None) -> None:
        # The stage is never input, and re-assigning a protected fsm field raises.
        super().clean_fields(exclude={*(exclude or ()), "stage"})

    def clean(self) -> None:
        errors: dict[str, str] = {}
        today = timezone.localdate()
        if self.signed_on and self.signed_on > today:
            errors["signed_on"] = _("The signing date cannot be in the future.")
        if self.signed_on and self.started_on and self.started_on < self.signed_on:
            errors["signed_on"] = _("The signing date cannot be after the start date.")
        if (
            self.planned_start_on
            and self.planned_production_on
            and self.planned_production_on < self.planned_start_on
        ):
            errors["planned_production_on"] = _(
                "The planned production date cannot be before the planned start date."
            )
        if (
            self.planned_production_on
            and self.planned_target_on
            and self.planned_target_on < self.planned_production_on
        ):
            errors["planned_target_on"] = _(
                "The planned target date cannot be before the planned production date."
            )
        if (
            self.total_investment is not None
            and self.funds_in_place is not None
            and self.funds_in_place > self.total_investment
        ):
            errors["funds_in_place"] = _("Funds in place cannot exceed the total investment.")
        if self.leader_id and self.zone_id and not self._belongs_here(self.leader):
            errors["leader"] = _(
                "The responsible leader must belong to the project's zone or city."
            )
        for field in ("in_statistics_on", "above_scale_on"):
            value = getattr(self, field)
            if value and value > today:
                errors[field] = _("This date cannot be in the future.")
        if errors:
            raise ValidationError(errors)

    def _belongs_here(self, user) -> bool:
        membership = Membership.of(user)
        if membership is None:
            return False
        return membership.zone_id == self.zone_id or membership.city_id == self.zone.city_id

    @property
    def is_live(self) -> bool:
        return self.stage in LIVE_STAGES

    @property
    def stage_entered_on(self) -> datetime.date | None:
        return getattr(self, STAGE_DATE_FIELD[self.stage])

    def stage_before_termination(self) -> Stage:
        """Terminate keeps the stage dates, so the last one set says where the project was."""
        if self.producing_on:
            return Stage.PRODUCING
        if self.started_on:
            return Stage.STARTED
        return Stage.SIGNED

    # The stage machine. Callers set the stage's date first; the guards check it is there.

    @transition(
        field=stage,
        source=Stage.SIGNED,
        target=Stage.STARTED,
        conditions=[has_start_date],
        permission=_role_may("start"),
    )
    def start(self) -> None:
        """签约 → 开工."""

    @transition(
        field=stage,
        source=Stage.STARTED,
        target=Stage.PRODUCING,
        conditions=[has_production_date],
        permission=_role_may("put_into_production"),
    )
    def put_into_production(self) -> None:
        """开工 → 投产."""

    @transition(
        field=stage,
        source=Stage.PRODUCING,
        target=Stage.AT_TARGET,
        conditions=[has_target_date, output_reached_or_confirmed],
        permission=_role_may("reach_target"),
    )
    def reach_target(self) -> None:
        """投产 → 达效."""

    @transition(
        field=stage,
        source=list(LIVE_STAGES),
        target=Stage.TERMINATED,
        conditions=[has_termination_reason],
        permission=_role_may("terminate"),
    )
    def terminate(self) -> None:
        """Any live stage → 终止."""

    @transition(
        field=stage,
        source=Stage.TERMINATED,
        target=RETURN_VALUE(Stage.SIGNED, Stage.STARTED, Stage.PRODUCING),
        permission=_role_may("correct"),
    )
    @transition(
        field=stage,
        source=list(PREVIOUS_STAGE),
        target=RETURN_VALUE(*set(PREVIOUS_STAGE.values())),
        permission=_role_may("correct"),
    )
    def correct(self) -> Stage:
        """Back one stage, undoing a mistaken transition: the stage's own date is cleared."""
        if self.stage == Stage.TERMINATED:
            previous = self.stage_before_termination()
            self.terminated_on = None
            self.termination_reason = ""
            return previous
        setattr(self, STAGE_DATE_FIELD[self.stage], None)
        return PREVIOUS_STAGE[self.stage]


class Enrollment(models.Model):
    """A project presented in a round as one of the three batches; one per batch kind."""

    class Kind(models.TextChoices):
        SIGNED = "signed", _("signed batch")
        STARTED = "started", _("started batch")
        PRODUCING = "producing", _("producing batch")

    project = models.ForeignKey(
        Project, models.CASCADE, related_name="enrollments", verbose_name=_("project")
    )
    activity = models.ForeignKey(
        Activity, models.PROTECT, related_name="enrollments", verbose_name=_("activity")
    )
    kind = models.CharField(_("batch"), max_length=20, choices=Kind.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("enrollment")
        verbose_name_plural = _("enrollments")
        constraints = [
            models.UniqueConstraint(fields=["project", "kind"], name="enrollment_one_per_kind"),
        ]
        indexes = [models.Index(fields=["activity", "kind"], name="enrollment_activity_kind")]

    def __str__(self) -> str:
        return f"{self.activity} · {self.get_kind_display()} · {self.project}"

    def clean(self) -> None:
        if (
            self.project_id
            and self.activity_id
            and self.project.zone.city_id != self.activity.city_id
        ):
            raise ValidationError(
                {"activity": _("The activity belongs to another city than the project's zone.")}
            )


class Milestone(models.Model):
    """A planned date in the project's annual task list (年度任务清单)."""

    project = models.ForeignKey(
        Project, models.CASCADE, related_name="milestones", verbose_name=_("project")
    )
    name = models.CharField(_("name"), max_length=100)
    planned_on = models.DateField(_("planned on"), validators=[not_before_2000])
    done_on = models.DateField(_("done on"), validators=[not_before_2000], null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["planned_on"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="milestone_name_unique"),
        ]
        indexes = [
            models.Index(
                fields=["planned_on"],
                name="milestone_open_planned_on",
                condition=Q(done_on__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.name}"

    def clean(self) -> None:
        if self.done_on and self.done_on > timezone.localdate():
            raise ValidationError({"done_on": _("This date cannot be in the future.")})


class Problem(models.Model):
    """An obstacle on the problem ledger (问题台账), open until resolved (销号)."""

    class Category(models.TextChoices):
        LAND = "land", _("land")
        FUNDING = "funding", _("funding")
        APPROVAL = "approval", _("approval")
        UTILITIES = "utilities", _("water, power and gas")
        LABOUR = "labour", _("labour")
        OTHER = "other", _("other")

    class Level(models.TextChoices):
        ZONE = "zone", _("zone")
        COUNTY = "county", _("county")
        CITY = "city", _("city")
        PROVINCE = "province", _("province")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        RESOLVED = "resolved", _("resolved")

    project = models.ForeignKey(
        Project, models.CASCADE, related_name="problems", verbose_name=_("project")
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    coordination_level = models.CharField(
        _("coordination level"), max_length=20, choices=Level.choices, default=Level.ZONE
    )
    description = models.TextField(_("description"))
    owner = models.CharField(_("owner"), max_length=100)
    raised_on = models.DateField(_("raised on"), validators=[not_before_2000])
    deadline = models.DateField(_("deadline"), validators=[not_before_2000])
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    resolved_on = models.DateField(
        _("resolved on"), validators=[not_before_2000], null=True, blank=True
    )
    resolution = models.TextField(_("resolution"), blank=True)

    class Meta:
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        ordering = ["deadline"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open", resolved_on__isnull=True)
                | Q(status="resolved", resolved_on__isnull=False),
                name="problem_resolved_has_date",
            ),
            models.CheckConstraint(
                condition=Q(deadline__gte=F("raised_on")), name="problem_deadline_after_raised"
            ),
        ]
        indexes = [
            models.Index(
                fields=["deadline"], name="problem_open_deadline", condition=Q(status="open")
            )
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.get_category_display()}"

    def clean(self) -> None:
        errors = {}
        if self.raised_on and self.deadline and self.deadline < self.raised_on:
            errors["deadline"] = _("The deadline cannot be before the date the problem was raised.")
        if self.status == self.Status.RESOLVED and not self.resolved_on:
            errors["resolved_on"] = _("A resolved problem needs the date it was resolved.")
        if self.status == self.Status.OPEN and self.resolved_on:
            errors["resolved_on"] = _("An open problem has no resolution date.")
        if self.resolved_on and self.raised_on and self.resolved_on < self.raised_on:
            errors["resolved_on"] = _("A problem cannot be resolved before it was raised.")
        if self.resolved_on and self.resolved_on > timezone.localdate():
            errors["resolved_on"] = _("This date cannot be in the future.")
        if errors:
            raise ValidationError(errors)


class ProgressReport(models.Model):
    """The monthly progress of a project: investment completed and image progress."""

    project = models.ForeignKey(
        Project, models.CASCADE, related_name="progress_reports", verbose_name=_("project")
    )
    month = models.DateField(
        _("month"),
        validators=[not_before_2000],
        help_text=_("The first day of the month reported on."),
    )
    investment_completed = models.DecimalField(
        _("investment completed (10k yuan)"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(ZERO)],
    )
    image_progress = models.TextField(_("image progress"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("monthly progress")
        verbose_name_plural = _("monthly progress")
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(fields=["project", "month"], name="progress_one_per_month"),
            models.CheckConstraint(
                condition=Q(investment_completed__gte=0), name="progress_investment_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.month:%Y-%m}"

    def clean(self) -> None:
        if self.month and self.month.day != 1:
            raise ValidationError({"month": _("Give the month as its first day.")})
