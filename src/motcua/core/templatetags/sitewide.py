"""``{% sitewide "name" %}…{% endsitewide %}``: a part of a page that is the same for every
request in a language (labels, headings, the site frame), rendered once per process and language.

Why not ``{% cache %}``: the busiest public pages are mostly such parts, and a cache fragment costs
a key digest, a lock and an unpickling on every request (~8 µs each, more than the text it
returns); a dictionary lookup costs well under one. Only put in it what depends on nothing but the
active language and the settings: no request, user, form value or CSRF token. The copies are
dropped when a setting changes (tests' ``override_settings``); a deployment changes settings by
restarting, which starts new processes anyway.
"""

from __future__ import annotations

from django import template
from django.core.signals import setting_changed
from django.template.loader_tags import BlockNode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()

_rendered: dict[tuple[str, str | None], SafeString] = {}


def clear(**_kwargs) -> None:
    """Forget every rendered part (they are rendered again on next use)."""
    _rendered.clear()


setting_changed.connect(clear, dispatch_uid="motcua.sitewide.clear")


class SitewideNode(template.Node):
    # Django walks a base template's whole node tree on every render of a page that extends it,
    # looking for blocks; a part rendered once has none to offer (a block in it could not vary).
    child_nodelists = ()

    def __init__(self, name: str, nodelist: template.NodeList):
        self.name = name
        self.nodelist = nodelist

    def render(self, context) -> SafeString:
        key = (self.name, get_language())
        try:
            return _rendered[key]
        except KeyError:
            # Two threads may both render a missing part once; the copies are equal.
            rendered = _rendered[key] = mark_safe(self.nodelist.render(context))  # noqa: S308 (rendered by the template engine, escaped there)
            return rendered


@register.tag
def sitewide(parser, token):
    bits = token.split_contents()
    if len(bits) != 2 or bits[1][:1] not in "\"'" or bits[1][-1:] != bits[1][:1]:
        raise template.TemplateSyntaxError('Usage: {% sitewide "name" %}…{% endsitewide %}')
    nodelist = parser.parse(("endsitewide",))
    parser.delete_first_token()
    if nodelist.get_nodes_by_type(BlockNode):
        raise template.TemplateSyntaxError(
            "A {% block %} cannot be inside {% sitewide %}: it would never vary."
        )
    return SitewideNode(f"{parser.origin.template_name}:{bits[1][1:-1]}", nodelist)
