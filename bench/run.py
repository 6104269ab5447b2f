"""Benchmark harness: each hot path side by side with its oracle, the best hand-written SQL for the
same numbers, on the same connection. Checks that both agree to the cent, prints median times and the
ratio, and writes the results as JSON.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/regsales_bench .venv/bin/python bench/run.py

Run `manage.py seed_scale --scale large` on that database first. Not part of the test suite. With
`--replica` (and DATABASE_REPLICA_URL naming a streaming replica of that database) the read rows — ageing,
pages, lists, attainment, reports, dashboards — run on the replica, both sides, as production reads them.
"""

import argparse
import json
import os
import platform
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
os.environ.setdefault("DJANGO_DEBUG", "false")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench import cases  # noqa: E402
from core.db_router import read_connection, replica_configured, use_replica  # noqa: E402


def timed(fn, repeat):
    fn()  # warm-up: caches, plans
    times = []
    result = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return result, times


def machine():
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
        settings_shown = {}
        for name in ("jit", "work_mem", "shared_buffers", "max_parallel_workers_per_gather"):
            cursor.execute(f"SHOW {name}")
            settings_shown[name] = cursor.fetchone()[0]
    return {
        "cpu": platform.processor() or platform.machine(),
        "cores": os.cpu_count(),
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30),
        "python": platform.python_version(),
        "postgresql": pg,
        # The settings the figures depend on (jit costs 0.1–0.7 s per large report statement when on).
        "postgresql_settings": settings_shown,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", default="", help="run the cases whose name contains this text")
    parser.add_argument("--json", default=str(ROOT / "bench" / "results" / "latest.json"))
    parser.add_argument(
        "--replica",
        action="store_true",
        help="run the read rows (both sides) on the replica of DATABASE_REPLICA_URL, as production reads them",
    )
    args = parser.parse_args()
    if args.replica and not replica_configured():
        sys.exit("--replica needs DATABASE_REPLICA_URL: a streaming replica of the seed_scale database.")
    if connection.vendor != "postgresql":
        sys.exit("The benchmark runs on PostgreSQL: set DATABASE_URL to the seed_scale database.")
    settings.DEBUG = False
    context = cases.Context.build()
    print(f"data: {context.counts}")
    print(f"machine: {machine()}")
    results = []
    header = f"{'hot path':<34} {'ours':>11} {'oracle':>11} {'ratio':>7} {'target':>14}  agree  note"
    print(header)
    print("-" * len(header))
    for case in cases.CASES:
        if args.only and args.only not in case.name:
            continue
        row = {"name": case.name, "target": case.target, "unit": case.unit}
        if case.missing:
            row.update({"status": "not built", "note": case.missing})
            print(f"{case.name:<34} {'—':>11} {'—':>11} {'—':>7} {case.target:>14}  —      {case.missing}")
            results.append(row)
            continue
        with use_replica(args.replica and case.reads):
            ours_fn, oracle_fn, compare = case.prepare(context)
            with CaptureQueriesContext(read_connection()) as queries:
                ours_result, ours_times = timed(ours_fn, args.repeat)
            oracle_result, oracle_times = timed(oracle_fn, args.repeat)
        agree, note = compare(ours_result, oracle_result)
        ours_value = case.value(ours_times, ours_result)
        oracle_value = case.value(oracle_times, oracle_result)
        ratio = case.ratio(ours_value, oracle_value)
        row.update(
            {
                "ours": ours_value,
                "oracle": oracle_value,
                "ratio": ratio,
                "agree": agree,
                "note": note,
                "queries_per_call": len(queries) // (args.repeat + 1),
                "database": "replica" if args.replica and case.reads else "primary",
                "ours_times_s": ours_times,
                "oracle_times_s": oracle_times,
            }
        )
        results.append(row)
        fmt = case.fmt
        print(
            f"{case.name:<34} {fmt(ours_value):>11} {fmt(oracle_value):>11} {ratio:>6.2f}× {case.target:>14}  "
            f"{'yes' if agree else 'NO':<5}  {note}"
        )
        reset_queries()
    out = {"when": date.today().isoformat(), "machine": machine(), "data": context.counts, "results": results}
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(
        json.dumps(out, indent=1, default=lambda v: str(v) if isinstance(v, Decimal) else v, ensure_ascii=False)
    )
    print(f"\nwritten to {args.json}")


if __name__ == "__main__":
    main()
