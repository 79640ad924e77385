from django.urls import path

from . import views

app_name = "households"

urlpatterns = [
    path("", views.household_list, name="list"),
    path("new/", views.household_edit, name="create"),
    path("new/answers/", views.household_answers, name="create_answers"),
    path("classify/", views.classify_preview, name="classify"),
    path("<int:pk>/", views.household_detail, name="detail"),
    path("<int:pk>/edit/", views.household_edit, name="edit"),
    path("<int:pk>/answers/", views.household_answers, name="answers"),
    path("<int:pk>/classify/", views.classify_preview, name="classify_existing"),
]
