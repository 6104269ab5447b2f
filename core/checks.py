"""System checks of the server itself (`manage.py check`, and before runserver, migrate, gunicorn's first
request through `check --deploy` in scripts): what the code needs from the machine but cannot install.

A CJK font (core.W010 / core.E010): the PDF of a business report (reports/exports.py, WeasyPrint) draws its
Chinese text with a font fontconfig finds for `:lang=zh`. Without one WeasyPrint still answers 200 — with a
PDF of empty boxes (tofu) — so the server must refuse to start instead. An error where
`settings.REQUIRE_CJK_FONT` is on (production), a warning elsewhere, so a developer's machine without the
fonts still runs (the PDF page then looks wrong, and the warning says why)."""

import shutil
import subprocess
from pathlib import Path

from django.conf import settings
from django.core import checks

# Where fonts live when there is no fontconfig to ask; a file name with one of the markers is a CJK font.
FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.fonts", "~/.local/share/fonts", "/Library/Fonts")
CJK_MARKERS = ("cjk", "wqy", "sourcehan", "source-han", "simsun", "simhei", "msyh", "droidsansfallback", "pingfang")
FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")


def cjk_fonts():
    """The CJK font families this server has: fontconfig's answer to `fc-list :lang=zh family` when it is
    installed (it is what WeasyPrint asks), else font files whose names say CJK in the usual directories."""
    fc_list = shutil.which("fc-list")
    if fc_list:
        try:
            result = subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True, text=True, timeout=20, check=False)
        except (OSError, subprocess.SubprocessError):
            result = None
        if result is not None and result.returncode == 0:
            return sorted({line.split(",")[0].strip() for line in result.stdout.splitlines() if line.strip()})
    found = set()
    for directory in FONT_DIRS:
        root = Path(directory).expanduser()
        if not root.is_dir():
            continue
        for path in root.rglob("*"):
            name = path.name.lower()
            if name.endswith(FONT_SUFFIXES) and any(marker in name for marker in CJK_MARKERS):
                found.add(path.stem)
    return sorted(found)


@checks.register("core")
def check_cjk_font(app_configs=None, **kwargs):
    if cjk_fonts():
        return []
    required = getattr(settings, "REQUIRE_CJK_FONT", False)
    level = checks.Error if required else checks.Warning
    return [
        level(
            "No Chinese (CJK) font is installed: the PDF of a business report would print every Chinese "
            "character as an empty box.",
            hint="Install one, e.g. `apt-get install fonts-noto-cjk` (Debian/Ubuntu) or `dnf install "
            "google-noto-sans-cjk-fonts`, and check with `fc-list :lang=zh`.",
            id="core.E010" if required else "core.W010",
        )
    ]
