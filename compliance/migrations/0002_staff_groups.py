"""The two staff roles: 窓口職員 (Hello Work counter staff) and 労働局 監督 (labour bureau
supervisors, who alone may sanction)."""

from django.db import migrations

COUNTER = "窓口職員"
SUPERVISOR = "労働局 監督"

COUNTER_PERMS = [
    ("seekers", "view_jobapplication"), ("seekers", "add_jobapplication"), ("seekers", "change_jobapplication"),
    ("seekers", "view_applicantidentity"), ("seekers", "add_applicantidentity"),
    ("seekers", "change_applicantidentity"), ("seekers", "view_profile"), ("seekers", "add_profile"),
    ("seekers", "change_profile"), ("seekers", "view_seekeraccount"), ("seekers", "change_seekeraccount"),
    ("organizations", "view_organization"), ("organizations", "view_member"),
    ("compliance", "view_complaint"), ("compliance", "change_complaint"), ("compliance", "view_deletionrequest"),
    ("compliance", "view_violation"),
]
SUPERVISOR_EXTRA = [
    ("organizations", "add_organization"), ("organizations", "change_organization"),
    ("organizations", "add_member"), ("organizations", "change_member"),
    ("compliance", "add_violation"), ("compliance", "change_violation"), ("compliance", "sanction"),
    ("compliance", "view_correctionrequest"), ("compliance", "add_correctionrequest"),
    ("compliance", "change_correctionrequest"), ("compliance", "view_suspension"), ("compliance", "add_suspension"),
    ("compliance", "view_revocation"), ("compliance", "add_revocation"), ("accounts", "view_auditevent"),
]


def create_groups(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")

    def perms(pairs):
        return [permission_model.objects.get(content_type__app_label=app, codename=code) for app, code in pairs]

    counter, _ = group_model.objects.get_or_create(name=COUNTER)
    counter.permissions.set(perms(COUNTER_PERMS))
    supervisor, _ = group_model.objects.get_or_create(name=SUPERVISOR)
    supervisor.permissions.set(perms(COUNTER_PERMS + SUPERVISOR_EXTRA))


class Migration(migrations.Migration):
    dependencies = [
        ("compliance", "0001_initial"),
        ("seekers", "0002_block_profileview_profile_cond_industry_bits_and_more"),
        ("organizations", "0003_organization_kind_bits"),
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
