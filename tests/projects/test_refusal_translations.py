"""Each refusal's Chinese names what the English names (the duplicate-enrollment refusal once
said "项目已投产。"), and every refusal has a Chinese text at all."""

import pytest
from django.utils import translation

from projects import services
from projects.models import Enrollment
from projects.models.dates import not_before_2000

# (the refusal as the code raises it, words its Chinese must hold)
REFUSALS = [
    (services.ALREADY_ENROLLED, ["批次", "一次"]),
    (services.MILESTONE_NAME_TAKEN, ["同名", "节点"]),
    (services.PROGRESS_MONTH_TAKEN, ["月", "进展", "已填报"]),
    (services.ONLY_BY_TRANSITION, ["阶段"]),
    (services.ONLY_BY_RESOLVING, ["销号"]),
    (services.ALREADY_RESOLVED, ["已销号"]),
    (services.RESOLUTION_REQUIRED, ["解决情况"]),
    (Enrollment.NOT_REACHED[Enrollment.Kind.STARTED], ["尚未开工", "开工一批"]),
    (Enrollment.NOT_REACHED[Enrollment.Kind.PRODUCING], ["尚未投产", "投产一批"]),
    (not_before_2000.message, ["2000"]),
]


@pytest.mark.parametrize(("message", "words"), REFUSALS, ids=[str(m)[:40] for m, _ in REFUSALS])
def test_each_refusals_chinese_names_the_right_thing(message, words):
    with translation.override("zh-hans"):
        chinese = str(message)
    with translation.override("en"):
        english = str(message)

    assert chinese != english, f"no Chinese for {english!r}"
    for word in words:
        assert word in chinese, (english, chinese)


def test_the_duplicate_enrollment_refusal_no_longer_speaks_of_production():
    with translation.override("zh-hans"):
        assert "投产" not in str(services.ALREADY_ENROLLED)


def test_the_ceiling_and_the_twin_refusals_are_chinese_with_their_numbers():
    with translation.override("zh-hans"):
        twin = str(
            translation.gettext(
                "The zone already has a live project of this name and investor (id %(id)s)."
            )
            % {"id": 42}
        )
        ceiling = translation.gettext(
            "This sum is implausibly large; the most accepted is %(ceiling)s (10k yuan)."
        ) % {"ceiling": "10,000,000"}

    assert "42" in twin and "重复" in twin
    assert "10,000,000" in ceiling and "万元" in ceiling
