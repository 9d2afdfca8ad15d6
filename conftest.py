"""Test-wide setup: the analyst's folder is a temporary one, never the repo's data/user/."""

import os
import tempfile

# Set before any test module imports loaders, so caches and pins land in a throwaway folder.
os.environ.setdefault("FAULTLINE_HOME", tempfile.mkdtemp(prefix="faultline-test-home-"))
os.environ.pop("FAULTLINE_ONLINE", None)
