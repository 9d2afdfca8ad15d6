"""An HTTP server on 127.0.0.1 for tests: online code is tested against it, never against the network."""

from __future__ import annotations

import threading
from http.server import ThreadingHTTPServer


class LocalServer:
    """Serves `handler` on a free loopback port in a daemon thread; `base` is its URL. Subclasses build
    their handler (which may read the subclass's own state) and call LocalServer.__init__ last."""

    def __init__(self, handler: type) -> None:
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
