"""The inbox's and the letters' forms: filter forms that only render and keep the choices (the
filtering is ``notifications.filtersets``, the API's), and the reply form, which only reads the
input (``letters.letter_reply`` writes and refuses)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from notifications.filtersets import ReplyState
from projects.models import Project, Zone
from workflow.models import Level, Rule

_ANY = [("", _("any"))]
# Past this many projects in an inbox, its project filter is a search on the name, not a list.
PROJECT_CHOICES = 100


def _select() -> forms.Select:
    return forms.Select(attrs={"class": "form-select form-select-sm"})


class AlertFilterForm(forms.Form):
    unread = forms.ChoiceField(
        label=_("read"),
        required=False,
        choices=[*_ANY, ("true", _("unread")), ("false", _("acknowledged"))],
        widget=_select(),
    )
    level = forms.ChoiceField(
        label=_("level"), required=False, choices=_ANY + Level.choices, widget=_select()
    )
    rule = forms.ChoiceField(
        label=_("rule"), required=False, choices=_ANY + Rule.choices, widget=_select()
    )
    project = forms.ChoiceField(label=_("project"), required=False, widget=_select())

    def __init__(self, *args, alerts, **kwargs) -> None:
        """``alerts``: the user's inbox. Its projects are the project filter's choices while
        they are few enough to pick from (a city supervisor's inbox can span thousands, which
        made the page half a megabyte); beyond that the filter searches the projects' names."""
        super().__init__(*args, **kwargs)
        projects = list(
            Project.objects.filter(pk__in=alerts.values("project"))
            .order_by("name", "pk")
            .values_list("pk", "name")[: PROJECT_CHOICES + 1]
        )
        if len(projects) <= PROJECT_CHOICES:
            self.fields["project"].choices = _ANY + [(str(pk), name) for pk, name in projects]
            return
        del self.fields["project"]
        self.fields["project_name"] = forms.CharField(
            label=_("project"),
            required=False,
            max_length=100,
            widget=forms.TextInput(
                attrs={
                    "class": "form-control form-control-sm",
                    "type": "search",
                    "placeholder": _("part of its name"),
                }
            ),
        )


class LetterFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("reply"), required=False, choices=_ANY + ReplyState.CHOICES, widget=_select()
    )
    rule = forms.ChoiceField(
        label=_("rule"), required=False, choices=_ANY + Rule.choices, widget=_select()
    )
    zone = forms.ChoiceField(label=_("zone"), required=False, widget=_select())

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        zones = list(Zone.objects.restrict(user).order_by("code").values_list("code", "name"))
        if len(zones) > 1:
            self.fields["zone"].choices = _ANY + zones
        else:
            del self.fields["zone"]


class LetterReplyForm(forms.Form):
    replied_on = forms.DateField(
        label=_("replied on"),
        widget=forms.DateInput(
            format="%Y-%m-%d", attrs={"type": "date", "class": "form-control form-control-sm"}
        ),
    )
    reply = forms.CharField(
        label=_("the zone's answer (整改)"),
        widget=forms.Textarea(attrs={"class": "form-control form-control-sm", "rows": 4}),
    )
