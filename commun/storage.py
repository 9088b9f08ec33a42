"""Static files as the app serves them in production (whitenoise): hashed names for
far-future caching (`Cache-Control: max-age=315360000, immutable`), and a gzip and a
brotli copy of each text file (brotli from the `brotli` package).

Only CSS `url()` references are rewritten: the npm packages' JavaScript points at
source maps and modules that are not shipped, which Django's stricter default would
refuse; a reference to a missing file is left as written instead of failing.
"""

from django.contrib.staticfiles.storage import HashedFilesMixin
from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    manifest_strict = False
    patterns = (("*.css", HashedFilesMixin.patterns[0][1]),)

    def hashed_name(self, name, content=None, filename=None):
        try:
            return super().hashed_name(name, content, filename)
        except ValueError:  # a file that a package references but does not ship
            return name
