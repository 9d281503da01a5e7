"""Fixtures for the trade-fair tests: a tiny published fair and participants built directly in the database."""
from __future__ import annotations

from datetime import time, timedelta

import pytest

from matchmaker.extensions import db


@pytest.fixture
def app_config(database_url, tmp_path):
    return {"MATCHMAKER_SCHEDULER_TIME_LIMIT": 2}


class FairFactory:
    def __init__(self, make):
        self.make = make

    def fair(self, days_ahead=10, **kw):
        from matchmaker.fairs.models import Fair
        from matchmaker.fairs.slots import today_local

        start = today_local() + timedelta(days=days_ahead)
        values = dict(name_ja="藤沢ものづくり商談会", name_en="Fujisawa Manufacturing Fair", venue="藤沢市民会館",
                      start_date=start, end_date=start, day_start=time(10, 0), day_end=time(11, 0),
                      meeting_minutes=15, break_minutes=0, tables=2,
                      registration_deadline=start - timedelta(days=3), eligibility="international",
                      published=True, registration_open=True)
        values.update(kw)
        fair = Fair(**values)
        db.session.add(fair)
        db.session.commit()
        return fair

    def join(self, fair, firm, seeks="", offers="", available=None, max_meetings=None):
        from matchmaker.fairs.models import Participant

        p = Participant(fair_id=fair.id, firm_id=firm.id, seeks=seeks, offers=offers, available=available,
                        max_meetings=max_meetings)
        db.session.add(p)
        db.session.commit()
        return p

    def request(self, fair, a, b, status="accepted", priority=2):
        from matchmaker.fairs.models import MeetingRequest

        r = MeetingRequest(fair_id=fair.id, from_id=a.id, to_id=b.id, pair=MeetingRequest.pair_of(a.id, b.id),
                           priority=priority, status=status, answer_priority=2 if status == "accepted" else None)
        db.session.add(r)
        db.session.commit()
        return r


@pytest.fixture
def fairs(make):
    return FairFactory(make)


@pytest.fixture
def setup(fairs, make, member, other_member, organizer):
    """A fair with three participants: the member's firm, the other member's firm and a third firm."""
    fair = fairs.fair()
    p1 = fairs.join(fair, member.firm, seeks="アルミ部品の黒アルマイト処理", offers="NC旋盤による精密切削加工 SUS304")
    p2 = fairs.join(fair, other_member.firm, seeks="ステンレスの精密切削加工", offers="板金加工 黒アルマイト処理")
    third_firm = make.firm(name="湘南メッキ工業", city="平塚市")
    third_user = make.user(firm=third_firm, email="third@example.com")
    p3 = fairs.join(fair, third_firm, seeks="切削加工品", offers="黒アルマイト 表面処理")
    return {"fair": fair, "p1": p1, "p2": p2, "p3": p3, "member": member, "other": other_member,
            "third": third_user, "organizer": organizer}
