"""Bad input: InstanceError with a message naming the offending item."""
from __future__ import annotations

import copy
import math

import pytest
from sched_helpers import instance

from matchmaker.scheduling import Instance, InstanceError, Meeting, solve


def base() -> dict:
    return instance(3, 2, [{"id": "A"}, {"id": "B", "available": ["S1", "S2"], "max_meetings": 2}, {"id": "C"}],
                    [("A", "B", 0.5), ("B", "C", 1.0)])


def bad(mutate) -> str:
    d = copy.deepcopy(base())
    mutate(d)
    with pytest.raises(InstanceError) as e:
        Instance.from_dict(d)
    return str(e.value)


def test_base_is_fine_and_round_trips() -> None:
    inst = Instance.from_dict(base())
    assert Instance.from_dict(inst.to_dict()) == inst
    assert inst.to_dict()["slots"][0] == {"id": "S1", "start": "2027-02-10T09:00", "end": "2027-02-10T09:25"}
    assert inst.pair_weights() == {("A", "B"): 0.5, ("B", "C"): 1.0}


def test_unknown_participant_in_request() -> None:
    assert "'Z'" in bad(lambda d: d["requests"].append({"from": "A", "to": "Z", "weight": 1}))


def test_request_to_oneself() -> None:
    msg = bad(lambda d: d["requests"].append({"from": "C", "to": "C", "weight": 1}))
    assert "C -> C" in msg and "oneself" in msg


def test_duplicate_participant_id() -> None:
    assert "duplicate participant id 'A'" in bad(lambda d: d["participants"].append({"id": "A"}))


def test_duplicate_slot_id() -> None:
    def mutate(d):
        d["slots"][1]["id"] = "S1"
    assert "duplicate slot id 'S1'" in bad(mutate)


def test_overlapping_slots() -> None:
    def mutate(d):
        d["slots"][1]["start"] = "2027-02-10T09:15"
    msg = bad(mutate)
    assert "S2" in msg and "S1" in msg and "overlaps" in msg


def test_slot_ending_before_start() -> None:
    def mutate(d):
        d["slots"][2]["end"] = "2027-02-10T09:59"
    msg = bad(mutate)
    assert "slot S3" in msg and "before it starts" in msg


def test_bad_slot_time() -> None:
    def mutate(d):
        d["slots"][0]["start"] = "ten o'clock"
    assert "slot S1 start" in bad(mutate)


@pytest.mark.parametrize("tables", [0, -3, "2", 1.5])
def test_no_tables(tables) -> None:
    def mutate(d):
        d["tables"] = tables
    assert "tables" in bad(mutate)


@pytest.mark.parametrize("weight", [-0.1, math.nan, math.inf, 1001, "heavy", None])
def test_weight_out_of_range(weight) -> None:
    def mutate(d):
        d["requests"][1]["weight"] = weight
    msg = bad(mutate)
    assert "request #2 (B -> C)" in msg and "weight" in msg


def test_availability_names_unknown_slot() -> None:
    def mutate(d):
        d["participants"][0]["available"] = ["S1", "S9"]
    msg = bad(mutate)
    assert "participant A" in msg and "'S9'" in msg


def test_negative_max_meetings() -> None:
    def mutate(d):
        d["participants"][2]["max_meetings"] = -1
    msg = bad(mutate)
    assert "participant C" in msg and "max_meetings" in msg


@pytest.mark.parametrize("key", ["slots", "tables", "participants", "requests"])
def test_missing_key(key) -> None:
    assert key in bad(lambda d: d.pop(key))


def test_not_an_object() -> None:
    with pytest.raises(InstanceError):
        Instance.from_dict([1, 2])


@pytest.mark.parametrize(
    "meeting, words",
    [
        (Meeting("A", "Z", "S1", 1), ["A-Z", "unknown participant"]),
        (Meeting("A", "C", "S1", 1), ["A-C", "no request"]),
        (Meeting("A", "B", "S9", 1), ["A-B in S9", "unknown slot"]),
        (Meeting("A", "B", "S1", 3), ["table 3", "no such table"]),
        (Meeting("A", "B", "S3", 1), ["A-B in S3", "B is not available"]),
    ],
)
def test_locked_meeting_breaking_a_rule(meeting, words) -> None:
    inst = Instance.from_dict(base())
    with pytest.raises(InstanceError) as e:
        solve(inst, 5, locked=[meeting])
    assert all(w in str(e.value) for w in words), str(e.value)


def test_locked_meetings_in_conflict() -> None:
    inst = Instance.from_dict(base())
    with pytest.raises(InstanceError, match="B-C in S1 at table 2: B is already"):
        solve(inst, 5, locked=[Meeting("A", "B", "S1", 1), Meeting("B", "C", "S1", 2)])
    with pytest.raises(InstanceError, match="the pair already meets"):
        solve(inst, 5, locked=[Meeting("A", "B", "S1", 1), Meeting("B", "A", "S2", 2)])
    four = Instance.from_dict(instance(2, 2, ["A", "B", "C", "D"], [("A", "B", 1), ("C", "D", 1)]))
    with pytest.raises(InstanceError, match="C-D in S1 at table 1: the table is taken"):
        solve(four, 5, locked=[Meeting("A", "B", "S1", 1), Meeting("C", "D", "S1", 1)])


def test_locked_over_max_meetings() -> None:
    d = base()
    d["participants"][1]["max_meetings"] = 1
    inst = Instance.from_dict(d)
    with pytest.raises(InstanceError, match="B-C in S2 at table 1: B would exceed max_meetings 1"):
        solve(inst, 5, locked=[Meeting("A", "B", "S1", 1), Meeting("B", "C", "S2", 1)])
