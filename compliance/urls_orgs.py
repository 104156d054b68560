from django.urls import path

from . import views_orgs as views

app_name = "compliance_orgs"

# Under /orgs/ (config.urls).
urlpatterns = [
    path("deletion-requests/", views.deletion_requests, name="deletion_requests"),
    path("deletion-requests/<id:request_id>/answer/", views.deletion_answer, name="deletion_answer"),
    path("standing/", views.standing, name="standing"),
    path("standing/corrections/<id:correction_id>/answer/", views.correction_answer, name="correction_answer"),
    path("withdraw/", views.withdraw, name="withdraw"),
]
