"""Gunicorn configuration for Zugong (组工) in production.

Run:  gunicorn --config /etc/zugong/gunicorn.conf.py core.wsgi:app

Every knob can be set from the environment (normally /etc/zugong/zugong.env, read by
systemd's EnvironmentFile=), so the same file serves a 2-core county VM and a 32-core
provincial node. Anything here can still be overridden ad hoc with GUNICORN_CMD_ARGS.
"""

import os


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def _cpu_count() -> int:
    # sched_getaffinity honours taskset/cpusets (containers, systemd CPUAffinity=);
    # os.cpu_count() would report every core of the host.
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


# --- Socket -------------------------------------------------------------------------------
# Loopback by default: only nginx on the same host should reach gunicorn. Several addresses
# may be given separated by commas ("127.0.0.1:8000,unix:/run/zugong/web.sock").
bind = [b.strip() for b in os.environ.get("ZUGONG_BIND", "127.0.0.1:8000").split(",") if b.strip()]

# Pending connections the kernel queues for us while all threads are busy.
backlog = _env_int("ZUGONG_WEB_BACKLOG", 2048)

# --- Workers ------------------------------------------------------------------------------
# The classic (2 x cores + 1) gives one worker waiting on I/O while another computes.
# Mind the database: every worker process owns its own SQLAlchemy pool, so
#   workers x (pool_size + max_overflow)  must stay under PostgreSQL's max_connections
# (minus the RQ workers, psql sessions and replication), or put PgBouncer in between
# (see SCALING.md). On a big host set ZUGONG_WEB_WORKERS explicitly rather than trusting
# the formula.
workers = _env_int("ZUGONG_WEB_WORKERS", 2 * _cpu_count() + 1)

# gthread: each worker process serves a few requests concurrently on threads. Zugong's
# requests are short and mostly wait on PostgreSQL, so threads soak up that waiting
# cheaply; a slow client no longer pins a whole process (nginx buffers bodies anyway).
# Keep it a few, not dozens: the app is not async and each thread may hold a DB connection.
worker_class = "gthread"
threads = _env_int("ZUGONG_WEB_THREADS", 4)

# Recycle each worker after this many requests (plus a random jitter so the workers do not
# all restart at the same moment). This bounds slow memory growth from fragmentation or a
# leak in a C extension (lxml, openpyxl) without anyone having to notice it.
max_requests = _env_int("ZUGONG_WEB_MAX_REQUESTS", 2000)
max_requests_jitter = _env_int("ZUGONG_WEB_MAX_REQUESTS_JITTER", 200)

# preload_app = False: the app is imported in each worker after the fork, so each worker
# creates its own database engine/pool and Redis connection. With preload the master would
# import the app once and every worker would inherit (and share) sockets opened at import
# time, which corrupts PostgreSQL connections. It also lets `systemctl reload zugong-web`
# (SIGHUP) pick up newly installed code, because new workers import it afresh.
preload_app = False

# --- Timeouts -----------------------------------------------------------------------------
# A worker silent for longer than this is killed and replaced. Heavy work (exports,
# bulletins, scans) runs in RQ jobs, not in requests, so 60 s is generous; nginx's
# proxy_read_timeout (75 s) is set just above it so gunicorn, not nginx, decides.
timeout = _env_int("ZUGONG_WEB_TIMEOUT", 60)
# On SIGTERM/SIGHUP a worker gets this long to finish the requests in flight.
# systemd's TimeoutStopSec for zugong-web is set above it.
graceful_timeout = _env_int("ZUGONG_WEB_GRACEFUL_TIMEOUT", 30)
# Seconds an idle keep-alive connection from nginx is held open. nginx's upstream block
# keeps connections for a shorter time (keepalive_timeout 4s), so nginx always closes
# first and never sends a request (perhaps a non-idempotent POST) down a connection that
# gunicorn is closing at that very moment.
keepalive = _env_int("ZUGONG_WEB_KEEPALIVE", 5)

# Worker heartbeat files: on tmpfs, so a slow or read-only disk never makes the master
# think a worker hangs. (/dev/shm stays writable under systemd's ProtectSystem=strict.)
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# --- Proxy --------------------------------------------------------------------------------
# Addresses allowed to set X-Forwarded-Proto (so the app knows the request came in over
# HTTPS: secure cookies, https:// URLs). Only the local nginx by default. In containers,
# where nginx connects from a bridge address, set it to that address or "*" when gunicorn
# is reachable from nowhere else.
# The client address itself (X-Forwarded-For) is resolved by the app, which trusts
# exactly ZUGONG_TRUSTED_PROXIES hops (Werkzeug ProxyFix); keep the two consistent.
forwarded_allow_ips = os.environ.get(
    "ZUGONG_FORWARDED_ALLOW_IPS", os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
)

# --- Control socket (gunicorn >= 25.1; older versions ignore these names) -----------------
# Newer gunicorn opens a control socket for `gunicornc` under $HOME by default. Here $HOME
# is the instance folder (possibly shared storage), which is no place for a socket. Put
# it in the runtime directory systemd creates for the unit (RuntimeDirectory=zugong-web
# -> $RUNTIME_DIRECTORY=/run/zugong-web), or where ZUGONG_WEB_CONTROL_SOCKET says;
# otherwise switch it off (`systemctl reload zugong-web`, i.e. SIGHUP, needs no socket).
_control_socket = os.environ.get("ZUGONG_WEB_CONTROL_SOCKET", "").strip()
if not _control_socket and os.environ.get("RUNTIME_DIRECTORY"):
    # systemd may list several directories separated by ":"; take the first.
    _control_socket = os.path.join(os.environ["RUNTIME_DIRECTORY"].split(":")[0], "gunicorn.ctl")
if _control_socket:
    control_socket = _control_socket
else:
    control_socket_disable = True

# --- Logging ------------------------------------------------------------------------------
# Both logs go to stdout/stderr: journald (or the container runtime) collects them and
# ships them on; no log files to rotate.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("ZUGONG_LOG_LEVEL", "info").lower()
# Combined log format, plus:
#   %(M)s                   request time in milliseconds (find slow pages)
#   %({x-forwarded-for}i)s  the real client chain as nginx passed it (%(h)s is nginx)
#   %({x-request-id}i)s     nginx's $request_id, to match nginx, gunicorn and app log lines
access_log_format = (
    '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" '
    'rt=%(M)sms xff="%({x-forwarded-for}i)s" rid=%({x-request-id}i)s'
)
# Process title shows up in ps/top as "gunicorn: worker [zugong-web]".
proc_name = "zugong-web"
