"""`__in` on an integer column ignores the values the column cannot hold, as Django's own exact, lt
and gt lookups already do for one value (lookups.IntegerFieldOverflow): no row can match them, and
SQLite refuses a Python int past 64 bits outright (an admin form's many-to-many choices posted with
99999999999999999999 answered 500). Registered by accounts.apps.AccountsConfig.ready."""

from django.db.models import IntegerField
from django.db.models.lookups import In


class IntegerFieldIn(In):
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(self.lhs.output_field.get_internal_type())
            self.rhs = [
                value for value in self.rhs
                if not isinstance(value, int)
                or ((low is None or value >= low) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)


def register() -> None:
    IntegerField.register_lookup(IntegerFieldIn)
