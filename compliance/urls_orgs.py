from django.urls import path

from . import views_orgs as views

app_name = "compliance_orgs"

# Under /orgs/ (config.urls).
urlpatterns = [
    path("deletion-requests/", views.deletion_requests, name="deletion_requests"),
    path("deletion-requests/<id:request_id>/answer/", views.deletion_answer, name="deletion_answer"),
]
