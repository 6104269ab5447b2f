"""Uploaded files: what a file really is, read from its first bytes, and whether it may be kept.

Every app that accepts a document (a write-off's evidence, a contract's signed copy…) cleans the upload here,
in its service, before anything is written: `clean_upload(upload, field="file", kinds=DOCUMENTS)`. The name a
browser sends and the content type it claims are not trusted — a program renamed `合同.pdf` is still a program:
the kind is sniffed from the content (magic bytes; for zip-based Office files, the members the format requires)
and the file is kept under a name ending in the sniffed kind's extension, so the name stored is the truth and
the download's content type (`content_type_of`) follows from it. Programs (Windows MZ, ELF, Mach-O, scripts
starting `#!`) are refused outright, with their own message; anything else not in `kinds` is refused too.

Files are kept through Django's storage API (`default_storage`): a private folder on the server by default
(MEDIA_ROOT, outside the static files and never served by a URL), or an S3-compatible store when
FILE_STORAGE=s3 (config/settings/base.py). They are read only through a page that applies the scope rule to the
object owning the file (`core.views.ScopedFileView`)."""

import os
import zipfile

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes

from core.errors import InvalidInput

# kind → (extension kept, content type sent, name shown)
KINDS = {
    "pdf": (".pdf", "application/pdf", gettext_lazy("PDF")),
    "png": (".png", "image/png", gettext_lazy("PNG picture")),
    "jpeg": (".jpg", "image/jpeg", gettext_lazy("JPEG picture")),
    "gif": (".gif", "image/gif", gettext_lazy("GIF picture")),
    "webp": (".webp", "image/webp", gettext_lazy("WebP picture")),
    "xlsx": (".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", gettext_lazy("Excel file")),
    "docx": (
        ".docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        gettext_lazy("Word file"),
    ),
    "zip": (".zip", "application/zip", gettext_lazy("zip archive")),
    # Word 97–2003 (.doc) and Excel 97–2003 (.xls) share one container (OLE2); the extension sent tells which.
    "doc": (".doc", "application/msword", gettext_lazy("Word 97–2003 file")),
    "xls": (".xls", "application/vnd.ms-excel", gettext_lazy("Excel 97–2003 file")),
}
PICTURES = ("png", "jpeg", "gif", "webp")
DOCUMENTS = ("pdf", *PICTURES, "xlsx", "docx", "zip", "doc", "xls")

_SIGNATURES = (
    (b"%PDF-", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
)
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = (b"PK\x03\x04", b"PK\x05\x06")
# Programs: Windows (MZ), Linux (ELF), macOS (Mach-O, both byte orders and fat binaries), Java classes, scripts.
_PROGRAMS = (
    b"MZ",
    b"\x7fELF",
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
    b"#!",
)
_HEAD = 64


def max_bytes():
    """The largest file kept (UPLOAD_MAX_BYTES, 10 MB unless the setting says otherwise)."""
    return settings.UPLOAD_MAX_BYTES


def _read_head(upload):
    upload.seek(0)
    head = upload.read(_HEAD)
    upload.seek(0)
    return head


def _zip_kind(upload):
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    finally:
        upload.seek(0)
    if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
        return "xlsx"
    if "[Content_Types].xml" in names and "word/document.xml" in names:
        return "docx"
    return "zip"


def sniff(upload):
    """The kind of an open file from its content ("pdf", "xlsx"…), "program" for an executable, else None."""
    head = _read_head(upload)
    if head.startswith(_PROGRAMS):
        return "program"
    for signature, kind in _SIGNATURES:
        if head.startswith(signature):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(_ZIP):
        return _zip_kind(upload)
    if head.startswith(_OLE):
        name = (getattr(upload, "name", "") or "").lower()
        return "xls" if name.endswith(".xls") else "doc"
    return None


def _kinds_text(kinds):
    return "、".join(str(KINDS[kind][2]) for kind in kinds)


def clean_upload(upload, *, field, kinds=DOCUMENTS, label=None):
    """The upload (or None when none was sent), renamed to end in its sniffed kind's extension; refused on `field`
    (InvalidInput, 400) when it is empty, larger than `max_bytes()`, a program, or of a kind not in `kinds`.
    Nothing is written here: the caller saves it through its model's FileField in its own transaction."""
    if upload is None or upload == "":
        return None
    label = label or _("The file")
    if not isinstance(upload, UploadedFile) or not hasattr(upload, "read"):
        raise InvalidInput(_("%(label)s must be an uploaded file.") % {"label": label}, field=field)
    size = upload.size or 0
    if size <= 0:
        raise InvalidInput(_("%(label)s is empty.") % {"label": label}, field=field)
    limit = max_bytes()
    if size > limit:
        raise InvalidInput(
            _("%(label)s is larger than %(mb)s MB.") % {"label": label, "mb": f"{limit / 1024 / 1024:g}"}, field=field
        )
    kind = sniff(upload)
    if kind == "program":
        raise InvalidInput(_("%(label)s is a program, not a document; it is refused.") % {"label": label}, field=field)
    if kind not in kinds:
        raise InvalidInput(
            _("%(label)s must be one of: %(kinds)s (judged by its content, not its name).")
            % {"label": label, "kinds": _kinds_text(kinds)},
            field=field,
        )
    stem = os.path.splitext(os.path.basename((upload.name or "").replace("\x00", "")))[0][:100] or "file"
    upload.name = stem + KINDS[kind][0]
    return upload


def download_responses():
    """The OpenAPI responses of a file download: the content type of every kind a stored file can have (and the
    fallback), so generated clients and schemathesis know what comes back."""
    types = sorted({content_type for _ext, content_type, _name in KINDS.values()} | {"application/octet-stream"})
    return {(200, content_type): OpenApiTypes.BINARY for content_type in types}


def content_type_of(name):
    """The content type a stored file is sent with, from the extension `clean_upload` gave it."""
    extension = os.path.splitext(name or "")[1].lower()
    for kept, content_type, _name in KINDS.values():
        if extension == kept:
            return content_type
    return "application/octet-stream"


def file_response(stored):
    """The HTTP answer that sends a stored file (a FieldFile): as an attachment under its stored name, with the
    content type of its kind, `X-Content-Type-Options: nosniff` (a browser never renders it as this site's page)
    and not cached. Http404 when there is no file or the store has lost it. Callers have found the owning object
    through the reader's scope first (core.views.ScopedFileView, the API's `file` actions)."""
    if not stored:
        raise Http404
    try:
        handle = stored.open("rb")
    except OSError:
        raise Http404 from None
    name = stored.name.rsplit("/", 1)[-1]
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=content_type_of(name))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
