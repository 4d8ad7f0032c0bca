"""Ledger workbooks for the import tests, written as officers' files are."""

import io

from openpyxl import Workbook

HEADERS = [
    "项目名称",
    "投资方（建设单位）",
    "开发区",
    "产业链",
    "项目级别",
    "项目类别",
    "总投资（万元）",
    "签约日期",
    "阶段",
    "计划开工",
    "实际开工",
    "计划投产",
    "实际投产",
    "计划达效",
    "实际达效",
    "包联领导",
]


def good_row(**cells) -> dict:
    row = {
        "项目名称": "年产5万吨铝型材项目",
        "投资方（建设单位）": "山西晋铝新材料有限公司",
        "开发区": "临汾经济技术开发区",
        "产业链": "新材料",
        "项目级别": "省级重大",
        "项目类别": "产业类",
        "总投资（万元）": "52,000",
        "签约日期": "2024-3-5",
        "阶段": "签约",
    }
    row.update(cells)
    return row


def ledger_bytes(rows: list[dict], headers: list = HEADERS, sheet: str = "项目台账") -> bytes:
    workbook = Workbook()
    ledger = workbook.active
    ledger.title = sheet
    ledger.append(headers)
    for row in rows:
        ledger.append([row.get(header) for header in headers])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def ledger_file(tmp_path, rows: list[dict], name: str = "台账.xlsx", **kwargs):
    path = tmp_path / name
    path.write_bytes(ledger_bytes(rows, **kwargs))
    return path
