"""The demo's self-assessment: 18 sample respondents from three sectors who diverge."""

import pytest

from coproduce.assessments import results
from coproduce.assessments.models import Assessment, Response
from coproduce.workshops import demo

pytestmark = pytest.mark.django_db


def test_demo_assessment_diverges_and_loads_once():
    demo.load_demo()
    demo.load_demo()
    assessment = Assessment.objects.get()
    assert assessment.framework == "jam_and_justice" and assessment.promised == "co_design"
    round_ = assessment.rounds.get()
    assert Response.objects.filter(round=round_, is_sample=True).count() >= 15
    found = results.round_results(assessment, round_, full=False)
    assert len(found.shown.groups) == 3 and found.withheld == ()
    assert found.differences[0].gap >= 2
    assert any(e.below for e in found.experienced)
    assert assessment.workshop is not None
