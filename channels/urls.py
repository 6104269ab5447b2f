from django.urls import path

from channels import views
from channels.views import materials, promotion

app_name = "channels"

urlpatterns = [
    path("", views.ChannelListView.as_view(), name="channel_list"),
    path("new/", views.ChannelCreateView.as_view(), name="channel_create"),
    path("<int:pk>/", views.ChannelDetailView.as_view(), name="channel_detail"),
    path("<int:pk>/edit/", views.ChannelEditView.as_view(), name="channel_edit"),
    path("agreements/<int:pk>/file/", views.ChannelAgreementFileView.as_view(), name="channel_agreement_file"),
    # Contracts (合同, issue 17).
    path("contracts/", views.ContractListView.as_view(), name="contract_list"),
    path("contracts/new/", views.ContractCreateView.as_view(), name="contract_create"),
    path("contracts/<int:pk>/", views.ContractDetailView.as_view(), name="contract_detail"),
    path("contracts/<int:pk>/edit/", views.ContractEditView.as_view(), name="contract_edit"),
    path("contracts/<int:pk>/file/", views.ContractFileView.as_view(), name="contract_file"),
    # Promotional materials (推广用品), issue 17.
    path("materials/", materials.MaterialStockListView.as_view(), name="material_stock_list"),
    path("materials/stock/change/", materials.StockChangeView.as_view(), name="material_stock_change"),
    path("materials/movements/", materials.MaterialMovementListView.as_view(), name="material_movement_list"),
    path("materials/dispatches/", materials.MaterialDispatchListView.as_view(), name="material_dispatch_list"),
    path("materials/dispatches/new/", materials.DispatchCreateView.as_view(), name="material_dispatch_create"),
    path("materials/dispatches/<int:pk>/", materials.MaterialDispatchDetailView.as_view(), name="material_dispatch_detail"),
    path("materials/requests/", materials.MaterialRequestListView.as_view(), name="material_request_list"),
    path("materials/requests/new/", materials.MaterialRequestCreateView.as_view(), name="material_request_create"),
    path("materials/requests/<int:pk>/", materials.MaterialRequestDetailView.as_view(), name="material_request_detail"),
    path("materials/requests/<int:pk>/edit/", materials.MaterialRequestEditView.as_view(), name="material_request_edit"),
    path("materials/items/", materials.MaterialItemListView.as_view(), name="material_item_list"),
    path("materials/items/new/", materials.MaterialItemCreateView.as_view(), name="material_item_create"),
    # Promotion events (推广活动), issue 17.
    path("promotion/", promotion.PromotionEventListView.as_view(), name="promotion_event_list"),
    path("promotion/effectiveness/", promotion.PromotionEffectivenessView.as_view(), name="promotion_effectiveness"),
    path("promotion/new/", promotion.PromotionEventCreateView.as_view(), name="promotion_event_create"),
    path("promotion/<int:pk>/", promotion.PromotionEventDetailView.as_view(), name="promotion_event_detail"),
    path("promotion/<int:pk>/edit/", promotion.PromotionEventEditView.as_view(), name="promotion_event_edit"),
    path("promotion/leads/<int:pk>/convert/", promotion.LeadConvertView.as_view(), name="promotion_lead_convert"),
]
