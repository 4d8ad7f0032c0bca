from rest_framework import serializers

from notifications.models import Alert


class AlertSerializer(serializers.ModelSerializer):
    project_name = serializers.CharField(source="project.name", read_only=True)

    class Meta:
        model = Alert
        fields = [
            "id",
            "project",
            "project_name",
            "rule",
            "level",
            "due_period",
            "days_over",
            "message",
            "created_at",
            "acknowledged_at",
        ]
        read_only_fields = fields
