"""Load test: concurrent sessions against one local server, then many reruns of one session.

    .venv/bin/python benchmarks/load_test.py                      # 20 sessions for 60 s, then 200 reruns
    .venv/bin/python benchmarks/load_test.py --client browser --sessions 5 --seconds 20 --reruns 50
    .venv/bin/python benchmarks/load_test.py --acled-rows 20000 --reloads 50

Starts `streamlit run dashboard.py` on loopback with a throwaway FAULTLINE_HOME whose inbox holds the dataset
fixtures (plus, with --acled-rows, a generated ACLED export), and opens every page once to warm the cache.
Part 1: --sessions concurrent sessions each open a different page with a different filter URL, over and over,
for --seconds. With --client ws (default) a session speaks Streamlit's websocket protocol (a new session per
page, as a page load is): the time is connect -> script finished, and measures the server alone. With
--client browser it is a chromium context: navigation start -> script state 'notRunning', which on a small
machine measures mostly the browser (the CPU split is reported). Part 2, in chromium: one session flips the
sidebar's GDELT toggle --reruns times (each flip is one rerun of the same session), then reloads --reloads
times (each a new session). Reports errors (exceptions drawn on the page, timeouts), p50/p95/max, the server's
RSS idle, warm, peak and after, every --sample reruns, and CPU seconds of server and browser. Not part of the
pytest run: it takes minutes.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from browser_support import CHROMIUM, FLAGS, IDLE, missing_browser, start_server, stop_server  # noqa: E402

PAGES = ["", "Map", "Casualties", "Diplomacy", "Events", "Sources"]
FILTERS = ["", "country=PAK", "country=AFG&country=PAK", "type=Battles", "dataset=acled", "dataset=ucdp&dataset=gdelt",
           "dyad=AFG-PAK", "start=2025-10-15", "end=2025-10-31", "actor=TTP", "gdelt=true",
           "start=2025-10-01&end=2025-11-30&type=Battles&type=Explosions%2FRemote%20violence",
           "country=TUR&type=Strategic%20developments", "dataset=news", "dyad=PAK-TTP&gdelt=true"]


def rss_mb(pid: int) -> float:
    """Resident memory of the server (and any children), in MB: psutil, else /proc."""
    try:
        import psutil

        proc = psutil.Process(pid)
        return sum(p.memory_info().rss for p in [proc, *proc.children(recursive=True)]) / 2**20
    except ImportError:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int) -> float:
    """User + system CPU the process has used so far (nan without psutil)."""
    try:
        import psutil

        t = psutil.Process(pid).cpu_times()
        return t.user + t.system
    except ImportError:
        return float("nan")


class Sampler:
    """The server's RSS every `every` seconds in a thread, for the peak during a run; and the CPU used by the
    server and by the browser (this process's other children), to tell a slow server from a busy client."""

    def __init__(self, pid: int, every: float = 0.5):
        self.pid, self.every, self.values, self._stop = pid, every, [], threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.browser_cpu: dict[int, float] = {}
        self.server_cpu0 = cpu_seconds(pid)
        self.server_cpu = 0.0

    def _browser(self):
        try:
            import psutil
        except ImportError:
            return
        for child in psutil.Process().children(recursive=True):
            if child.pid == self.pid:
                continue
            try:
                t = child.cpu_times()
                self.browser_cpu[child.pid] = t.user + t.system
            except psutil.Error:
                pass

    def _run(self):
        while not self._stop.is_set():
            self.values.append(rss_mb(self.pid))
            self._browser()
            self._stop.wait(self.every)
        self.server_cpu = cpu_seconds(self.pid) - self.server_cpu0

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(q / 100 * (len(s) - 1))))]


async def timed_visit(page, url: str, timeout_ms: int) -> tuple[float, str | None]:
    """Seconds from navigation start until the script finished (h1 drawn, state notRunning); an error or None."""
    t0 = time.perf_counter()
    try:
        await page.goto(url, wait_until="commit", timeout=timeout_ms)
        await page.wait_for_selector("h1", timeout=timeout_ms)
        await page.wait_for_selector(IDLE, timeout=timeout_ms)
        took = time.perf_counter() - t0
    except Exception as exc:  # a timeout is a result here, not a crash of the test
        return time.perf_counter() - t0, f"{type(exc).__name__}: {str(exc).splitlines()[0][:160]}"
    shown = await page.locator('[data-testid="stException"]').all_inner_texts()
    return took, ("exception on page: " + shown[0][:200]) if shown else None


async def session(browser, base: str, n: int, until: float, timeout_ms: int, results: list, errors: list):
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    i = 0
    try:
        while time.time() < until:
            path = PAGES[(n + i) % len(PAGES)]
            query = FILTERS[(n * 7 + i) % len(FILTERS)]
            url = f"{base}/{path}" + (f"?{query}" if query else "")
            took, error = await timed_visit(page, url, timeout_ms)
            results.append({"session": n, "url": url, "seconds": took})
            if error:
                errors.append({"session": n, "url": url, "error": error})
            i += 1
    finally:
        await context.close()


async def ws_visit(base: str, path: str, query: str, timeout_s: float) -> tuple[float, str | None]:
    """One page run over Streamlit's own websocket, as the browser would ask for it: connect, send the rerun
    request (page and query string), read until 'script finished'. Seconds, and an error or None. No browser:
    this measures the server alone."""
    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    t0 = time.perf_counter()
    url = base.replace("http://", "ws://") + "/_stcore/stream"
    try:
        async with asyncio.timeout(timeout_s):
            async with websockets.connect(url, subprotocols=["streamlit"], max_size=None) as ws:
                msg = BackMsg()
                msg.rerun_script.query_string = query
                msg.rerun_script.page_name = path
                await ws.send(msg.SerializeToString())
                exceptions = []
                while True:
                    fwd = ForwardMsg()
                    fwd.ParseFromString(await ws.recv())
                    kind = fwd.WhichOneof("type")
                    if kind == "delta" and fwd.delta.WhichOneof("type") == "new_element" and \
                            fwd.delta.new_element.WhichOneof("type") == "exception":
                        exceptions.append(fwd.delta.new_element.exception.message)
                    if kind == "page_not_found":
                        return time.perf_counter() - t0, f"page not found: {path}"
                    if kind == "script_finished":
                        break
    except Exception as exc:
        return time.perf_counter() - t0, f"{type(exc).__name__}: {str(exc)[:160]}"
    return time.perf_counter() - t0, ("exception on page: " + exceptions[0][:200]) if exceptions else None


async def ws_session(base: str, n: int, until: float, timeout_ms: int, results: list, errors: list):
    i = 0
    while time.time() < until:
        path, query = PAGES[(n + i) % len(PAGES)], FILTERS[(n * 7 + i) % len(FILTERS)]
        took, error = await ws_visit(base, path, query, timeout_ms / 1000)
        url = f"{base}/{path}" + (f"?{query}" if query else "")
        results.append({"session": n, "url": url, "seconds": took})
        if error:
            errors.append({"session": n, "url": url, "error": error})
        i += 1


async def ws_concurrent(base: str, sessions: int, seconds: float, timeout_ms: int) -> tuple[list, list]:
    results, errors = [], []
    until = time.time() + seconds
    await asyncio.gather(*(ws_session(base, n, until, timeout_ms, results, errors) for n in range(sessions)))
    return results, errors


async def concurrent(base: str, sessions: int, seconds: float, timeout_ms: int) -> tuple[list, list]:
    from playwright.async_api import async_playwright

    results, errors = [], []
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        until = time.time() + seconds
        await asyncio.gather(*(session(browser, base, n, until, timeout_ms, results, errors) for n in range(sessions)))
        await browser.close()
    return results, errors


async def warm_up(base: str, timeout_ms: int) -> float:
    """Open the overview once (the data loads and is cached), then every page; the overview's seconds."""
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = await browser.new_page(viewport={"width": 1400, "height": 1000})
        first, _ = await timed_visit(page, base, timeout_ms)
        for path in PAGES[1:]:
            await timed_visit(page, f"{base}/{path}", timeout_ms)
        await browser.close()
    return first


async def reruns(base: str, pid: int, count: int, reloads: int, sample: int, timeout_ms: int) -> dict:
    """One session: flip the GDELT toggle `count` times, then reload `reloads` times; RSS every `sample`."""
    from playwright.async_api import async_playwright

    out = {"toggle": [], "reload": [], "toggle_seconds": [], "reload_seconds": [], "errors": []}
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = await browser.new_page(viewport={"width": 1400, "height": 1000})
        await timed_visit(page, f"{base}/Events", timeout_ms)
        toggle = page.locator('[data-testid="stSidebar"]').get_by_text("Count GDELT-only incidents in totals")
        out["toggle"].append((0, rss_mb(pid)))
        for i in range(1, count + 1):
            t0 = time.perf_counter()
            try:
                await toggle.click(timeout=timeout_ms)
                await page.wait_for_timeout(50)
                await page.wait_for_selector(IDLE, timeout=timeout_ms)
            except Exception as exc:
                out["errors"].append(f"rerun {i}: {type(exc).__name__}")
            out["toggle_seconds"].append(time.perf_counter() - t0)
            if await page.locator('[data-testid="stException"]').count():
                out["errors"].append(f"rerun {i}: exception on page")
            if i % sample == 0:
                out["toggle"].append((i, rss_mb(pid)))
        for i in range(1, reloads + 1):
            t0 = time.perf_counter()
            try:
                await page.reload(wait_until="commit", timeout=timeout_ms)
                await page.wait_for_selector("h1", timeout=timeout_ms)
                await page.wait_for_selector(IDLE, timeout=timeout_ms)
            except Exception as exc:
                out["errors"].append(f"reload {i}: {type(exc).__name__}")
            out["reload_seconds"].append(time.perf_counter() - t0)
            if i % sample == 0:
                out["reload"].append((i, rss_mb(pid)))
        await browser.close()
    return out


def make_home(acled_rows: int) -> Path:
    home = Path(tempfile.mkdtemp(prefix="faultline-load-"))
    inbox = home / "inbox"
    inbox.mkdir()
    for f in (ROOT / "tests" / "fixtures" / "datasets").iterdir():
        if f.is_file() and f.suffix.lower() in (".csv", ".zip"):
            shutil.copy(f, inbox / f.name)
    if acled_rows:
        from benchmarks.generate import acled_frame

        acled_frame(acled_rows).to_csv(inbox / f"generated_acled_{acled_rows}.csv", index=False)
    return home


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sessions", type=int, default=20)
    ap.add_argument("--client", choices=["ws", "browser"], default="ws",
                    help="ws: each session speaks Streamlit's websocket protocol (measures the server); browser: a "
                         "chromium context per session (measures server and browser, which share the cores)")
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--reruns", type=int, default=200)
    ap.add_argument("--reloads", type=int, default=0, help="after the reruns, reload the page this often (new sessions)")
    ap.add_argument("--sample", type=int, default=20, help="measure RSS every this many reruns")
    ap.add_argument("--acled-rows", type=int, default=0, help="add a generated ACLED export of this many rows")
    ap.add_argument("--timeout", type=float, default=120, help="seconds before a page load counts as an error")
    ap.add_argument("--json", help="also write the figures here")
    args = ap.parse_args()
    if reason := missing_browser():
        sys.exit(f"load test needs a browser: {reason}")

    home = make_home(args.acled_rows)
    proc, base = start_server(home)
    report: dict = {"server": base, "client": args.client, "sessions": args.sessions, "seconds": args.seconds, "acled_rows": args.acled_rows}
    try:
        timeout_ms = int(args.timeout * 1000)
        # Warm up: the first run loads and caches the data; that is not what the sessions measure.
        report["rss_idle_mb"] = round(rss_mb(proc.pid), 1)
        report["cold_first_page_s"] = round(asyncio.run(warm_up(base, timeout_ms)), 2)
        report["rss_start_mb"] = rss_mb(proc.pid)
        with Sampler(proc.pid) as s:
            t0 = time.time()
            run = ws_concurrent if args.client == "ws" else concurrent
            results, errors = asyncio.run(run(base, args.sessions, args.seconds, timeout_ms))
            wall = time.time() - t0
        times = [r["seconds"] for r in results]
        time.sleep(5)  # let sessions close on the server
        report.update({
            "page_loads": len(results), "wall_seconds": round(wall, 1), "errors": len(errors), "error_samples": errors[:5],
            "p50_s": round(statistics.median(times), 2) if times else None, "p95_s": round(pct(times, 95), 2),
            "max_s": round(max(times), 2) if times else None,
            "rss_peak_mb": round(max(s.values), 1) if s.values else None, "rss_after_mb": round(rss_mb(proc.pid), 1),
            "server_cpu_s": round(s.server_cpu, 1), "browser_cpu_s": round(sum(s.browser_cpu.values()), 1),
            "cores": __import__("os").cpu_count(), "load_avg_1m": __import__("os").getloadavg()[0],
        })
        by_page: dict[str, list[float]] = {}
        for r in results:
            by_page.setdefault(r["url"].split("?")[0].rsplit("/", 1)[-1] or "overview", []).append(r["seconds"])
        report["p50_by_page_s"] = {k: round(statistics.median(v), 2) for k, v in sorted(by_page.items())}
        print(f"{args.sessions} {args.client} sessions x {args.seconds:.0f} s: {len(results)} page loads, {len(errors)} errors, "
              f"p50 {report['p50_s']} s, p95 {report['p95_s']} s, max {report['max_s']} s (cold first page "
              f"{report['cold_first_page_s']} s); server RSS {report['rss_idle_mb']:.0f} MB idle, "
              f"{report['rss_start_mb']:.0f} MB warm, {report['rss_peak_mb']} MB peak, {report['rss_after_mb']} MB after; "
              f"CPU: server {report['server_cpu_s']} s, browser {report['browser_cpu_s']} s in {wall:.0f} s on "
              f"{report['cores']} cores (load average {report['load_avg_1m']:.1f})", flush=True)
        if args.reruns or args.reloads:
            r = asyncio.run(reruns(base, proc.pid, args.reruns, args.reloads, args.sample, timeout_ms))
            report["reruns"] = {"count": args.reruns, "rss_mb": [(i, round(v, 1)) for i, v in r["toggle"]],
                                "p50_s": round(statistics.median(r["toggle_seconds"]), 2) if r["toggle_seconds"] else None,
                                "errors": r["errors"][:10], "error_count": len(r["errors"])}
            if r["toggle"]:
                first, last = r["toggle"][0][1], r["toggle"][-1][1]
                report["reruns"]["growth_mb"] = round(last - first, 1)
                print(f"{args.reruns} reruns of one session: RSS {first:.0f} -> {last:.0f} MB "
                      f"({last - first:+.1f} MB); per {args.sample}: "
                      + ", ".join(f"{i}:{v:.0f}" for i, v in r["toggle"]) + f"; {len(r['errors'])} errors", flush=True)
            if args.reloads:
                report["reloads"] = {"count": args.reloads, "rss_mb": [(i, round(v, 1)) for i, v in r["reload"]],
                                     "p50_s": round(statistics.median(r["reload_seconds"]), 2)}
                print(f"{args.reloads} reloads (new sessions): RSS per {args.sample}: "
                      + ", ".join(f"{i}:{v:.0f}" for i, v in r["reload"]), flush=True)
        report["rss_end_mb"] = round(rss_mb(proc.pid), 1)
    finally:
        stop_server(proc)
        shutil.rmtree(home, ignore_errors=True)
    print(json.dumps(report, indent=1, default=str))
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1, default=str))


if __name__ == "__main__":
    main()
