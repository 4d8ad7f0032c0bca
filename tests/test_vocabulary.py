"""The domain's words are defined once; where a second place must spell them (the Chinese of the
city's own documents, the alert rules), these tests hold it to the first."""

from django.utils import translation

from projects.selectors import STALL_KIND_NAMES, STALL_LABEL
from projects.stages import Stage
from reports.weekly import STAGE_LABELS, STALL_LABELS
from workflow.models import Rule


def test_the_alert_rules_name_every_stall_kind_as_the_stall_rule_does():
    assert set(STALL_KIND_NAMES) <= set(Rule.values)


def test_the_workbooks_print_the_stall_kinds_as_the_pages_show_them_in_chinese():
    with translation.override("zh-hans"):
        assert {name: str(STALL_LABEL[name]) for name in STALL_KIND_NAMES} == STALL_LABELS


def test_the_workbooks_name_every_stage_as_the_pages_do_in_chinese():
    with translation.override("zh-hans"):
        chinese = {stage.value: str(stage.label) for stage in Stage}
    assert chinese == STAGE_LABELS
