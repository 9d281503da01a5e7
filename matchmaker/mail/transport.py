"""Where mail goes: an SMTP server in production, a folder or the console in development.

Chosen by one URL (``MATCHMAKER_MAIL_URL`` or ``MAIL_URL``):

- ``smtp://user:password@host:587`` (STARTTLS when the server offers it, required with
  ``?tls=required``), ``smtps://user:password@host:465`` (TLS from the start), ``smtp://127.0.0.1:1025``;
- ``file:///path/to/folder``: each message becomes an ``.eml`` file there;
- ``console:``: each message is written to standard error.
"""
from __future__ import annotations

import smtplib
import ssl
import sys
import time
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit


class Transport(Protocol):
    def send(self, message: EmailMessage) -> None: ...


class MailConfigError(ValueError):
    pass


class SMTPTransport:
    def __init__(self, host: str, port: int, username: str = "", password: str = "", implicit_tls: bool = False,
                 require_tls: bool = False, timeout: float = 20.0) -> None:
        self.host, self.port, self.username, self.password = host, port, username, password
        self.implicit_tls, self.require_tls, self.timeout = implicit_tls, require_tls, timeout

    def send(self, message: EmailMessage) -> None:
        context = ssl.create_default_context()
        if self.implicit_tls:
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        with smtp:
            smtp.ehlo()
            if not self.implicit_tls and (smtp.has_extn("starttls") or self.require_tls):
                smtp.starttls(context=context)
                smtp.ehlo()
            if self.username:
                smtp.login(self.username, self.password)
            smtp.send_message(message)


class FileTransport:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def send(self, message: EmailMessage) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        name = f"{time.strftime('%Y%m%d-%H%M%S')}-{time.time_ns() % 10**9:09d}.eml"
        (self.folder / name).write_bytes(bytes(message))


class ConsoleTransport:
    def send(self, message: EmailMessage) -> None:
        sys.stderr.write("----- mail -----\n" + message.as_string() + "\n----- end of mail -----\n")
        sys.stderr.flush()


def from_url(url: str, timeout: float = 20.0) -> Transport:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme in ("smtp", "smtps"):
        if not parts.hostname:
            raise MailConfigError(f"mail URL without a host: {url!r}")
        query = parse_qs(parts.query)
        return SMTPTransport(
            host=parts.hostname, port=parts.port or (465 if scheme == "smtps" else 25),
            username=unquote(parts.username or ""), password=unquote(parts.password or ""),
            implicit_tls=scheme == "smtps", require_tls=query.get("tls", [""])[0] == "required", timeout=timeout,
        )
    if scheme == "file":
        return FileTransport(Path(unquote(parts.path)))
    if scheme == "console":
        return ConsoleTransport()
    raise MailConfigError(f"unknown mail URL scheme {scheme!r} (smtp, smtps, file or console)")
