from rest_framework.routers import SimpleRouter

from channels.api.views import (
    ChannelActivityViewSet,
    ChannelAgreementViewSet,
    ChannelContactViewSet,
    ChannelViewSet,
    ContractViewSet,
)
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
router.register("channels", ChannelViewSet, basename="channel")
router.register("channel-activities", ChannelActivityViewSet, basename="channel-activity")
router.register("channel-contacts", ChannelContactViewSet, basename="channel-contact")
router.register("channel-agreements", ChannelAgreementViewSet, basename="channel-agreement")
router.register("contracts", ContractViewSet, basename="channels-contract")

# Promotional materials (推广用品), issue 17.
router.register("material-items", MaterialItemViewSet, basename="channels-material-item")
router.register("material-stock", MaterialStockViewSet, basename="channels-material-stock")
router.register("material-movements", MaterialMovementViewSet, basename="channels-material-movement")
router.register("material-dispatches", MaterialDispatchViewSet, basename="channels-material-dispatch")
router.register("material-requests", MaterialRequestViewSet, basename="channels-material-request")
# Promotion events (推广活动), issue 17.
router.register("promotion-events", PromotionEventViewSet, basename="channels-promotion-event")

urlpatterns = router.urls
