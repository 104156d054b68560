"""{% fixed %}: a part of a page that depends only on the language and the URLs is rendered once per
language and URL prefix, gives what the same nodes give without it, and refuses at compile time anything
that reads the context."""

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.urls import reverse, set_script_prefix
from django.utils import translation

from accounts.templatetags import fixed_text

BODY = """<a href="{% url 'seekers_orgs:search' %}">{% translate "求職者検索" %}</a> <img src="{% static 'css/site.css' %}">"""


def page(body: str) -> Template:
    return Template("{% load i18n static fixed_text %}" + body)


def fixed_node(compiled: Template) -> fixed_text.FixedNode:
    return next(node for node in compiled.nodelist if isinstance(node, fixed_text.FixedNode))


def test_it_renders_what_its_nodes_render_in_each_language():
    compiled, plain = page("{% fixed %}" + BODY + "{% endfixed %}"), page(BODY)
    for language, label in (("ja", "求職者検索"), ("en", "Job seeker search")):
        with translation.override(language):
            shown = compiled.render(Context())
            assert shown == plain.render(Context())
            assert label in shown and reverse("seekers_orgs:search") in shown


def test_it_renders_once_per_language_and_keeps_it_on_the_node(monkeypatch):
    compiled = page("{% fixed %}" + BODY + "{% endfixed %}")
    node = fixed_node(compiled)
    with translation.override("ja"):
        first = compiled.render(Context())
        monkeypatch.setattr(node.nodelist, "render", lambda context: pytest.fail("rendered again"))
        assert compiled.render(Context()) == first
    monkeypatch.undo()
    with translation.override("en"):
        assert compiled.render(Context()) != first
    assert len(node.rendered) == 2


def test_a_url_prefix_is_a_new_rendering():
    compiled = page("{% fixed %}{% url 'seekers_orgs:search' %}{% endfixed %}")
    with translation.override("ja"):
        plain = compiled.render(Context())
        set_script_prefix("/kyushoku/")
        try:
            prefixed = compiled.render(Context())
        finally:
            set_script_prefix("/")
    assert prefixed == "/kyushoku" + plain


@pytest.mark.parametrize("body", [
    "{{ user.email }}",
    "{% if user %}x{% endif %}",
    "{% translate message %}",
    "{% translate '求職者検索' as label %}",
    "{% translate '求職者検索'|upper %}",
    "{% url view_name %}",
    "{% url 'seekers_orgs:profile' public_id %}",
    "{% url 'seekers_orgs:search' as url %}",
    "{% static path %}",
    "{% blocktranslate %}求職者検索{% endblocktranslate %}",
    "{% csrf_token %}",
])
def test_what_reads_the_context_is_refused_when_the_template_is_compiled(body):
    with pytest.raises(TemplateSyntaxError, match="fixed"):
        page("{% fixed %}" + body + "{% endfixed %}")


def test_a_block_inside_a_language_switch_is_refused():
    with pytest.raises(TemplateSyntaxError, match="language"):
        page("{% language 'en' %}{% fixed %}{% translate '求職者検索' %}{% endfixed %}{% endlanguage %}")


def test_autoescaping_is_part_of_the_key():
    compiled = page("{% fixed %}{% translate '求職者検索' %}{% endfixed %}")
    with translation.override("ja"):
        compiled.render(Context())
        compiled.render(Context(autoescape=False))
    assert {key[-1] for key in fixed_node(compiled).rendered} == {True, False}
