import factory
from django.contrib.auth import get_user_model

DEFAULT_PASSWORD = "kyushoku-Pass-2026"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n:05d}")
    email = factory.Sequence(lambda n: f"user{n}@example.jp")
    role = "staff"
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class StaffFactory(UserFactory):
    role = "staff"
    is_staff = True
    is_superuser = True
