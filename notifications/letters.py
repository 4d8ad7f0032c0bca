"""Warning letters (警示提醒函): the .docx made from the city's template, and the zone's reply.

The template is a Word file with docxtpl (Jinja) placeholders; a city may upload its own in the
admin, otherwise ``letter_templates/default.docx`` is used. Issuing a letter is part of the scan
(``services.letters_issue``); this module renders and answers.
"""

from __future__ import annotations

import datetime
import io
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from docxtpl import DocxTemplate
from jinja2 import TemplateError

from notifications.models import Letter, LetterSettings
from notifications.services import project_changed
from projects.access import role_of
from projects.errors import Forbidden, Invalid, NotFound, Refusal
from projects.models.text import CONTROL_CHARACTERS_REFUSED, has_control_characters
from projects.roles import ZONE_ROLES

DEFAULT_TEMPLATE = Path(__file__).parent / "letter_templates" / "default.docx"


class TemplateBroken(Invalid):
    code = "letter_template_broken"
    status = 409


class AlreadyAnswered(Refusal):
    """A letter is answered once: the date and the words are the record the bulletin and the
    overdue-reply rule read, so a second answer (a page left open, a retried call) is refused
    rather than silently rewriting them."""

    code = "letter_already_answered"
    status = 409


def _chinese_date(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def letter_document(*, letter: Letter) -> bytes:
    """The letter as a .docx, from the city's template (or the built-in one)."""
    options = LetterSettings.of(letter.city)
    context = {
        "number": letter.number,
        "city": letter.city.name,
        "zone": letter.zone.name,
        "project": letter.project.name,
        "investor": letter.project.investor,
        "finding": letter.finding,
        "days_over": letter.days_over,
        "issued_on": _chinese_date(letter.issued_on),
        "reply_due_on": _chinese_date(letter.reply_due_on),
    }
    try:
        if options.template:
            with options.template.open("rb") as source:
                document = DocxTemplate(io.BytesIO(source.read()))
        else:
            document = DocxTemplate(DEFAULT_TEMPLATE)
        document.render(context)
    except (TemplateError, KeyError, ValueError, OSError) as error:
        raise TemplateBroken(
            _("The city's letter template cannot be filled in: %(error)s") % {"error": error}
        ) from error
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def letter_reply(*, letter_id: int, by, replied_on, reply: str) -> Letter:
    """Record the zone's rectification answer (整改) to a letter in the caller's scope, once."""
    if not isinstance(replied_on, datetime.date):
        raise Invalid.on("replied_on", _("Give the date of the reply (YYYY-MM-DD)."))
    reply = (reply or "").strip()
    with transaction.atomic():
        letter = Letter.objects.restrict(by).select_for_update().filter(pk=letter_id).first()
        if letter is None:
            raise NotFound(_("No such letter."))
        if role_of(by) not in ZONE_ROLES:
            raise Forbidden(_("Only the zone's officers and leaders answer a warning letter."))
        if letter.replied_on is not None:
            raise AlreadyAnswered(
                _("This letter was already answered on %(date)s; the answer stands.")
                % {"date": letter.replied_on.isoformat()}
            )
        if not reply:
            raise Invalid.on("reply", _("Write the zone's answer."))
        if has_control_characters(reply):
            raise Invalid.on("reply", str(CONTROL_CHARACTERS_REFUSED))
        if replied_on > timezone.localdate():
            raise Invalid.on("replied_on", _("The date cannot be in the future."))
        if replied_on < letter.issued_on:
            raise Invalid.on("replied_on", _("The reply cannot be before the letter was issued."))
        letter.replied_on = replied_on
        letter.reply = reply
        letter.save(update_fields=["replied_on", "reply"])
        project_changed(project_id=letter.project_id)
    return letter
