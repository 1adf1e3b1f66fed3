from django import template

from motcua.dossiers.lifecycle import TABLE

register = template.Library()


@register.filter
def action_label(action: str) -> str:
    """The readable name of a lifecycle action (``request_supplement`` → "Yêu cầu bổ sung")."""
    rule = TABLE.get(action)
    return str(rule.label) if rule and rule.label else action
