"""One bad row, or a bad file, and nothing is written: each kind of refusal, with its row and
column named in Chinese on stderr and a non-zero exit."""

import datetime
import io
import zipfile

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from projects.models import Project, Stage
from tests.reports.ledger_files import HEADERS, good_row, ledger_bytes, ledger_file
from workflow.models import TransitionLog


@pytest.fixture
def existing(make_project):
    """A project already at 开工 in zone A: the one an import might wrongly change."""
    return make_project(Stage.STARTED, name="已开工的项目", investor="山西晋铝新材料有限公司")


def snapshot():
    return (
        list(Project.objects.order_by("pk").values_list("pk", "version", "updated_at", "stage")),
        TransitionLog.objects.count(),
    )


def refused(path, zone="linfen-etdz") -> str:
    """Run the import, expect a refusal, and answer stderr."""
    err = io.StringIO()
    with pytest.raises(CommandError, match="未写入任何数据"):
        call_command("import_ledger", str(path), "--zone", zone, stdout=io.StringIO(), stderr=err)
    return err.getvalue()


def assert_refused_with_nothing_written(path, *expected: str) -> None:
    before = snapshot()
    err = refused(path)
    for text in expected:
        assert text in err
    assert snapshot() == before


BAD_ROWS = {
    "a date that is no date": (good_row(签约日期="2024-13-45"), "第3行「签约日期」"),
    "a date in words": (good_row(签约日期="去年三月"), "不是日期"),
    "a date before 2000": (good_row(签约日期="1999-12-31"), "2000"),
    "a date in the future": (good_row(签约日期="2025-07-01"), "晚于今天"),
    "dates out of order": (
        good_row(阶段="投产", 实际开工="2025-02-01", 实际投产="2025-01-20"),
        "第3行「实际投产」：实际投产（2025-01-20）不能早于实际开工（2025-02-01）",
    ),
    "planned dates out of order": (
        good_row(计划开工="2025-09-01", 计划投产="2025-08-01"),
        "「计划投产」",
    ),
    "a stage without its date": (good_row(阶段="投产", 实际开工="2024-05-10"), "实际投产必填"),
    "a date beyond its stage": (good_row(阶段="签约", 实际开工="2024-05-10"), "实际开工应为空"),
    "an unknown stage": (good_row(阶段="在建"), "「阶段」：“在建”不是有效值"),
    "an unknown tier": (good_row(项目级别="市级"), "「项目级别」"),
    "an unknown category": (good_row(项目类别="工业"), "「项目类别」"),
    "another zone": (good_row(开发区="侯马经济开发区"), "本次导入的是临汾经济技术开发区"),
    "money in words": (good_row(**{"总投资（万元）": "五千万"}), "「总投资（万元）」"),
    "negative money": (good_row(**{"总投资（万元）": "-5"}), "不能为负数"),
    "money with three decimals": (good_row(**{"总投资（万元）": "1.234"}), "两位小数"),
    "a missing name": (good_row(项目名称=None), "「项目名称」：此项必填"),
    "a duplicate inside the file": (good_row(项目名称="第一行的项目"), "已在第2行出现"),
    "an unknown leader": (good_row(包联领导="张三"), "没有名为“张三”的用户"),
    "a true/false cell": (good_row(项目名称=True), "真/假"),
    "a stage moved back": (
        good_row(项目名称="已开工的项目", 实际开工=None, 阶段="签约"),
        "导入不能使项目退回",
    ),
    "a recorded date changed": (
        good_row(项目名称="已开工的项目", 阶段="开工", 实际开工="2024-05-11"),
        "系统记录为 2024-05-10",
    ),
    "a termination": (good_row(阶段="终止"), "导入不能终止项目"),
    "funds over the total": (
        good_row(
            项目名称="已开工的项目", 阶段="开工", 实际开工="2024-05-10", **{"总投资（万元）": "100"}
        ),
        "到位资金",
    ),
}


@pytest.mark.parametrize("kind", BAD_ROWS)
def test_one_bad_row_among_good_ones_writes_nothing(tmp_path, existing, kind):
    # given a good row, then the bad one, then another good row that would update a project
    bad, message = BAD_ROWS[kind]
    rows = [
        good_row(项目名称="第一行的项目"),
        bad,
        good_row(
            项目名称="已开工的项目", 阶段="投产", 实际开工="2024-05-10", 实际投产="2025-06-01"
        ),
    ]
    if kind.startswith(("a stage moved", "a recorded", "funds")):
        rows.pop()

    # then the import is refused, names the row and column, and nothing is written
    assert_refused_with_nothing_written(ledger_file(tmp_path, rows), "第3行", message)


def test_every_bad_row_is_listed_not_just_the_first(tmp_path, existing):
    rows = [good_row(签约日期="x"), good_row(项目名称="B", 阶段="?"), good_row(项目名称="C")]

    err = refused(ledger_file(tmp_path, rows))

    assert "第2行「签约日期」" in err
    assert "第3行「阶段」" in err
    assert "第4行" not in err


def test_a_formula_without_a_saved_value_is_refused(tmp_path, existing):
    # openpyxl writes formulas without their cached values, as a generated file would come
    row = good_row(**{"总投资（万元）": "=1000*52"})

    assert_refused_with_nothing_written(
        ledger_file(tmp_path, [good_row(项目名称="B"), row]), "第3行「总投资（万元）」", "公式"
    )


def test_a_formula_with_a_saved_value_uses_that_value(tmp_path, zone_a):
    # given a sheet whose formula cell carries Excel's cached value
    path = ledger_file(tmp_path, [good_row(**{"总投资（万元）": "=1000*52"})])
    _cache_formula_value(path, "52000")

    # when imported, the cached value is the amount
    call_command("import_ledger", str(path), "--zone", "linfen-etdz", stdout=io.StringIO())

    assert str(Project.objects.get().total_investment) == "52000.00"


def _cache_formula_value(path, value: str) -> None:
    """Give every formula of the first sheet a cached value, as Excel does when it saves."""
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = parts[sheet].replace(b"</f>", f"</f><v>{value}</v>".encode())
    with zipfile.ZipFile(path, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)


def test_a_merged_header_cell_is_refused(tmp_path, existing):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([*HEADERS[:2], None, *HEADERS[2:]])
    sheet.merge_cells("B1:C1")
    sheet.append([*good_row().values()])
    path = tmp_path / "merged.xlsx"
    workbook.save(path)

    assert_refused_with_nothing_written(path, "第1行「C」", "合并或缺失")


def test_a_missing_required_column_is_refused(tmp_path, existing):
    headers = [header for header in HEADERS if header != "签约日期"]

    assert_refused_with_nothing_written(
        ledger_file(tmp_path, [good_row()], headers=headers), "第1行「签约日期」", "缺少"
    )


def test_an_empty_sheet_is_refused(tmp_path, existing):
    path = tmp_path / "empty.xlsx"
    Workbook().save(path)

    assert_refused_with_nothing_written(path, "表格是空的")


def test_a_sheet_with_only_its_header_is_refused(tmp_path, existing):
    assert_refused_with_nothing_written(ledger_file(tmp_path, []), "没有项目行")


@pytest.mark.parametrize(
    "content", [b"name,investor\n", b"PK\x03\x04 not really a zip", b"\xd0\xcf\x11\xe0 old xls"]
)
def test_a_file_that_is_not_an_xlsx_workbook_is_refused(tmp_path, existing, content):
    path = tmp_path / "ledger.xlsx"
    path.write_bytes(content)

    assert_refused_with_nothing_written(path, "xlsx")


def test_a_workbook_that_is_a_zip_but_not_excel_is_refused(tmp_path, existing):
    path = tmp_path / "ledger.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "hi")

    assert_refused_with_nothing_written(path, "xlsx")


def test_a_file_over_10_mb_is_refused_before_it_is_read(tmp_path, existing):
    path = tmp_path / "big.xlsx"
    path.write_bytes(ledger_bytes([good_row()]) + b"\0" * (10 * 1024 * 1024))

    before = snapshot()
    with pytest.raises(CommandError, match="10 MB"):
        call_command("import_ledger", str(path), "--zone", "linfen-etdz", stdout=io.StringIO())
    assert snapshot() == before


def test_more_than_20000_rows_are_refused(tmp_path, existing, monkeypatch):
    monkeypatch.setattr("reports.ledger_import.MAX_ROWS", 3)
    rows = [good_row(项目名称=f"项目{n}") for n in range(4)]

    assert_refused_with_nothing_written(ledger_file(tmp_path, rows), "超过 3 行")


def test_a_row_the_database_refuses_while_applying_rolls_back_the_rows_before_it(
    tmp_path, existing, monkeypatch
):
    # given a file whose third row the transition machinery refuses once applying has begun
    import workflow.services

    real = workflow.services._why_not_from_stage
    calls = []

    def refuse_the_second(project, spec):
        calls.append(spec.name)
        if len(calls) == 2:
            return "模拟的拒绝"
        return real(project, spec)

    monkeypatch.setattr(workflow.services, "_why_not_from_stage", refuse_the_second)
    rows = [
        good_row(项目名称="A", 阶段="开工", 实际开工="2024-05-10"),
        good_row(项目名称="B", 阶段="开工", 实际开工="2024-05-10"),
    ]

    # then the first row's project and its transition are gone too
    assert_refused_with_nothing_written(ledger_file(tmp_path, rows), "第3行", "模拟的拒绝")
    assert not Project.objects.filter(name="A").exists()


def test_a_zone_the_user_cannot_see_is_refused_as_an_unknown_one(tmp_path, officer, zone_b):
    path = ledger_file(tmp_path, [good_row(开发区="侯马经济开发区")])

    for zone in ("houma-edz", "no-such-zone"):
        with pytest.raises(CommandError, match=r"^开发区不存在。$"):
            call_command(
                "import_ledger",
                str(path),
                "--zone",
                zone,
                "--as",
                "officer_a",
                stdout=io.StringIO(),
            )
    assert not Project.objects.exists()


def test_today_is_the_tests_today():
    # the refusals above of "a date in the future" rely on it
    assert datetime.date.today() == datetime.date(2025, 6, 30)
