"""A bulletin as a printable zh-CN HTML page and as an .xlsx workbook (from its frozen body).

Every text is escaped (bulletins quote findings that people typed). The page sets the
document language and a Chinese font stack, A4 margins and table headers that repeat on
every printed page.
"""

from __future__ import annotations

import html
import io
from collections import Counter
from typing import Any

import xlsxwriter

from core.supervision.findings import SEVERITY_NAMES, STATUS_NAMES
from core.supervision.models import Bulletin

STYLE = """
@page { size: A4; margin: 20mm 18mm; }
body { font-family: "FangSong", "仿宋", "STFangsong", "Noto Serif CJK SC", serif;
       font-size: 14pt; line-height: 1.75; color: #000; max-width: 180mm; margin: 0 auto; }
h1 { font-family: "SimHei", "黑体", "Noto Sans CJK SC", sans-serif; font-size: 20pt;
     text-align: center; font-weight: normal; margin: 1em 0 0.5em; }
p.meta { text-align: center; font-size: 12pt; }
p { text-indent: 2em; margin: 0.3em 0; text-align: justify; }
table { border-collapse: collapse; width: 100%; font-size: 11pt; margin-top: 0.8em; }
thead { display: table-header-group; }
th, td { border: 1px solid #000; padding: 2pt 4pt; vertical-align: top; }
tr { page-break-inside: avoid; }
p.draw { font-size: 10pt; text-indent: 0; word-break: break-all; }
"""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _states(findings: list[dict[str, Any]]) -> str:
    status = Counter(f["status"] for f in findings)
    return "、".join(f"{STATUS_NAMES[s]} {n} 个" for s, n in sorted(status.items())) or "无"


def _summary(body: dict[str, Any]) -> str:
    findings = body["findings"]
    if "seed" not in body:  # an inspection
        return (
            f"{_e(body['period'])}，按《{_e(body['checklist']['title'])}》对"
            f"{_e(body['within']['name'])}范围内的 {len(body['organizations'])} 个组织开展"
            f"专项督查，共发现问题 {len(findings)} 个；截至通报时："
            f"{_states(findings)}。"
        )
    severity = Counter(f["severity"] for f in findings)
    parts = "、".join(f"{SEVERITY_NAMES[s]} {severity[s]} 个" for s in ("HIGH", "MEDIUM", "LOW"))
    states = _states(findings)
    return (
        f"{body['drawn_on']}，在{_e(body['within']['name'])}范围内的 {body['population']} 个组织中"
        f"随机抽取 {body['sample_size']} 个进行检查，共发现问题 {len(findings)} 个（{parts}）；"
        f"截至通报时：{states}。"
    )


def _draw(body: dict[str, Any], digest: str) -> str:
    if "seed" not in body:
        return f'<p class="draw">通报摘要 SHA-256 {_e(digest)}。</p>'
    return (
        f'<p class="draw">抽取可复核：算法 {_e(body["algorithm"])}，随机种子 {_e(body["seed"])}，'
        f"总体 {body['population']} 个组织，总体快照 SHA-256 {_e(body['population_hash'])}；"
        f"通报摘要 SHA-256 {_e(digest)}。</p>"
    )


def bulletin_html(bulletin: Bulletin) -> str:
    """The bulletin as a printable HTML page (zh-CN)."""
    body = bulletin.body
    rows = "\n".join(
        "<tr>"
        f"<td>{i}</td><td>{_e(f['organization_name'])}<br>{_e(f['organization_code'])}</td>"
        f"<td>{_e(f['description'])}</td><td>{_e(SEVERITY_NAMES[f['severity']])}</td>"
        f"<td>{_e(f['rectify_by'])}</td><td>{_e(STATUS_NAMES[f['status']])}</td>"
        "</tr>"
        for i, f in enumerate(body["findings"], start=1)
    )
    correction = ""
    if body.get("correction_note"):
        old, note = _e(body.get("corrects_title", "")), _e(body["correction_note"])
        correction = f"<p>（本通报更正《{old}》：{note}）</p>"
    drawn = "、".join(f"{_e(o['name'])}" for o in body["organizations"])
    published = bulletin.published_at.date().isoformat()
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{_e(bulletin.title)}</title>
<style>{STYLE}</style></head><body>
<h1>{_e(bulletin.title)}</h1>
<p class="meta">{_e(published)}</p>
{correction}<p>{_summary(body)}</p>
<p>{"督查的" if "seed" not in body else "抽取的"}组织：{drawn}。</p>
<table><thead><tr><th>序号</th><th>组织</th><th>问题</th><th>严重程度</th><th>整改期限</th>
<th>整改状态</th></tr></thead><tbody>
{rows}
</tbody></table>
<p>请各有关组织对照问题清单，按期整改到位，整改情况报上级党组织。</p>
{_draw(body, bulletin.digest)}
</body></html>
"""


def bulletin_xlsx(bulletin: Bulletin) -> bytes:
    """The bulletin's findings as a workbook (one row per finding, then the draw)."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_numbers": False})
    sheet = book.add_worksheet("通报")
    bold = book.add_format({"bold": True})
    sheet.write_row(0, 0, [bulletin.title], bold)
    header = ["序号", "组织编码", "组织名称", "问题", "严重程度", "整改期限", "整改状态"]
    sheet.write_row(2, 0, header, bold)
    body = bulletin.body
    for i, f in enumerate(body["findings"], start=1):
        sheet.write_row(
            2 + i,
            0,
            [
                i,
                f["organization_code"],
                f["organization_name"],
                f["description"],
                SEVERITY_NAMES[f["severity"]],
                f["rectify_by"],
                STATUS_NAMES[f["status"]],
            ],
        )
    if "seed" not in body:
        sheet.set_column(3, 3, 60)
        book.close()
        return out.getvalue()
    draw = book.add_worksheet("抽取")
    facts = [
        ("范围", body["within"]["name"]),
        ("算法", body["algorithm"]),
        ("随机种子", body["seed"]),
        ("总体", body["population"]),
        ("总体快照 SHA-256", body["population_hash"]),
        ("抽取数量", body["sample_size"]),
    ]
    for row, (label, value) in enumerate(facts):
        draw.write_row(row, 0, [label, value])
    for row, org in enumerate(body["organizations"], start=len(facts) + 1):
        draw.write_row(row, 0, [org["code"], org["name"]])
    sheet.set_column(3, 3, 60)
    book.close()
    return out.getvalue()
