from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import render

from .selectors import plans_for_user


@login_required
def home(request):
    plans = (
        plans_for_user(request.user)
        .annotate(target_count=Count("targets"))
        .order_by("-year_start", "province__name")
        .prefetch_related("targets__indicator", "targets__share_indicator", "targets__attainments")
    )
    return render(request, "targets/home.html", {"plans": plans})
