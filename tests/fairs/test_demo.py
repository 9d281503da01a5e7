"""seed-demo creates a realistic demo fair over the demo firms."""
from __future__ import annotations

from collections import Counter

import sqlalchemy as sa

from matchmaker.extensions import db
from matchmaker.fairs.models import Fair, Meeting, MeetingRequest
from matchmaker.notifications.models import Notification
from matchmaker.fairs.figures import fair_figures
from matchmaker.fairs.eligibility import registration_is_open
from matchmaker.fairs.slots import today_local


def test_demo_fairs(demo_app):
    from matchmaker.demo.loader import load_demo

    app = demo_app  # the demo as `matchmaker seed-demo` loads it (a copy of the run's template)
    upcoming, past, *earlier = db.session.scalars(sa.select(Fair).order_by(Fair.start_date.desc())).all()
    assert len(earlier) == 3 and all(f.start_date < past.start_date for f in earlier)  # the indicators' history
    assert registration_is_open(upcoming) and not upcoming.schedule_published
    assert 35 <= len(upcoming.participants) <= 40
    assert all(p.seeks or p.offers for p in upcoming.participants)
    states = Counter(db.session.scalars(sa.select(MeetingRequest.status).where(MeetingRequest.fair_id == upcoming.id)))
    assert set(states) == {"pending", "accepted", "declined", "cancelled"}
    assert db.session.scalar(sa.select(sa.func.count(MeetingRequest.id)).where(
        MeetingRequest.fair_id == upcoming.id, MeetingRequest.origin == "organizer")) > 0
    assert past.schedule_published and past.end_date < today_local()
    with app.test_request_context():
        fig = fair_figures(past)
    meetings = db.session.scalars(sa.select(Meeting).where(Meeting.fair_id == past.id)).all()
    assert fig.planned == len(meetings) >= 5
    assert fig.held == sum(1 for m in meetings if m.held) > 0
    assert fig.deals > 0 and fig.local_deals == fig.deals  # a local-only fair
    assert db.session.scalar(sa.select(sa.func.count(Notification.id))) > 0
    # a second load with reset replaces everything, fairs included
    load_demo(reset=True, today=today_local())
    assert db.session.scalar(sa.select(sa.func.count(Fair.id))) == 5
