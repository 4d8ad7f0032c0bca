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


class TransitionPageForm(TransitionForm):
    """The project page's form: also the version the page was rendered with, so a page left
    open while someone else moved the project is told so instead of overwriting."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args, transition: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if transition != "reach_target":
            del self.fields["confirmed"]
        for name, field in self.fields.items():
            css = "form-check-input" if name == "confirmed" else "form-control"
            field.widget.attrs.setdefault("class", css)
