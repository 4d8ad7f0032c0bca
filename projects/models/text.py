"""Text as people mean it: no control characters.

A name or a note pasted from another system can carry control characters (U+0001–U+001F but the
tab and line breaks, U+007F–U+009F). They are invisible on a page and in a letter, an .xlsx keeps
them only escaped (``_x0001_``), and a search or a duplicate check cannot see them. So every model
whose text people write refuses them in ``clean_fields``, which the services, the admin's forms
and the ledger import all run; a service that writes text without a model form (a letter's reply)
asks ``has_control_characters`` itself. NUL and lone surrogates are refused earlier still, by the
API's and the forms' own character fields.
"""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
CONTROL_CHARACTERS_REFUSED = _(
    "Remove the invisible control characters (often pasted from another system) from this text."
)


def has_control_characters(text: str) -> bool:
    return bool(CONTROL_CHARACTERS.search(text))


class PlainTextModel(models.Model):
    """Refuses control characters in every text field of the model (choices excepted: their
    values are ours)."""

    class Meta:
        abstract = True

    def clean_fields(self, exclude=None) -> None:
        errors: dict = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for field in self._meta.concrete_fields:
            if field.name in (exclude or ()) or field.name in errors or field.choices:
                continue
            if not isinstance(field, models.CharField | models.TextField):
                continue
            value = getattr(self, field.attname)
            if isinstance(value, str) and has_control_characters(value):
                errors[field.name] = [
                    ValidationError(CONTROL_CHARACTERS_REFUSED, code="control_characters")
                ]
        if errors:
            raise ValidationError(errors)
