from django import template
from django.urls import reverse
from django.utils.html import json_script
from django.utils.http import urlencode

from targets import charts

register = template.Library()


@register.filter
def status_symbol(status):
    return charts.STATUS_STYLE.get(status or "no_data", charts.STATUS_STYLE["no_data"])[1]


@register.simple_tag
def download_url(chart, fmt):
    """The chart's data for download; a parameter the chart has no value for (the year of an area without survey
    figures) is left out, and the download falls back to the same default as the page."""
    params = {name: value for name, value in chart.params.items() if value is not None}
    return f"{reverse('dashboards:download', args=[chart.key, fmt])}?{urlencode(params)}"


@register.filter
def bar_value(progress):
    """Progress for a <progress> bar: 0–100."""
    if progress is None:
        return 0
    return max(0, min(100, round(float(progress))))


@register.simple_tag
def plotly_words():
    """Plotly's words in the page's language, for static/js/charts.js."""
    return json_script(charts.plotly_words(), "plotly-words")
