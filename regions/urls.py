from django.urls import path

from regions import views

app_name = "regions"

urlpatterns = [
    path("units/", views.OrgUnitListView.as_view(), name="orgunit_list"),
    path("units/new/", views.OrgUnitCreateView.as_view(), name="orgunit_create"),
    path("units/<int:pk>/", views.OrgUnitDetailView.as_view(), name="orgunit_detail"),
    path("staff/", views.StaffListView.as_view(), name="staff_list"),
    path("staff/new/", views.StaffCreateView.as_view(), name="staff_create"),
    path("staff/<int:pk>/", views.StaffDetailView.as_view(), name="staff_detail"),
    path("api-keys/", views.ApiKeyListView.as_view(), name="apikey_list"),
]
