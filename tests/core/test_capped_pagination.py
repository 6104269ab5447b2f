"""List pages count their rows only up to a cap (core.pagination.CappedPaginator): the count is bounded
work at any data size, exact below the cap, and says "more than" above it."""

from unittest import mock

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.pagination import CappedPaginator
from customers.models import Customer
from tests.customers.factories import CustomerFactory


def test_below_the_cap_the_count_is_exact(db, units):
    for _ in range(4):
        CustomerFactory(district=units["330100"])
    paginator = CappedPaginator(Customer.objects.order_by("id"), 2)
    assert paginator.count == 4 and not paginator.capped and paginator.num_pages == 2


def test_above_the_cap_the_page_says_more_than_and_the_count_is_bounded(personas, units):
    for _ in range(7):
        CustomerFactory(district=units["330100"])
    client = personas["director"].web()
    with mock.patch.object(CappedPaginator, "cap", 3), mock.patch("core.views.ScopedListView.paginate_by", 2):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("customers:customer_list"))
        assert response.status_code == 200
        html = response.content.decode()
        assert "共超过 3 条" in html and "请用筛选条件缩小范围" in html
        # The count reads at most cap + 1 rows: COUNT over a LIMIT 4 subquery.
        counts = [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"] and "customers_customer" in q["sql"]]
        assert counts and all("LIMIT 4" in sql for sql in counts), counts
        # Pages up to the cap are offered; beyond it there is no page (filters narrow the list instead).
        assert client.get(reverse("customers:customer_list"), {"page": 2}).status_code == 200
        assert client.get(reverse("customers:customer_list"), {"page": 3}).status_code == 404
