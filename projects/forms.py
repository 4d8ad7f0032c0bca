"""The pages' forms for projects: the list's filter form (NetBox's ``…FilterForm``).

The filter form only renders and keeps the choices in the user's scope; the filtering itself is
the API's ``ProjectFilterSet``, so a page and the API answer the same question the same way.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from projects.models import Activity, Enrollment, Project, Stage, Zone
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
