from django.urls import path

from . import views

app_name = "approvals"
urlpatterns = [
    path("", views.approval_list, name="list"),
    path("act/", views.approval_act, name="act"),
    path("<str:unit_code>/<int:year>/<str:kind>/", views.approval_detail, name="detail"),
]
