"""The product's settings with the bench's bare endpoint as the only URLs (bench/bare_app.py).

Used only by the benchmark's gunicorn (``DJANGO_SETTINGS_MODULE=bench.bare_settings``): the same
middleware, database and DRF settings as the product, so the bare endpoint differs from the
product's transition by the product's own work alone.
"""

from kfq.settings import *  # noqa: F403

ROOT_URLCONF = "bench.bare_app"
