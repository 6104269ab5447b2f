"""Writes of appraisal and incentives: schemes (draft, submit, approve, revise, retire), runs (compute and
recompute the scores), manual item scores, incentive schemes and reward proposals.

Keyword-only, atomic, row locks where two people may act at once; refusals are domain errors with a
message in the user's language (core.errors) — never a 500.
"""

from collections import defaultdict
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal.choices import (
    KPI_KINDS,
    AppraisedRole,
    IncentiveSubject,
    ItemKind,
    PeriodKind,
    ProposalState,
    RewardKind,
    SchemeState,
    ScoringRule,
)
from appraisal.models import (
    AppraisalRun,
    AppraisalScheme,
    AppraisalScore,
    IncentiveScheme,
    IncentiveTier,
    RewardProposal,
    ScaleClass,
    SchemeItem,
    ScoreItem,
)
from appraisal.scoring import HUNDRED, clean_tiers, competition_ranks, decimal_in, item_score, rate_of, to_cent, total_score
from approvals.choices import ApprovalKind
from approvals.services import request_submit
from core.errors import Conflict, InvalidInput
from core.money import money, parse_money
from core.periods import Period
from core.periods import parse_input as parse_period
from core.rights import SYSTEM, ensure
from core.roles import Role
from core.scoping import scope_of
from customers.models import Allocation, Invoice
from customers.selectors import allocation_counts_on, invoice_counts_on
from performance.models import MonthlyFact
from plans.choices import Metric
from plans.models import Target
from regions.choices import UnitKind
from regions.models import OrgUnit, StaffProfile
from workflow.models import Task
from workflow.selectors import due_q, on_time_q  # the definitions of workflow's completion rate


def _person(by):
    """Who is recorded as having done it: the person acting; nobody when the system acts (SYSTEM)."""
    return None if by is SYSTEM else by


def _center():
    return OrgUnit.objects.get(kind=UnitKind.CENTER)


# ----------------------------------------------------------------------------------------- schemes


def clean_items(items):
    """Check a scheme's items and return them as dicts ready to save: at least one; each KPI at most once;
    a manual item has a label; weights positive and adding up to exactly 100; tiers well formed."""
    if not isinstance(items, list | tuple) or not items:
        raise InvalidInput(_("Add at least one item to the scheme."), field="items")
    cleaned, seen = [], set()
    for order, raw in enumerate(items):
        if not isinstance(raw, dict):
            raise InvalidInput(_("Each item needs a kind and a weight."), field="items")
        kind = raw.get("kind")
        if kind not in ItemKind.values:
            raise InvalidInput(_("Unknown item kind %(kind)s.") % {"kind": kind}, field="items")
        if kind != ItemKind.MANUAL:
            if kind in seen:
                raise InvalidInput(_("The item %(item)s appears twice.") % {"item": ItemKind(kind).label}, field="items")
            seen.add(kind)
        label = (raw.get("label") or "").strip()[:100]
        if kind == ItemKind.MANUAL and not label:
            raise InvalidInput(_("Name each item the manager scores (e.g. 'team work')."), field="items")
        weight = decimal_in(
            raw.get("weight"),
            field="items",
            low=Decimal("0.01"),
            high=HUNDRED,
            message=_("Each weight is a number above 0 and at most 100."),
        )
        if weight != weight.quantize(Decimal("0.01")):
            raise InvalidInput(_("Each weight is a number above 0 and at most 100."), field="items")
        rule = raw.get("rule") or ScoringRule.LINEAR
        if rule not in ScoringRule.values:
            raise InvalidInput(_("Unknown scoring rule %(rule)s.") % {"rule": rule}, field="items")
        cap = decimal_in(
            raw.get("cap", HUNDRED), field="items", low=Decimal(0), high=Decimal(1000), message=_("The cap is 0 to 1000.")
        )
        tiers = clean_tiers(raw.get("tiers"), field="items") if rule == ScoringRule.TIERS and kind != ItemKind.MANUAL else []
        cleaned.append(
            {
                "kind": kind,
                "label": label,
                "weight": weight,
                "rule": ScoringRule.LINEAR if kind == ItemKind.MANUAL else rule,
                "cap": to_cent(cap),
                "tiers": tiers,
                "order": order,
            }
        )
    total = sum((item["weight"] for item in cleaned), Decimal(0))
    if total != HUNDRED:
        raise InvalidInput(
            _("The weights of a scheme must add up to exactly 100; these add up to %(total)s.") % {"total": total},
            field="items",
        )
    return cleaned


def _clean_scheme_fields(*, name, role, period_kind, valid_from, unit):
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("Give the scheme a name."), field="name")
    if role not in AppraisedRole.values:
        raise InvalidInput(_("Choose the role the scheme applies to."), field="role")
    if period_kind not in PeriodKind.values:
        raise InvalidInput(_("Choose monthly, quarterly or yearly."), field="period_kind")
    if valid_from is None:
        raise InvalidInput(_("Enter the date the scheme is valid from."), field="valid_from")
    if unit is not None and not isinstance(unit, OrgUnit):
        raise InvalidInput(_("Choose an org unit."), field="unit")
    return name[:200]


@transaction.atomic
def scheme_create(*, name, role, period_kind, valid_from, items, by, unit=None, description=""):
    """Draft a new appraisal scheme (the Development Center drafts them)."""
    ensure(by, "appraisal_scheme.draft")
    name = _clean_scheme_fields(name=name, role=role, period_kind=period_kind, valid_from=valid_from, unit=unit)
    cleaned = clean_items(items)
    scheme = AppraisalScheme.objects.create(
        name=name,
        role=role,
        period_kind=period_kind,
        valid_from=valid_from,
        unit=unit,
        description=description or "",
        created_by=_person(by),
    )
    SchemeItem.objects.bulk_create([SchemeItem(scheme=scheme, **item) for item in cleaned])
    return scheme


def _lock_scheme(scheme):
    return AppraisalScheme.objects.select_for_update().get(pk=scheme.pk)


def _require_draft(scheme):
    if scheme.state != SchemeState.DRAFT:
        raise Conflict(
            _("Only a draft scheme can be changed; this one is %(state)s.") % {"state": scheme.get_state_display()},
            field="state",
        )


@transaction.atomic
def scheme_update(*, scheme, by, items=None, **fields):
    """Change a draft: its fields and (given) the whole list of items."""
    ensure(by, "appraisal_scheme.draft", scheme)
    scheme = _lock_scheme(scheme)
    _require_draft(scheme)
    unknown = set(fields) - {"name", "role", "period_kind", "valid_from", "unit", "description"}
    if unknown:
        raise InvalidInput(_("Unknown field."), field=sorted(unknown)[0])
    for key, value in fields.items():
        setattr(scheme, key, value)
    scheme.name = _clean_scheme_fields(
        name=scheme.name, role=scheme.role, period_kind=scheme.period_kind, valid_from=scheme.valid_from, unit=scheme.unit
    )
    scheme.save()
    if items is not None:
        cleaned = clean_items(items)
        scheme.items.all().delete()
        SchemeItem.objects.bulk_create([SchemeItem(scheme=scheme, **item) for item in cleaned])
    return scheme


def scheme_snapshot(*, scheme):
    return {
        "name": scheme.name,
        "role": scheme.role,
        "period_kind": scheme.period_kind,
        "valid_from": scheme.valid_from.isoformat(),
        "unit": scheme.unit_id,
        "version": scheme.version,
        "items": [
            {
                "kind": item.kind,
                "label": item.label,
                "weight": str(item.weight),
                "rule": item.rule,
                "cap": str(item.cap),
                "tiers": item.tiers,
            }
            for item in scheme.items.all()
        ],
    }


@transaction.atomic
def scheme_submit(*, scheme, by):
    """Submit a draft to the Development Center's approval (报发展中心审批)."""
    ensure(by, "appraisal_scheme.submit", scheme)
    scheme = _lock_scheme(scheme)
    _require_draft(scheme)
    clean_items(scheme_snapshot(scheme=scheme)["items"])  # the weights still add up to 100
    request = request_submit(
        subject=scheme,
        kind=ApprovalKind.APPRAISAL_SCHEME,
        unit=scheme.unit or _center(),
        title=_("Appraisal scheme: %(name)s (v%(version)s)") % {"name": scheme.name, "version": scheme.version},
        by=by,
    )
    scheme.state = SchemeState.SUBMITTED
    scheme.submitted_at = request.submitted_at
    scheme.save(update_fields=["state", "submitted_at", "updated_at"])
    return request


def scheme_on_approved(*, scheme):
    """The approval hook (appraisal/approval_subjects.py): the version the scheme revises retires; approvals
    then marks the scheme approved (it applies from now on)."""
    now = timezone.now()
    if scheme.previous_id:
        AppraisalScheme.objects.filter(pk=scheme.previous_id, state=SchemeState.APPROVED).update(
            state=SchemeState.RETIRED, updated_at=now
        )


@transaction.atomic
def scheme_revise(*, scheme, by):
    """A new draft of an approved scheme (the next version, same items); approving it retires this one."""
    ensure(by, "appraisal_scheme.draft", scheme)
    scheme = _lock_scheme(scheme)
    if scheme.state != SchemeState.APPROVED:
        raise Conflict(_("Only an approved scheme is revised; change a draft directly."), field="state")
    if scheme.revisions.filter(state__in=[SchemeState.DRAFT, SchemeState.SUBMITTED]).exists():
        raise Conflict(_("A revision of this scheme is already being drafted."), field="state")
    draft = AppraisalScheme.objects.create(
        name=scheme.name,
        role=scheme.role,
        period_kind=scheme.period_kind,
        valid_from=max(scheme.valid_from, timezone.localdate()),
        unit=scheme.unit,
        description=scheme.description,
        version=scheme.version + 1,
        previous=scheme,
        created_by=_person(by),
    )
    SchemeItem.objects.bulk_create(
        [
            SchemeItem(
                scheme=draft, kind=i.kind, label=i.label, weight=i.weight, rule=i.rule, cap=i.cap, tiers=i.tiers, order=i.order
            )
            for i in scheme.items.all()
        ]
    )
    return draft


@transaction.atomic
def scheme_retire(*, scheme, by):
    ensure(by, "appraisal_scheme.retire", scheme)
    scheme = _lock_scheme(scheme)
    if scheme.state != SchemeState.APPROVED:
        raise Conflict(_("Only an approved scheme can be retired."), field="state")
    scheme.state = SchemeState.RETIRED
    scheme.save(update_fields=["state", "updated_at"])
    return scheme


# ----------------------------------------------------------------------------------------- runs


def _population(scheme, unit):
    """Every active person of the scheme's role inside the unit's subtree (their unit still open)."""
    return list(
        StaffProfile.objects.filter(
            role=scheme.role, is_active=True, unit__is_active=True, unit__path__startswith=unit.path
        ).select_related("unit")
    )


def _peer_unit_id(staff):
    # Salespeople compare within their district; managers with the managers under the same parent unit.
    if staff.role == Role.SALES_REP:
        return staff.unit_id
    return staff.unit.parent_id or staff.unit_id


def compute_figures(*, role, people, unit, period, kinds, today=None):
    """{staff id: {item kind: (target, actual, rate)}} for the KPI kinds asked, from the monthly summaries,
    the current targets, the receivables and the tasks — a fixed number of grouped queries whatever the
    number of people (one per source), never one per person.

    Salespeople are measured on their own figures (targets set to them; facts, invoices and tasks they
    own); managers on their unit's subtree (the unit's targets and facts), and on their own tasks.
    The overdue share is of the open receivable as of the period's end (today, for a running period);
    its rate is 1 − share (no open receivable: 1). A rate is None without a positive target or, for
    tasks, when nothing fell due.
    """
    today = today or timezone.localdate()
    kinds = set(kinds)
    per_person = role == Role.SALES_REP
    ids = {person.pk for person in people}
    paths = {person.pk: person.unit.path for person in people}
    columns = {
        ItemKind.SALES_ATTAINMENT: ("invoiced", Metric.SALES_AMOUNT),
        ItemKind.COLLECTIONS_ATTAINMENT: ("collected", Metric.COLLECTIONS),
        ItemKind.NEW_CUSTOMERS: ("new_customers", Metric.NEW_CUSTOMERS),
    }
    wanted = {kind: columns[kind] for kind in columns if kind in kinds}
    result = {person.pk: {} for person in people}

    def by_prefix(rows, key, fields):
        # Managers: add up the grouped rows (by district path) under each manager's unit path.
        totals = {}
        for person_id, path in paths.items():
            totals[person_id] = {
                f: sum((Decimal(row[f] or 0) for row in rows if row[key].startswith(path)), Decimal(0)) for f in fields
            }
        return totals

    if wanted:
        facts = MonthlyFact.objects.unscoped().filter(
            month__range=(period.start, period.months()[-1].start), district__path__startswith=unit.path
        )
        sums = {column: Sum(column) for column, _metric in wanted.values()}
        if per_person:
            rows = facts.filter(salesperson__isnull=False).values("salesperson_id").annotate(**sums).order_by()
            actuals = {row["salesperson_id"]: row for row in rows}
        else:
            rows = list(facts.values("district__path").annotate(**sums).order_by())
            actuals = by_prefix(rows, "district__path", list(sums))
        targets = defaultdict(dict)
        target_rows = Target.objects.filter(
            is_current=True,
            period=str(period),
            metric__in=[metric for _column, metric in wanted.values()],
            owner_unit__path__startswith=unit.path,
        )
        target_rows = target_rows.filter(staff__isnull=False) if per_person else target_rows.filter(unit__isnull=False)
        people_units = {person.unit_id: person.pk for person in people}
        for target in target_rows.only("metric", "value", "staff_id", "unit_id"):
            owner = target.staff_id if per_person else people_units.get(target.unit_id)
            if owner in ids:
                targets[owner][target.metric] = target.value
        for person in people:
            for kind, (column, metric) in wanted.items():
                actual = Decimal((actuals.get(person.pk) or {}).get(column) or 0).quantize(Decimal("0.01"))
                target = targets[person.pk].get(metric)
                result[person.pk][kind] = (target, actual, rate_of(actual, target))

    if ItemKind.OVERDUE_SHARE in kinds:
        as_of = min(period.end, today)
        key = "salesperson_id" if per_person else "district__path"
        invoices = Invoice.objects.unscoped().filter(invoice_counts_on(as_of), district__path__startswith=unit.path)
        allocations = Allocation.objects.unscoped().filter(
            allocation_counts_on(as_of),
            invoice_counts_on(as_of, prefix="invoice__"),
            invoice__district__path__startswith=unit.path,
        )
        overdue = Q(due_date__lt=as_of)
        inv = invoices.values(key).annotate(total=Sum("amount"), overdue=Sum("amount", filter=overdue)).order_by()
        alloc_key = "invoice__" + key
        alc = (
            allocations.values(alloc_key)
            .annotate(total=Sum("amount"), overdue=Sum("amount", filter=Q(invoice__due_date__lt=as_of)))
            .order_by()
        )
        if per_person:
            inv_by = {row[key]: row for row in inv}
            alc_by = {row[alloc_key]: row for row in alc}
        else:
            inv_by = by_prefix(list(inv), key, ["total", "overdue"])
            alc_by = by_prefix(list(alc), alloc_key, ["total", "overdue"])
        for person in people:
            i, a = inv_by.get(person.pk) or {}, alc_by.get(person.pk) or {}
            open_total = Decimal(i.get("total") or 0) - Decimal(a.get("total") or 0)
            open_overdue = Decimal(i.get("overdue") or 0) - Decimal(a.get("overdue") or 0)
            share = rate_of(open_overdue, open_total) if open_total > 0 else Decimal("0.0000")
            result[person.pk][ItemKind.OVERDUE_SHARE] = (money(open_total), money(open_overdue), share)

    if ItemKind.TASK_COMPLETION in kinds:
        rows = (
            Task.objects.unscoped()
            .filter(owner__role=role, owner__unit__path__startswith=unit.path)
            .values("owner_id")
            .annotate(due=Count("pk", filter=due_q(period, today)), done=Count("pk", filter=on_time_q(period, today)))
            .order_by()
        )
        tasks = {row["owner_id"]: row for row in rows}
        for person in people:
            row = tasks.get(person.pk) or {"due": 0, "done": 0}
            due, done = Decimal(row["due"]), Decimal(row["done"])
            result[person.pk][ItemKind.TASK_COMPLETION] = (due, done, rate_of(done, due))
    return result


def scored_rate(kind, rate):
    """The rate an item scores: the overdue share counts the other way round (less is better)."""
    if kind == ItemKind.OVERDUE_SHARE and rate is not None:
        return max(Decimal(0), Decimal(1) - rate)
    return rate


def _check_run_input(*, scheme, period, unit):
    if scheme.state != SchemeState.APPROVED:
        raise Conflict(
            _("Only an approved scheme scores anyone; this one is %(state)s.") % {"state": scheme.get_state_display()},
            field="scheme",
        )
    period = parse_period(period, begun=True)
    if period.kind != scheme.period_kind:
        raise InvalidInput(
            _("This scheme is %(kind)s: choose a period of that kind (e.g. %(example)s).")
            % {
                "kind": scheme.get_period_kind_display(),
                "example": str(Period.of(timezone.localdate(), scheme.period_kind).previous()),
            },
            field="period",
        )
    if period.end < scheme.valid_from:
        raise InvalidInput(
            _("The scheme is valid from %(date)s; %(period)s ends before that.") % {"date": scheme.valid_from, "period": period},
            field="period",
        )
    if scheme.unit is not None and not unit.path.startswith(scheme.unit.path):
        raise InvalidInput(_("The scheme does not apply to %(unit)s.") % {"unit": unit.name}, field="unit")
    return period


@transaction.atomic
def run_compute(*, scheme, period, by, unit=None, today=None):
    """Score every active person of the scheme's role inside `unit` (default: the scheme's unit or the
    whole company) for the period; run again, it recomputes the same run. Returns the run.

    Computed in a constant number of queries (compute_figures, plus the run's existing rows read once
    and written in bulk). A recomputation replaces the computed figures and keeps the manual scores and
    comments; people who left the population lose their row, newcomers get one.
    """
    ensure(by, "appraisal_run.compute", scheme)
    unit = unit or scheme.unit or _center()
    if by is not SYSTEM and not scope_of(by).covers_path(unit.path):
        raise InvalidInput(_("Choose an org unit inside your scope."), field="unit")
    period = _check_run_input(scheme=scheme, period=period, unit=unit)
    try:
        with transaction.atomic():
            run, _created = AppraisalRun.objects.get_or_create(scheme=scheme, period=str(period), unit=unit)
    except IntegrityError:
        run = AppraisalRun.objects.get(scheme=scheme, period=str(period), unit=unit)
    # Serialises two computations of the same run (a task and a button): the second waits.
    run = AppraisalRun.objects.select_for_update(of=("self",)).select_related("scheme", "unit").get(pk=run.pk)
    _compute(run, by=by, today=today)
    return run


def run_recompute(*, run, by, today=None):
    return run_compute(scheme=run.scheme, period=run.period, unit=run.unit, by=by, today=today)


def _compute(run, *, by, today):
    scheme = run.scheme
    items = list(scheme.items.all())
    people = _population(scheme, run.unit)
    figures = compute_figures(
        role=scheme.role,
        people=people,
        unit=run.unit,
        period=run.period,
        kinds=[item.kind for item in items if item.kind in KPI_KINDS],
        today=today,
    )
    existing = {score.staff_id: score for score in AppraisalScore.objects.filter(run=run)}
    existing_items = {(row.score_id, row.item_id): row for row in ScoreItem.objects.filter(score__run=run)}

    # Totals first (ranks need all of them), then write.
    totals, lines = {}, {}
    for person in people:
        person_lines = []
        score = existing.get(person.pk)
        for item in items:
            kept = existing_items.get((score.pk, item.pk)) if score is not None else None
            if item.is_manual:
                manual = kept.manual_score if kept is not None else None
                person_lines.append((item, None, None, None, manual))
            else:
                target, actual, rate = figures[person.pk].get(item.kind, (None, None, None))
                value = item_score(rule=item.rule, rate=scored_rate(item.kind, rate), cap=item.cap, tiers=item.tiers)
                person_lines.append((item, target, actual, rate, value))
        lines[person.pk] = person_lines
        totals[person.pk] = total_score([(line[0].weight, line[4]) for line in person_lines])

    codes = {person.pk: person.employee_no for person in people}
    company = competition_ranks([(p.pk, totals[p.pk]) for p in people], key=lambda row: (-row[1], codes[row[0]]))
    groups = defaultdict(list)
    for person in people:
        groups[_peer_unit_id(person)].append((person.pk, totals[person.pk]))
    peers = {}
    for rows in groups.values():
        peers.update(competition_ranks(rows, key=lambda row: (-row[1], codes[row[0]])))

    new_scores, changed_scores = [], []
    for person in people:
        fields = {
            "unit_id": person.unit_id,
            "peer_unit_id": _peer_unit_id(person),
            "total": totals[person.pk],
            "rank_peers": peers[person.pk],
            "rank_company": company[person.pk],
        }
        score = existing.get(person.pk)
        if score is None:
            new_scores.append(AppraisalScore(run=run, staff_id=person.pk, **fields))
        else:
            for key, value in fields.items():
                setattr(score, key, value)
            changed_scores.append(score)
    gone = [score.pk for staff_id, score in existing.items() if staff_id not in totals]
    if gone:
        AppraisalScore.objects.filter(pk__in=gone).delete()
    AppraisalScore.objects.bulk_create(new_scores)
    AppraisalScore.objects.bulk_update(changed_scores, ["unit_id", "peer_unit_id", "total", "rank_peers", "rank_company"])

    by_staff = {score.staff_id: score for score in [*new_scores, *changed_scores]}
    new_items, changed_items = [], []
    for person in people:
        score = by_staff[person.pk]
        for item, target, actual, rate, value in lines[person.pk]:
            row = existing_items.get((score.pk, item.pk))
            if row is None:
                new_items.append(ScoreItem(score=score, item=item, target=target, actual=actual, rate=rate, item_score=value))
            elif not item.is_manual:
                row.target, row.actual, row.rate, row.item_score = target, actual, rate, value
                changed_items.append(row)
    ScoreItem.objects.bulk_create(new_items)
    ScoreItem.objects.bulk_update(changed_items, ["target", "actual", "rate", "item_score"])

    run.computed_at = timezone.now()
    run.computed_by = _person(by)
    run.people = len(people)
    run.save(update_fields=["computed_at", "computed_by", "people"])


def _rank_run(run):
    """Re-total and re-rank a run after a manual score changed (its items are read in one query)."""
    scores = list(AppraisalScore.objects.filter(run=run).select_related("staff"))
    rows = defaultdict(list)
    for line in ScoreItem.objects.filter(score__run=run).select_related("item"):
        rows[line.score_id].append((line.item.weight, line.item_score))
    for score in scores:
        score.total = total_score(rows[score.pk])
    codes = {score.pk: score.staff.employee_no for score in scores}
    company = competition_ranks([(s.pk, s.total) for s in scores], key=lambda row: (-row[1], codes[row[0]]))
    groups = defaultdict(list)
    for score in scores:
        groups[score.peer_unit_id].append((score.pk, score.total))
    by_pk = {score.pk: score for score in scores}
    for group in groups.values():
        for score_id, rank in competition_ranks(group, key=lambda row: (-row[1], codes[row[0]])).items():
            by_pk[score_id].rank_peers = rank
    for score in scores:
        score.rank_company = company[score.pk]
    AppraisalScore.objects.bulk_update(scores, ["total", "rank_peers", "rank_company"])


@transaction.atomic
def score_manual_set(*, score_item, manual_score, comment="", by):
    """A manager scores a manual item (0 to 100) with a comment; the person's total and the ranks follow."""
    related = ("item", "score__run__scheme", "score__unit")
    run_id = ScoreItem.objects.filter(pk=score_item.pk).values_list("score__run_id", flat=True).first()
    # The run first, then the line: the order a computation takes, so the two never wait on each other.
    AppraisalRun.objects.select_for_update().filter(pk=run_id).first()
    line = ScoreItem.objects.select_for_update(of=("self",)).select_related(*related).get(pk=score_item.pk)
    if not line.item.is_manual:
        raise InvalidInput(_("This item is computed from the facts; only manual items are scored by hand."), field="item")
    ensure(by, "appraisal.score", line.score)
    value = decimal_in(
        manual_score, field="manual_score", low=Decimal(0), high=HUNDRED, message=_("Enter a score from 0 to 100.")
    )
    line.manual_score = line.item_score = to_cent(value)
    line.comment = (comment or "").strip()
    line.scored_by = _person(by)
    line.scored_at = timezone.now()
    line.save(update_fields=["manual_score", "item_score", "comment", "scored_by", "scored_at"])
    _rank_run(line.score.run)
    return line


# ----------------------------------------------------------------------------------------- incentives


@transaction.atomic
def incentive_scheme_create(*, name, subject, valid_from, classes, by, unit=None):
    """An incentive scheme with its scale classes and, per class, attainment tiers.

    `classes`: [{"name", "min_sales", "tiers": [{"min_attainment", "bonus_rate", "fixed_amount"}]}]; the
    first class starts at 0 (every subject falls in some class); thresholds rise."""
    ensure(by, "incentive_scheme.set")
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("Give the scheme a name."), field="name")
    if subject not in IncentiveSubject.values:
        raise InvalidInput(_("Choose whom the scheme pays."), field="subject")
    if valid_from is None:
        raise InvalidInput(_("Enter the date the scheme is valid from."), field="valid_from")
    if not isinstance(classes, list | tuple) or not classes:
        raise InvalidInput(_("Add at least one scale class."), field="classes")
    scheme = IncentiveScheme.objects.create(
        name=name[:200], subject=subject, valid_from=valid_from, unit=unit, created_by=_person(by)
    )
    last = None
    for raw in classes:
        if not isinstance(raw, dict) or not str(raw.get("name") or "").strip():
            raise InvalidInput(_("Each scale class needs a name."), field="classes")
        threshold = parse_money(raw.get("min_sales", 0), field="classes", message=_("Enter the thresholds as amounts from 0 up."))
        if (last is None and threshold != 0) or (last is not None and threshold <= last):
            raise InvalidInput(_("Scale classes start at 0 and their thresholds rise (small, medium, large)."), field="classes")
        last = threshold
        scale = ScaleClass.objects.create(scheme=scheme, name=str(raw["name"]).strip()[:50], min_sales=threshold)
        tiers = raw.get("tiers") or []
        previous = None
        for tier in tiers:
            if not isinstance(tier, dict):
                raise InvalidInput(_("Each tier needs an attainment threshold and a bonus."), field="classes")
            start = decimal_in(
                tier.get("min_attainment"),
                field="classes",
                low=Decimal(0),
                high=Decimal(10000),
                message=_("Each tier needs an attainment threshold and a bonus."),
            )
            if previous is not None and start <= previous:
                raise InvalidInput(_("The attainment thresholds of a class rise."), field="classes")
            previous = start
            rate = decimal_in(
                tier.get("bonus_rate", 0),
                field="classes",
                low=Decimal(0),
                high=HUNDRED,
                message=_("A bonus rate is 0 to 100 percent."),
            )
            fixed = parse_money(tier.get("fixed_amount", 0), field="classes", message=_("A fixed bonus is not negative."))
            IncentiveTier.objects.create(
                scale_class=scale, min_attainment=to_cent(start), bonus_rate=rate.quantize(Decimal("0.0001")), fixed_amount=fixed
            )
    return scheme


# ----------------------------------------------------------------------------------------- rewards


def _clean_reward(*, kind, unit, staff, period, amount, reason, by):
    if kind not in RewardKind.values:
        raise InvalidInput(_("Choose a reward or a special award."), field="kind")
    if not isinstance(unit, OrgUnit):
        raise InvalidInput(_("Choose an org unit."), field="unit")
    scope = scope_of(by)
    if not scope.covers_path(unit.path):
        raise InvalidInput(_("Choose an org unit inside your scope."), field="unit")
    if staff is not None:
        if not isinstance(staff, StaffProfile) or not staff.is_active:
            raise InvalidInput(_("Choose a staff member in service."), field="staff")
        if not scope.covers_path(staff.unit.path):
            raise InvalidInput(_("Choose a staff member inside your scope."), field="staff")
        if staff.unit_id != unit.pk:
            raise InvalidInput(
                _("The staff member works in %(unit)s: choose that unit.") % {"unit": staff.unit.name}, field="unit"
            )
        mine = getattr(by, "staff_profile", None)
        if mine is not None and mine.pk == staff.pk:
            raise InvalidInput(_("You cannot propose a reward for yourself."), field="staff")
    period = parse_period(period, begun=True)
    amount = parse_money(amount, field="amount", positive=True, message=_("Enter an amount above 0, e.g. 5000.00."))
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Say why the reward is proposed."), field="reason")
    return period, amount, reason


@transaction.atomic
def reward_propose(*, kind, unit, period, amount, reason, by, staff=None):
    """Draft a reward or special award for a unit or a person inside the proposer's scope."""
    ensure(by, "reward.propose")
    period, amount, reason = _clean_reward(kind=kind, unit=unit, staff=staff, period=period, amount=amount, reason=reason, by=by)
    return RewardProposal.objects.create(
        kind=kind, unit=unit, staff=staff, period=str(period), amount=amount, reason=reason, proposed_by=_person(by)
    )


@transaction.atomic
def reward_update(*, proposal, by, **fields):
    ensure(by, "reward.propose", proposal)
    proposal = RewardProposal.objects.select_for_update().get(pk=proposal.pk)
    if not proposal.is_editable:
        raise Conflict(
            _("Only a draft proposal can be changed; this one is %(state)s.") % {"state": proposal.get_state_display()},
            field="state",
        )
    unknown = set(fields) - {"kind", "unit", "staff", "period", "amount", "reason"}
    if unknown:
        raise InvalidInput(_("Unknown field."), field=sorted(unknown)[0])
    values = {
        "kind": proposal.kind,
        "unit": proposal.unit,
        "staff": proposal.staff,
        "period": str(proposal.period),
        "amount": proposal.amount,
        "reason": proposal.reason,
        **fields,
    }
    period, amount, reason = _clean_reward(by=by, **values)
    proposal.kind, proposal.unit, proposal.staff = values["kind"], values["unit"], values["staff"]
    proposal.period, proposal.amount, proposal.reason = str(period), amount, reason
    proposal.save()
    return proposal


@transaction.atomic
def reward_submit(*, proposal, by):
    """Submit the proposal to the approvals chain (the center; above the threshold the director last)."""
    ensure(by, "reward.propose", proposal)
    proposal = RewardProposal.objects.select_for_update(of=("self",)).select_related("unit", "staff").get(pk=proposal.pk)
    if not proposal.is_editable:
        raise Conflict(
            _("Only a draft proposal can be submitted; this one is %(state)s.") % {"state": proposal.get_state_display()},
            field="state",
        )
    who = proposal.staff.name if proposal.staff_id else proposal.unit.name
    request = request_submit(
        subject=proposal,
        kind=ApprovalKind.REWARD_PROPOSAL,
        unit=proposal.unit,
        title=_("%(kind)s for %(who)s, %(period)s")
        % {"kind": proposal.get_kind_display(), "who": who, "period": proposal.period},
        by=by,
        amount=proposal.amount,
    )
    proposal.state = ProposalState.SUBMITTED
    proposal.submitted_at = request.submitted_at
    proposal.save(update_fields=["state", "submitted_at"])
    return request
