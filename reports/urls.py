from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("review/", views.review_page, name="review"),
    path("review.xlsx", views.review_xlsx, name="review_xlsx"),
    path("standards/", views.standards_page, name="standards"),
    path("standards.xlsx", views.standards_xlsx, name="standards_xlsx"),
    path("standards/rescore/", views.rescore, name="rescore"),
    path("standards/rescoring/<int:pk>/", views.rescoring_status, name="rescoring"),
]
