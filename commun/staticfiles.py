"""Front-end packages from npm, served under `static/vendor/` — only the files the pages use.

`settings.VENDOR_FILES` lists them (a file, or a folder such as a package's `dist/`), as
paths inside `node_modules/`; `collectstatic` copies these and nothing else of the 77 MB.
"""

import os

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage
from django.utils._os import safe_join

PREFIX = "vendor"


class VendorFinder(BaseFinder):
    def __init__(self, *args, **kwargs):
        self.root = str(settings.NODE_MODULES)
        self.allowed = [entry.strip("/") for entry in settings.VENDOR_FILES]
        self.storage = FileSystemStorage(location=self.root)
        self.storage.prefix = PREFIX
        super().__init__(*args, **kwargs)

    def _allowed(self, relative):
        return any(relative == entry or relative.startswith(entry + "/") for entry in self.allowed)

    def find(self, path, find_all=False, **kwargs):
        found = []
        if path.startswith(PREFIX + "/"):
            relative = path[len(PREFIX) + 1:]
            if self._allowed(relative):
                try:
                    full = safe_join(self.root, relative)
                except ValueError:  # outside node_modules
                    full = None
                if full and os.path.isfile(full):
                    found.append(full)
        if find_all:
            return found
        return found[0] if found else []

    def list(self, ignore_patterns):
        for entry in self.allowed:
            full = os.path.join(self.root, entry)
            if os.path.isfile(full):
                yield entry, self.storage
                continue
            for folder, _, files in os.walk(full):
                for name in files:
                    if name.endswith(".map"):
                        continue
                    yield os.path.relpath(os.path.join(folder, name), self.root), self.storage
