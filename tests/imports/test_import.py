"""Importing member lists into the database (SQLite and PostgreSQL): all or nothing, valid rows only,
duplicates in the database and in the file, importing twice, the command line."""
from __future__ import annotations

import json

import sqlalchemy as sa

from matchmaker.extensions import db
from matchmaker.imports import Options, import_table, read_table
from matchmaker.models import ChangeLog, Firm

from .files import HEADER_JA, ROWS_JA, csv_bytes, member_list, xlsx_bytes


def firms() -> dict[str, Firm]:
    db.session.rollback()
    return {f.name: f for f in db.session.scalars(sa.select(Firm))}


def run(data: bytes, dry_run=False, **options):
    return import_table(read_table(data), options=Options(**options), dry_run=dry_run)


def test_import_a_member_list_then_again(app):
    r = run(member_list(), dry_run=True)
    assert (r["rows"], r["created"], r["written"], r["errors"]) == (3, 3, False, [])
    assert firms() == {}  # a dry run writes nothing
    r = run(member_list())
    assert (r["created"], r["updated"], r["skipped"], r["written"]) == (3, 0, 0, True)
    assert r["unknown_columns"] == ["備考"] and r["suggestions"]
    f = firms()["株式会社湘南テスト製作所"]
    assert (f.city, f.prefecture, f.postal_code, f.phone, f.contact_email) == (
        "藤沢市", "神奈川県", "251-0052", "0466-22-1234", "info@shonan-test.example.com")
    assert f.is_public and f.imported_at and f.confirmed_at is None and f.listed_by_city
    assert f.latitude and f.industries and f.certifications == ["ISO9001", "ISO14001"] and f.founded_year == 1965
    # the matching index follows through the change log
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ChangeLog).where(ChangeLog.entity == "firm")) >= 3
    # firms inserted in bulk are as the ORM writes them: the search text its hook keeps, one log row each
    from matchmaker.search.text import char_pairs, firm_search_text

    for firm in firms().values():
        assert firm.search_text and firm.search_text == firm_search_text(firm)
        assert firm.search_pairs == char_pairs(firm.search_text)
        assert firm.created_at and firm.updated_at and firm.country == "JP" and firm.synthetic is False
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ChangeLog).where(
            ChangeLog.entity == "firm", ChangeLog.entity_id == firm.id, ChangeLog.op == "upsert")) == 1
    assert "てすと" in f.search_text and f.industries == firms()["株式会社湘南テスト製作所"].industries

    again = run(member_list())  # the same file again creates nothing
    assert (again["created"], again["updated"], again["skipped"]) == (0, 0, 3)
    assert all(d["certain"] and d["action"] == "skip" for d in again["duplicates"])
    assert len(firms()) == 3


def test_same_firms_written_differently_update_or_skip(app, make):
    kirihara = make.firm(name="桐原精密工業株式会社", address="藤沢市桐原町8-14", website="https://kirihara.example.com")
    zengyo = make.firm(name="有限会社善行テクニカ", name_kana="ゼンギョウテクニカ")
    rows = [["企業名", "住所", "URL", "従業員"],
            ["(株)桐原精密工業", "神奈川県藤沢市桐原町8-14", "", "45"],  # legal form after, abbreviated
            ["ｾﾞﾝｷﾞｮｳﾃｸﾆｶ", "茅ヶ崎市", "", ""],  # kana, another town: maybe the same, the organizer decides
            ["桐原精密工業", "神奈川県茅ヶ崎市", "kirihara.example.com", ""],  # moved office, same website
            ["新しい会社", "藤沢市", "", ""]]
    data = csv_bytes(rows)
    r = run(data, dry_run=True)
    actions = {d["row"]: (d["action"], d["firm_id"]) for d in r["duplicates"]}
    assert actions[2] == ("skip", kirihara.id) and actions[4] == ("skip", kirihara.id)
    assert actions[3] == ("review", zengyo.id) and (r["created"], r["review"]) == (1, 1)

    r = run(data, on_duplicate="update", decisions={3: "skip"})
    assert (r["created"], r["updated"], r["skipped"]) == (1, 2, 1)
    f = firms()
    assert len(f) == 3 and f["桐原精密工業株式会社"].employees == "30-99"
    assert f["桐原精密工業株式会社"].name == "桐原精密工業株式会社"  # the name stays as the firm writes it
    assert f["桐原精密工業株式会社"].city == "茅ヶ崎市"  # the later row (moved office) updated the place


def test_duplicates_within_the_file(app):
    rows = [["会社名", "所在地", "電話番号"], ["湘南テスト製作所株式会社", "藤沢市藤沢1", "0466-22-1234"],
            ["㈱湘南テスト製作所", "藤沢市藤沢1", "0466221234"], ["湘南テスト製作所", "藤沢市藤沢1", ""]]
    r = run(csv_bytes(rows))
    assert r["created"] == 1 and r["skipped"] == 2
    assert {d["same_as_row"] for d in r["duplicates"]} == {2}
    assert len(firms()) == 1


def test_a_file_with_errors_writes_nothing_unless_valid_rows_only(app):
    rows = [HEADER_JA, *ROWS_JA, ["不正な会社", "", "12", "", "", "not-an-address", "", "", "", "", "", "", ""]]
    data = xlsx_bytes(rows)
    r = run(data)
    assert not r["written"] and r["created"] == 3 and firms() == {}
    columns = {(e["row"], e["column"]) for e in r["errors"]}
    assert columns == {(5, "〒"), (5, "E-mail")}
    r = run(data, valid_only=True)
    assert r["written"] and r["created"] == 3 and r["invalid"] == 1 and len(firms()) == 3


def test_header_problems_write_nothing(app):
    r = run(csv_bytes([["会社名", "企業名"], ["A社", "B社"]]))
    assert not r["written"] and r["errors"][0]["row"] == 1 and "会社名, 企業名" in r["errors"][0]["message"]
    r = run(csv_bytes([["住所", "電話"], ["藤沢市", "0466-22-1234"]]), valid_only=True)
    assert not r["written"] and r["errors"] and firms() == {}


def test_formula_text_is_kept_as_text(app):
    r = run(csv_bytes([["会社名", "事業内容"], ["=HYPERLINK(\"http://x\")", "@SUM(A1)"], ["+81 Inc.", "-1"]]))
    assert r["created"] == 2
    assert set(firms()) == {"=HYPERLINK(\"http://x\")", "+81 Inc."}


# ------------------------------------------------------------------ the command line


def test_command_line_json_and_exit_codes(app, runner, tmp_path):
    good = tmp_path / "list.csv"
    good.write_bytes(member_list("cp932"))
    r = runner.invoke(args=["import-firms", str(good), "--dry-run", "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert {"rows", "created", "updated", "skipped", "duplicates", "errors"} <= set(out) and out["created"] == 3
    assert firms() == {}

    r = runner.invoke(args=["import-firms", str(good), "--json"])
    assert r.exit_code == 0 and json.loads(r.stdout)["created"] == 3
    assert "rows" in r.stderr  # progress on standard error
    r = runner.invoke(args=["import-firms", str(good), "--json", "--on-duplicate", "update"])
    assert r.exit_code == 0 and json.loads(r.stdout)["created"] == 0

    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([["会社名", "E-mail"], ["誤り株式会社", "nope@"], ["正しい株式会社", ""]]))
    r = runner.invoke(args=["import-firms", str(bad), "--json"])
    assert r.exit_code == 1
    assert json.loads(r.stdout)["errors"] == [{"row": 2, "column": "E-mail", "field": "email",
                                               "message": "nope@ is not an e-mail address."}]
    assert "正しい株式会社" not in firms()
    r = runner.invoke(args=["import-firms", str(bad), "--valid-only"])
    assert r.exit_code == 0 and "row 2, E-mail" in r.output and "正しい株式会社" in firms()

    for content in (b"", b"%PDF-1.4 x", "会社名\r\n".encode()):
        path = tmp_path / "broken.csv"
        path.write_bytes(content)
        r = runner.invoke(args=["import-firms", str(path), "--json"])
        assert r.exit_code == 2 and json.loads(r.stdout)["error"]["message"]
    r = runner.invoke(args=["import-firms", str(tmp_path / "missing.csv")])
    assert r.exit_code == 2 and "No such file" in r.output


def test_files_above_the_limit_are_refused(app, runner, tmp_path):
    app.config["MATCHMAKER_IMPORT_MAX_MB"] = 0.001
    path = tmp_path / "big.csv"
    path.write_bytes(csv_bytes([["会社名"]] + [[f"会社{i}"] for i in range(200)]))
    r = runner.invoke(args=["import-firms", str(path), "--json"])
    assert r.exit_code == 2 and json.loads(r.stdout)["error"]["code"] == "too_large"
