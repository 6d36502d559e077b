import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings.local")
application = get_wsgi_application()
# Import every view now rather than on the first request, then keep all that was loaded (it
# lives as long as the process) out of the collector's scans, which otherwise walk the whole
# framework on each full collection: tens of milliseconds added to a request at random.
get_resolver().url_patterns  # noqa: B018 - evaluated for its imports
gc.freeze()
