from django.urls import path

from . import views

app_name = "compliance_orgs"

urlpatterns = [
    path("", views.org_deletion_requests, name="deletion_requests"),
    path("<id:request_id>/answer/", views.org_deletion_answer, name="deletion_answer"),
]
