"""Settings of the gunicorn that bench_pages starts: production's, plus one trivial view (the yardstick)
in devtools.bench_urls. Never used by a real deployment."""

from config.settings.production import *  # noqa: F403

ROOT_URLCONF = "devtools.bench_urls"
