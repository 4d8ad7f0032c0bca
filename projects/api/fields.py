from rest_framework import serializers


class SlugRelatedField(serializers.SlugRelatedField):
    """A slug lookup that answers "does not exist" for text no row can hold (a NUL byte),
    instead of letting PostgreSQL refuse the query."""

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data.replace("\x00", ""))
        return super().to_internal_value(data)
