from datetime import datetime

from ..tick import job
from .service import send_digests


@job("digests of new needs sent")
def digests(now: datetime) -> int:
    return send_digests(now)
