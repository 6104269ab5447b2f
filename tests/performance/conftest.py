import pytest

from performance import services
from tests.performance.facts import make_facts


@pytest.fixture
def facts(units, personas):
    """The generated facts, summarised."""
    data = make_facts(units, personas)
    services.summaries_rebuild()
    return data
