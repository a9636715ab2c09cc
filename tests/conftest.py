"""The project's own ``anyio_backend`` fixture: each backend on a virtual clock.

Every ``async def test_…`` marked ``anyio`` runs twice, on asyncio and on trio,
and waits for no timer: the clocks jump to the next deadline whenever all
tasks are blocked, so schedules are checked exactly and in no time.
"""

import functools
import os
import signal
import tempfile

import pytest

from common.virtual import backend_options
from tests import harness

#: where OpenSSL, httpx and Python's ssl look for certificates
CERTIFICATES = ("SSL_CERT_FILE", "SSL_CERT_DIR")


def pytest_configure(config):
    # A process started with SIGINT ignored (a shell script's background job)
    # passes that on to every process it starts: the lessons that the tests
    # run would not see Ctrl-C until they install a handler of their own.
    # The tests press Ctrl-C as a user does at a terminal: on processes that
    # have Python's own handler.
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    # No test talks TLS (every download is from 127.0.0.1, over HTTP), yet
    # certificates are loaded all the time: importing aiohttp makes a default
    # context (about 50 ms in every process that runs a w8s4 lesson), and an
    # httpx client that reads the environment (``trust_env``, as the
    # exercises' clients do) loads the machine's bundle as it is made (about
    # 40 ms each).  For the session, and the processes it starts, no
    # certificate file and an empty certificate directory, whose certificates
    # OpenSSL would load only if one were needed: both cost nothing.  What
    # the machine set is put back at the end.  (The lessons' clients for the
    # embedded server read no environment, ``trust_env=False``, and load no
    # certificates of their own: ``common.w8s4.certificates``.)
    config._certificates = {name: os.environ.get(name) for name in CERTIFICATES}
    config._no_certificates = tempfile.TemporaryDirectory(prefix="no-certificates-")
    os.environ["SSL_CERT_FILE"] = ""
    os.environ["SSL_CERT_DIR"] = config._no_certificates.name


def pytest_unconfigure(config):
    if not hasattr(config, "_certificates"):
        return
    for name, value in config._certificates.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    config._no_certificates.cleanup()


@pytest.fixture(
    params=[
        pytest.param("asyncio", id="asyncio"),
        pytest.param("trio", id="trio"),
    ]
)
def anyio_backend(request):
    # A fresh virtual clock for every test: nothing carries over.
    return request.param, backend_options(request.param, virtual=True)


@pytest.fixture
def backend_name(anyio_backend):
    return anyio_backend[0]


@pytest.fixture(scope="session")
def record_of():
    """``record_of(flavour, lesson, demo, backend="asyncio")``: a demo's record
    on virtual time, run once for the whole session and shared (each call
    returns a copy).  See :func:`tests.harness.record_of`."""
    return harness.record_of


@pytest.fixture(scope="session")
def left_alone():
    """``left_alone(case)``: a demo of the Ctrl-C tests run alone on virtual
    time (its record, and the instants its loop was idle), once per session,
    when a test first needs it.  See tests/ctrl_c_cases.py."""
    from tests.ctrl_c_cases import run_alone

    return functools.cache(run_alone)


@pytest.fixture(scope="session")
def fork_server():
    """A :class:`tests.harness.ForkServer` for the session (started when a
    test first asks): real lesson processes, one interpreter start-up."""
    with harness.ForkServer() as server:
        yield server


# -- a real Jupyter kernel (tests/kernel.py) ---------------------------------------
# Starting a kernel costs more CPU than most cells it runs: each worker starts
# one for the session, when a test first asks, and every test starts from a
# new kernel's namespace (``%reset -f``, then checked).  No test here is about
# a new kernel as such, nor kills one; the kernel's interrupt is tested on this
# kernel, which must run on afterwards.


@pytest.fixture(scope="session")
def kernel_specs():
    """The kernel spec of this interpreter, in a temporary folder."""
    from tests.kernel import KernelSpecs

    specs = KernelSpecs()
    yield specs
    specs.close()


@pytest.fixture(scope="session")
def session_kernel(kernel_specs):
    """The worker's kernel, on real time (``LESSONS_VIRTUAL_TIME`` unset, as
    in the suite).  Tests use :func:`kernel`."""
    from tests.kernel import FRESH, Kernel

    kernel = Kernel(kernel_specs)
    try:
        # what a new kernel's namespace holds: what each test starts from again
        assert kernel.names() == FRESH
        yield kernel
    finally:
        kernel.close()


@pytest.fixture
def kernel(session_kernel):
    """The session's kernel with the namespace of a new one (nothing an
    earlier test defined; warnings shown again) and ``LESSONS_VIRTUAL_TIME``
    unset again.  A test leaves it idle, with no demo running."""
    from tests.kernel import FRESH

    assert session_kernel.reset() == FRESH
    return session_kernel
