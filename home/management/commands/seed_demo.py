from django.core.management.base import BaseCommand
from django.utils import translation

from appraisal.demo import load_demo_appraisal
from budgets.demo import load_demo_budgets
from channels.demo import load_demo_channels
from channels.demo_contracts import load_demo_contracts
from channels.demo_expansion import load_demo_expansion
from channels.demo_promotion import load_demo_promotion
from customers.demo import load_demo_customers
from dashboard.demo import load_demo_dashboard
from performance.demo import load_demo_performance
from plans.demo import load_demo_plans
from regions.demo import DEMO_PASSWORD, load_demo_company
from relations.demo_complaints import load_demo_complaints
from relations.demo_keycust import load_demo_keycust
from relations.demo_market import load_demo_market
from relations.demo_visits import load_demo_visits
from reports.demo import load_demo_reports
from reports.demo_market import load_demo_market_reports
from risk.demo import load_demo_events, load_demo_improvement
from risk.demo_credit import load_demo_credit
from risk.demo_ratings import load_demo_ratings
from risk.demo_warnings import load_demo_warnings
from risk.demo_write_offs import load_demo_write_offs
from risk.forecast_demo import load_demo_forecasts
from team.demo_promo import load_demo_promo
from team.demo_recruit import load_demo_recruit
from team.demo_training import load_demo_training
from workflow.demo import load_demo_workflow


class Command(BaseCommand):
    help = (
        "Load the demo company (organisation, managers, sales staff, customers and their sales ledger) and print the demo logins."
    )

    @staticmethod
    def _later_loaders():
        return [
            ("计划与审批 / plans and approvals", load_demo_plans),
            # The channel archive: channels opened over 24 months and moved to every state (new channels per month).
            ("渠道档案 / channel archive", load_demo_channels),
            # After the archive: each region's channel-expansion plan sets the year's new-channels targets, some
            # districts ahead of the pace of the year's contracted channels, some behind (the warnings below read them).
            ("渠道拓展计划 / channel expansion", load_demo_expansion),
            # Contracts with the customers and channels in every state; the reminder job runs once as of today.
            ("合同 / contracts", load_demo_contracts),
            ("任务 / tasks", load_demo_workflow),
            ("费用预算 / budgets", load_demo_budgets),
            # After the channels, the ledger and the budgets (an event's expense is one): materials and events.
            ("推广活动与推广用品 / promotion", load_demo_promotion),
            # Special events in each state (one closed last month, so last month's report lists it).
            ("突发事件 / special events", load_demo_events),
            # Bad debts: a write-off posted and one waiting, before the summaries and snapshots that count it.
            ("坏账核销 / write-offs", load_demo_write_offs),
            # Last: the monthly summaries are built from every fact loaded above.
            ("业绩汇总 / summaries", load_demo_performance),
            # After the summaries (the flags and the plan's actuals read them): one improvement plan in progress.
            ("整改 / improvement plans", load_demo_improvement),
            # The dashboard's receivables snapshots (latest and 24 month ends) and month × district totals.
            ("驾驶舱快照 / dashboard snapshots", load_demo_dashboard),
            # After the summaries: appraisal runs read them.
            ("绩效考核与激励 / appraisal", load_demo_appraisal),
            # After the appraisal: the staff ratings read the appraisal scores.
            ("信誉评级 / credit ratings", load_demo_ratings),
            # Complaints in every state (issue 18), some escalated: before the reports (their complaints section)
            # and the warnings (complaint spikes).
            ("客户投诉 / complaints", load_demo_complaints),
            # After the summaries and the targets: reports are built from them.
            ("业务报告 / business reports", load_demo_reports),
            # Foresight: the default-risk model trained on the demo ledger (or its refusal stored) and scored.
            ("提前预见 / foresight", load_demo_forecasts),
            # Customer visits (issue 18): six months of them, some customers overdue (before the warning run).
            # (load_demo_visits returns how many visits it wrote; the loop below reads a dict of counts.)
            ("客户走访 / customer visits", lambda: {"visits": load_demo_visits()}),
            # After the summaries (DSO, attainment) and the ledger: the warning rules run once as of today.
            ("预警 / early warnings", load_demo_warnings),
            # After the ratings (grade D holds) and the ledger (caps from what each unit owes): credit control.
            ("信用控制 / credit control", load_demo_credit),
            # Key customers, their long-term plans (reviews read the ledger) and suggestions (issue 18).
            ("重点客户与建议 / key customers and suggestions", load_demo_keycust),
            # Market intelligence (issue 18): reports across regions and competitors; then one raised as a special
            # event and last month's market-information reports built (one submitted).
            ("市场信息 / market intelligence", load_demo_market),
            ("市场信息月报 / market-information reports", load_demo_market_reports),
            # Recruitment (issue 19): headcount requests through the chain, vacancies, candidates, one hire.
            ("招聘 / recruitment", load_demo_recruit),
            # Training: the catalogue, past sessions with scores, coming ones, some people overdue (issue 19).
            ("培训 / training", load_demo_training),
            # Capability assessment and promotion recommendations (issue 19), on the people and appraisal above.
            ("能力评估与晋升建议 / capability and promotions", load_demo_promo),
        ]

    # --ledger-only (the restore drill in CI, scripts/test): the people, the customers' ledger, the channels whose
    # sales the channel summaries count, the write-offs (allocations of their own kind) and the summaries built
    # from them — what the ledger checks read, in about a quarter of the full demo's time.
    LEDGER_LOADERS = (load_demo_channels, load_demo_write_offs, load_demo_performance)

    def add_arguments(self, parser):
        parser.add_argument(
            "--ledger-only", action="store_true", help="only the organisation, the ledger, channels, write-offs and summaries"
        )

    def handle(self, *args, **options):
        translation.activate("zh-hans")
        logins = load_demo_company()
        # After the people: customers are served by the sales staff just loaded. Idempotent like the above.
        counts = load_demo_customers()
        if counts["customers"]:
            self.stdout.write(
                f"客户 / customers: {counts['customers']}, 发票 / invoices: {counts['invoices']}, 回款 / payments: {counts['payments']}"
            )
        # Plans (and their approvals), tasks and budgets read the people and the facts loaded above.
        loaders = self._later_loaders()
        if options.get("ledger_only"):
            loaders = [(label, load) for label, load in loaders if load in self.LEDGER_LOADERS]
        for label, load in loaders:
            counts = load()
            if counts and any(counts.values()):
                self.stdout.write(f"{label}: " + ", ".join(f"{key} {value}" for key, value in counts.items()))
        self.stdout.write(self.style.SUCCESS("演示数据已就绪 / Demo data loaded."))
        self.stdout.write(f"演示账号 / Demo logins (password 密码: {DEMO_PASSWORD}):")
        for username, role, unit in logins:
            self.stdout.write(f"  {username:<14} {role}  {unit}")
