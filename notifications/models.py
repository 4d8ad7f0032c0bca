"""Alerts, their outbox, the robots, people's choices, warning letters and interviews.

An ``Alert`` is one finding at one ladder level for one recipient: the in-app inbox row and the
outbox's anchor. Its dedup key (recipient, rule, project, level, due period) is a unique
constraint, so a re-run scan, a retried task or a second worker never creates it twice; the scan
stamps the rows it inserted with its own token and so knows exactly which rows are new.

A ``Delivery`` is one alert on one channel beyond the inbox (e-mail, a WeCom or DingTalk robot),
written in the scan's transaction and sent after commit by whichever worker claims it first with
a compare-and-set on its status (Healthchecks writes its ``Notification`` row before sending the
same way). A worker that dies mid-send leaves the row ``sending`` until its lease runs out; the
sweeper then puts it back to ``pending``.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.models import City, Project, ScopedQuerySet, Zone
from workflow.models import Level, Rule


class AlertQuerySet(ScopedQuerySet):
    def inbox_of(self, user) -> AlertQuerySet:
        """The user's own alerts about projects in their scope (the one scope rule, then theirs)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.restrict(user).filter(recipient=user)


class Alert(models.Model):
    Rule = Rule
    Level = Level

    # No index of their own: alert_dedup_key leads with the recipient, alert_finding with the
    # project (a second index on either column only slows the scan's inserts).
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="alerts",
        verbose_name=_("recipient"),
        db_index=False,
    )
    project = models.ForeignKey(
        Project, models.CASCADE, related_name="alerts", verbose_name=_("project"), db_index=False
    )
    rule = models.CharField(_("rule"), max_length=40, choices=Rule.choices)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    # Which finding of the rule and project: a stall's stage-entry date, a milestone's or a
    # problem's id and date. The same finding found on another day is the same alert.
    due_period = models.CharField(_("due period"), max_length=40)
    message = models.TextField(_("message"))
    days_over = models.PositiveIntegerField(_("days over"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    # The scan that inserted the row: inserts that skip conflicts return no ids, so a scan
    # finds its own new rows by this token, among the alerts of its findings (no index).
    scan = models.CharField(_("scan"), max_length=32, blank=True, editable=False)

    objects = AlertQuerySet.as_manager()
    scope_zone, scope_city = "project__zone", "project__zone__city"

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "rule", "project", "level", "due_period"],
                name="alert_dedup_key",
            )
        ]
        indexes = [
            models.Index(
                fields=["recipient", "-created_at"],
                name="alert_unread_inbox",
                condition=Q(acknowledged_at__isnull=True),
            ),
            # Also how a pass finds the alerts it stamped (``raising.create_deliveries``).
            models.Index(fields=["project", "rule", "due_period"], name="alert_finding"),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} · {self.project} · {self.get_rule_display()}"


class Channel(models.Model):
    """A group robot (WeCom or DingTalk) of a zone or of a city, configured in the admin."""

    class Kind(models.TextChoices):
        WECOM = "wecom", _("WeCom group robot")
        DINGTALK = "dingtalk", _("DingTalk group robot")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    zone = models.ForeignKey(
        Zone, models.CASCADE, null=True, blank=True, related_name="channels", verbose_name=_("zone")
    )
    city = models.ForeignKey(
        City, models.CASCADE, null=True, blank=True, related_name="channels", verbose_name=_("city")
    )
    url = models.URLField(_("webhook URL"), max_length=500)
    secret = models.CharField(
        _("signing secret"), max_length=200, blank=True, help_text=_("DingTalk only: SEC…")
    )
    min_level = models.CharField(
        _("from level"), max_length=20, choices=Level.choices, default=Level.REMINDER
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True, editable=False)
    last_error_at = models.DateTimeField(_("last error at"), null=True, editable=False)
    # The rate window: at most ROBOT_MESSAGES_PER_MINUTE messages since ``window_started_at``.
    window_started_at = models.DateTimeField(null=True, editable=False)
    window_count = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("robot channel")
        verbose_name_plural = _("robot channels")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(zone__isnull=False, city__isnull=True)
                | Q(zone__isnull=True, city__isnull=False),
                name="channel_zone_xor_city",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Preference(models.Model):
    """A person's choice of channels and timing; without a row: e-mail at once, no quiet hours."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="alert_preference",
        verbose_name=_("user"),
    )
    email = models.BooleanField(_("by e-mail"), default=True)
    daily_digest = models.BooleanField(
        _("one daily digest at 08:30 instead of each alert at once"), default=False
    )
    quiet_from = models.TimeField(_("quiet hours from"), null=True, blank=True)
    quiet_until = models.TimeField(_("quiet hours until"), null=True, blank=True)

    class Meta:
        verbose_name = _("alert preference")
        verbose_name_plural = _("alert preferences")

    def __str__(self) -> str:
        return str(self.user)

    @property
    def has_quiet_hours(self) -> bool:
        return self.quiet_from is not None and self.quiet_until is not None


class DeliveryQuerySet(models.QuerySet):
    def due(self, now: datetime.datetime) -> DeliveryQuerySet:
        return self.filter(status=Delivery.Status.PENDING, next_attempt_at__lte=now)


class Delivery(models.Model):
    """One alert on one channel: the outbox row a worker claims, sends and marks."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        CANCELLED = "cancelled", _("cancelled")

    class Kind(models.TextChoices):
        EMAIL = "email", _("e-mail")
        WECOM = "wecom", _("WeCom group robot")
        DINGTALK = "dingtalk", _("DingTalk group robot")

    alert = models.ForeignKey(
        Alert, models.CASCADE, related_name="deliveries", verbose_name=_("alert")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    channel = models.ForeignKey(
        Channel,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=_("robot"),
    )
    # One per alert and e-mail, one per finding, level and robot (a robot posts to a group,
    # not to each recipient).
    key = models.CharField(_("key"), max_length=200, unique=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    lease_until = models.DateTimeField(_("lease until"), null=True, blank=True)
    claimed_by = models.CharField(_("claimed by"), max_length=32, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="delivery_pending_due",
                condition=Q(status="pending"),
            ),
            models.Index(
                fields=["lease_until"], name="delivery_sending_lease", condition=Q(status="sending")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.alert} · {self.get_status_display()}"


class LetterSettings(models.Model):
    """A city's warning-letter number prefix, reply time and its own .docx template."""

    city = models.OneToOneField(
        City, models.CASCADE, related_name="letter_settings", verbose_name=_("city")
    )
    number_prefix = models.CharField(
        _("number prefix"), max_length=20, help_text=_("e.g. 临开建函, for 临开建函〔2026〕12号")
    )
    reply_days = models.PositiveIntegerField(
        _("days to reply"), default=15, validators=[MinValueValidator(1)]
    )
    template = models.FileField(
        _("letter template (.docx)"),
        upload_to="letter-templates/",
        blank=True,
        help_text=_(
            "A Word file with placeholders such as {{ number }}, {{ project }}, {{ zone }}, "
            "{{ finding }}, {{ days_over }}, {{ issued_on }}, {{ reply_due_on }}; blank: the "
            "built-in template."
        ),
    )

    class Meta:
        verbose_name = _("warning-letter settings")
        verbose_name_plural = _("warning-letter settings")

    def __str__(self) -> str:
        return str(self.city)

    @classmethod
    def of(cls, city: City) -> LetterSettings:
        found = cls.objects.filter(city=city).first()
        return found or cls(city=city, number_prefix=f"{city.name[:1]}开建函")


class Letter(models.Model):
    """A warning letter (警示提醒函), issued when a finding reaches the letter level."""

    # City and project lead letter_number and letter_once_per_finding: no index of their own.
    city = models.ForeignKey(
        City, models.PROTECT, related_name="letters", verbose_name=_("city"), db_index=False
    )
    year = models.PositiveIntegerField(_("year"))
    serial = models.PositiveIntegerField(_("serial"))
    number = models.CharField(_("number"), max_length=50)
    project = models.ForeignKey(
        Project, models.PROTECT, related_name="letters", verbose_name=_("project"), db_index=False
    )
    zone = models.ForeignKey(Zone, models.PROTECT, related_name="letters", verbose_name=_("zone"))
    rule = models.CharField(_("rule"), max_length=40, choices=Rule.choices)
    due_period = models.CharField(_("due period"), max_length=40)
    finding = models.TextField(_("finding"))
    days_over = models.PositiveIntegerField(_("days over"))
    issued_on = models.DateField(_("issued on"))
    reply_due_on = models.DateField(_("reply due on"))
    replied_on = models.DateField(_("replied on"), null=True, blank=True)
    reply = models.TextField(_("reply"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_zone, scope_city = "zone", "zone__city"

    class Meta:
        verbose_name = _("warning letter")
        verbose_name_plural = _("warning letters")
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["city", "year", "serial"], name="letter_number"),
            models.UniqueConstraint(
                fields=["project", "rule", "due_period"], name="letter_once_per_finding"
            ),
        ]
        indexes = [
            models.Index(
                fields=["reply_due_on"], name="letter_unanswered", condition=Q(replied_on=None)
            )
        ]

    def __str__(self) -> str:
        return self.number


class LetterSequence(models.Model):
    """The last serial a city used in a year; locked while a letter takes the next."""

    city = models.ForeignKey(City, models.CASCADE, related_name="+", db_index=False)
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["city", "year"], name="letter_sequence_city_year")
        ]

    def __str__(self) -> str:
        return f"{self.city_id} · {self.year} · {self.last}"


class Interview(models.Model):
    """A project on the supervisor's interview list (约谈), from the finding that put it there."""

    # The project leads interview_once_per_finding: no index of its own.
    project = models.ForeignKey(
        Project,
        models.CASCADE,
        related_name="interviews",
        verbose_name=_("project"),
        db_index=False,
    )
    zone = models.ForeignKey(
        Zone, models.CASCADE, related_name="interviews", verbose_name=_("zone")
    )
    rule = models.CharField(_("rule"), max_length=40, choices=Rule.choices)
    due_period = models.CharField(_("due period"), max_length=40)
    since = models.DateField(_("since"))
    days_over = models.PositiveIntegerField(_("days over when listed"))
    listed_on = models.DateField(_("listed on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_zone, scope_city = "zone", "zone__city"

    class Meta:
        verbose_name = _("interview")
        verbose_name_plural = _("interview list")
        ordering = ["-days_over", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "rule", "due_period"], name="interview_once_per_finding"
            )
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.get_rule_display()}"


class ScanMark(models.Model):
    """What the last scan of a zone saw, so the next one re-checks only what may have moved.

    A pass that finished as of ``as_of`` raised every finding of the zone as of that day. The
    next pass, as of a later day, needs only the findings that reached a ladder step in between
    (days over grow by one a day while nothing changes) and the rows written since
    ``changed_since`` (the pass's start, less a margin for writes still uncommitted then). Rule,
    ladder, zone and people changes count ``invalidations`` up; a pass records the count it
    read before reading the rules in ``checked``, so a change made while it ran still forces the
    next pass to check every finding, as does a mark a week old (``full_on``).
    """

    zone = models.OneToOneField(
        Zone, models.CASCADE, primary_key=True, related_name="+", verbose_name=_("zone")
    )
    as_of = models.DateField(_("as of"), null=True, blank=True)
    changed_since = models.DateTimeField(_("changed since"), null=True, blank=True)
    full_on = models.DateField(_("last full check"), null=True, blank=True)
    invalidations = models.PositiveIntegerField(default=0)
    checked = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("scan mark")
        verbose_name_plural = _("scan marks")

    def __str__(self) -> str:
        return f"{self.zone_id} · {self.as_of}"
