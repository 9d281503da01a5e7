"""Constants and helpers shared by the test folders (imported as `support`)."""
import contextvars
import re

from flask.testing import FlaskClient
from jinja2 import BytecodeCache

PASSWORD = "correct-horse-42"


def csrf_token_from(html: str) -> str:
    m = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert m, "no CSRF token in the page"
    return m.group(1)


class IsolatedClient(FlaskClient):
    """A test client whose every request runs in its own application context, as in production.

    The `app` fixture keeps the test's own app context open; without this, Flask would reuse it
    for requests and `g` (the signed-in user, the locale, the CSRF token) would leak between them.
    """

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


class _MemoryBytecodeCache(BytecodeCache):
    """Compiled templates shared by the apps of the whole run (each test builds a new app)."""

    def __init__(self):
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        code = self.store.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket):
        self.store[bucket.key] = bucket.bytecode_to_string()


_TEMPLATE_CACHE = _MemoryBytecodeCache()


def new_client(app) -> FlaskClient:
    app.test_client_class = IsolatedClient
    app.jinja_env.bytecode_cache = _TEMPLATE_CACHE
    return app.test_client()
