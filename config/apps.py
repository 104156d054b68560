from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    """django.contrib.admin with the site's own AdminSite as admin.site (config.admin_site)."""

    default_site = "config.admin_site.AdminSite"
