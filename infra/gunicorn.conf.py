"""gunicorn settings: WSGI (django-tenants sets search_path per connection), loopback by default."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", min(4, multiprocessing.cpu_count() * 2)))
threads = 1
timeout = 60
# A worker is replaced after about this many requests (jitter: not all at once), so no
# process grows without bound; its database connection is bounded by the schools it
# served (DB_RECYCLE_AFTER_SCHOOLS_WEB, tenants/recycling.py, #17). Not much lower: a new
# worker meets every school cold (docs/upgrades.md#memory).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "2000"))
accesslog = "-"
# No query strings or cookies in access logs: they may carry personal data.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(L)ss host=%({host}i)s'
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
