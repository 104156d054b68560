"""`{% fixed %}…{% endfixed %}`: a part of a template that depends on nothing but the language — text,
`{% translate "…" %}`, `{% url 'name' %}` with literal arguments, `{% static '…' %}` — rendered once per
process, language and URL prefix instead of on every request. A translated label costs ~7 µs through
the template engine and a reversed URL ~18 µs; a page's fixed headings, labels and links added up to a
tenth of the search page's time (bench_pages).

What the block may hold is checked when the template is compiled: anything that reads the context (a
variable, a tag with a variable argument, `{% if %}`, `as` forms, a block translation with values) is a
TemplateSyntaxError, so a page cannot show one member what it rendered for another. The rendered text
is kept on the compiled node itself, by language, script prefix, URL configuration and autoescaping (an
included template may be rendered both ways). The key is read once per rendering, so a block inside
`{% language %}`, which changes the language halfway through one, is refused too."""

from django import template
from django.template.base import TextNode, VariableNode
from django.template.defaulttags import URLNode
from django.templatetags.i18n import TranslateNode
from django.templatetags.static import StaticNode
from django.urls import get_script_prefix, get_urlconf
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()


def _literal(expression) -> bool:
    """A FilterExpression that is a quoted string or a number, with no filters: it reads no context."""
    return not expression.filters and not isinstance(expression.var, template.Variable)


def _refusal(node) -> str | None:
    """Why a node cannot be fixed, or None when its output depends only on the language and URLs."""
    if isinstance(node, TextNode):
        return None
    if isinstance(node, TranslateNode):
        expression = node.filter_expression
        if node.asvar or node.message_context is not None or expression.filters or not isinstance(
                expression.var.literal, str):
            return "{% translate %} of a quoted string only"
        return None
    if isinstance(node, URLNode):
        if node.asvar or not _literal(node.view_name) or not all(map(_literal, [*node.args, *node.kwargs.values()])):
            return "{% url %} with quoted arguments only"
        return None
    if isinstance(node, StaticNode):
        return None if node.varname is None and _literal(node.path) else "{% static %} of a quoted path only"
    if isinstance(node, VariableNode):
        return "a variable"
    return f"{type(node).__name__}"


class FixedNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist
        self.rendered: dict[tuple, str] = {}

    def render(self, context):
        # The key once per rendering (each part of it is a thread-local read), not once per block.
        key = context.render_context.get(FixedNode)
        if key is None:
            key = context.render_context[FixedNode] = (get_language(), get_script_prefix(), get_urlconf(),
                                                       context.autoescape)
        try:
            return self.rendered[key]
        except KeyError:
            pass
        html = self.rendered[key] = mark_safe(self.nodelist.render(context))  # noqa: S308 - the nodes' own output
        return html


@register.tag
def fixed(parser, token):
    if len(token.split_contents()) != 1:
        raise template.TemplateSyntaxError("{% fixed %} takes no arguments")
    if any(command == "language" for command, _ in parser.command_stack):
        raise template.TemplateSyntaxError("{% fixed %} inside {% language %}: the language changes within the page")
    nodelist = parser.parse(("endfixed",))
    parser.delete_first_token()
    for node in nodelist:
        if (reason := _refusal(node)) is not None:
            raise template.TemplateSyntaxError(f"{{% fixed %}} holds what depends on the context: {reason}")
    return FixedNode(nodelist)
