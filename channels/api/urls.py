from rest_framework.routers import SimpleRouter

from channels.api.views.materials import (
    MaterialDispatchViewSet,
    MaterialItemViewSet,
    MaterialMovementViewSet,
    MaterialRequestViewSet,
    MaterialStockViewSet,
)
from channels.api.views.promotion import PromotionEventViewSet

# Mounted at /api/v1/channels/. SimpleRouter: no second API root (the one of /api/v1/ lists everything).
router = SimpleRouter()
# Promotional materials (推广用品), issue 17.
router.register("material-items", MaterialItemViewSet, basename="channels-material-item")
router.register("material-stock", MaterialStockViewSet, basename="channels-material-stock")
router.register("material-movements", MaterialMovementViewSet, basename="channels-material-movement")
router.register("material-dispatches", MaterialDispatchViewSet, basename="channels-material-dispatch")
router.register("material-requests", MaterialRequestViewSet, basename="channels-material-request")
# Promotion events (推广活动), issue 17.
router.register("promotion-events", PromotionEventViewSet, basename="channels-promotion-event")

urlpatterns = router.urls
