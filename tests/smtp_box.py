"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives, for the tests to read."""
from __future__ import annotations

import email
import email.policy
import threading
import time
from dataclasses import dataclass

from aiosmtpd.controller import Controller


@dataclass
class Received:
    to: list[str]
    subject: str
    body: str
    message: email.message.EmailMessage


class _Handler:
    def __init__(self, box: "Mailbox") -> None:
        self.box = box

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        msg = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        body = msg.get_body(("plain",))
        self.box.add(Received([a.lower() for a in envelope.rcpt_tos], str(msg["Subject"]),
                              body.get_content() if body else "", msg))
        return "250 OK"


class Mailbox:
    def __init__(self, port: int) -> None:
        self._cond = threading.Condition()
        self.messages: list[Received] = []
        self.controller = Controller(_Handler(self), hostname="127.0.0.1", port=port)
        self.url = f"smtp://127.0.0.1:{port}"

    def start(self) -> None:
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()

    def add(self, m: Received) -> None:
        with self._cond:
            self.messages.append(m)
            self._cond.notify_all()

    def clear(self) -> None:
        with self._cond:
            self.messages.clear()

    def to(self, address: str) -> list[Received]:
        with self._cond:
            return [m for m in self.messages if address.lower() in m.to]

    def wait(self, address: str, count: int = 1, timeout: float = 10.0) -> list[Received]:
        """The messages to `address`, once at least `count` have arrived (AssertionError after `timeout`)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                got = [m for m in self.messages if address.lower() in m.to]
                if len(got) >= count:
                    return got
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"{len(got)} of {count} mail(s) to {address} arrived; "
                                         f"all: {[(m.to, m.subject) for m in self.messages]}")
                self._cond.wait(left)

    def link(self, address: str, path_part: str, count: int = 1) -> str:
        """The path (from the site's root) of the first link containing `path_part` in the last mail to `address`."""
        import re

        body = self.wait(address, count)[-1].body
        m = re.search(r"https?://[^/\s]+(\S*" + re.escape(path_part) + r"\S*)", body)
        assert m, f"no link with {path_part} in:\n{body}"
        return m.group(1)
