from django.urls import path

from . import views_seekers as views

app_name = "seekers_seekers"

# Under /seekers/ (config.urls).
urlpatterns = [
    path("", views.home, name="home"),
    path("register/", views.register, name="register"),
    path("register/done/", views.register_done, name="register_done"),
    path("forgot-user-id/", views.forgot_user_id, name="forgot_user_id"),
    path("terms/", views.terms, name="terms"),
    path("auth-key/", views.auth_key, name="auth_key"),
    path("profile/", views.profile, name="profile"),
    path("profile/review/", views.profile_review, name="profile_review"),
    path("settings/conditions/", views.conditions, name="conditions"),
    path("settings/blocks/", views.blocks, name="blocks"),
    path("settings/blocks/<id:organization_id>/", views.block_organization, name="block_organization"),
    path("settings/stop/", views.stop, name="stop"),
    path("settings/stop/confirm/", views.stop_confirm, name="stop_confirm"),
]
