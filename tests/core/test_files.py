"""Uploaded files (core/files.py): the kind is read from the content, not the name or the browser's word; programs
are refused however they are named; the size is capped by a setting; nothing is written when a file is refused;
and a file is read only through its owner's page, in the owner's scope, as an attachment the browser may not sniff."""

import io
import zipfile
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.errors import InvalidInput
from core.files import DOCUMENTS, PICTURES, clean_upload, content_type_of, sniff
from core.rights import SYSTEM
from customers import services as ledger
from risk import services
from risk.models import WriteOff
from tests.customers.factories import CustomerFactory

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 20
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 20
GIF = b"GIF89a" + b"\x00" * 20
WEBP = b"RIFF\x10\x00\x00\x00WEBPVP8 " + b"\x00" * 10
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 20


def _zip(*members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for member in members:
            archive.writestr(member, "<x/>")
    return buffer.getvalue()


def _upload(content, name="文件.pdf", content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.mark.parametrize(
    ("content", "name", "kind", "kept"),
    [
        (PDF, "合同.pdf", "pdf", "合同.pdf"),
        (PNG, "scan.jpg", "png", "scan.png"),  # the content decides, not the name
        (JPEG, "photo.jpeg", "jpeg", "photo.jpg"),
        (GIF, "a.gif", "gif", "a.gif"),
        (WEBP, "a.webp", "webp", "a.webp"),
        (_zip("[Content_Types].xml", "xl/workbook.xml"), "表.xlsx", "xlsx", "表.xlsx"),
        (_zip("[Content_Types].xml", "word/document.xml"), "a.pdf", "docx", "a.docx"),
        (_zip("notes.txt"), "资料.xlsx", "zip", "资料.zip"),
        (OLE, "old.xls", "xls", "old.xls"),
        (OLE, "old.doc", "doc", "old.doc"),
    ],
)
def test_the_kind_is_sniffed_and_the_name_follows_it(content, name, kind, kept):
    upload = _upload(content, name)
    assert sniff(upload) == kind
    assert clean_upload(upload, field="file").name == kept
    assert upload.read() == content  # read from the start again, whole


@pytest.mark.parametrize(
    ("content", "name", "words"),
    [
        (b"MZ\x90\x00" + b"\x00" * 60, "合同.pdf", "program"),
        (b"\x7fELF\x02\x01\x01" + b"\x00" * 20, "scan.png", "program"),
        (b"#!/bin/sh\nrm -rf /\n", "report.docx", "program"),
        (b"just some text pretending", "fake.pdf", "content, not its name"),
        (b"<html><script>alert(1)</script>", "page.pdf", "content, not its name"),
        (b"", "empty.pdf", "empty"),
    ],
)
def test_programs_fakes_and_empty_files_are_refused_on_the_field(content, name, words):
    from django.utils import translation

    with translation.override("en"), pytest.raises(InvalidInput) as refused:  # the reason read in the msgids
        clean_upload(_upload(content, name), field="file")
    assert refused.value.field == "file" and words in str(refused.value.message)


def test_the_size_cap_is_a_setting(settings):
    settings.UPLOAD_MAX_BYTES = 1024
    assert clean_upload(_upload(PDF + b" " * (1024 - len(PDF))), field="file") is not None
    with pytest.raises(InvalidInput) as refused:
        clean_upload(_upload(PDF + b" " * 1024), field="file")
    assert refused.value.field == "file" and "MB" in str(refused.value.message)


def test_kinds_narrow_what_is_kept_and_nothing_sent_is_none():
    assert clean_upload(None, field="file") is None and clean_upload("", field="file") is None
    assert clean_upload(_upload(PNG, "a.png"), field="photo", kinds=PICTURES).name == "a.png"
    with pytest.raises(InvalidInput) as refused:
        clean_upload(_upload(PDF), field="photo", kinds=PICTURES)
    assert refused.value.field == "photo"
    assert content_type_of("x/合同.pdf") == "application/pdf" and content_type_of("x.exe") == "application/octet-stream"
    assert set(DOCUMENTS) >= set(PICTURES)


# --- the write-off's attachment: through the same cleaning, downloaded through the scoped file view ---------------
TODAY = date(2026, 3, 16)


@pytest.fixture
def customer(personas, units):
    with time_machine.travel(datetime(2026, 3, 16, 4, 0, tzinfo=UTC), tick=False):
        customer = CustomerFactory(district=units["330100"], salesperson=personas["rep_hangzhou"].staff)
        ledger.invoice_record(
            by=SYSTEM, customer=customer, issue_date=date(2025, 6, 1), due_date=date(2025, 7, 1), amount="9000.00"
        )
        yield customer


def _propose(personas, customer, attachment):
    invoice = customer.invoices.get()
    return services.write_off_propose(
        by=personas["rep_hangzhou"].user,
        customer=customer,
        lines=[{"invoice": invoice.pk, "amount": "100.00"}],
        reason="无法收回",
        attachment=attachment,
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "name"), [(b"MZ" + b"\x00" * 100, "证明.pdf"), (b"not a pdf at all", "证明.pdf"), (PDF * 10, "big.pdf")]
)
def test_a_refused_attachment_writes_nothing(personas, customer, settings, content, name):
    settings.UPLOAD_MAX_BYTES = 200
    with pytest.raises(InvalidInput) as refused:
        _propose(personas, customer, _upload(content, name))
    assert refused.value.field == "attachment"
    assert not WriteOff.objects.exists()


@pytest.mark.django_db
def test_the_attachment_is_downloaded_in_scope_only_as_an_attachment(personas, customer):
    write_off = _propose(personas, customer, _upload(PDF, "催收证明.pdf", content_type="text/html"))
    assert write_off.attachment.name.endswith(".pdf")
    url = reverse("risk:write_off_attachment", kwargs={"pk": write_off.pk})
    answer = personas["rep_hangzhou"].web().get(url)
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/pdf" and answer["X-Content-Type-Options"] == "nosniff"
    assert answer["Content-Disposition"].startswith("attachment")
    assert b"".join(answer.streaming_content) == PDF
    page = personas["rep_hangzhou"].web().get(write_off.get_absolute_url())
    assert url in page.content.decode()
    # Outside the scope — another district's manager, another salesperson of the district: 404, as the page.
    for outsider in ("dm_guangzhou", "rep_hangzhou_2"):
        assert personas[outsider].web().get(url).status_code == 404
    assert personas["center"].web().get(url).status_code == 200
    # The stored file has no URL of its own: nothing routes MEDIA_URL.
    assert personas["center"].web().get("/media/" + write_off.attachment.name).status_code == 404


# --- where files are kept: a setting -------------------------------------------------------------------------------
def _storages_with(extra_env):
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {k: v for k, v in os.environ.items() if not k.startswith(("FILE_STORAGE", "S3_"))}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings.base", **extra_env})
    code = "from django.conf import settings; print(settings.STORAGES['default']['BACKEND'])"
    root = Path(__file__).resolve().parents[2]
    return subprocess.run([sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True, timeout=60)


def test_files_are_local_by_default_and_in_an_s3_store_by_setting():
    assert _storages_with({}).stdout.strip() == "django.core.files.storage.FileSystemStorage"
    # S3 needs its bucket (the settings fail loudly without it); the package is loaded only when a file is kept.
    assert _storages_with({"FILE_STORAGE": "s3", "S3_BUCKET": "rsm-files"}).stdout.strip() == "storages.backends.s3.S3Storage"
    assert "S3_BUCKET" in _storages_with({"FILE_STORAGE": "s3"}).stderr
    assert "FILE_STORAGE" in _storages_with({"FILE_STORAGE": "ftp"}).stderr
