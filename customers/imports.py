"""File import in the browser: customers, invoices or payments from an .xlsx or .csv file.

A branch without its own system fills in a template (Chinese headers; English headers work too),
uploads it, sees a preview with every row error (row number, column, message), and commits only when
every row is valid. Nothing is written before the commit, and the commit writes all rows in one
transaction through the same services as the pages and the API, so a file is imported whole or not
at all. References (district office codes, employee numbers, customer numbers) resolve only inside
the uploader's scope: a file cannot reach another branch's customers.

This is the file's front end of the ledger's batch pipeline (customers/batch.py, shared with the API's
bulk upserts): it reads and checks the cells and words every problem by row and column; the scoped
look-ups, the matching of external ids and the writes are the pipeline's. Unlike the API, a fact
(invoice, payment) imported again must be the very same — a file is not a way to correct one.

Small files are checked and committed during the request; larger ones (more than
IMPORT_SYNC_MAX_ROWS rows) by the Celery tasks in customers.tasks, with progress on the job page.
"""

import csv
import datetime
import io
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from core.dates import PlausibilityChecks, due_date_error, plausibility_error
from core.errors import DomainError
from core.jobs import JobLost, heartbeat, job_beat, job_claim, new_token
from core.money import CENT, ZERO, parse_money
from core.rights import ensure
from customers import batch, services
from customers.choices import CustomerKind, CustomerStatus, PaymentMethod
from customers.models import Customer, ImportJob, ImportKind, ImportStatus, Invoice, Payment
from customers.validators import validate_credit_code
from regions.choices import UnitKind
from regions.models import OrgUnit, StaffProfile

# Files with more rows than this are checked and committed by a background task.
SYNC_MAX_ROWS_DEFAULT = 2000
# A sheet bigger than this is refused outright (the benchmark files stay well below).
MAX_ROWS = 1_000_000
MAX_FILE_BYTES = 100 * 1024 * 1024
PREVIEW_ROWS = 20
# At most this many row errors are kept on the job (the count of all of them is kept too).
MAX_STORED_ERRORS = 500
PROGRESS_EVERY = 500


def sync_max_rows():
    return getattr(settings, "IMPORT_SYNC_MAX_ROWS", SYNC_MAX_ROWS_DEFAULT)


class ImportFileError(Exception):
    """The file as a whole cannot be read (not a spreadsheet, missing columns, NUL bytes...)."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = str(message)


class CellError(Exception):
    pass


# ------------------------------------------------------------------------------------------ columns


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the Chinese header of the template
    english: str  # the English header, also accepted
    kind: str = "text"  # text, code, money, date, bool, customer_kind, method
    required: bool = False  # the column must be present and the cell filled
    max_length: int = 200
    aliases: tuple = ()

    def names(self):
        return {_norm(n) for n in (self.header, self.english, self.key, *self.aliases)}


def _norm(header):
    return "".join(str(header or "").split()).replace("_", "").replace("-", "").lower()


COLUMNS = {
    ImportKind.CUSTOMERS: [
        Column("external_id", "客户编号", "Customer number", "code", True, 64, ("customer_external_id",)),
        Column("name", "客户名称", "Customer name", "text", True, 200),
        Column("credit_code", "统一社会信用代码", "Unified social credit code", "code", False, 18),
        Column("kind", "客户类型", "Customer type", "customer_kind"),
        Column("industry", "行业", "Industry", "text", False, 50),
        Column("province", "省份", "Province", "text", False, 30),
        Column("city", "城市", "City", "text", False, 30),
        Column("address", "地址", "Address", "text", False, 200),
        Column("district_code", "地办编码", "District office code", "code", True, 20, ("district",)),
        Column("salesperson_no", "业务员工号", "Salesperson employee number", "code", False, 20, ("salesperson",)),
        Column("is_key", "重要客户", "Key customer", "bool"),
        Column("credit_limit", "信用额度", "Credit limit", "money_or_zero"),
    ],
    ImportKind.INVOICES: [
        Column("external_id", "发票编号", "Invoice number", "code", True, 64),
        Column("customer", "客户编号", "Customer number", "code", True, 64, ("customer_external_id",)),
        Column("issue_date", "开票日期", "Issue date", "date", True),
        Column("due_date", "到期日", "Due date", "date", True),
        Column("amount", "金额", "Amount", "money", True),
        Column("salesperson_no", "业务员工号", "Salesperson employee number", "code", False, 20, ("salesperson",)),
        # The channel the sale came through (its external id), if any.
        Column("channel", "渠道编号", "Channel number", "code", False, 64, ("channel_external_id",)),
    ],
    ImportKind.PAYMENTS: [
        Column("external_id", "回款编号", "Payment number", "code", True, 64),
        Column("customer", "客户编号", "Customer number", "code", True, 64, ("customer_external_id",)),
        Column("received_on", "到账日期", "Received on", "date", True),
        Column("amount", "金额", "Amount", "money", True),
        Column("method", "方式", "Method", "method"),
        Column("reference", "参考号", "Reference", "text", False, 100),
    ],
}

# Example rows for the downloadable templates.
TEMPLATE_EXAMPLES = {
    ImportKind.CUSTOMERS: [
        [
            "C0001",
            "杭州恒泰科技有限公司",
            "91330100MA27XK9G1B",
            "企业",
            "信息技术",
            "浙江省",
            "杭州市",
            "杭州市解放路1号",
            "330100",
            "",
            "否",
            "500000.00",
        ]
    ],
    ImportKind.INVOICES: [["INV0001", "C0001", "2026-01-15", "2026-02-14", "120000.00", "", ""]],
    ImportKind.PAYMENTS: [["PAY0001", "C0001", "2026-02-10", "120000.00", "银行转账", "BK20260210001"]],
}

KIND_WORDS = {
    CustomerKind.ENTERPRISE: ("企业", "公司", "enterprise", "company"),
    CustomerKind.INSTITUTION: ("事业单位", "机构", "institution"),
    CustomerKind.INDIVIDUAL: ("个人", "individual", "person"),
}
METHOD_WORDS = {
    PaymentMethod.BANK_TRANSFER: ("银行转账", "转账", "bank_transfer", "banktransfer", "bank transfer", "transfer"),
    PaymentMethod.CHEQUE: ("支票", "cheque", "check"),
    PaymentMethod.CASH: ("现金", "cash"),
    PaymentMethod.OTHER: ("其他", "other"),
}
TRUE_WORDS = {"是", "y", "yes", "true", "1", "重要", "√"}
FALSE_WORDS = {"否", "n", "no", "false", "0", ""}


def _word_map(words):
    return {_norm(word): value for value, options in words.items() for word in options}


KIND_MAP = _word_map(KIND_WORDS)
METHOD_MAP = _word_map(METHOD_WORDS)


# ---------------------------------------------------------------------------------------- reading


def read_table(data, filename):
    """(header cells, iterator of (row number, cells)) of the first sheet of an .xlsx or of a .csv.

    Raises ImportFileError with a message a person understands when the file is not a spreadsheet.
    """
    name = (filename or "").lower()
    if data[:4] == b"PK\x03\x04" or name.endswith((".xlsx", ".xlsm")):
        return _read_xlsx(data)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ImportFileError(_("Old Excel files (.xls) cannot be read; save the file as .xlsx or .csv and upload it again."))
    if name.endswith((".csv", ".txt")):
        return _read_csv(data)
    raise ImportFileError(_("The file is not a spreadsheet: upload an Excel workbook (.xlsx) or a CSV file (.csv)."))


def _read_xlsx(data):
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError, IndexError, EOFError) as error:
        raise ImportFileError(
            _("The file is not a readable Excel workbook (.xlsx): %(problem)s") % {"problem": type(error).__name__}
        ) from None
    except Exception:  # openpyxl raises its own exception types for damaged parts of a workbook
        raise ImportFileError(_("The file is not a readable Excel workbook (.xlsx).")) from None
    if header is None:
        raise ImportFileError(_("The sheet is empty: it needs a header row and at least one data row."))

    def iterate():
        for number, row in enumerate(rows, start=2):
            yield number, list(row)

    return list(header), iterate()


def _read_csv(data):
    if b"\x00" in data:
        raise ImportFileError(_("The file contains NUL bytes: it is not a text CSV file."))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes nearly any byte string
        raise ImportFileError(_("The CSV file is neither UTF-8 nor GB18030 text."))
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
    except csv.Error as error:
        raise ImportFileError(_("The CSV file cannot be read: %(problem)s") % {"problem": error}) from None
    if header is None:
        raise ImportFileError(_("The file is empty: it needs a header row and at least one data row."))

    def iterate():
        try:
            yield from enumerate(reader, start=2)
        except csv.Error as error:
            raise ImportFileError(_("The CSV file cannot be read: %(problem)s") % {"problem": error}) from None

    return header, iterate()


def count_rows(data, filename):
    """A quick estimate of the number of data rows (decides between the request and a task)."""
    try:
        _header, rows = read_table(data, filename)
    except ImportFileError:
        return 0
    if data[:4] == b"PK\x03\x04":
        return sum(1 for _row in rows)
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    return max(0, lines - 1)


# ------------------------------------------------------------------------------------------ cells


def _blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value, column):
    if type(value) is str:  # the common cell, from a CSV or a text cell
        text = value.strip()
        if "\x00" in text:
            raise CellError(_("The cell contains a NUL character."))
        if len(text) > column.max_length:
            raise CellError(_("At most %(max)d characters.") % {"max": column.max_length})
        return text
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (datetime.datetime, datetime.date)):
        value = value.isoformat()
    text = str(value).strip()
    if "\x00" in text:
        raise CellError(_("The cell contains a NUL character."))
    if len(text) > column.max_length:
        raise CellError(_("At most %(max)d characters.") % {"max": column.max_length})
    return text


# An amount as the template writes it: up to 16 whole digits and two decimals, nothing else. Such a cell
# is read directly (the common case: a 20,000-row file spent most of its parse time wording refusals it
# never made); every other cell goes through parse_money and its refusals.
_PLAIN_AMOUNT = re.compile(r"(?:0|[1-9][0-9]{0,15})(?:\.[0-9]{1,2})?")


def money_cell(value, allow_zero=False):
    if isinstance(value, bool):
        raise CellError(_("Enter an amount, e.g. 1234.56."))
    if isinstance(value, float):
        value = repr(value)
    text = str(value).strip().replace(",", "").replace("，", "").lstrip("¥￥")
    if _PLAIN_AMOUNT.fullmatch(text):
        amount = Decimal(text).quantize(CENT)
        if amount or allow_zero:
            return amount
    wording = {
        # The cell as the person typed it (with its separators), not as read.
        "invalid": (_("%(value)s is not an amount; enter e.g. 1234.56.") % {"value": str(value)[:40]}).replace("%", "%%"),
        "max_whole_digits": _("The amount is too large."),
        "max_decimal_places": _("The amount %(value)s has more than two decimals."),
        "negative": _("The amount must not be negative."),
        "not_positive": _("The amount must be greater than zero."),
    }
    try:
        return parse_money(text, field="amount", positive=not allow_zero, messages=wording)
    except DomainError as error:
        raise CellError(str(error.message)) from None


# Plausibility windows of the imported dates (settings.DATE_PLAUSIBLE_FUTURE_DAYS; core.dates).
DATE_KINDS = {"issue_date": "invoice_issue", "received_on": "payment_received"}
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")


def _date_cell(value):
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 1 <= value < 2958466:
        # An Excel date serial in a cell not formatted as a date.
        return datetime.date(1899, 12, 30) + datetime.timedelta(days=int(value))
    text = str(value).strip()
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        # The template's own format, read by the C parser; anything it refuses goes the long way.
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            pass
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise CellError(_("%(value)s is not a date; enter e.g. 2026-01-31.") % {"value": text[:40]})


def _bool_cell(value):
    if isinstance(value, bool):
        return value
    word = _norm(value if not isinstance(value, float) else int(value))
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError(_("Enter 是 or 否 (yes or no)."))


def _convert(column, value, dates=None):
    if column.kind in ("text", "code"):
        return _text(value, column)
    if column.kind == "money":
        return money_cell(value)
    if column.kind == "money_or_zero":
        return money_cell(value, allow_zero=True)
    if column.kind == "date":
        day = _date_cell(value)
        kind = DATE_KINDS.get(column.key)
        message = dates.error(day, kind) if dates is not None else plausibility_error(day, kind=kind)
        if message is not None:
            raise CellError(message)
        return day
    if column.kind == "bool":
        return _bool_cell(value)
    if column.kind == "customer_kind":
        kind = KIND_MAP.get(_norm(value))
        if kind is None:
            raise CellError(_("Enter 企业, 事业单位 or 个人 (enterprise, institution or individual)."))
        return kind
    if column.kind == "method":
        method = METHOD_MAP.get(_norm(value))
        if method is None:
            raise CellError(_("Enter 银行转账, 支票, 现金 or 其他 (bank transfer, cheque, cash or other)."))
        return method
    raise AssertionError(column.kind)


DEFAULTS = {"kind": CustomerKind.ENTERPRISE, "is_key": False, "credit_limit": ZERO, "method": PaymentMethod.BANK_TRANSFER}


# ----------------------------------------------------------------------------------------- parsing


@dataclass
class Row(batch.Row):
    """A data row of the sheet: `index` is its row number, `values` its cells (converted, by column key),
    `refs` the records its codes and numbers resolve to; `data` is what the services get."""

    values: dict = field(default_factory=dict)
    refs: dict = field(default_factory=dict)

    @property
    def number(self):
        return self.index


@dataclass
class Parsed:
    columns: list  # (Column, header as written in the file), in file order
    rows: list
    errors: list
    preview: dict
    total: int = 0

    def add_error(self, row, column, message):
        self.errors.append({"row": row, "column": str(column), "message": str(message)})


def _header_map(kind, header):
    by_name = {}
    for column in COLUMNS[kind]:
        for name in column.names():
            by_name[name] = column
    mapped, seen, duplicates = [], set(), []
    for index, cell in enumerate(header):
        text = "" if cell is None else str(cell)
        if "\x00" in text:
            raise ImportFileError(_("The header row contains a NUL character."))
        column = by_name.get(_norm(text))
        if column is None:
            continue  # extra columns (notes, totals) are ignored
        if column.key in seen:
            duplicates.append(text.strip())
            continue
        seen.add(column.key)
        mapped.append((index, column, text.strip()))
    if duplicates:
        raise ImportFileError(_("These columns appear twice: %(columns)s.") % {"columns": ", ".join(duplicates)})
    missing = [column for column in COLUMNS[kind] if column.required and column.key not in seen]
    if missing:
        raise ImportFileError(
            _("The sheet lacks these required columns: %(columns)s.")
            % {"columns": ", ".join(f"{c.header} ({c.english})" for c in missing)}
        )
    return mapped


def parse(*, kind, data, filename, progress=None):
    """Read and check every cell of the file; references are not resolved yet (see resolve)."""
    header, rows = read_table(data, filename)
    mapped = _header_map(kind, header)
    parsed = Parsed(columns=[(c, h) for _i, c, h in mapped], rows=[], errors=[], preview={})
    parsed.preview = {"columns": [h for _i, _c, h in mapped], "rows": []}
    dates = PlausibilityChecks()
    for number, cells in rows:
        if (not cells or _blank(cells[0])) and all(_blank(cell) for cell in cells):
            continue
        if parsed.total >= MAX_ROWS:
            raise ImportFileError(_("The file has more than %(max)d rows; split it.") % {"max": MAX_ROWS})
        parsed.total += 1
        values = {}
        previewed = len(parsed.preview["rows"]) < PREVIEW_ROWS
        shown = []
        for index, column, header_text in mapped:
            raw = cells[index] if index < len(cells) else None
            if previewed:
                shown.append("" if raw is None else (raw.isoformat()[:10] if isinstance(raw, datetime.date) else str(raw))[:100])
            if _blank(raw):
                if column.required:
                    parsed.add_error(number, header_text, _("This cell is required."))
                elif column.key in DEFAULTS:
                    values[column.key] = DEFAULTS[column.key]
                continue
            try:
                values[column.key] = _convert(column, raw, dates)
            except CellError as error:
                parsed.add_error(number, header_text, error)
        for column in COLUMNS[kind]:
            if column.key not in values and column.key in DEFAULTS:
                values[column.key] = DEFAULTS[column.key]
        if previewed:
            parsed.preview["rows"].append([number, *(s.replace("\x00", "") for s in shown)])
        parsed.rows.append(Row(index=number, values=values, external_id=values.get("external_id") or None))
        if progress is not None and parsed.total % PROGRESS_EVERY == 0:
            progress(parsed.total)
    if parsed.total == 0:
        raise ImportFileError(_("The sheet has a header row but no data rows."))
    return parsed


# --------------------------------------------------------------------------------------- resolving


def _header_of(parsed, key):
    for column, header_text in parsed.columns:
        if column.key == key:
            return header_text
    return next(
        c.header
        for c in COLUMNS[ImportKind.CUSTOMERS] + COLUMNS[ImportKind.INVOICES] + COLUMNS[ImportKind.PAYMENTS]
        if c.key == key
    )


def _duplicates(parsed, key):
    seen = {}
    for row in parsed.rows:
        value = row.values.get(key)
        if value in (None, ""):
            continue
        if value in seen:
            parsed.add_error(row.number, _header_of(parsed, key), _("Repeats row %(row)d.") % {"row": seen[value]})
        else:
            seen[value] = row.number


def resolve(*, kind, parsed, user):
    """Resolve codes and numbers to records inside the user's scope and decide, per row, whether it
    creates, updates or leaves a record unchanged. Adds row errors; writes nothing."""
    _duplicates(parsed, "external_id")
    if kind == ImportKind.CUSTOMERS:
        _resolve_customers(parsed, user)
    else:
        _resolve_facts(kind, parsed, user)
    parsed.errors.sort(key=lambda e: (e["row"], e["column"]))


def _staff_in_scope(parsed, user):
    numbers = {row.values["salesperson_no"] for row in parsed.rows if row.values.get("salesperson_no")}
    return batch.in_scope(StaffProfile.objects.select_related("unit"), user, slugs=numbers, slug_field="employee_no")[1]


def _channels_in_scope(parsed, user):
    """{external id: channel} of the channels the file names, inside the user's scope: one query."""
    numbers = {row.values["channel"] for row in parsed.rows if row.values.get("channel")}
    return batch.in_scope(
        services.channel_model().objects.all(), user, slugs=numbers, slug_field="external_id", fields=batch.CHANNEL_FIELDS
    )[1]


def _check_salesperson(parsed, row, staff, district_id):
    number = row.values.get("salesperson_no")
    if not number:
        return None
    person = staff.get(number)
    header = _header_of(parsed, "salesperson_no")
    if person is None:
        parsed.add_error(row.number, header, _("No member of staff %(no)s in your part of the organisation.") % {"no": number})
    elif not person.is_active:
        parsed.add_error(row.number, header, _("%(name)s is no longer in service.") % {"name": person.name})
    elif district_id is not None and person.unit_id != district_id:
        parsed.add_error(row.number, header, _("%(name)s does not work in this district office.") % {"name": person.name})
    return person


CUSTOMER_FIELDS = ["name", "credit_code", "kind", "industry", "province", "city", "address", "is_key", "credit_limit"]


def _resolve_customers(parsed, user):
    rows = parsed.rows
    codes = {row.values["district_code"] for row in rows if row.values.get("district_code")}
    districts = batch.in_scope(
        OrgUnit.objects.filter(kind=UnitKind.DISTRICT, is_active=True), user, slugs=codes, slug_field="code"
    )[1]
    staff = _staff_in_scope(parsed, user)
    # The records holding the rows' customer numbers: inside the scope, updated or unchanged; outside it,
    # the number cannot be used (the row's error, on its column).
    batch.CustomerBatch(by=user).match_existing(rows)
    credit_codes = {}
    for row in rows:
        code = row.values.get("credit_code")
        if code:
            try:
                row.values["credit_code"] = validate_credit_code(code)
            except ValidationError as error:
                parsed.add_error(row.number, _header_of(parsed, "credit_code"), error.messages[0])
                continue
            credit_codes[row.values["credit_code"]] = row
    _duplicates(parsed, "credit_code")
    taken = dict(Customer.objects.filter(credit_code__in=list(credit_codes)).values_list("credit_code", "external_id"))
    for row in rows:
        values = row.values
        district = districts.get(values.get("district_code"))
        if values.get("district_code") and district is None:
            parsed.add_error(
                row.number,
                _header_of(parsed, "district_code"),
                _("No open district office with code %(code)s in your part of the organisation.")
                % {"code": values["district_code"]},
            )
        row.refs["district"] = district
        row.refs["salesperson"] = _check_salesperson(parsed, row, staff, district.pk if district else None)
        code = values.get("credit_code")
        if code and code in taken and taken[code] != values.get("external_id"):
            parsed.add_error(row.number, _header_of(parsed, "credit_code"), services.CREDIT_CODE_TAKEN)
        row.data = {key: values[key] for key in CUSTOMER_FIELDS if key in values}
        row.data.update(external_id=values.get("external_id"), district=district)
        if "salesperson_no" in values:
            row.data["salesperson"] = row.refs["salesperson"]
        for message in row.errors.pop("external_id", ()):
            parsed.add_error(row.number, _header_of(parsed, "external_id"), message)
        customer = row.existing
        if customer is None:
            row.action = "create"
            continue
        fields = {key: values[key] for key in CUSTOMER_FIELDS if key in values}
        fields["district"] = district
        if "salesperson_no" in values:
            fields["salesperson"] = row.refs["salesperson"]
        same = all(getattr(customer, key) == value for key, value in fields.items() if key not in ("district", "salesperson"))
        same = same and (district is None or customer.district_id == district.pk)
        same = same and ("salesperson" not in fields or customer.salesperson_id == getattr(fields["salesperson"], "pk", None))
        row.action = "unchanged" if same else "update"


def _resolve_facts(kind, parsed, user):
    model = Invoice if kind == ImportKind.INVOICES else Payment
    rows = parsed.rows
    numbers = {row.values["customer"] for row in rows if row.values.get("customer")}
    customers = batch.in_scope(Customer.objects.select_related("district"), user, slugs=numbers, slug_field="external_id")[1]
    staff = _staff_in_scope(parsed, user) if kind == ImportKind.INVOICES else {}
    channels = _channels_in_scope(parsed, user) if kind == ImportKind.INVOICES else {}
    # Whoever's they are: a fact imported again must be the very same, or its number cannot be used.
    existing = batch.by_external_id(model.objects.all(), [row.external_id for row in rows if row.external_id])
    date_key = "issue_date" if kind == ImportKind.INVOICES else "received_on"
    for row in rows:
        values = row.values
        customer = customers.get(values.get("customer"))
        if values.get("customer") and customer is None:
            parsed.add_error(
                row.number,
                _header_of(parsed, "customer"),
                _("No customer with number %(no)s in your part of the organisation.") % {"no": values["customer"]},
            )
        row.refs["customer"] = customer
        if kind == ImportKind.INVOICES:
            if error := due_date_error(values.get("issue_date"), values.get("due_date")):
                parsed.add_error(row.number, _header_of(parsed, "due_date"), error)
            if customer is not None and customer.status != CustomerStatus.ACTIVE:
                parsed.add_error(
                    row.number,
                    _header_of(parsed, "customer"),
                    _("The customer %(name)s is not active.") % {"name": customer.name},
                )
            row.refs["salesperson"] = _check_salesperson(parsed, row, staff, customer.district_id if customer else None)
            row.data = {
                "customer": customer,
                "issue_date": values.get("issue_date"),
                "due_date": values.get("due_date"),
                "amount": values.get("amount"),
                "salesperson": row.refs.get("salesperson"),
                "external_id": values.get("external_id"),
            }
            if values.get("channel"):
                # Whether the channel is under contract is the service's rule (its refusal lands on this column).
                row.data["channel"] = channels.get(values["channel"])
                if row.data["channel"] is None:
                    parsed.add_error(
                        row.number,
                        _header_of(parsed, "channel"),
                        _("No channel with number %(no)s in your part of the organisation.") % {"no": values["channel"]},
                    )
        else:
            row.data = {
                "customer": customer,
                "received_on": values.get("received_on"),
                "amount": values.get("amount"),
                "method": values.get("method", PaymentMethod.BANK_TRANSFER),
                "reference": values.get("reference", ""),
                "external_id": values.get("external_id"),
            }
        previous = existing.get(values.get("external_id"))
        if previous is None:
            continue
        # The same fact imported again changes nothing; a different one under the same number is an error.
        same = customer is not None and previous.customer_id == customer.pk and previous.amount == values.get("amount")
        same = same and getattr(previous, date_key) == values.get(date_key)
        if same:
            row.action = "unchanged"
        else:
            parsed.add_error(row.number, _header_of(parsed, "external_id"), services.EXTERNAL_ID_TAKEN)


# ------------------------------------------------------------------------------------------ writing


FIELD_TO_KEY = {"district": "district_code", "salesperson": "salesperson_no", "customer": "customer", "channel": "channel"}
COUNTED = {"create": "created", "update": "updated", "unchanged": "unchanged"}


class _Rollback(Exception):
    pass


class _RowFailed(Exception):
    def __init__(self, row, field, message):
        self.row, self.field, self.message = row, field, message


def write(*, kind, parsed, by):
    """Write every row through the pipeline as `by`, in the caller's transaction; the first refusal
    raises _RowFailed (the caller rolls back). Returns counts of created / updated / unchanged rows."""
    counts = dict.fromkeys(COUNTED.values(), 0)
    for row in parsed.rows:
        counts[COUNTED[row.action]] += 1
    batch.Batch.for_kind(kind, by=by).write(parsed.rows, stop_at_first=True)
    failed = next((row for row in parsed.rows if row.errors), None)
    if failed is not None:
        field_name, messages = next(iter(failed.errors.items()))
        raise _RowFailed(failed, field_name, messages[0])
    return counts


# ------------------------------------------------------------------------------------------- jobs


def _file_bytes(job):
    job.file.open("rb")
    try:
        return job.file.read()
    finally:
        job.file.close()


def _check(job, *, user, progress=None):
    """Parse and resolve the job's file; returns Parsed (file-level problems become a row-0 error)."""
    data = _file_bytes(job)
    try:
        parsed = parse(kind=job.kind, data=data, filename=job.filename, progress=progress)
    except ImportFileError as error:
        return Parsed(columns=[], rows=[], errors=[{"row": 0, "column": "", "message": error.message}], preview={})
    resolve(kind=job.kind, parsed=parsed, user=user)
    return parsed


def _store_errors(parsed):
    return parsed.errors[:MAX_STORED_ERRORS]


def _job(job_id):
    return ImportJob.objects.unscoped().select_related("created_by").filter(pk=job_id).first()


def checkpoint(name):
    """A no-op that tests replace to stop a commit at a named point (written: every row written, the
    transaction still open)."""


def job_validate(*, job_id, token=None, thread=False):
    """Check an uploaded job's file and record the outcome: validated (ready to commit) or failed.
    Safe to run twice: only a job still `uploaded` and held by nobody live is checked (core/jobs.py
    claim); `token` names the holder (the Celery task id), `thread` beats from a thread (a real worker)."""
    token = token or new_token()
    if not job_claim(ImportJob, job_id, token=token, states=[ImportStatus.UPLOADED]):
        return _job(job_id)
    job = _job(job_id)
    held = Q(status=ImportStatus.UPLOADED, claimed_by=token)

    def progress(done):
        job_beat(ImportJob, job.pk, token=token, where=held, processed_rows=min(done, job.total_rows))

    try:
        with heartbeat(ImportJob, job.pk, token=token, thread=thread):
            parsed = _check(job, user=job.created_by, progress=progress)
    except JobLost:
        return _job(job_id)
    except Exception as error:
        ImportJob.objects.filter(pk=job.pk).filter(held).update(
            heartbeat_at=None, **ImportJob.job_failure(_("The check failed: %(error)s") % {"error": error})
        )
        raise
    status = ImportStatus.FAILED if parsed.errors else ImportStatus.VALIDATED
    total = parsed.total
    ImportJob.objects.filter(pk=job.pk).filter(held).update(
        status=status,
        total_rows=total,
        processed_rows=total,
        errors=_store_errors(parsed),
        error_count=len(parsed.errors),
        preview=parsed.preview,
        finished_at=timezone.now() if status == ImportStatus.FAILED else None,
        heartbeat_at=None,
        attempts=0,  # the commit counts its own attempts
    )
    job.refresh_from_db()
    return job


def job_commit(*, job_id, token=None, thread=False):
    """Write a validated job's rows, all in one transaction, and mark it committed.

    Safe to run twice or concurrently: the job is claimed first (core/jobs.py: one conditional UPDATE,
    so a second run finds it held or no longer `validated` and does nothing), and marked committed at
    the end of the transaction only if this execution still holds it — a run that dies, or that lost
    the job to the reaper, rolls back with every row. The job row is not locked while the rows are
    written, so the heartbeat (its own connection) and the reaper never wait for a long commit.
    """
    token = token or new_token()
    if not job_claim(ImportJob, job_id, token=token, states=[ImportStatus.VALIDATED]):
        return _job(job_id)
    job = _job(job_id)
    held = Q(status=ImportStatus.VALIDATED, claimed_by=token)
    failure = None
    try:
        with heartbeat(ImportJob, job.pk, token=token, thread=thread), transaction.atomic():
            # Checked again: the scope, the customers or the ledger may have changed since the preview.
            parsed = _check(job, user=job.created_by)
            if parsed.errors:
                failure = parsed.errors
                raise _Rollback
            try:
                counts = write(kind=job.kind, parsed=parsed, by=job.created_by)
            except _RowFailed as failed:
                key = FIELD_TO_KEY.get(failed.field, failed.field)
                column = next((h for c, h in parsed.columns if c.key == key), failed.field or "")
                failure = [{"row": failed.row.number, "column": column, "message": str(failed.message)}]
                raise _Rollback from None
            checkpoint("written")
            done = (
                ImportJob.objects.filter(pk=job.pk)
                .filter(held)
                .update(
                    status=ImportStatus.COMMITTED,
                    finished_at=timezone.now(),
                    processed_rows=parsed.total,
                    total_rows=parsed.total,
                    result=counts,
                    heartbeat_at=None,
                )
            )
            if not done:
                raise JobLost(f"import job {job.pk} is no longer held by {token}")
    except _Rollback:
        ImportJob.objects.filter(pk=job.pk).filter(held).update(
            status=ImportStatus.FAILED,
            errors=failure[:MAX_STORED_ERRORS],
            error_count=len(failure),
            finished_at=timezone.now(),
            commit_requested_at=None,
            heartbeat_at=None,
        )
    except JobLost:
        pass  # reaped meanwhile: every row rolled back, the job says why
    except Exception as error:
        ImportJob.objects.filter(pk=job.pk).filter(held).update(
            heartbeat_at=None, **ImportJob.job_failure(_("The import failed: %(error)s") % {"error": error})
        )
        raise
    job.refresh_from_db()
    return job


def job_start(*, by, kind, upload):
    """Store a file uploaded by `by` as a new job and check it: now if small, else in a background task.
    The rows are checked in the uploader's scope and written as the uploader (`customer.import`)."""
    # cycle: customers.tasks → customers.imports (the task runs the check; this service enqueues the task)
    from customers import tasks

    ensure(by, "customer.import", kind)
    unit = by.staff_profile.unit
    data = upload.read()
    upload.seek(0)
    job = ImportJob(kind=kind, filename=upload.name[:255], unit=unit, created_by=by, total_rows=count_rows(data, upload.name))
    job.file.save(upload.name, upload, save=False)
    job.save()
    if job.total_rows > sync_max_rows():
        transaction.on_commit(lambda: tasks.import_validate.delay(job.pk))
        return job
    return job_validate(job_id=job.pk)


def job_request_commit(*, by, job):
    """Commit a validated job: now if small, else in a background task (the page shows progress).
    `by` needs the right to import this kind of file; the rows are written as the uploader."""
    # cycle: customers.tasks → customers.imports (the task runs the commit; this service enqueues the task)
    from customers import tasks

    ensure(by, "customer.import", job.kind)
    if job.status != ImportStatus.VALIDATED:
        return job
    if job.total_rows > sync_max_rows():
        ImportJob.objects.filter(pk=job.pk, status=ImportStatus.VALIDATED).update(commit_requested_at=timezone.now())
        transaction.on_commit(lambda: tasks.import_commit.delay(job.pk))
        job.refresh_from_db()
        return job
    return job_commit(job_id=job.pk)


# ------------------------------------------------------------------------------------------ templates


TEMPLATE_TITLES = {
    ImportKind.CUSTOMERS: gettext_lazy("customers"),
    ImportKind.INVOICES: gettext_lazy("invoices"),
    ImportKind.PAYMENTS: gettext_lazy("payments"),
}


def template_xlsx(kind):
    book = Workbook()
    sheet = book.active
    sheet.title = str(kind)
    sheet.append([c.header for c in COLUMNS[kind]])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in TEMPLATE_EXAMPLES[kind]:
        sheet.append(row)
    for index, column in enumerate(COLUMNS[kind], start=1):
        sheet.cell(row=1, column=index).number_format = "@"
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = max(12, len(column.header) * 3)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def template_csv(kind):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([c.header for c in COLUMNS[kind]])
    writer.writerows(TEMPLATE_EXAMPLES[kind])
    # With a BOM, Excel opens the UTF-8 file with its Chinese headers intact.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
