from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TransitionForm(forms.Form):
    """The effective date and note of a transition, as the admin and pages ask for them."""

    effective_on = forms.DateField(
        label=_("effective on"),
        # An HTML date input takes only ISO dates, whatever the language's own format is.
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        initial=timezone.localdate,
    )
    note = forms.CharField(
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    confirmed = forms.BooleanField(
        label=_("I confirm the project has reached its target output"), required=False
    )
