from whitenoise.storage import CompressedManifestStaticFilesStorage


class CollectedStaticStorage(CompressedManifestStaticFilesStorage):
    """Hashed names in every mode (Django's manifest storage gives plain names when DEBUG is on), so that under
    `make run` too WhiteNoise serves each file with a far-future expiry and a browser fetches plotly.js once."""

    def url(self, name, force=False):
        return super().url(name, force=True)
