from datetime import date

import pytest

from dashboard import services
from performance import services as performance_services
from tests.performance.facts import make_facts

# A day inside the generated facts (2025-11 … 2026-04), with invoices not due, overdue and paid.
TODAY = date(2026, 4, 20)


@pytest.fixture
def facts(units, personas):
    """The generated sales facts of the performance tests, summarised, with receivables snapshots of TODAY
    and of the month ends before it."""
    data = make_facts(units, personas)
    performance_services.summaries_rebuild()
    services.receivables_snapshots_backfill(today=TODAY, months=6)
    return data
