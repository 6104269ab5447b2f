from rest_framework.routers import SimpleRouter

from channels.api.views import ContractViewSet

# Mounted at /api/v1/channels/. SimpleRouter: no second API root (the one of /api/v1/ lists everything).
router = SimpleRouter()
router.register("contracts", ContractViewSet, basename="channels-contract")

urlpatterns = router.urls
