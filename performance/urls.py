from django.urls import path

from performance import views

app_name = "performance"

urlpatterns = [
    path("attainment/", views.AttainmentView.as_view(), name="attainment"),
]
