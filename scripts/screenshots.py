"""Take the screenshots of docs/ (docs/UI_PATTERNS.md says how to run it: `scripts/screenshots`).

A throw-away SQLite database gets the demo (`manage.py seed_demo`, a few minutes), a development server is
started on a free port, and headless Chromium (the system one, like the browser tests) logs in as the demo
personas and takes:

  dashboard_<persona>.png   each role's landing page (the dashboard; the salesperson's home)  1440 px
  approval_decision.png     the decision screen of the oldest request in the director's queue  1440 px
  home_sales_390.png        the salesperson's home at a phone's width                         390 px
  pattern_*.png             the UI patterns (templates/inc/*.html rendered with sample figures)

PNGs are kept under ~300 KB: the page is cut at a screen's height or two, and a larger file is reduced to
256 colours (Pillow) — text stays sharp.

Options: --out DIR (default docs/screenshots), --db FILE (start from a copy of a database that already
holds the demo, skipping the seeding), --keep (keep the throw-away directory), --only NAME… (take only
these, e.g. --only dashboard_director pattern_kpi_card).
"""

import argparse
import io
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable
PERSONAS = ["director", "center", "rm_east", "pm_zhejiang", "dm_hangzhou", "rep_hangzhou"]
PASSWORD = "demo-2026"
MAX_BYTES = 300_000
DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(args, env):
    print("$", " ".join(args), flush=True)
    subprocess.run(args, cwd=ROOT, env=env, check=True)


def wait_for(url, seconds=120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the server did not answer at {url} within {seconds} s")


def save(png_bytes, path):
    """Write the PNG, reduced to 256 colours (and then narrowed) when it is larger than MAX_BYTES."""
    data = png_bytes
    if len(data) > MAX_BYTES:
        from PIL import Image  # lazy: only the screenshot script needs Pillow's quantiser

        image = Image.open(io.BytesIO(data)).convert("RGB")
        for scale in (1, 0.85, 0.7, 0.55):
            candidate = image if scale == 1 else image.resize((int(image.width * scale), int(image.height * scale)))
            buffer = io.BytesIO()
            candidate.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(buffer, "PNG", optimize=True)
            data = buffer.getvalue()
            if len(data) <= MAX_BYTES:
                break
    path.write_bytes(data)
    print(f"  {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}  {len(data) // 1024} KB", flush=True)


def shot(page, path, *, max_height=1800):
    """The page from the top, at most `max_height` px of it (the whole page when shorter)."""
    height = min(page.evaluate("document.documentElement.scrollHeight"), max_height)
    width = page.viewport_size["width"]
    save(page.screenshot(clip={"x": 0, "y": 0, "width": width, "height": height}, full_page=True), path)


def log_in(page, base, username):
    page.goto(f"{base}/login/")
    form = page.locator("main form[method=post]")
    form.locator("input[name=username]").fill(username)
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"{base}/")


def settle(page):
    """Let the charts draw (ECharts animates) before the picture."""
    try:
        page.wait_for_load_state("networkidle", timeout=10_000)
    except Exception:  # a page that keeps a connection open is still worth its picture
        pass
    page.wait_for_timeout(1200)


# --- the pattern sheets: the includes of templates/inc/ rendered with sample figures -------------------------


def pattern_sheets():
    """{name: HTML body} of each pattern, rendered by Django from the real includes (no database needed)."""
    import django
    from django.template.loader import render_to_string
    from django.utils import translation

    django.setup()
    from decimal import Decimal

    with translation.override("zh-hans"):
        from django.utils.translation import gettext as _

        header = render_to_string(
            "inc/page_header.html",
            {
                "title": _("Receivables"),
                "subtitle": "华东大区及下级单位",
                "period": "截至 2026-12-04",
                "actions": "inc/samples/page_actions.html",
            },
        )
        cards = "".join(
            '<div class="col-6 col-lg-3">' + render_to_string("inc/kpi_card.html", context) + "</div>"
            for context in [
                {
                    "label": "本月销售额",
                    "value": "832.96 万",
                    "comparison": "目标",
                    "compare_value": "1,000.00 万",
                    "rate": Decimal("83.296"),
                },
                {
                    "label": "本月回款额",
                    "value": "512.40 万",
                    "comparison": "去年同期",
                    "compare_value": "468.10 万",
                    "trend": "up",
                },
                {"label": "逾期应收占比", "value": "12.6%", "comparison": "警戒线", "compare_value": "10.0%", "trend": "down"},
                {"label": "本月新增客户", "value": "18", "note": "首张发票在本月的客户"},
            ]
        )
        table = render_to_string("inc/samples/table.html", {})
        empty = render_to_string(
            "inc/empty_state.html",
            {
                "what": "本月尚未设定目标。",
                "who": "省级经理在本省的年度营销计划中分解月度目标（计划 › 目标）。",
                "link_url": "#",
                "link_label": "查看计划",
            },
        )
    return {
        "pattern_page_header": header + '<div class="card"><div class="card-body text-body-secondary small">…</div></div>',
        "pattern_kpi_card": f'<div class="row g-3">{cards}</div>',
        "pattern_table": table,
        "pattern_empty_state": f'<div class="card">{empty}</div>',
    }


def sheet_html(base, body):
    return (
        '<!doctype html><html lang="zh-hans"><head><meta charset="utf-8">'
        f'<link rel="stylesheet" href="{base}/static/vendor/bootstrap/css/bootstrap.min.css">'
        f'<link rel="stylesheet" href="{base}/static/css/app.css"></head>'
        f'<body><main class="container-fluid py-3 px-4"><div id="sheet" class="p-2">{body}</div></main></body></html>'
    )


# --- the run ----------------------------------------------------------------------------------------------


def take(base, out, only):
    from playwright.sync_api import sync_playwright

    wanted = lambda name: not only or name in only  # noqa: E731
    executable = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not executable:
        raise SystemExit("no chromium: install Debian's `chromium` and `fonts-noto-cjk`, or set CHROMIUM")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox", "--disable-gpu"])

        def context(viewport):
            ctx = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport=viewport, device_scale_factor=1)
            ctx.set_default_timeout(60_000)
            return ctx

        for persona in PERSONAS:
            if wanted(f"dashboard_{persona}"):
                ctx = context(DESKTOP)
                page = ctx.new_page()
                log_in(page, base, persona)
                settle(page)
                shot(page, out / f"dashboard_{persona}.png")
                ctx.close()

        if wanted("home_sales_390"):
            ctx = context(PHONE)
            page = ctx.new_page()
            log_in(page, base, "rep_hangzhou")
            settle(page)
            shot(page, out / "home_sales_390.png", max_height=2400)
            ctx.close()

        if wanted("approval_decision"):
            ctx = context(DESKTOP)
            page = ctx.new_page()
            log_in(page, base, "director")
            page.goto(f"{base}/approvals/queue/")
            href = page.evaluate(
                "() => { const a = [...document.querySelectorAll('main a[href]')]"
                ".find(a => /^\\/approvals\\/\\d+\\/$/.test(a.getAttribute('href'))); return a && a.getAttribute('href'); }"
            )
            if not href:
                raise SystemExit("the director's approval queue has no request to open (is the demo loaded?)")
            page.goto(f"{base}{href}")
            settle(page)
            shot(page, out / "approval_decision.png", max_height=2000)
            ctx.close()

        sheets = {name: body for name, body in pattern_sheets().items() if wanted(name)}
        if sheets:
            ctx = context({"width": 1100, "height": 600})
            page = ctx.new_page()
            for name, body in sheets.items():
                page.set_content(sheet_html(base, body), wait_until="load")
                save(page.locator("#sheet").screenshot(), out / f"{name}.png")
            ctx.close()
        browser.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--db", help="a SQLite database that already holds the demo (copied, not changed)")
    parser.add_argument("--keep", action="store_true", help="keep the throw-away directory (database, server log)")
    parser.add_argument("--only", nargs="*", default=[], help="names of the pictures to take (without .png)")
    options = parser.parse_args()
    out = Path(options.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="screenshots-"))
    database = work / "demo.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_DEBUG": "true",  # the development server serves the static files
        "CELERY_TASK_ALWAYS_EAGER": "true",
    }
    os.environ.update({key: env[key] for key in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "DJANGO_DEBUG")})
    sys.path.insert(0, str(ROOT))
    server = None
    try:
        if options.db:
            shutil.copyfile(options.db, database)
            run([PY, "manage.py", "migrate", "--noinput", "-v0"], env)  # a copy made before newer migrations
        else:
            run([PY, "manage.py", "migrate", "--noinput", "-v0"], env)
            run([PY, "manage.py", "seed_demo"], env)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log = open(work / "server.log", "w")
        server = subprocess.Popen(
            [PY, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"], cwd=ROOT, env=env, stdout=log, stderr=log
        )
        wait_for(f"{base}/login/")
        print(f"taking screenshots from {base} into {out}", flush=True)
        take(base, out, set(options.only))
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=20)
        if options.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
