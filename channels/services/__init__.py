"""Channels' write services, one module per subject, re-exported here."""

from channels.services.materials import (
    clean_quantity,
    material_adjust,
    material_consume,
    material_dispatch,
    material_dispatch_receive,
    material_item_create,
    material_receive,
    material_request_create,
    material_request_snapshot,
    material_request_submit,
    material_request_update,
    material_request_withdraw,
)
from channels.services.promotion import (
    attribution_window,
    promotion_event_create,
    promotion_event_update,
    promotion_expense_record,
    promotion_lead_capture,
    promotion_lead_convert,
    promotion_participant_add,
    promotion_sale_attribute,
)

__all__ = [
    "clean_quantity",
    "material_adjust",
    "material_consume",
    "material_dispatch",
    "material_dispatch_receive",
    "material_item_create",
    "material_receive",
    "material_request_create",
    "material_request_snapshot",
    "material_request_submit",
    "material_request_update",
    "material_request_withdraw",
    "attribution_window",
    "promotion_event_create",
    "promotion_event_update",
    "promotion_expense_record",
    "promotion_lead_capture",
    "promotion_lead_convert",
    "promotion_participant_add",
    "promotion_sale_attribute",
]
