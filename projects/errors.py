"""Refusals: one exception class per kind, each with a stable code and an officer's sentence.

They are mapped to HTTP statuses once (``status`` here, read by the API's exception handler),
and shown as messages by the admin and pages.
"""

from django.utils.translation import gettext_lazy as _


class Refusal(Exception):
    code = "refused"
    status = 400
    default_detail = _("The request was refused.")

    def __init__(self, detail=None, *, errors: dict[str, list[str]] | None = None) -> None:
        self.detail = str(detail if detail is not None else self.default_detail)
        self.errors = {
            field: [str(m) for m in messages] for field, messages in (errors or {}).items()
        }
        super().__init__(self.detail)


class Invalid(Refusal):
    """Bad or missing input: a date, a note, a field."""

    code = "invalid"
    status = 400
    default_detail = _("Some of the data given is not valid.")

    @classmethod
    def on(cls, field: str, message) -> "Invalid":
        return cls(message, errors={field: [message]})


class Forbidden(Refusal):
    code = "forbidden"
    status = 403
    default_detail = _("Your role does not allow this.")


class NotFound(Refusal):
    code = "not_found"
    status = 404
    default_detail = _("Not found.")


class TransitionNotAllowed(Refusal):
    code = "transition_not_allowed"
    status = 409
    default_detail = _("This transition is not possible now.")


class VersionConflict(Refusal):
    code = "version_conflict"
    status = 409
    default_detail = _(
        "Someone else has changed this project since you opened it. Reload it and try again."
    )
