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
]
