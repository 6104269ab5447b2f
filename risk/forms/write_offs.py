"""The forms of write-offs (坏账核销): the proposal (one amount field per open invoice of the customer), a
reversal's reason and a recovery. They only shape the input; the services check every rule."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.dates import DateFormField
from risk.services.write_offs import HISTORY_MAX, REASON_MAX, REFERENCE_MAX


class WriteOffForm(forms.Form):
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=REASON_MAX)
    collection_history = forms.CharField(
        label=_("collection history"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=HISTORY_MAX,
        required=False,
        help_text=_("How the debt was chased so far: visits, letters, lawyers, court rulings…"),
    )
    attachment = forms.FileField(
        label=_("attachment"), required=False, help_text=_("A PDF, picture, Excel or Word file or zip archive, at most 10 MB.")
    )

    def __init__(self, *args, invoices=(), **kwargs):
        """`invoices`: [(invoice, what is open of it)] — one amount field each; empty means not written off."""
        super().__init__(*args, **kwargs)
        self.invoices = list(invoices)
        for invoice, open_amount in self.invoices:
            self.fields[f"line_{invoice.pk}"] = forms.CharField(
                label=_("%(invoice)s, due %(due)s, open %(open)s")
                % {"invoice": invoice, "due": invoice.due_date.isoformat(), "open": f"{open_amount:,.2f}"},
                required=False,
                max_length=30,
            )
        self.order_fields(
            [f"line_{invoice.pk}" for invoice, _o in self.invoices] + ["reason", "collection_history", "attachment"]
        )

    def line_fields(self):
        return [self[f"line_{invoice.pk}"] for invoice, _o in self.invoices]

    def lines(self):
        """[{"invoice": id, "amount": text}] of the amounts filled in."""
        return [
            {"invoice": invoice.pk, "amount": self.cleaned_data.get(f"line_{invoice.pk}")}
            for invoice, _o in self.invoices
            if (self.cleaned_data.get(f"line_{invoice.pk}") or "").strip()
        ]


class WriteOffReversalForm(forms.Form):
    reason = forms.CharField(label=_("reason for the reversal"), widget=forms.Textarea(attrs={"rows": 3}), max_length=REASON_MAX)


class RecoveryForm(forms.Form):
    # Text, not a number field: the service's money rule (parse_money) refuses and words every bad amount.
    amount = forms.CharField(label=_("amount recovered"), max_length=30)
    received_on = DateFormField(label=_("received on"), widget=forms.DateInput(attrs={"type": "date"}))
    reference = forms.CharField(label=_("reference"), max_length=REFERENCE_MAX, required=False)
    note = forms.CharField(label=_("note"), widget=forms.Textarea(attrs={"rows": 2}), max_length=REASON_MAX, required=False)
