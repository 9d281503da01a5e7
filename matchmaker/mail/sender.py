"""Each server process sends its outbox in a background thread, woken after every commit that put
mail in it, and sleeping until the next retry is due; it ends when nothing is pending (the next
commit starts it again). ``matchmaker tick`` sends what is due too, for processes that are gone."""
from __future__ import annotations

import logging
import threading
from datetime import timedelta

from flask import Flask

from ..models import utcnow

log = logging.getLogger(__name__)
IDLE_WAIT = timedelta(seconds=60)  # longest sleep before looking again while retries are pending


class Sender:
    def __init__(self, app: Flask) -> None:
        self.app = app
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._stopping = False

    def stop(self, timeout: float = 10.0) -> None:
        """Let the thread finish what it is sending and end (pending retries wait for the next start)."""
        self._stopping = True
        self._wake.set()
        thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def wake(self) -> None:
        self._wake.set()
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._stopping = False
                self._thread = threading.Thread(target=self._run, name="mail-sender", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        from ..extensions import db
        from .outbox import deliver_due, next_due

        while not self._stopping:
            self._wake.clear()
            try:
                with self.app.app_context():
                    deliver_due()
                    due = next_due()
                    db.session.remove()
            except Exception:  # noqa: BLE001 - keep the process alive; tick retries later
                log.exception("the mail sender failed; pending mail waits for the next commit or `matchmaker tick`")
                return
            if due is None:
                with self._lock:  # nothing pending: stop, unless a commit woke us meanwhile
                    if not self._wake.is_set():
                        self._thread = None
                        return
                continue
            if due.tzinfo is None:
                due = due.replace(tzinfo=utcnow().tzinfo)
            wait = min(max((due - utcnow()).total_seconds(), 0.05), IDLE_WAIT.total_seconds())
            self._wake.wait(wait)


def stop_sender(app: Flask, timeout: float = 10.0) -> None:
    """Stop the process's sender once the message it is sending is out (tests, shutting down); the next
    commit with mail starts it again."""
    sender = app.extensions.get("matchmaker_mail_sender")
    if sender is not None:
        sender.stop(timeout)


def wake(app: Flask) -> None:
    sender = app.extensions.get("matchmaker_mail_sender")
    if sender is None:
        sender = app.extensions.setdefault("matchmaker_mail_sender", Sender(app))
    sender.wake()
