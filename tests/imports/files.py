"""Small member lists for the import tests, built in memory."""
from __future__ import annotations

import csv
import io

HEADER_JA = ["会社名", "フリガナ", "〒", "所在地", "ＴＥＬ", "E-mail", "HP", "業種", "事業内容", "従業員数", "設立", "取得認証", "備考"]
ROWS_JA = [
    ["㈱湘南テスト製作所", "ｼｮｳﾅﾝﾃｽﾄｾｲｻｸｼｮ", "２５１－００５２", "神奈川県藤沢市藤沢1-2-3", "ＴＥＬ０４６６（２２）１２３４",
     "Info@Shonan-Test.example.com", "www.shonan-test.example.com", "めっき", "電気めっき、無電解ニッケル", "12名",
     "昭和40年", "ISO9001、ISO14001", "メモ"],
    ["有限会社 辻堂プレス", "", "251-0047", "神奈川県藤沢市辻堂1-1-1", "0466-33-0000", "", "", "24", "プレス加工",
     "30-99", "1980", "", ""],
    ["寒川ソフト合同会社", "", "", "神奈川県高座郡寒川町一之宮1", "", "", "https://samukawa-soft.example.com", "ソフトウェア",
     "業務システム開発", "5", "2015年4月", "", ""],
]


def csv_bytes(rows, encoding="utf-8", bom=False) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    data = out.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def xlsx_bytes(rows, sheet="会員名簿", extra_sheet=None) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for r in rows:
        ws.append(r)
    if extra_sheet:
        wb.create_sheet(extra_sheet).append(["x"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def member_list(encoding="cp932") -> bytes:
    return csv_bytes([HEADER_JA, *ROWS_JA], encoding=encoding)
