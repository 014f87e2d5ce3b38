"""The demo workshop with its themes found, for the report tests."""

import pytest

from coproduce.reports import services
from coproduce.workshops import demo
from coproduce.workshops.models import Workshop


@pytest.fixture
def demo_with_themes(settings) -> Workshop:
    settings.CAFE_SOLVER_SECONDS = 1.0
    demo.load_demo()
    workshop = Workshop.objects.get(slug=demo.WORKSHOP_SLUG)
    services.find_themes(services.report_for(workshop))
    return workshop
