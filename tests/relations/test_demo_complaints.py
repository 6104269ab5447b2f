"""The demo complaints load once through the services: every state and severity, some closed (the center's view and
the monthly report read them), one reopened, several past their SLA and escalated by the job itself."""

from datetime import UTC, date, datetime

import time_machine

from channels.demo import load_demo_channels
from customers.demo import load_demo_customers
from customers.models import Customer
from notifications.models import Notification
from regions.demo import load_demo_company
from relations.choices_complaints import ComplaintSeverity, ComplaintState
from relations.demo_complaints import load_demo_complaints
from relations.models import Complaint, ComplaintEscalation
from relations.selectors.complaints import sla_figures

TODAY = date(2026, 3, 16)  # a Monday


@time_machine.travel(datetime(2026, 3, 16, 4, 0, tzinfo=UTC), tick=False)
def test_demo_complaints_load_once(db):
    load_demo_company(reps_per_district=1)
    load_demo_customers(customers=120, months=3, today=TODAY, plans=0)
    load_demo_channels(today=TODAY)
    counts = load_demo_complaints(today=TODAY)
    wave = 8 if Customer.objects.filter(district__code="330100", status="active").exists() else 0
    assert counts["complaints"] == Complaint.objects.count() == 32 + wave  # the plan, and 杭州's wave if it has customers
    assert set(Complaint.objects.values_list("state", flat=True)) == set(ComplaintState.values)
    assert set(Complaint.objects.values_list("severity", flat=True)) == set(ComplaintSeverity.values)
    assert set(Complaint.objects.values_list("kind", flat=True)) == {"product", "channel"}
    # The logins' districts first (when the generated ledger gave them customers), then others.
    for code in ("330100", "440100"):
        if Customer.objects.filter(district__code=code, status="active").exists():
            assert Complaint.objects.filter(unit__code=code).exists(), code
    assert Complaint.objects.values("unit").distinct().count() > 1
    figures = sla_figures(Complaint.objects.all(), today=TODAY)
    assert figures["breached"] > 0 and figures["closed"] == counts["closed"] > 0
    escalations = ComplaintEscalation.objects.count()
    assert escalations == counts["escalations"] > 0
    assert Notification.objects.filter(kind="escalated").count() >= 1
    assert Complaint.objects.filter(escalation_level__gt=0).exists()
    # A second load does nothing.
    assert load_demo_complaints(today=TODAY) == {"complaints": 0, "closed": 0, "escalations": 0}
    assert ComplaintEscalation.objects.count() == escalations
