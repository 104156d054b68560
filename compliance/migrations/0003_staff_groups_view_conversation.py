"""Both staff roles may read conversations in the admin: counter staff beside a complaint, and
supervisors when they link a conversation as a violation's evidence (the lookup needs the
permission to view the list it searches)."""

from django.db import migrations

GROUPS = ("窓口職員", "労働局 監督")


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    messaging = apps.get_app_config("messaging")
    messaging.models_module = True
    create_permissions(messaging, verbosity=0)
    messaging.models_module = None
    permission = apps.get_model("auth", "Permission").objects.get(
        content_type__app_label="messaging", codename="view_conversation")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=GROUPS):
        group.permissions.add(permission)


def revoke(apps, schema_editor):
    permission = apps.get_model("auth", "Permission").objects.filter(
        content_type__app_label="messaging", codename="view_conversation").first()
    if permission is not None:
        for group in apps.get_model("auth", "Group").objects.filter(name__in=GROUPS):
            group.permissions.remove(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("compliance", "0002_staff_groups"),
        ("messaging", "0003_inbox_open_only"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
