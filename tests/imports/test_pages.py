"""The organizer's import page and export, verification, freshness (SQLite and PostgreSQL)."""
from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from matchmaker.extensions import db
from matchmaker.imports import read_table
from matchmaker.imports.columns import Mapping
from matchmaker.files.storage import storage
from matchmaker.imports.models import ImportJob, ImportUpload
from matchmaker.models import Firm, utcnow

from .files import HEADER_JA, ROWS_JA, csv_bytes, member_list


def names() -> set[str]:
    db.session.rollback()
    return set(db.session.scalars(sa.select(Firm.name)))


@pytest.fixture
def app_config():
    """The jobs run in their thread, joined before the request answers (test_jobs.py runs them in the background)."""
    return {"MATCHMAKER_IMPORT_BACKGROUND": False}


def upload(client, data: bytes, filename="list.csv", **fields):
    return client.post("/admin/import", data={"file": (io.BytesIO(data), filename), "encoding": "auto", **fields},
                       content_type="multipart/form-data")


def last_upload() -> ImportUpload:
    db.session.rollback()
    return db.session.scalar(sa.select(ImportUpload).order_by(ImportUpload.id.desc()).limit(1))


def test_upload_check_change_the_mapping_and_import_once(app, client, auth, make):
    organizer = make.user(role="organizer")
    auth.login(organizer.email)
    r = upload(client, member_list("cp932"))
    assert r.status_code == 302
    page = r.headers["Location"]
    assert "/admin/import/jobs/" in page
    r = client.get(page)
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "株式会社湘南テスト製作所" not in names()
    assert "備考" in html and "cp932" in html
    up = last_upload()
    assert client.get(f"/admin/import/{up.id}").headers["Location"].endswith(page)  # the upload's latest job
    # the organizer ignores the description column (8) and checks again
    cols = {f"col-{i}": f for i, f in Mapping.detect(HEADER_JA).columns.items() if f != "description"}
    choices = {**cols, "on_duplicate": "skip", "valid_only": "0", "suggest": "1"}
    r = client.post(f"/admin/import/{up.id}/check", data=choices)
    check = r.headers["Location"]
    assert check != page
    html = client.get(check).get_data(as_text=True)
    assert 'name="col-8"' in html and 'name="col-9"' in html
    assert '<option value="description" selected' not in html  # the check shows the organizer's choice
    assert client.post(f"/admin/import/{up.id}/check", data=choices).headers["Location"] == check  # same check
    confirm = f"/admin/import/{up.id}/confirm"
    r = client.post(confirm, data=choices)
    assert r.status_code == 302
    done = r.headers["Location"]
    assert {"株式会社湘南テスト製作所", "有限会社辻堂プレス", "寒川ソフト合同会社"} <= names()
    f = db.session.scalar(sa.select(Firm).where(Firm.name == "有限会社辻堂プレス"))
    assert f.description_ja == ""  # the column was ignored
    html = client.get(done).get_data(as_text=True)
    assert "3" in html and "/admin/import" in html
    with pytest.raises(FileNotFoundError):  # the stored file is removed once imported
        storage().read(last_upload().storage_key)
    # posted twice (a double click, a second tab): imported once, the same import's page
    r = client.post(confirm, data=choices)
    assert r.status_code == 302 and r.headers["Location"] == done and len(names()) == 3
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ImportJob).where(ImportJob.kind == "import")) == 1
    # the check's page now says so and offers no second import
    html = client.get(check).get_data(as_text=True)
    assert "取り込む</button>" not in html and done.split("/admin")[1] in html

    # the city's organizers share the work: another organizer sees the jobs (and cannot import twice either)
    other = make.user(role="organizer")
    auth.logout()
    auth.login(other.email)
    assert client.get(page).status_code == 200 and client.get(done).status_code == 200
    assert client.post(confirm, data=choices).headers["Location"] == done and len(names()) == 3
    assert "list.csv" in client.get("/admin/import").get_data(as_text=True)  # recent checks and imports
    # members may not import, nor see any job; nor may visitors
    member = make.user(firm=make.firm())
    auth.logout()
    auth.login(member.email)
    assert client.get("/admin/import").status_code == 403
    assert upload(client, member_list()).status_code == 403
    for url in (page, done, page + "/status", f"/admin/import/{up.id}"):
        assert client.get(url).status_code == 403, url
    for url in (confirm, f"/admin/import/{up.id}/check"):
        assert client.post(url, data=choices).status_code == 403, url
    auth.logout()
    assert client.get(page + "/status").status_code == 302  # sign in first


def test_bad_files_are_form_errors_not_500(app, client, auth, make):
    auth.login(make.user(role="organizer", locale="en").email)
    app.config["MATCHMAKER_IMPORT_MAX_MB"] = 0.01
    cases = [(b"", "The file is empty."), (b"%PDF-1.4 x", "not a CSV or XLSX"), ("会社名\r\n".encode(), "no rows"),
             (b"x" * 20_000, "larger than"), (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, ".xls")]
    for data, text in cases:
        r = upload(client, data)
        assert r.status_code == 200 and text in r.get_data(as_text=True), text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ImportUpload)) == 0


def test_errors_import_nothing_unless_valid_rows_only(app, client, auth, make):
    auth.login(make.user(role="organizer", locale="ja").email)
    data = csv_bytes([["会社名", "郵便番号", "メールアドレス"], ["良い会社", "251-0052", ""], ["悪い会社", "12", "x@"]])
    page = upload(client, data).headers["Location"]
    html = client.get(page).get_data(as_text=True)
    assert "は郵便番号ではありません" in html and "取り込む</button>" not in html  # in the reader's language
    confirm = f"/admin/import/{last_upload().id}/confirm"
    r = client.post(confirm, data={"valid_only": "0"})
    assert r.status_code == 302 and names() == set()
    html = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "何も取り込んでいません" in html and "は郵便番号ではありません" in html and page.split("/admin")[1] in html
    r = client.post(confirm, data={"valid_only": "1"})  # the failed import does not stand in the way
    assert names() == {"良い会社"}


def test_export_round_trip_in_every_format(app, client, auth, make):
    make.firm(name="桐原精密工業株式会社", address="藤沢市桐原町8-14", website="https://kirihara.example.com",
              employees="30-99", founded_year=1972, industries=["2451", "E"], certifications=["ISO9001"],
              description_ja="切削加工", name_kana="キリハラセイミツ", postal_code="252-0811", phone="0466-11-2222",
              contact_email="info@kirihara.example.com")
    make.firm(name="=HYPERLINK(\"http://evil.example\")", address="-1", description_ja="@SUM(A1)", city="茅ヶ崎市")
    auth.login(make.user(role="organizer").email)
    for fmt in ("csv", "csv-cp932", "xlsx"):
        r = client.get("/admin/firms/export", query_string={"format": fmt})
        assert r.status_code == 200 and "attachment" in r.headers["Content-Disposition"]
        data = r.data
        if fmt == "csv":
            assert data.startswith(b"\xef\xbb\xbf") and b"'=HYPERLINK" in data and b"'@SUM" in data
        elif fmt == "csv-cp932":
            assert "企業名".encode("cp932") in data
        else:
            import openpyxl

            ws = openpyxl.load_workbook(io.BytesIO(data)).active
            cells = {c.value: c.data_type for row in ws.iter_rows() for c in row if c.value}
            assert cells['=HYPERLINK("http://evil.example")'] == "s"  # text, not a formula
        table = read_table(data)
        assert table.headers[:3] == ["企業名", "フリガナ", "英文社名"]
        # imported again: both firms are found, nothing is created
        from matchmaker.imports import Options, import_table

        report = import_table(table, options=Options(), dry_run=True)
        assert (report["created"], report["skipped"], report["errors"]) == (0, 2, []), report
        row = dict(zip(table.headers, table.rows[0][1]))
        assert row["所在地"] == "神奈川県藤沢市桐原町8-14" and row["業種"] == "2451、E" and row["従業員数"] == "30-99"
    assert client.get("/admin/firms/export?format=pdf").status_code == 400
    auth.logout()
    assert client.get("/admin/firms/export").status_code == 302  # sign in first


# ------------------------------------------------------------------ verification


def test_verification_rights_audit_badge_and_filter(app, client, auth, make):
    firm = make.firm(name="検証する会社")
    make.firm(name="ほかの会社")
    member = make.user(firm=firm)
    auth.login(member.email)
    assert client.post(f"/firms/{firm.id}/verify", data={"verified": "1"}).status_code == 403  # members may not
    auth.logout()
    assert client.post(f"/firms/{firm.id}/verify", data={"verified": "1"}).status_code == 302
    db.session.refresh(firm)
    assert firm.verified_at is None

    organizer = make.user(role="organizer", name="市の担当")
    auth.login(organizer.email)
    client.post(f"/firms/{firm.id}/verify", data={"verified": "1"})
    client.post(f"/firms/{firm.id}/verify", data={"verified": "1"})  # twice: one change, one log line
    html = client.get(f"/firms/{firm.id}").get_data(as_text=True)
    assert 'badge text-bg-success' in html and "市の担当" in html  # the badge; who, in the audit list
    directory = client.get("/firms/?verified=y").get_data(as_text=True)
    assert ">検証する会社</a>" in directory and ">ほかの会社</a>" not in directory
    client.post(f"/firms/{firm.id}/verify", data={"verified": "0"})
    from matchmaker.firms.models import FirmAudit

    log = db.session.scalars(sa.select(FirmAudit).order_by(FirmAudit.id)).all()
    assert [(a.action, a.user_id) for a in log] == [("verified", organizer.id), ("unverified", organizer.id)]
    assert ">検証する会社</a>" not in client.get("/firms/?verified=y").get_data(as_text=True)


# ------------------------------------------------------------------ freshness


def test_stale_profiles_are_marked_and_their_members_reminded_once(app, client, auth, make, runner, mailbox):
    old = make.firm(name="古いプロフィールの会社")
    recent = make.firm(name="新しいプロフィールの会社")
    listed = make.firm(name="市が掲載した会社", imported_at=utcnow())
    member = make.user(firm=old, email="old@example.com", locale="en")
    make.user(firm=recent, email="recent@example.com")
    db.session.execute(sa.update(Firm).where(Firm.id == old.id).values(confirmed_at=utcnow() - timedelta(days=400)))
    db.session.commit()
    html = client.get("/firms/").get_data(as_text=True)
    card = re.search(r"古いプロフィールの会社.*?</h3>", html, re.S).group(0)
    assert "badge text-bg-warning" in card
    assert "badge text-bg-warning" not in re.search(r"新しいプロフィールの会社.*?</h3>", html, re.S).group(0)
    assert "badge text-bg-light" in re.search(r"市が掲載した会社.*?</h3>", html, re.S).group(0)

    r = runner.invoke(args=["tick"])
    assert "reminders to confirm old profiles sent: 1" in r.output, r.output
    mail = mailbox.wait("old@example.com")[0]
    assert "up to date" in mail.subject and "/firms/mine" in mail.body
    r = runner.invoke(args=["tick"])  # once per stale period
    assert "reminders to confirm old profiles sent: 0" in r.output and len(mailbox.to("old@example.com")) == 1
    assert mailbox.to("recent@example.com") == []

    auth.login(member.email)
    assert client.post(f"/firms/{recent.id}/confirm").status_code == 403  # only its own firm
    assert client.post(f"/firms/{old.id}/confirm").status_code == 302
    db.session.refresh(old)
    assert old.confirmed_at.replace(tzinfo=None) > (utcnow() - timedelta(minutes=1)).replace(tzinfo=None)
    html = client.get("/firms/").get_data(as_text=True)
    assert "badge text-bg-warning" not in re.search(r"古いプロフィールの会社.*?</h3>", html, re.S).group(0)
    from matchmaker.search.records import firm_record

    assert firm_record(old).updated_at == old.confirmed_at  # the engine's freshness reads the confirmation
    assert firm_record(listed).updated_at is None  # nobody from the firm has confirmed it
