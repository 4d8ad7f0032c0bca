"""The project and its stage machine.

The stage is a protected django-fsm field: only the transitions below change it, and only
``workflow.services.project_transition`` calls them, inside a locked, logged database
transaction.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition

from projects.guards import (
    has_production_date,
    has_start_date,
    has_target_date,
    has_termination_reason,
    output_reached_or_confirmed,
)
from projects.models.dates import ZERO, MoneyField, PlausibleDateField
from projects.models.people import Membership, may_take_transition
from projects.models.places import Zone
from projects.models.scope import ScopedQuerySet
from projects.models.text import PlainTextModel
from projects.stages import LIVE_STAGES, PREVIOUS_STAGE, STAGE_DATE_FIELD, Stage, Transition


class ProjectQuerySet(ScopedQuerySet):
    def touch(self) -> int:
        """Mark the projects changed now (``updated_at``): their ledger changed. The scan
        re-checks the projects changed since its last pass (``notifications.ScanMark``)."""
        return self.update(updated_at=timezone.now())


def _role_may(name: str):
    def permission(project: Project, user) -> bool:
        return may_take_transition(user, name)

    return permission


class Project(ConcurrentTransitionMixin, PlainTextModel):
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
    total_investment = MoneyField(
        _("total investment (10k yuan)"),
    )
    funds_in_place = MoneyField(
        _("funds in place (10k yuan)"),
        default=ZERO,
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
    signed_on = PlausibleDateField(_("signed on"))
    started_on = PlausibleDateField(_("started on"), null=True, blank=True, editable=False)
    producing_on = PlausibleDateField(_("in production on"), null=True, blank=True, editable=False)
    at_target_on = PlausibleDateField(
        _("at target output on"), null=True, blank=True, editable=False
    )
    terminated_on = PlausibleDateField(_("terminated on"), null=True, blank=True, editable=False)
    termination_reason = models.TextField(_("termination reason"), blank=True, editable=False)

    planned_start_on = PlausibleDateField(_("planned start"), null=True, blank=True)
    planned_production_on = PlausibleDateField(_("planned production"), null=True, blank=True)
    planned_target_on = PlausibleDateField(_("planned target output"), null=True, blank=True)
    in_statistics_on = PlausibleDateField(
        _("entered investment statistics on"), null=True, blank=True
    )
    above_scale_on = PlausibleDateField(_("entered above-scale database on"), null=True, blank=True)
    target_annual_output = MoneyField(
        _("target annual output (10k yuan)"),
        null=True,
        blank=True,
    )
    actual_annual_output = MoneyField(
        _("actual annual output (10k yuan)"),
        null=True,
        blank=True,
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ProjectQuerySet.as_manager()
    scope_zone, scope_city = "zone", "zone__city"

    # Set by the caller of ``reach_target`` for one call; never stored.
    target_confirmed = False

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-signed_on", "-id"]
        indexes = [
            models.Index(fields=["zone", "stage"], name="project_zone_stage"),
            # A zone's list (officers) in its default order: its first page read from this index
            # alone. A city's is its zones' few thousand rows, sorted: an index on the order
            # alone would have PostgreSQL walk every city's projects to find one city's first
            # page (ten times slower at 1,000,000 projects), so there is none.
            models.Index(fields=["zone", "-signed_on", "-id"], name="project_zone_signed"),
            models.Index(fields=["stage", "signed_on"], name="project_stage_signed_on"),
            models.Index(fields=["stage", "started_on"], name="project_stage_started_on"),
            models.Index(fields=["stage", "producing_on"], name="project_stage_producing_on"),
            # The scan's re-run: the projects (and so the ledgers) changed since a zone's last
            # pass, without reading the others.
            models.Index(fields=["updated_at"], name="project_updated_at"),
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
        twin = self.live_twin()
        if twin is not None:
            errors["name"] = _(
                "The zone already has a live project of this name and investor (id %(id)s)."
            ) % {"id": twin.pk}
        if errors:
            raise ValidationError(errors)

    def live_twin(self) -> Project | None:
        """Another live project of the same zone, name and investor: the same project entered
        twice."""
        if not (self.zone_id and self.name and self.investor):
            return None
        twins = Project.objects.filter(
            zone_id=self.zone_id,
            name=self.name.strip(),
            investor=self.investor.strip(),
            stage__in=LIVE_STAGES,
        )
        if self.pk:
            twins = twins.exclude(pk=self.pk)
        return twins.order_by("pk").first()

    def _belongs_here(self, user) -> bool:
        membership = Membership.of(user)
        if membership is None:
            return False
        return membership.zone_id == self.zone_id or membership.city_id == self.zone.city_id

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
        permission=_role_may(Transition.START),
    )
    def start(self) -> None:
        """签约 → 开工."""

    @transition(
        field=stage,
        source=Stage.STARTED,
        target=Stage.PRODUCING,
        conditions=[has_production_date],
        permission=_role_may(Transition.PUT_INTO_PRODUCTION),
    )
    def put_into_production(self) -> None:
        """开工 → 投产."""

    @transition(
        field=stage,
        source=Stage.PRODUCING,
        target=Stage.AT_TARGET,
        conditions=[has_target_date, output_reached_or_confirmed],
        permission=_role_may(Transition.REACH_TARGET),
    )
    def reach_target(self) -> None:
        """投产 → 达效."""

    @transition(
        field=stage,
        source=list(LIVE_STAGES),
        target=Stage.TERMINATED,
        conditions=[has_termination_reason],
        permission=_role_may(Transition.TERMINATE),
    )
    def terminate(self) -> None:
        """Any live stage → 终止."""

    @transition(
        field=stage,
        source=Stage.TERMINATED,
        target=RETURN_VALUE(Stage.SIGNED, Stage.STARTED, Stage.PRODUCING),
        permission=_role_may(Transition.CORRECT),
    )
    @transition(
        field=stage,
        source=list(PREVIOUS_STAGE),
        target=RETURN_VALUE(*set(PREVIOUS_STAGE.values())),
        permission=_role_may(Transition.CORRECT),
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
