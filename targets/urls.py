from django.urls import path

from . import views

app_name = "dashboards"

urlpatterns = [
    path("plans/<int:pk>/", views.plan_dashboard, name="plan"),
    path("targets/<int:pk>/", views.target_detail, name="target"),
    path("areas/<str:code>/", views.area_dashboard, name="area"),
    path("compare/", views.compare, name="compare"),
    path("data/<str:key>.<str:fmt>", views.chart_download, name="download"),
    path("refresh/<str:code>/", views.refresh, name="refresh"),
    path("runs/<int:pk>/", views.run_status, name="run"),
]
