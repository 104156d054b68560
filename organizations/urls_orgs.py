from django.urls import path

from . import views_orgs as views

app_name = "organizations_orgs"

# Under /orgs/ (config.urls). The member's own organisation: no id in the path; a member's id is
# looked up within it (organizations.access.get_member_for).
urlpatterns = [
    path("organization/", views.disclosures, name="disclosures"),
    path("organization/members/", views.members, name="members"),
    path("organization/members/audit/", views.member_audit, name="member_audit"),
    path("organization/members/<id:member_id>/role/", views.member_role, name="member_role"),
    path("organization/members/<id:member_id>/remove/", views.member_remove, name="member_remove"),
    path("organization/terms/", views.terms, name="terms"),
]
