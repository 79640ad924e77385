"""Serves plotly.js from the installed plotly package as static/vendor/plotly.min.js (never a CDN:
provincial networks are often offline). collectstatic then gives it a hashed name and WhiteNoise a
far-future expiry and a compressed copy. The bundle is the one plotly.py ships, so its base64 arrays read."""

from pathlib import Path

import plotly
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

PLOTLY_DIR = Path(plotly.__file__).resolve().parent / "package_data"
FILES = {"vendor/plotly.min.js": "plotly.min.js"}


class PlotlyFinder(BaseFinder):
    storage = FileSystemStorage(location=PLOTLY_DIR)
    storage.prefix = "vendor"

    def check(self, **kwargs):
        return []

    def find(self, path, find_all=False, **kwargs):
        if path in FILES:
            found = str(PLOTLY_DIR / FILES[path])
            return [found] if find_all else found
        return [] if find_all else None

    def list(self, ignore_patterns):
        for name in FILES.values():
            yield name, self.storage
