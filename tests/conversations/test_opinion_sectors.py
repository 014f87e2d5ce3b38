"""Sector lens: sectors across opinion groups, statements that split the sectors."""

import numpy as np
import pytest

from coproduce.conversations.opinion import VoteMatrix, compute
from coproduce.conversations.opinion.sectors import sector_lens


def _conversation():
    """Two opinion camps; "traders" are mostly camp A, "residents" mostly camp B.

    Statement 0 splits the camps; statement 1 splits the sectors *within* the camps
    (traders agree, residents disagree), so it should top the sector split.
    """
    rng = np.random.default_rng(0)
    n, m = 120, 12
    camp = np.repeat([0, 1], 60)
    sector = np.where(np.arange(n) % 60 < 45, camp, 1 - camp)  # 75 % of camp 0 are traders
    stance = rng.choice([-1.0, 1.0], size=(2, m))
    stance[:, 0] = [1, -1]
    dense = np.where(rng.random((n, m)) < 0.9, stance[camp], -stance[camp])
    dense[:, 1] = np.where(sector == 0, 1.0, -1.0)
    dense[rng.random((n, m)) > 0.8] = np.nan
    dense[:, 0] = np.where(camp == 0, 1.0, -1.0)
    names = {i: ("trader" if s == 0 else "resident") for i, s in enumerate(sector)}
    names[0] = "official"  # a sector with one member
    del names[1]  # a participant without a sector
    return VoteMatrix.from_dense(dense), names


def test_sector_spread_and_split():
    votes, sectors = _conversation()
    result = compute(votes)
    lens = sector_lens(votes, result, sectors)
    by_name = {s.sector: s for s in lens.sectors}
    assert set(by_name) == {"official", "resident", "trader"}
    assert sum(s.size for s in lens.sectors) == 119
    trader = by_name["trader"]
    assert sum(trader.by_group.values()) == trader.size
    # Traders lean to one group: their larger share is well above half.
    assert max(trader.share(g) for g in range(result.k)) > 0.6
    assert lens.splitting[0].statement_id == 1
    assert (
        lens.splitting[0].net_agreement["trader"] > 0 > lens.splitting[0].net_agreement["resident"]
    )
    assert lens.to_dict()["sectors"][0]["by_group"]["none"] >= 0


def test_rejected_statements_stay_out_of_the_lens():
    votes, sectors = _conversation()
    result = compute(votes, excluded_statements=[1])
    lens = sector_lens(votes, result, sectors)
    assert all(d.statement_id != 1 for d in lens.splitting)


def test_without_groups_everyone_is_unclustered():
    votes = VoteMatrix.from_dense(np.array([[1.0, -1.0]]))
    result = compute(votes)
    lens = sector_lens(votes, result, {0: "resident"})
    assert lens.sectors[0].by_group == {None: 1}
    assert lens.sectors[0].share(None) == pytest.approx(1.0)
    assert lens.splitting == ()
