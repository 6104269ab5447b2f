"""`manage.py loadtest_prepare`: the people, keys and pending approvals the load test (loadtest/locustfile.py,
scripts/loadtest) needs on a seed_scale data set, written to a JSON file the locustfile reads.

seed_scale makes sales reps without logins and four bench logins; the load test needs 200 managers who log in
through the login page, 10 Development Center reviewers and 20 branch systems with API keys. This command makes
them through the same services as the staff pages (`staff_hire`, `api_key_issue`) and gives every load-test
login one known password (one hash, copied: hashing 210 times would take minutes and prove nothing). It also
tops up the Development Center's queue with pending requests submitted through `request_submit` — a region's
monthly report or contract filing about one of its units (a bare matter, like the demo's) — so ten reviewers
have something to decide for ten minutes.

Safe to run again: people already there are kept (their password set again), earlier load-test keys are
revoked and new ones issued (a key is shown once, so each run needs its own), and the queue is only topped up.
The JSON holds the keys and the password: it is written with mode 0600, outside the repository by the script.
"""

import json
import os
from datetime import date
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from approvals.choices import ApprovalKind, RequestState
from approvals.models import ApprovalRequest
from approvals.services import request_submit
from core.models import ApiKey
from core.rights import SYSTEM
from core.roles import Role
from core.services import api_key_issue, api_key_revoke
from customers.models import Customer
from regions.choices import UnitKind
from regions.models import OrgUnit, StaffProfile
from regions.services import staff_hire

PASSWORD = "loadtest-2026"
MANAGER_PREFIX = "LTM"  # employee numbers LTM001…, logins ltm001…
REVIEWER_PREFIX = "LTR"  # LTR001…, logins ltr001…
KEY_PREFIX = "loadtest "  # API keys named "loadtest <district code>"
TITLE_PREFIX = "[压测] "  # the load test's approval requests, recognisable in the queue
# A region's report or contract filing about one of its units: both go straight to the center's pool when the
# region submits them (Route.CENTER), so each request is one reviewer's decision.
KINDS = {ApprovalKind.REPORT: "月度工作报告", ApprovalKind.CONTRACT_FILING: "年度框架合同备案"}
ROLE_OF_KIND = {
    UnitKind.REGION: Role.REGIONAL_MANAGER,
    UnitKind.PROVINCE: Role.PROVINCIAL_MANAGER,
    UnitKind.DISTRICT: Role.DISTRICT_MANAGER,
}


class Command(BaseCommand):
    help = "Make the load test's managers, reviewers, branch API keys and pending approvals; write them to --out (JSON)."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="the JSON file for the locustfile (holds keys and password)")
        parser.add_argument("--managers", type=int, default=200, help="regional, provincial and district managers")
        parser.add_argument("--reviewers", type=int, default=10, help="Development Center staff deciding in the queue")
        parser.add_argument("--branches", type=int, default=20, help="branch systems: one API key per district")
        parser.add_argument("--requests", type=int, default=600, help="pending requests the center's queue is topped up to")
        parser.add_argument("--password", default=PASSWORD, help="the password of every load-test login")

    def handle(self, *args, out, managers, reviewers, branches, requests, password, **options):
        if not OrgUnit.objects.filter(kind=UnitKind.CENTER).exists():
            raise CommandError("No organisation here: run seed_scale (or load_default_org) first.")
        districts = self._busiest_districts()
        with transaction.atomic():
            manager_rows = self._managers(managers, districts)
            reviewer_rows = self._reviewers(reviewers)
            self._set_password(password, [row["username"] for row in manager_rows + reviewer_rows])
            branch_rows = self._branches(branches, districts)
        pending = self._top_up_queue(requests, manager_rows)
        data = {
            "created_at": timezone.now().isoformat(),
            "password": password,
            "managers": manager_rows,
            "reviewers": reviewer_rows,
            "branches": branch_rows,
            "pending_requests": pending,
        }
        path = Path(out)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, ensure_ascii=False, indent=1)
        self.stdout.write(
            self.style.SUCCESS(
                f"loadtest_prepare: {len(manager_rows)} managers, {len(reviewer_rows)} reviewers, "
                f"{len(branch_rows)} branch keys, {pending} requests waiting at the center → {path}"
            )
        )

    # ------------------------------------------------------------------------------------------ people

    def _busiest_districts(self):
        """Active districts, those with the most customers first (the pages and the branches then have data)."""
        counts = dict(Customer.objects.values_list("district").annotate(n=Count("id")).values_list("district", "n"))
        districts = list(OrgUnit.objects.filter(kind=UnitKind.DISTRICT, is_active=True).order_by("code"))
        return sorted(districts, key=lambda unit: -counts.get(unit.pk, 0))

    def _managers(self, n, districts):
        """`n` managers: one per region, one per province, then district managers of the busiest districts."""
        units = [
            *OrgUnit.objects.filter(kind=UnitKind.REGION, is_active=True).order_by("code"),
            *OrgUnit.objects.filter(kind=UnitKind.PROVINCE, is_active=True).order_by("code"),
            *districts,
        ]
        if not units:
            raise CommandError("No regions, provinces or districts to give managers.")
        rows = []
        for i in range(n):
            unit = units[i % len(units)]
            staff = self._hire(f"{MANAGER_PREFIX}{i + 1:03d}", f"压测经理{i + 1}", unit, ROLE_OF_KIND[unit.kind])
            children = list(OrgUnit.objects.filter(parent=unit, is_active=True).order_by("code").values_list("pk", flat=True))
            rows.append(
                {
                    "username": staff.user.username,
                    "role": staff.role,
                    "unit": staff.unit_id,
                    "region": staff.unit_id if staff.unit.kind == UnitKind.REGION else None,
                    "drill": children[:30],  # the units below, for ?unit= on the dashboard and the ageing page
                }
            )
        return rows

    def _reviewers(self, n):
        center = OrgUnit.objects.get(kind=UnitKind.CENTER)
        rows = []
        for i in range(n):
            staff = self._hire(f"{REVIEWER_PREFIX}{i + 1:03d}", f"压测审核{i + 1}", center, Role.CENTER_STAFF)
            rows.append({"username": staff.user.username})
        return rows

    def _hire(self, employee_no, name, unit, role):
        staff = StaffProfile.objects.select_related("user", "unit").filter(employee_no=employee_no).first()
        if staff is None:
            staff = staff_hire(
                by=SYSTEM,
                employee_no=employee_no,
                name=name,
                unit=unit,
                role=role,
                hire_date=date(2020, 1, 1),
                username=employee_no.lower(),
            )
        if staff.user is None or not staff.is_active:
            raise CommandError(f"{employee_no} exists without a login or has left; remove it or use another database.")
        return staff

    def _set_password(self, password, usernames):
        # One hash for every load-test login: the logins are all checked by the server (PBKDF2), only the
        # preparation skips hashing the same password 210 times.
        get_user_model().objects.filter(username__in=usernames).update(password=make_password(password), is_active=True)

    # ------------------------------------------------------------------------------------------ keys

    def _branches(self, n, districts):
        """Revoke the earlier runs' keys, issue one key for each of the `n` busiest districts."""
        for key in ApiKey.objects.active().filter(name__startswith=KEY_PREFIX):
            api_key_revoke(key=key)
        if n > len(districts):
            raise CommandError(f"Only {len(districts)} districts for {n} branch systems.")
        rows = []
        for unit in districts[:n]:
            _key, raw = api_key_issue(name=f"{KEY_PREFIX}{unit.code}", unit=unit)
            rows.append({"key": raw, "unit": unit.pk, "unit_code": unit.code})
        return rows

    # ------------------------------------------------------------------------------------------ approvals

    def _top_up_queue(self, target, manager_rows):
        """Submit requests until `target` load-test requests wait for the center; returns how many wait."""
        unit_type = ContentType.objects.get_for_model(OrgUnit)
        ours = ApprovalRequest.objects.filter(content_type=unit_type, title__startswith=TITLE_PREFIX)
        pending = ours.filter(state=RequestState.SUBMITTED).count()
        if pending >= target:
            return pending
        submitters = self._region_submitters(manager_rows)
        if not submitters:
            raise CommandError("No load-test regional manager to submit requests: pass --managers 7 or more.")
        # A matter waiting or rejected cannot be submitted again; any other (never submitted, approved, returned) can.
        blocked = set(
            ApprovalRequest.objects.filter(content_type=unit_type, state__in=[RequestState.SUBMITTED, RequestState.REJECTED])
            .values_list("object_id", "kind")
            .distinct()
        )
        subjects = OrgUnit.objects.filter(is_active=True).exclude(kind=UnitKind.CENTER).order_by("depth", "code")
        for subject in list(subjects):
            region = subject if subject.kind == UnitKind.REGION else subject.ancestors().get(kind=UnitKind.REGION)
            user = submitters.get(region.pk)
            if user is None:
                continue
            for kind, what in KINDS.items():
                if pending >= target:
                    return pending
                if (subject.pk, kind) in blocked:
                    continue
                request_submit(
                    subject=subject,
                    kind=kind,
                    unit=region,
                    title=f"{TITLE_PREFIX}{subject.name} {what}",
                    by=user,
                    snapshot={"单位": subject.name, "事项": what, "说明": "压力测试生成的待审批事项"},
                )
                pending += 1
        return pending

    def _region_submitters(self, manager_rows):
        """{region id: the load-test regional manager's user}: a region submits for itself and the units below."""
        User = get_user_model()
        by_name = {row["username"]: row["region"] for row in manager_rows if row["region"]}
        return {region: User.objects.get(username=name) for name, region in by_name.items()}
