"""Load test of the whole system (issue 20): branch systems pushing, managers browsing, reviewers deciding.

Run by scripts/loadtest (which prepares the accounts, starts gunicorn, the Celery workers and beat, and checks
afterwards that nothing was lost); by hand:

    locust -f loadtest/locustfile.py --headless -H http://127.0.0.1:8765 -u 230 -r 4 --run-time 10m --stop-timeout 60

Three kinds of user, each a fixed number of them (`fixed_count`, from the environment):

- **BranchSystem** (LOADTEST_BRANCHES, 20): a branch system with its own API key (one district each), pushing
  batches of 100–500 new invoices or payments of its district's customers through the bulk upserts, and now and
  then the same batch again (the idempotent re-push: every record must answer "unchanged"). A push that failed
  (timeout, 5xx) is pushed again before anything new, as a branch system would. The external ids of every record
  the server confirmed are counted per kind; at the end they are written to LOADTEST_PUSHED (JSON), for the
  script to compare with what the database stored.
- **Manager** (LOADTEST_MANAGERS, 200): a regional, provincial or district manager logged in through the login
  page, reading the home page, the dashboard and its drill-down (?unit=), the lists of customers, invoices,
  payments and warnings, and the ageing page (with its drill-down).
- **Reviewer** (LOADTEST_REVIEWERS, 10): a Development Center reviewer opening the approval queue and deciding a
  request from its first page (approve, return or reject); two reviewers on one request is expected: the second
  gets 409 (already decided), counted as a race, not as an error.

Every request carries a `name` (its kind), so the statistics give p95 per kind. The test talks http to 127.0.0.1
but sends `X-Forwarded-Proto: https`, as the reverse proxy of docs/DEPLOY.md does: the production settings then
serve it as https (no redirect; CSRF checks the https Referer), and the Secure cookies are sent back over the
loopback (ProxiedRequest). Bounded: --run-time, and LOADTEST_MAX_REQUESTS requests at most.
"""

import datetime
import itertools
import json
import os
import random
import re
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import gevent
from locust import HttpUser, between, events, task
from locust.runners import STATE_STOPPING
from requests import cookies as requests_cookies

ACCOUNTS_FILE = os.environ.get("LOADTEST_ACCOUNTS", "loadtest-accounts.json")
PUSHED_FILE = os.environ.get("LOADTEST_PUSHED", "loadtest-pushed.json")
RUN_ID = os.environ.get("LOADTEST_RUN_ID") or time.strftime("%Y%m%d%H%M%S")
MAX_REQUESTS = int(os.environ.get("LOADTEST_MAX_REQUESTS", "500000"))
BATCH_MIN, BATCH_MAX = (int(v) for v in os.environ.get("LOADTEST_BATCH", "100-500").split("-"))
# Seconds between two actions of one user: a branch system syncing, a person reading a page.
BRANCH_WAIT = tuple(float(v) for v in os.environ.get("LOADTEST_BRANCH_WAIT", "5-15").split("-"))
MANAGER_WAIT = tuple(float(v) for v in os.environ.get("LOADTEST_MANAGER_WAIT", "5-20").split("-"))
REVIEWER_WAIT = tuple(float(v) for v in os.environ.get("LOADTEST_REVIEWER_WAIT", "5-15").split("-"))
# The server's calendar (Beijing): dates a branch sends are "today" there.
SERVER_TZ = ZoneInfo(os.environ.get("LOADTEST_TIME_ZONE", "Asia/Shanghai"))
TIMEOUT = 120  # seconds; gunicorn's own timeout (60 s) ends a stuck request first
PROXY_HEADERS = {"X-Forwarded-Proto": "https", "Accept-Language": "zh-hans"}
REQUEST_LINK = re.compile(r'href="/approvals/(\d+)/"')


# ------------------------------------------------------------------------------------------------ shared state

_accounts = None
_lock = threading.Lock()
_next = {"branch": itertools.count(), "manager": itertools.count(), "reviewer": itertools.count()}
# What the server confirmed, per kind: the external ids of records written (created, or unchanged on a re-push).
pushed = {"invoices": set(), "payments": set()}
tally = {
    "created": {"invoices": 0, "payments": 0},
    "repushed": {"invoices": 0, "payments": 0},  # records of idempotent re-pushes, all "unchanged"
    "pushes_retried": 0,  # pushes that failed and were sent again
    "decisions": {"approve": 0, "return": 0, "reject": 0},
    "races": 0,  # a decision on a request another reviewer had just decided (409)
    "queue_empty": 0,
    "requests": 0,
}


def accounts():
    """The accounts written by `manage.py loadtest_prepare` (read once, when the first user starts)."""
    global _accounts
    with _lock:
        if _accounts is None:
            _accounts = json.loads(Path(ACCOUNTS_FILE).read_text(encoding="utf-8"))
        return _accounts


def take(kind):
    """(n, the n-th user's account of `kind`: "branch", "manager", "reviewer"), accounts dealt round robin."""
    rows = accounts()[{"branch": "branches", "manager": "managers", "reviewer": "reviewers"}[kind]]
    n = next(_next[kind])
    return n, rows[n % len(rows)]


def server_today():
    return datetime.datetime.now(SERVER_TZ).date()


def money(low, high):
    return f"{random.randint(low * 100, high * 100) / 100:.2f}"


class ProxiedRequest(requests_cookies.MockRequest):
    """The cookie jar's view of a request: one sent with `X-Forwarded-Proto: https` is one the browser sent over
    https to the proxy, so the production settings' Secure cookies (session, CSRF) go with it, as they would."""

    def __init__(self, request):
        super().__init__(request)
        if request.headers.get("X-Forwarded-Proto") == "https":
            self.type = "https"


# requests builds this view of every request for its cookie jar (requests.cookies.get_cookie_header).
requests_cookies.MockRequest = ProxiedRequest


_environment = {}


@events.init.add_listener
def _on_init(environment, **_kwargs):
    _environment["runner"] = environment.runner


@events.test_start.add_listener
def _on_start(**_kwargs):
    tally["started"] = time.time()


@events.request.add_listener
def _count_request(**_kwargs):
    tally["requests"] += 1
    if tally["requests"] == MAX_REQUESTS:
        # A bound besides --run-time: stop the test (from another greenlet: this one is inside a request).
        runner = _environment.get("runner")
        if runner is not None and runner.state != STATE_STOPPING:
            gevent.spawn(runner.quit)


@events.test_stop.add_listener
def _write_pushed(**_kwargs):
    """What the branch systems pushed and the server confirmed, for the script's check (pushed = stored)."""
    tally["stopped"] = time.time()
    summary = {
        "run_id": RUN_ID,
        "external_id_prefix": f"LT{RUN_ID}-",
        "pushed": {kind: len(ids) for kind, ids in pushed.items()},
        **tally,
    }
    Path(PUSHED_FILE).write_text(json.dumps(summary, indent=1), encoding="utf-8")


# ------------------------------------------------------------------------------------------------ users


class SessionUser(HttpUser):
    """A person in a browser: logs in through the login page (CSRF token from the form's cookie) and keeps the
    session cookie."""

    abstract = True

    def on_start(self):
        self.client.headers.update(PROXY_HEADERS)
        self.origin = "https://" + urlsplit(self.host).netloc

    def login(self, username):
        self.client.get("/login/", name="login form", timeout=TIMEOUT)
        with self.client.post(
            "/login/",
            data={"username": username, "password": accounts()["password"], "csrfmiddlewaretoken": self.csrf()},
            headers={"Referer": self.origin + "/login/"},
            name="login",
            allow_redirects=False,
            catch_response=True,
            timeout=TIMEOUT,
        ) as response:
            if response.status_code != 302:
                response.failure(f"login of {username} answered {response.status_code}")

    def csrf(self):
        return self.client.cookies.get("csrftoken", "")

    def page(self, path, name, **params):
        """GET a page; anything but 200 (a redirect to the login page included) is a failure."""
        with self.client.get(
            path, params=params or None, name=name, allow_redirects=False, catch_response=True, timeout=TIMEOUT
        ) as response:
            if response.status_code != 200:
                response.failure(f"{path} answered {response.status_code}")
            return response


class BranchSystem(HttpUser):
    """A branch system: its API key, its district's customers, batches of new invoices and payments."""

    fixed_count = int(os.environ.get("LOADTEST_BRANCHES", "20"))
    wait_time = between(*BRANCH_WAIT)

    def on_start(self):
        n, branch = take("branch")
        self.code = branch["unit_code"]
        # Unique per user even when two users share a key (more users than keys): the district code and the user.
        self.id_prefix = f"LT{RUN_ID}-{self.code}-{n}"
        self.client.headers.update({**PROXY_HEADERS, "Authorization": f"Api-Key {branch['key']}"})
        self.seq = itertools.count(1)
        self.last = None  # (kind, records) of the last push the server confirmed
        self.unsent = None  # (kind, records) of a push that failed: sent again first
        response = self.client.get(
            "/api/v1/customers/", params={"status": "active", "page_size": 500}, name="api: customers list", timeout=TIMEOUT
        )
        rows = response.json().get("results", []) if response.ok else []
        self.customers = [row["external_id"] for row in rows if row.get("external_id")]
        if not self.customers:
            self.customers = self._create_customers()

    def _create_customers(self):
        """A district without customers gets 20 (the branch system's customer master comes first)."""
        records = [
            {"external_id": f"{self.id_prefix}-C{i:03d}", "name": f"压测客户{self.code}-{i}", "district_code": self.code}
            for i in range(20)
        ]
        with self.client.post(
            "/api/v1/customers/bulk/", json={"records": records}, name="api: customers bulk", catch_response=True, timeout=TIMEOUT
        ) as response:
            if response.status_code != 200:
                response.failure(f"customers bulk answered {response.status_code}: {response.text[:300]}")
                return []
        return [record["external_id"] for record in records]

    def _records(self, kind):
        today = server_today()
        size = random.randint(BATCH_MIN, BATCH_MAX)
        letter = "I" if kind == "invoices" else "P"
        records = []
        for _ in range(size):
            external_id = f"{self.id_prefix}-{letter}{next(self.seq):07d}"
            customer = random.choice(self.customers)
            if kind == "invoices":
                records.append(
                    {
                        "external_id": external_id,
                        "customer_external_id": customer,
                        "issue_date": today.isoformat(),
                        "due_date": (today + datetime.timedelta(days=random.choice((30, 60, 90)))).isoformat(),
                        "amount": money(500, 50000),
                    }
                )
            else:
                # Allocations left out: the payment goes to the customer's oldest due invoices, the rest is credit.
                records.append(
                    {
                        "external_id": external_id,
                        "customer_external_id": customer,
                        "received_on": today.isoformat(),
                        "amount": money(500, 30000),
                        "method": "bank_transfer",
                    }
                )
        return records

    def push(self, kind, records, *, repush=False):
        name = f"api: {kind} bulk" + (" (re-push)" if repush else "")
        with self.client.post(
            f"/api/v1/{kind}/bulk/", json={"records": records}, name=name, catch_response=True, timeout=TIMEOUT
        ) as response:
            if response.status_code != 200:
                # No answer, a server error or a throttle: the server may or may not have written it, so the same
                # batch goes again first. A refusal of the batch (400: nothing written) is dropped: sending it
                # again would be refused again.
                retry = response.status_code in (0, 429) or response.status_code >= 500
                self.unsent = (kind, records) if retry else None
                response.failure(f"{kind} bulk answered {response.status_code}: {response.text[:300]}")
                return
            body = response.json()
            results = body.get("results", [])
            confirmed = [row["external_id"] for row in results if row.get("result") in ("created", "unchanged", "updated")]
            if len(confirmed) != len(records):
                response.failure(f"{kind} bulk confirmed {len(confirmed)} of {len(records)} records")
                return
            if repush and body["counts"].get("unchanged") != len(records):
                response.failure(f"re-push of {len(records)} {kind} answered {body['counts']}, not all unchanged")
            pushed[kind].update(confirmed)
            tally["created"][kind] += body["counts"].get("created", 0)
            if repush:
                tally["repushed"][kind] += len(records)
            self.unsent = None
            self.last = (kind, records)

    @task(5)
    def push_invoices(self):
        if self._retry_unsent():
            return
        self.push("invoices", self._records("invoices"))

    @task(3)
    def push_payments(self):
        if self._retry_unsent():
            return
        self.push("payments", self._records("payments"))

    @task(1)
    def repush_last(self):
        """The branch did not see the answer and sends the same batch again: nothing may be written twice."""
        if self._retry_unsent() or self.last is None:
            return
        kind, records = self.last
        self.push(kind, records, repush=True)

    def _retry_unsent(self):
        if self.unsent is None:
            return False
        tally["pushes_retried"] += 1
        kind, records = self.unsent
        self.push(kind, records)
        return True


class Manager(SessionUser):
    """A regional, provincial or district manager reading the dashboards, lists and the ageing page."""

    fixed_count = int(os.environ.get("LOADTEST_MANAGERS", "200"))
    wait_time = between(*MANAGER_WAIT)

    def on_start(self):
        super().on_start()
        _n, self.account = take("manager")
        self.login(self.account["username"])

    def _below(self):
        """A unit below the manager's own for a drill-down (their own unit when there is none)."""
        return random.choice(self.account["drill"] or [self.account["unit"]])

    @task(2)
    def home(self):
        self.page("/", "page: home")

    @task(3)
    def dashboard(self):
        self.page("/dashboard/", "page: dashboard")

    @task(2)
    def dashboard_drill(self):
        self.page("/dashboard/", "page: dashboard ?unit=", unit=self._below())

    @task(2)
    def customers(self):
        self.page("/customers/", "page: customers")

    @task(1)
    def customers_search(self):
        self.page("/customers/", "page: customers ?q=", q=random.choice("abcdghjlmnsxyz"))

    @task(2)
    def invoices(self):
        self.page("/customers/invoices/", "page: invoices")

    @task(1)
    def invoices_overdue(self):
        self.page("/customers/invoices/", "page: invoices ?overdue=", overdue="true")

    @task(1)
    def payments(self):
        self.page("/customers/payments/", "page: payments")

    @task(1)
    def warnings(self):
        self.page("/risk/warnings/", "page: warnings")

    @task(2)
    def ageing(self):
        self.page("/customers/ageing/", "page: ageing")

    @task(1)
    def ageing_drill(self):
        self.page("/customers/ageing/", "page: ageing ?unit=", unit=self._below())


class Reviewer(SessionUser):
    """A Development Center reviewer working through the approval queue."""

    fixed_count = int(os.environ.get("LOADTEST_REVIEWERS", "10"))
    wait_time = between(*REVIEWER_WAIT)

    def on_start(self):
        super().on_start()
        self.login(take("reviewer")[1]["username"])

    @task(3)
    def decide(self):
        """Open the queue, pick a request of its first page, read it, decide it."""
        queue = self.page("/approvals/queue/", "page: approval queue")
        ids = REQUEST_LINK.findall(queue.text or "")
        if not ids:
            tally["queue_empty"] += 1
            return
        pk = random.choice(ids)
        self.page(f"/approvals/{pk}/", "page: approval detail")
        move = random.choices(("approve", "return", "reject"), weights=(75, 20, 5))[0]
        comment = {"approve": "同意。", "return": "请补充说明后重新提交。", "reject": "不符合要求，驳回。"}[move]
        with self.client.post(
            f"/approvals/{pk}/",
            data={"move": move, "comment": comment, "csrfmiddlewaretoken": self.csrf()},
            headers={"Referer": f"{self.origin}/approvals/{pk}/"},
            name="page: approval decide",
            allow_redirects=False,
            catch_response=True,
            timeout=TIMEOUT,
        ) as response:
            if response.status_code == 302:
                tally["decisions"][move] += 1
            elif response.status_code == 409:
                # Another reviewer decided it first: the service's clean refusal, expected with ten in one queue.
                tally["races"] += 1
                response.success()
            else:
                response.failure(f"decision on {pk} answered {response.status_code}")

    @task(1)
    def browse(self):
        """The queue filtered by kind, and the list of all requests."""
        self.page("/approvals/queue/", "page: approval queue ?kind=", kind=random.choice(("report", "contract_filing")))
        self.page("/approvals/", "page: approvals list")
