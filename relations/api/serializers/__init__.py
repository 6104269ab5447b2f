"""One module per subject (visits, key_customers, market, complaints); this package re-exports their public names."""

from relations.api.serializers.visits import VisitSerializer, VisitWriteSerializer  # noqa: F401
