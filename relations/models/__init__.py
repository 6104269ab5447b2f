"""One module per subject (visits, key_customers, market, complaints); this package re-exports their public names."""

from relations.models.complaints import Complaint, ComplaintEscalation, ComplaintStep  # noqa: F401
