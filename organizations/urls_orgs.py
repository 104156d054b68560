from django.urls import path

from . import views_orgs as views

app_name = "organizations_orgs"

# Under /orgs/ (config.urls). The member's own organisation: no id in the path.
urlpatterns = [
    path("organization/", views.disclosures, name="disclosures"),
    path("organization/terms/", views.terms, name="terms"),
]
