from rest_framework.routers import SimpleRouter

# Mounted at /api/v1/team/. SimpleRouter: no second API root (the one of /api/v1/ lists everything).
router = SimpleRouter()

urlpatterns = router.urls
