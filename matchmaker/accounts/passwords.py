"""What a password must be: long enough and hard to guess (zxcvbn), judged on its NFKC form so that
full-width ｐａｓｓｗｏｒｄ１２ counts as password12. Forms and the command line use the same rule."""
from __future__ import annotations

import unicodedata

from flask_babel import lazy_gettext as _l

MIN_LENGTH = 12
MIN_SCORE = 3  # zxcvbn: 0 (too guessable) .. 4 (very unguessable)


def normalize(password: str) -> str:
    return unicodedata.normalize("NFKC", password or "")


def password_problem(password: str, *personal: str):
    """A message saying what is wrong with the password, or None when it may be used.

    ``personal``: the user's name, e-mail address, firm name..., which make a password easy to guess."""
    pw = normalize(password)
    if len(pw) < MIN_LENGTH:
        return _l("Use at least %(n)d characters.", n=MIN_LENGTH)
    if len(pw) > 200:
        return _l("Use at most %(n)d characters.", n=200)
    from zxcvbn import zxcvbn

    words = [w for p in personal if p for w in normalize(p).replace("@", " ").replace(".", " ").split() if len(w) >= 3]
    if zxcvbn(pw[:100], user_inputs=words)["score"] < MIN_SCORE:
        return _l("This password is too easy to guess (a common password, a pattern or your own name). "
                  "A few unrelated words with digits or symbols work well.")
    return None
