from django import template

register = template.Library()


@register.filter
def percent(share: float | None) -> str:
    """A share as the bulletins print it, one decimal: 0.9344 → 93.4%; an empty batch: —."""
    return "—" if share is None else f"{share * 100:.1f}%"


@register.filter
def signed(number: int) -> str:
    return f"+{number}" if number > 0 else str(number)
