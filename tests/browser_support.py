"""What the browser tests share: chromium and its flags, a streamlit server on a free port, opening a page
and waiting for its script to finish, and reading Streamlit's widgets and grids from the DOM.

Also used by benchmarks/load_test.py (no pytest needed for the parts it imports).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def missing_browser() -> str | None:
    """Why the browser tests cannot run here (None when they can)."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -r requirements-test.txt)"
    if not Path(CHROMIUM).exists():
        return "chromium not found (Debian: apt-get install chromium); .ci/run installs it"
    return None


def skip_without_browser() -> None:
    """Skip the calling test module where there is no browser; fail instead under FAULTLINE_REQUIRE_BROWSER=1
    (.ci/run), where a missing browser is a broken CI machine, not a reason to skip."""
    import pytest

    if reason := missing_browser():
        if os.environ.get("FAULTLINE_REQUIRE_BROWSER") == "1":
            raise RuntimeError(f"browser tests required but {reason}")
        pytest.skip(f"browser tests skipped: {reason}", allow_module_level=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(home: Path, port: int | None = None, timeout: float = 90) -> tuple[subprocess.Popen, str]:
    """`streamlit run dashboard.py` on loopback with FAULTLINE_HOME=home; returns the process and its base URL
    once /_stcore/health answers. Raises RuntimeError (with the server's output) when it does not start."""
    port = port or free_port()
    env = {**os.environ, "FAULTLINE_HOME": str(home)}
    env.pop("FAULTLINE_ONLINE", None)
    env.pop("FAULTLINE_READ_ONLY", None)
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.headless", "true",
                             "--server.port", str(port), "--server.address", "127.0.0.1",
                             "--browser.gatherUsageStats", "false"],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(f"{base}/_stcore/health", timeout=2).read() == b"ok":
                return proc, base
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.5)
    proc.kill()
    raise RuntimeError("streamlit did not start: " + proc.stdout.read().decode(errors="replace")[-2000:])


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


def serve(home: Path):
    """A pytest fixture body: the server's base URL, stopped afterwards."""
    import pytest

    try:
        proc, base = start_server(home)
    except RuntimeError as exc:
        pytest.fail(str(exc))
    try:
        yield base
    finally:
        stop_server(proc)


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)


def settle(page, timeout: int = 90_000) -> None:
    """Wait until the app's script has run to the end (a rerun starts a moment after an input changes)."""
    page.wait_for_timeout(400)
    page.wait_for_selector(IDLE, timeout=timeout)
    page.wait_for_timeout(150)
    page.wait_for_selector(IDLE, timeout=timeout)


def open_page(browser, url: str, *, init_script: str | None = None):
    """A new 1400x1000 page at url, once its h1 is drawn and the script has finished."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    if init_script:
        page.add_init_script(init_script)
    page.goto(url)
    page.wait_for_selector("h1", timeout=90_000)
    settle(page)
    return page


def wait_for_value(read, want, timeout: float = 30):
    """Call read() until it returns want (a rerun may still be on its way after the URL changed) or the time is
    up; returns the last value, for the assertion's message."""
    deadline = time.time() + timeout
    while True:
        value = read()
        if value == want or time.time() > deadline:
            return value
        time.sleep(0.5)


def main_text(page) -> str:
    return page.locator('[data-testid="stMain"]').inner_text()


def grid_rows(grid) -> list[list[str]]:
    """The cells of an st.dataframe, row by row, from the grid's (invisible) accessible table. The grid
    only puts the rows it would draw in that table: give it enough height, or scroll."""
    grid.scroll_into_view_if_needed()  # a grid below the fold may not have drawn its rows yet
    grid.locator('[role="gridcell"]').first.wait_for(state="attached", timeout=60_000)
    rows = []
    for r in grid.locator('[role="row"]').all():
        cells = [c.strip() for c in r.locator('[role="gridcell"]').all_text_contents()]
        if cells:
            rows.append(cells)
    return rows


def grid_row_count(grid) -> int:
    """How many data rows an st.dataframe holds, drawn or not (the grid's aria-rowcount counts the header)."""
    grid.scroll_into_view_if_needed()
    return int(grid.locator('[role="grid"][aria-rowcount]').first.get_attribute("aria-rowcount")) - 1


def grid_header(grid) -> list[str]:
    grid.scroll_into_view_if_needed()
    grid.locator('[role="columnheader"]').first.wait_for(state="attached", timeout=60_000)
    return [c.strip() for c in grid.locator('[role="columnheader"]').all_text_contents()]  # invisible: text, not inner_text
