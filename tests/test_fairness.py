import pytest

from amplify.invitations.fairness import gini, hhi, measure, top_share
from amplify.invitations.models import allowed_next


def test_gini_matches_hand_computed_examples():
    assert gini([1, 1, 1, 1]) == 0
    # One person of four has everything: (2*4*4)/(4*4) - 5/4 = 0.75
    assert gini([0, 0, 0, 4]) == pytest.approx(0.75)
    # [0, 1, 2, 3]: weighted = 1*0+2*1+3*2+4*3 = 20; 2*20/(4*6) - 5/4 = 0.41666…
    assert gini([3, 0, 2, 1]) == pytest.approx(5 / 12)
    assert gini([]) == 0 and gini([0, 0]) == 0


def test_hhi_and_top_share():
    assert hhi([1, 1, 1, 1]) == pytest.approx(0.25)
    assert hhi([0, 0, 4]) == 1
    assert hhi([2, 1, 1]) == pytest.approx(0.25 + 0.0625 + 0.0625)
    assert top_share([5, 1, 1, 1, 1, 1], k=1) == pytest.approx(0.5)
    assert top_share([0, 0]) == 0


def test_people_never_invited_count_in_the_pool():
    pool = ["ana", "bea", "carla", "dora"]
    result = measure(pool, {"ana": 3, "bea": 1}, first_timers=1)
    assert (result.pool, result.invitations, result.distinct_people) == (4, 4, 2)
    assert result.never_invited == ["carla", "dora"]
    # Over the whole pool [3, 1, 0, 0]: weighted = 0+0+3*1+4*3 = 15; 2*15/(4*4) - 5/4 = 0.625
    assert result.gini == pytest.approx(0.625)
    only_invited = measure(["ana", "bea"], {"ana": 3, "bea": 1})
    assert only_invited.gini < result.gini  # leaving zeros out understates concentration


def test_transition_table():
    assert allowed_next("opportunity") == ["offered", "withdrawn", "cancelled", "refused_by_host"]
    assert allowed_next("invited")[:3] == ["accepted", "declined", "expired"]
    assert allowed_next("confirmed")[:3] == ["attended", "attended_remotely", "no_show"]
    assert allowed_next("attended") == ["debriefed"]
    for final in ("declined", "expired", "debriefed", "withdrawn", "cancelled", "refused_by_host", "no_show"):
        assert allowed_next(final) == []
