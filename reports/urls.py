from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("review/", views.review_page, name="review"),
    path("review.xlsx", views.review_xlsx, name="review_xlsx"),
]
