from django.urls import path

from channels import views

app_name = "channels"

urlpatterns = [
    path("", views.ChannelListView.as_view(), name="channel_list"),
    path("new/", views.ChannelCreateView.as_view(), name="channel_create"),
    path("<int:pk>/", views.ChannelDetailView.as_view(), name="channel_detail"),
    path("<int:pk>/edit/", views.ChannelEditView.as_view(), name="channel_edit"),
    # Contracts (合同, issue 17).
    path("contracts/", views.ContractListView.as_view(), name="contract_list"),
    path("contracts/new/", views.ContractCreateView.as_view(), name="contract_create"),
    path("contracts/<int:pk>/", views.ContractDetailView.as_view(), name="contract_detail"),
    path("contracts/<int:pk>/edit/", views.ContractEditView.as_view(), name="contract_edit"),
    path("contracts/<int:pk>/file/", views.ContractFileView.as_view(), name="contract_file"),
]
