"""The demo's draft charter: enough to show every part of drafting, and loaded once."""

import pytest

from coproduce.charters.models import Charter, Comment, Proposal
from coproduce.workshops import demo

pytestmark = pytest.mark.django_db


def test_the_demo_charter_has_principles_versions_and_decisions():
    demo.load_demo()
    demo.load_demo()  # twice: nothing is added again
    charter = Charter.objects.get(title__startswith="Coproducing Greater Manchester")
    assert charter.principles.count() >= 5
    assert charter.versions.count() >= 2
    assert charter.framework == "jam_and_justice" and charter.credit
    declined = charter.proposals.get(status=Proposal.Status.DECLINED)
    assert declined.reply
    accepted = charter.proposals.get(status=Proposal.Status.ACCEPTED)
    assert accepted.made_version.number == 2
    assert charter.proposals.filter(status=Proposal.Status.OPEN).count() == 1
    assert Comment.objects.filter(principle__charter=charter).count() >= 2
