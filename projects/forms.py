"""The pages' forms for projects: the list's filter form (NetBox's ``…FilterForm``).

The filter form only renders and keeps the choices in the user's scope; the filtering itself is
the API's ``ProjectFilterSet``, so a page and the API answer the same question the same way.
"""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from projects.models import Activity, Enrollment, Problem, Project, Stage, Zone
from projects.selectors import STALL_KIND_NAMES, STALL_LABEL

_ANY = [("", _("any"))]


def _select(**attrs) -> forms.Select:
    return forms.Select(attrs={"class": "form-select form-select-sm", **attrs})


class ProjectFilterForm(forms.Form):
    q = forms.CharField(
        label=_("name or investor contains"),
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm", "type": "search"}),
    )
    zone = forms.ChoiceField(label=_("zone"), required=False, widget=_select())
    stage = forms.ChoiceField(
        label=_("stage"), required=False, choices=_ANY + Stage.choices, widget=_select()
    )
    activity = forms.ChoiceField(label=_("activity"), required=False, widget=_select())
    kind = forms.ChoiceField(
        label=_("batch"), required=False, choices=_ANY + Enrollment.Kind.choices, widget=_select()
    )
    industry_chain = forms.CharField(
        label=_("industry chain"),
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )
    tier = forms.ChoiceField(
        label=_("tier"), required=False, choices=_ANY + Project.Tier.choices, widget=_select()
    )
    stalled = forms.ChoiceField(
        label=_("stalled today"),
        required=False,
        choices=[*_ANY, ("true", _("stalled")), ("false", _("not stalled"))],
        widget=_select(),
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        zones = Zone.objects.restrict(user).order_by("code").values_list("code", "name")
        self.fields["zone"].choices = _ANY + list(zones)
        activities = Activity.objects.restrict(user).order_by("-held_on").values_list("pk", "name")
        self.fields["activity"].choices = _ANY + [(str(pk), name) for pk, name in activities]


class StallFilterForm(forms.Form):
    zone = forms.ChoiceField(label=_("zone"), required=False, widget=_select())
    kind = forms.ChoiceField(
        label=_("kind"),
        required=False,
        choices=_ANY + [(name, STALL_LABEL[name]) for name in STALL_KIND_NAMES],
        widget=_select(),
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        zones = Zone.objects.restrict(user).order_by("code").values_list("code", "name")
        self.fields["zone"].choices = _ANY + list(zones)


# The project page's small forms: they only read the input; the services write and refuse.


def _date(label) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=forms.DateInput(
            format="%Y-%m-%d", attrs={"type": "date", "class": "form-control form-control-sm"}
        ),
    )


def _text(label, *, required=True, rows=None, max_length=None) -> forms.CharField:
    widget = (
        forms.Textarea(attrs={"class": "form-control form-control-sm", "rows": rows})
        if rows
        else forms.TextInput(attrs={"class": "form-control form-control-sm"})
    )
    return forms.CharField(label=label, required=required, max_length=max_length, widget=widget)


class ProblemForm(forms.Form):
    category = forms.ChoiceField(
        label=_("category"), choices=Problem.Category.choices, widget=_select()
    )
    coordination_level = forms.ChoiceField(
        label=_("coordination level"),
        choices=Problem.Level.choices,
        initial=Problem.Level.ZONE,
        widget=_select(),
    )
    description = _text(_("description"), rows=2)
    owner = _text(_("owner"), max_length=100)
    raised_on = _date(_("raised on"))
    deadline = _date(_("deadline"))


class ResolveForm(forms.Form):
    resolved_on = _date(_("resolved on"))
    resolution = _text(_("resolution"), required=False, rows=2)


class ProgressForm(forms.Form):
    month = forms.CharField(
        label=_("month"),
        widget=forms.DateInput(attrs={"type": "month", "class": "form-control form-control-sm"}),
    )
    investment_completed = forms.DecimalField(
        label=_("investment completed (10k yuan)"),
        max_digits=14,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"class": "form-control form-control-sm", "step": "0.01"}),
    )
    image_progress = _text(_("image progress"), required=False, rows=2)

    def clean_month(self):
        """``2025-06`` (a month input) or a full date: the first day of that month."""
        text = self.cleaned_data["month"].strip()
        try:
            year, month = (int(part) for part in text.split("-")[:2])
            return datetime.date(year, month, 1)
        except ValueError:
            raise forms.ValidationError(_("Enter a month as YYYY-MM.")) from None


class MilestoneForm(forms.Form):
    name = _text(_("name"), max_length=100)
    planned_on = _date(_("planned on"))
    note = _text(_("note"), required=False)


class MilestoneDoneForm(forms.Form):
    done_on = _date(_("done on"))


def filter_errors(filterset, form: forms.Form) -> dict[str, list[str]]:
    """The filterset's refusals of a list page's query, named by the labels its filter form
    shows (a parameter the form does not show keeps its name, as in the URL)."""
    if not filterset.is_bound:
        return {}
    return {
        str(form.fields[name].label)
        if name in form.fields and form.fields[name].label
        else name: errors
        for name, errors in filterset.errors.items()
    }
