"""The page's checks and imports as background jobs: progress, status, rights, restarts, double and concurrent
imports (SQLite and PostgreSQL)."""
from __future__ import annotations

import fcntl
import io
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from matchmaker.extensions import db
from matchmaker.files.storage import storage
from matchmaker.imports import jobs
from matchmaker.imports.locking import LOCK_KEY
from matchmaker.imports.models import ImportJob, ImportUpload
from matchmaker.models import Firm, utcnow

from .files import member_list


def names() -> list[str]:
    db.session.rollback()
    return sorted(db.session.scalars(sa.select(Firm.name)))


def upload(client, data: bytes, filename="list.csv"):
    return client.post("/admin/import", data={"file": (io.BytesIO(data), filename), "encoding": "auto"},
                       content_type="multipart/form-data")


def wait(client, page: str, timeout: float = 90) -> dict:
    """Poll the job's status route as the page's script does, until it is finished."""
    end = time.monotonic() + timeout
    while True:
        r = client.get(page + "/status")
        assert r.status_code == 200 and r.is_json
        status = r.get_json()
        if status["finished"] or time.monotonic() > end:
            return status
        time.sleep(0.2)


def stored_upload(user, data: bytes = b"", **kw) -> ImportUpload:
    up = ImportUpload(user_id=user.id, storage_key=storage().save(data or member_list()), filename="list.csv",
                      size=len(data), result={"encoding": "auto", "sheet": ""}, **kw)
    db.session.add(up)
    db.session.commit()
    return up


def job_row(up: ImportUpload, user, kind="check", **kw) -> ImportJob:
    job = ImportJob(upload_id=up.id, user_id=user.id, kind=kind, params=jobs.params_from({}, "en"), **kw)
    db.session.add(job)
    db.session.commit()
    return job


@contextmanager
def another_import_running(app):
    """Hold the import lock as another import would (a separate connection, or the lock file)."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect() as conn:
            conn.execute(sa.select(sa.func.pg_advisory_xact_lock(LOCK_KEY)))
            yield
            conn.rollback()
        return
    with open(Path(app.instance_path) / "import.lock", "a+b") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def test_a_check_and_an_import_run_in_the_background_and_the_page_follows_them(app, client, auth, make):
    auth.login(make.user(role="organizer", locale="en").email)
    r = upload(client, member_list())
    page = r.headers["Location"]
    html = client.get(page).get_data(as_text=True)
    if "Check the import" not in html:  # still running: the progress page, which works without JavaScript
        assert 'role="progressbar"' in html and 'aria-valuenow="' in html and 'http-equiv="refresh"' in html
        assert "/status" in html
    status = wait(client, page)
    assert status["state"] == "done" and status["percent"] == 100 and status["error"] is None
    html = client.get(page).get_data(as_text=True)
    assert "Check the import" in html and "firms to create" in html and names() == []
    up = db.session.scalar(sa.select(ImportUpload))
    done = client.post(f"/admin/import/{up.id}/confirm", data={"valid_only": "0"}).headers["Location"]
    status = wait(client, done)
    assert (status["kind"], status["state"]) == ("import", "done")
    assert "Import done" in client.get(done).get_data(as_text=True)
    assert len(names()) == 3
    job = db.session.scalar(sa.select(ImportJob).where(ImportJob.kind == "import"))
    assert job.result["created"] == 3 and job.started_at and job.finished_at


def test_progress_page_and_status_of_a_running_job(app, client, auth, make):
    organizer = make.user(role="organizer", locale="ja", name="市の担当")
    up = stored_upload(organizer)
    job = job_row(up, organizer, kind="import", state="running", stage="write", done=500, total=1000)
    auth.login(make.user(role="organizer", locale="ja").email)  # a colleague
    html = client.get(f"/admin/import/jobs/{job.id}").get_data(as_text=True)
    assert 'role="progressbar"' in html and 'aria-valuenow="90"' in html and "90%" in html
    assert "<noscript><meta http-equiv=\"refresh\"" in html and "市の担当" in html and "保存" in html
    s = client.get(f"/admin/import/jobs/{job.id}/status").get_json()
    assert (s["state"], s["stage"], s["done"], s["total"], s["percent"], s["finished"]) == (
        "running", "write", 500, 1000, 90, False)
    assert s["url"].endswith(f"/admin/import/jobs/{job.id}")
    for url in (f"/admin/import/jobs/{job.id + 1000}", f"/admin/import/jobs/{job.id + 1000}/status",
                "/admin/import/jobs/99999999999999999999", f"/admin/import/{up.id + 1000}"):
        assert client.get(url).status_code == 404, url
    for url in (f"/admin/import/{up.id + 1000}/confirm", f"/admin/import/{up.id + 1000}/check"):
        assert client.post(url).status_code == 404, url
    assert client.get(f"/admin/import/{up.id}/confirm").status_code == 405


def test_a_job_whose_server_stopped_is_marked_failed_and_can_run_again(app, client, auth, make, runner):
    app.config["MATCHMAKER_IMPORT_BACKGROUND"] = False
    organizer = make.user(role="organizer", locale="en")
    up = stored_upload(organizer)
    old = utcnow() - timedelta(minutes=10)
    job = job_row(up, organizer, kind="import", state="running", stage="check", done=10, total=100,
                  created_at=old, started_at=old, heartbeat_at=old)
    other = job_row(stored_upload(organizer), organizer, state="queued", created_at=old, heartbeat_at=old)
    fresh = job_row(stored_upload(organizer), organizer, state="running", stage="check")
    auth.login(organizer.email)
    s = client.get(f"/admin/import/jobs/{job.id}/status").get_json()
    assert s["state"] == "failed" and s["finished"] and "Nothing was saved" in s["error"]
    html = client.get(f"/admin/import/jobs/{job.id}").get_data(as_text=True)
    assert "Nothing was saved" in html and "Run it again" in html and names() == []
    r = runner.invoke(args=["tick"])
    assert "member-list imports that stopped marked failed: 0" in r.output  # the page did it already
    db.session.expire_all()
    assert (db.session.get(ImportJob, other.id).state, db.session.get(ImportJob, fresh.id).state) == (
        "failed", "running")  # the stale one by the page's call; the one still beating goes on
    # run again: the failed import does not hold the upload
    r = client.post(f"/admin/import/{up.id}/confirm", data={"valid_only": "0"})
    assert r.headers["Location"] != f"/admin/import/jobs/{job.id}"
    assert client.get(r.headers["Location"] + "/status").get_json()["state"] == "done" and len(names()) == 3


def test_a_tick_marks_stopped_jobs_failed(app, runner, make):
    organizer = make.user(role="organizer")
    old = utcnow() - timedelta(minutes=10)
    job = job_row(stored_upload(organizer), organizer, state="running", heartbeat_at=old)
    r = runner.invoke(args=["tick"])
    assert "member-list imports that stopped marked failed: 1" in r.output, r.output
    db.session.expire_all()
    assert (db.session.get(ImportJob, job.id).state, db.session.get(ImportJob, job.id).error) == (
        "failed", "interrupted")


def test_a_late_commit_of_a_job_marked_failed_saves_nothing(app, make, monkeypatch):
    organizer = make.user(role="organizer")
    up = stored_upload(organizer)
    job = job_row(up, organizer, kind="import")
    from matchmaker.imports import service

    real = service.apply_plan

    def marked_failed_meanwhile(plan, progress=None):  # another worker thought this process was gone
        with db.engine.begin() as conn:
            conn.execute(sa.update(ImportJob).where(ImportJob.id == job.id).values(state="failed", error="interrupted"))
        return real(plan, progress)

    monkeypatch.setattr(jobs, "apply_plan", marked_failed_meanwhile)
    jobs.run(app, job.id)
    db.session.expire_all()
    assert names() == [] and db.session.get(ImportUpload, up.id).imported_at is None
    assert db.session.get(ImportJob, job.id).state == "failed"


def test_confirm_twice_at_once_starts_one_import(app, client, auth, make):
    organizer = make.user(role="organizer")
    up = stored_upload(organizer)
    first = job_row(up, organizer, kind="import", state="queued")  # the first confirmation, not started yet
    with pytest.raises(sa.exc.IntegrityError):  # the database refuses a second live import of the upload
        job_row(up, organizer, kind="import")
    db.session.rollback()
    auth.login(organizer.email)
    r = client.post(f"/admin/import/{up.id}/confirm", data={"valid_only": "0"})
    assert r.headers["Location"].endswith(f"/admin/import/jobs/{first.id}")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ImportJob)) == 1 and names() == []


def test_invalid_choices_are_checked_not_trusted(app, client, auth, make):
    app.config["MATCHMAKER_IMPORT_BACKGROUND"] = False
    organizer = make.user(role="organizer", locale="en")
    up = stored_upload(organizer)
    auth.login(organizer.email)
    r = client.post(f"/admin/import/{up.id}/check", data={
        "col-999": "name", "col-0": "no_such_field", "col-x": "name", "on_duplicate": "drop table",
        "decision-abc": "create", "decision-3": "burn", "valid_only": "maybe"})
    job = db.session.scalar(sa.select(ImportJob).order_by(ImportJob.id.desc()).limit(1))
    assert job.params["columns"] == {"999": "name"} and job.params["on_duplicate"] == "skip"
    assert job.params["decisions"] == {} and job.params["valid_only"] is False
    html = client.get(r.headers["Location"]).get_data(as_text=True)
    assert r.status_code == 302 and "No column holds the firm" in html  # the mapping without a name column
    r = client.post(f"/admin/import/{up.id}/confirm", data={"col-1": "name"})  # a name column of kana only
    status = client.get(r.headers["Location"] + "/status").get_json()
    assert status["state"] in ("done", "failed")  # an answer, never a 500


def test_a_missing_file_fails_the_job_with_a_clear_message(app, client, auth, make):
    app.config["MATCHMAKER_IMPORT_BACKGROUND"] = False
    organizer = make.user(role="organizer", locale="en")
    up = stored_upload(organizer)
    storage().delete(up.storage_key)
    auth.login(organizer.email)
    r = client.post(f"/admin/import/{up.id}/check", data={"on_duplicate": "update"})
    html = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "no longer available" in html


def test_two_imports_at_once_create_each_firm_once(app, client, auth, make):
    """An import waits for the one under way, then plans against what it saved."""
    organizer = make.user(role="organizer", locale="en")
    auth.login(organizer.email)
    app.config["MATCHMAKER_IMPORT_BACKGROUND"] = False
    upload(client, member_list())  # its check
    up = db.session.scalar(sa.select(ImportUpload))
    app.config["MATCHMAKER_IMPORT_BACKGROUND"] = True
    with another_import_running(app):
        page = client.post(f"/admin/import/{up.id}/confirm", data={"valid_only": "0"}).headers["Location"]
        for _ in range(100):
            s = client.get(page + "/status").get_json()
            if s["stage"] == "waiting":
                break
            time.sleep(0.1)
        assert (s["state"], s["stage"]) == ("running", "waiting") and "another import" in s["label"]
        # meanwhile the other import saves the same firms, and commits
        make.firm(name="株式会社湘南テスト製作所", postal_code="251-0052", phone="0466-22-1234")
        make.firm(name="有限会社辻堂プレス", postal_code="251-0047", phone="0466-33-0000")
        make.firm(name="寒川ソフト合同会社", city="寒川町", website="https://samukawa-soft.example.com")
    s = wait(client, page)
    assert s["state"] == "done", s
    db.session.expire_all()
    result = db.session.scalar(sa.select(ImportJob).where(ImportJob.kind == "import")).result
    assert (result["created"], result["skipped"]) == (0, 3), result
    assert names() == sorted(["株式会社湘南テスト製作所", "有限会社辻堂プレス", "寒川ソフト合同会社"])


def test_forged_posts_and_too_many_jobs_are_refused(app, client, auth, make):
    organizer = make.user(role="organizer", locale="en")
    up = stored_upload(organizer)
    auth.login(organizer.email)
    app.config["WTF_CSRF_ENABLED"] = True  # a form posted from another site carries no token
    for url in (f"/admin/import/{up.id}/confirm", f"/admin/import/{up.id}/check"):
        assert client.post(url, data={"valid_only": "1"}).status_code == 400, url
    app.config["WTF_CSRF_ENABLED"] = False
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ImportJob)) == 0
    # one organizer may not queue checks without end: the fourth waits for one of three to finish
    live = [job_row(stored_upload(organizer), organizer, state=state) for state in ("queued", "running", "running")]
    before = db.session.scalar(sa.select(sa.func.count()).select_from(ImportUpload))
    r = upload(client, member_list())
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/admin/import/jobs/{live[-1].id}")
    assert "under way" in client.get(r.headers["Location"]).get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ImportUpload)) == before
    r = client.post(f"/admin/import/{up.id}/check", data={"on_duplicate": "update"})
    assert r.headers["Location"].endswith(f"/admin/import/jobs/{live[-1].id}")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ImportJob)) == 3
