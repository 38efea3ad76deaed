#!/usr/bin/env python3
"""A local HTTP server for NewsIngest's URL tests: serves a directory, plus routes that misbehave.

Usage: fault_server.py [--close-inherited] DOCROOT [ADDRESS [PORT]] (default 127.0.0.1 and a free port). It also answers requests in absolute form (as a forward proxy for
http_proxy), serving the path of the URL asked for. Binds 127.0.0.1 on a free port and prints "PORT <n>" on its first line.
Files are served with an ETag (hash of the content) and Last-Modified, and 304 for a matching
If-None-Match or If-Modified-Since. Every request is logged to DOCROOT/../requests.log as one line:
"METHOD PATH If-None-Match If-Modified-Since SECONDS" (SECONDS: a monotonic clock, when the request arrived).
/robots.txt is served from the document root, or answered with the status written in DOCROOT/robots.status
when that file exists. The paths of requests that carried an Authorization or Cookie header are logged to
DOCROOT/../credentials.log. /redirect-to/URL (percent-encoded) redirects there. /slow/SECONDS/FILE serves FILE after a wait, and
/slow-peak tells how many /slow/ requests were served at once at most.
"""
import email.utils
import gzip
import hashlib
import os
import signal
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# With --close-inherited (a server started by a shell the daemon then replaces), descriptors inherited beyond
# the standard three are closed: the test runner watches for the daemon's end on one, and a server that
# outlives the daemon must not hold it open. (A server the runner starts itself keeps them: the runner
# watches for the server's own end on one of them.)
if sys.argv[1] == "--close-inherited":
    sys.argv.pop(1)
    for name in os.listdir("/proc/self/fd"):
        if int(name) <= 2:
            continue
        try:
            os.close(int(name))
        except OSError:
            pass

DOCROOT = os.path.abspath(sys.argv[1])
LOG = os.path.join(os.path.dirname(DOCROOT), "requests.log")
COUNTS = {}
LOCK = threading.Lock()
# Requests inside /slow/ now, and the most there were at once (read back through /slow-peak).
SLOW = {"running": 0, "peak": 0}
BOMB = gzip.compress(b"\0" * (64 * 1024 * 1024), compresslevel=9)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def count(self):
        with LOCK:
            COUNTS[self.path] = COUNTS.get(self.path, 0) + 1
            return COUNTS[self.path]

    def reply(self, status, body=b"", headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def serve_file(self, relative, content_type="text/plain; charset=utf-8"):
        path = os.path.join(DOCROOT, relative.lstrip("/"))
        if not os.path.isfile(path):
            return self.reply(404, b"not found")
        with open(path, "rb") as handle:
            body = handle.read()
        etag = '"%s"' % hashlib.sha1(body).hexdigest()
        modified = email.utils.formatdate(int(os.path.getmtime(path)), usegmt=True)
        if self.headers.get("If-None-Match") == etag:
            return self.reply(304, b"", [("ETag", etag), ("Last-Modified", modified)])
        if path.endswith(".rss"):
            content_type = "application/rss+xml"
        elif path.endswith(".atom"):
            content_type = "application/atom+xml"
        elif path.endswith(".xml"):
            content_type = "application/xml"
        elif path.endswith(".html"):
            content_type = "text/html; charset=utf-8"
        self.reply(200, body, [("ETag", etag), ("Last-Modified", modified), ("Content-Type", content_type)])

    def do_GET(self):
        with open(LOG, "a") as log:
            log.write("GET %s %s %s %.3f\n" % (self.path, self.headers.get("If-None-Match", "-"),
                                               self.headers.get("If-Modified-Since", "-"), time.monotonic()))
        if self.headers.get("Authorization") or self.headers.get("Cookie"):  # which requests carried credentials
            with open(os.path.join(os.path.dirname(DOCROOT), "credentials.log"), "a") as log:
                log.write("%s\n" % self.path)
        path = self.path.split("?")[0]
        if path.startswith("http://"):  # absolute form: we are used as a forward proxy
            path = "/" + path.split("/", 3)[3] if path.count("/") >= 3 else "/"
        parts = path.strip("/").split("/")
        head = parts[0]
        if path == "/robots.txt" and os.path.isfile(os.path.join(DOCROOT, "robots.status")):
            with open(os.path.join(DOCROOT, "robots.status")) as handle:
                status = int(handle.read().strip())
            return self.reply(status, b"robots.txt: status %d" % status)
        if head == "redirect-to":  # /redirect-to/URL: a redirect to URL (percent-encoded)
            return self.reply(302, b"", [("Location", urllib.parse.unquote("/".join(parts[1:])))])
        if head == "status":
            return self.reply(int(parts[1]), b"status %s" % parts[1].encode())
        if head == "flaky":  # /flaky/N/file: N failures (500) first, then the file
            if self.count() <= int(parts[1]):
                return self.reply(500, b"try again")
            return self.serve_file("/".join(parts[2:]))
        if head == "busy":  # /busy/SECONDS/file: 429 with Retry-After once, then the file
            if self.count() == 1:
                return self.reply(429, b"slow down", [("Retry-After", parts[1])])
            return self.serve_file("/".join(parts[2:]))
        if head == "reset":  # /reset/N/file: N connections dropped without a response, then the file
            if self.count() <= int(parts[1]):
                self.close_connection = True
                self.connection.shutdown(2)
                return
            return self.serve_file("/".join(parts[2:]))
        if head == "slow":  # /slow/SECONDS/file: the file after a wait
            with LOCK:
                SLOW["running"] += 1
                SLOW["peak"] = max(SLOW["peak"], SLOW["running"])
            time.sleep(float(parts[1]))
            with LOCK:
                SLOW["running"] -= 1
            return self.serve_file("/".join(parts[2:]))
        if head == "slow-peak":  # the most /slow/ requests served at once so far; resets it
            with LOCK:
                peak, SLOW["peak"] = SLOW["peak"], 0
            return self.reply(200, str(peak).encode())
        if head == "stall":
            time.sleep(30)
            return self.reply(200, b"too late")
        if head == "trickle":
            self.send_response(200)
            self.send_header("Content-Length", "100000")
            self.end_headers()
            for _ in range(60):
                try:
                    self.wfile.write(b"x")
                    self.wfile.flush()
                except OSError:
                    return
                time.sleep(1)
            return
        if head == "big":
            return self.reply(200, b"a" * int(parts[1]))
        if head == "big-header":  # /big-header/BYTES: one response header line of that many bytes
            return self.reply(200, b"ok", [("X-Padding", "a" * int(parts[1]))])
        if head == "many-headers":  # /many-headers/N: N header lines of 1000 bytes each
            return self.reply(200, b"ok", [("X-Padding-%d" % n, "a" * 1000) for n in range(int(parts[1]))])
        if head == "bomb":
            return self.reply(200, BOMB, [("Content-Encoding", "gzip"), ("Content-Type", "text/plain")])
        if head == "loop":
            return self.reply(302, b"", [("Location", self.path)])
        if head == "to-file":
            return self.reply(302, b"", [("Location", "file:///etc/passwd")])
        if head == "redirect":  # /redirect/file: to the file
            return self.reply(301, b"", [("Location", "/" + "/".join(parts[1:]))])
        if head == "gz":  # /gz/file: the file gzip-compressed, served as a .gz file (no Content-Encoding)
            with open(os.path.join(DOCROOT, "/".join(parts[1:])), "rb") as handle:
                body = gzip.compress(handle.read())
            return self.reply(200, body, [("Content-Type", "application/gzip")])
        if head == "charset":  # /charset/NAME/file: the file's bytes, labelled with that charset
            path = os.path.join(DOCROOT, "/".join(parts[2:]))
            with open(path, "rb") as handle:
                body = handle.read()
            return self.reply(200, body, [("Content-Type", "text/plain; charset=%s" % parts[1])])
        return self.serve_file(path)


# A test runner may start us with SIGTERM ignored: stop on it all the same.
signal.signal(signal.SIGTERM, signal.SIG_DFL)
class QuietServer(ThreadingHTTPServer):
    """Clients that hang up on purpose (limits, timeouts) are expected: no tracebacks in the test log."""

    def handle_error(self, request, client_address):
        pass


ADDRESS = sys.argv[2] if len(sys.argv) > 2 else "127.0.0.1"
PORT = int(sys.argv[3]) if len(sys.argv) > 3 else 0
if ":" in ADDRESS:
    QuietServer.address_family = __import__("socket").AF_INET6
server = QuietServer((ADDRESS, PORT), Handler)
server.daemon_threads = True
print("PORT %d" % server.server_address[1], flush=True)
server.serve_forever()
