from django.urls import path

from . import views_orgs

app_name = "messaging_orgs"

urlpatterns = [
    path("", views_orgs.inbox, name="inbox"),
    path("<id:conversation_id>/", views_orgs.detail, name="detail"),
]
