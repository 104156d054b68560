from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from config import converters  # noqa: F401 - registers <id:…> and <public_id:…> before the includes

admin.site.site_header = "求職情報提供サイト 管理"
admin.site.site_title = "求職情報提供サイト 管理"
admin.site.index_title = "ハローワーク・労働局 職員用"
# Staff sign in through the same login as everyone (with TOTP and the adapter's checks), never
# through the admin's own password-only form.
admin.site.login = secure_admin_login(admin.site.login)

# Every app's pages for one actor are its urls_seekers / urls_orgs, included at that actor's prefix
# (namespace "<app>_seekers" / "<app>_orgs"); SPEC's public paths are spelled out in those modules.
urlpatterns = [
    path("", TemplateView.as_view(template_name="index.html"), name="home"),
    path("admin/", admin.site.urls),
    # Before allauth's URLs, which it overrides in part.
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("seekers/", include("messaging.urls_seekers")),
    path("seekers/", include("compliance.urls_seekers")),
    path("seekers/", include("seekers.urls_seekers")),
    path("orgs/", include("messaging.urls_orgs")),
    path("orgs/", include("seekers.urls_orgs")),
    path("orgs/", include("compliance.urls_orgs")),
    path("orgs/", include("organizations.urls_orgs")),
]
