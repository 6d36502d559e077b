from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from apps.dashboard.selectors import dashboard_config


@staff_member_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The dashboard page; everything it shows it reads from the public insights API."""
    return render(request, "dashboard/index.html", {"config": dashboard_config()})
