from rest_framework import serializers

from notifications.models import Alert, Letter


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


class LetterSerializer(serializers.ModelSerializer):
    zone = serializers.CharField(source="zone.code", read_only=True)
    project_name = serializers.CharField(source="project.name", read_only=True)

    class Meta:
        model = Letter
        fields = [
            "id",
            "number",
            "project",
            "project_name",
            "zone",
            "rule",
            "finding",
            "days_over",
            "issued_on",
            "reply_due_on",
            "replied_on",
            "reply",
        ]
        read_only_fields = fields


class LetterReplySerializer(serializers.Serializer):
    replied_on = serializers.DateField()
    reply = serializers.CharField()


class InterviewSerializer(serializers.Serializer):
    project = serializers.IntegerField(source="project_id")
    project_name = serializers.CharField(source="project.name")
    zone = serializers.CharField(source="zone.code")
    rule = serializers.CharField()
    days_over = serializers.IntegerField(source="days_over_now")
    since = serializers.DateField()
    listed_on = serializers.DateField()
