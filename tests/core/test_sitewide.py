"""``{% sitewide %}``: parts of pages the same for everyone in a language, rendered once per process."""

import pytest
from django.template import Context, Engine, Template, TemplateSyntaxError
from django.test import override_settings
from django.utils import translation

from motcua.core.templatetags import sitewide


def render(source: str, **context) -> str:
    return Template("{% load i18n sitewide %}" + source).render(Context(context))


PART = '{% sitewide "greeting" %}{% translate "Log in" %} {{ who }}{% endsitewide %}'


def test_a_part_is_rendered_once_and_then_reused():
    assert render(PART, who="first") == "Đăng nhập first"
    # Whatever the context says now, the stored copy comes back: only put in what never varies.
    assert render(PART, who="second") == "Đăng nhập first"


def test_each_language_has_its_own_copy():
    assert render(PART, who="") == "Đăng nhập "
    with translation.override("en"):
        assert render(PART, who="") == "Log in "
    assert render(PART, who="") == "Đăng nhập "


def test_parts_of_the_same_name_in_different_templates_are_distinct():
    engine = Engine(
        loaders=[
            (
                "django.template.loaders.locmem.Loader",
                {
                    "one.html": '{% load sitewide %}{% sitewide "x" %}one{% endsitewide %}',
                    "other.html": '{% load sitewide %}{% sitewide "x" %}other{% endsitewide %}',
                },
            )
        ],
        libraries={"sitewide": "motcua.core.templatetags.sitewide"},
    )
    assert engine.get_template("one.html").render(Context()) == "one"
    assert engine.get_template("other.html").render(Context()) == "other"


def test_a_setting_change_drops_the_copies():
    assert render(PART, who="before") == "Đăng nhập before"
    with override_settings(MOTCUA_SITE_NAME="Cổng dịch vụ công thử"):
        assert render(PART, who="during") == "Đăng nhập during"
    assert render(PART, who="after") == "Đăng nhập after"


def test_clear_drops_the_copies():
    render(PART, who="before")
    sitewide.clear()
    assert render(PART, who="after") == "Đăng nhập after"


@pytest.mark.parametrize(
    "source",
    [
        "{% sitewide %}x{% endsitewide %}",
        "{% sitewide greeting %}x{% endsitewide %}",
        '{% sitewide "a" "b" %}x{% endsitewide %}',
        '{% sitewide "a %}x{% endsitewide %}',
    ],
)
def test_a_part_needs_exactly_one_quoted_name(source):
    with pytest.raises(TemplateSyntaxError):
        render(source)


def test_a_block_cannot_be_inside_a_part():
    with pytest.raises(TemplateSyntaxError, match="block"):
        render('{% sitewide "a" %}{% block title %}x{% endblock %}{% endsitewide %}')
