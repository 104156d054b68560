"""Conversations for staff: read-only, found by the organisation's name, the seeker's 求職番号 or a
date, so they can be linked as evidence (compliance's violation form looks them up here)."""

from datetime import datetime

from django.contrib import admin
from django.db.models import Q
from django.utils.formats import get_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from accounts.dates import format_moment
from accounts.service_admin import IdentityReadsAudited, StaffInputMixin, normalize_search

from .models import Conversation, Message


def thread_html(conversation):
    """The conversation's messages in order, as staff read them beside a complaint or a record."""
    rows = Message.objects.filter(conversation=conversation).order_by("created_at", "id")
    return format_html(
        '<ol class="evidence-thread">{}</ol>',
        format_html_join(
            "", "<li><strong>{}</strong> {} [{}] <em>{}</em><br>{}</li>",
            ((format_moment(m.created_at),
              m.get_sender_display(), m.get_kind_display(), m.subject, m.body) for m in rows),
        ),
    )


def _as_date(term: str):
    for date_format in get_format("DATE_INPUT_FORMATS"):
        try:
            return datetime.strptime(term, date_format).date()  # noqa: DTZ007 - a calendar date, no time
        except ValueError:
            continue
    return None


@admin.register(Conversation)
class ConversationAdmin(IdentityReadsAudited, StaffInputMixin, admin.ModelAdmin):
    reach = ("applications", "account__application__kyushoku_number")
    list_display = ("id", "organization", "created_at", "last_message_at", "declined_at", "org_access_ended_at")
    list_select_related = ("organization",)
    list_filter = (("organization", admin.RelatedOnlyFieldListFilter), ("declined_at", admin.EmptyFieldListFilter),
                   ("org_access_ended_at", admin.EmptyFieldListFilter))
    search_fields = ("=id", "organization__name", "=account__application__kyushoku_number")
    date_hierarchy = "created_at"
    ordering = ("-last_message_at", "-id")
    fields = ("organization", "kyushoku_number", "created_at", "last_message_at", "apply_requested_at",
              "declined_at", "org_access_ended_at", "thread")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # a conversation is evidence

    @admin.display(description=_("求職番号"))
    def kyushoku_number(self, obj):
        return obj.account.application.kyushoku_number

    @admin.display(description=_("やりとり(閲覧のみ)"))
    def thread(self, obj):
        return thread_html(obj)

    def get_search_results(self, request, queryset, search_term):
        """A term that reads as a date (2026/12/1, 2026-12-01, full width too) finds the conversations
        begun or last written on that day in Japan time; the other terms search the fields."""
        days, words = [], []
        for term in normalize_search(search_term).split():
            day = _as_date(term)
            (days if day else words).append(day or term)
        for day in days:
            queryset = queryset.filter(Q(created_at__date=day) | Q(last_message_at__date=day))
        return super().get_search_results(request, queryset, " ".join(words))

    # The page shows the seeker's 求職番号: a staff read of identity, recorded like the application's.
    def identity_target(self, obj):
        return obj.account.application

    def identity_read_data(self, obj) -> dict:
        return {"conversation": obj.pk}
