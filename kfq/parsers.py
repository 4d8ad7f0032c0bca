"""JSON bodies with a nesting limit, for every API view (DRF's DEFAULT_PARSER_CLASSES).

No request of ours nests deeper than a few levels; a body of ten thousand brackets only makes
the decoder recurse until Python gives up (a 500). Such a body is a 400 like any malformed one.
"""

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_DEPTH = 32


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_too_deep()) from None
        if _depth(data) > MAX_DEPTH:
            raise ParseError(_too_deep())
        return data


def _too_deep() -> str:
    return _("The JSON body nests deeper than %(depth)d levels.") % {"depth": MAX_DEPTH}


def _depth(data) -> int:
    """How deeply lists and objects nest, walked without recursion."""
    deepest, pending = 0, [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict):
            value = list(value.values())
        if isinstance(value, list):
            deepest = max(deepest, depth)
            if depth > MAX_DEPTH:
                return depth
            pending.extend((item, depth + 1) for item in value)
    return deepest
