"""The job fixtures (an app per configuration: inline, threaded, RQ on the test Redis)."""

from tests.core.jobs.conftest import make_app as make_app  # noqa: F401 - fixture
from tests.core.jobs.conftest import queue_name as queue_name  # noqa: F401 - fixture
from tests.core.jobs.conftest import rq_app as rq_app  # noqa: F401 - fixture
