from rest_framework.routers import DefaultRouter

from approvals.api.views import ApprovalRequestViewSet, DelegationViewSet

router = DefaultRouter()
router.register("approvals", ApprovalRequestViewSet, basename="approval")
router.register("delegations", DelegationViewSet, basename="delegation")

urlpatterns = router.urls
