from rest_framework.routers import SimpleRouter

from channels.api.views import (
    ChannelActivityViewSet,
    ChannelAgreementViewSet,
    ChannelContactViewSet,
    ChannelViewSet,
    ContractViewSet,
)

# Mounted at /api/v1/channels/. SimpleRouter: no second API root (the one of /api/v1/ lists everything).
router = SimpleRouter()
router.register("channels", ChannelViewSet, basename="channel")
router.register("channel-activities", ChannelActivityViewSet, basename="channel-activity")
router.register("channel-contacts", ChannelContactViewSet, basename="channel-contact")
router.register("channel-agreements", ChannelAgreementViewSet, basename="channel-agreement")
router.register("contracts", ContractViewSet, basename="channels-contract")

urlpatterns = router.urls
