from dashboard.demo import load_demo_dashboard
from dashboard.models import ReceivableSnapshot
from tests.dashboard.conftest import TODAY


def test_demo_loader_is_idempotent(facts):
    ReceivableSnapshot.objects.unscoped().delete()
    first = load_demo_dashboard(today=TODAY)
    rows = ReceivableSnapshot.objects.unscoped().count()
    assert first["snapshot_dates"] >= 6 and first["rows"] == rows > 0
    assert load_demo_dashboard(today=TODAY) == {"snapshot_dates": 0, "rows": 0}
    assert ReceivableSnapshot.objects.unscoped().count() == rows
