#!/usr/bin/env python3
"""A loopback HTTP server for provstat-fetch's tests; Python's standard
library only.  It listens on 127.0.0.1, writes its port to the file named
by argv[1], and serves one behaviour per path.  GET /__hits?p=PATH says how
often PATH was asked for.  It stops by itself after argv[2] seconds
(default 120), so a test that dies cannot leave it running.

Paths: /ok, /etag, /lastmod, /500-once, /503-retry-after, /429, /always-503,
/trickle, /hang, /truncated, /chunked-big, /gzip-bomb, /redirect-loop,
/redirect-file, /404-html, /empty, /html-for-csv, /shrink (big, then
small), /retry-after-long, /retry-after-date, /retry-after-1, /big-headers,
/slow?ms=N (latency, for the benchmark).
"""
import gzip
import http.server
import socketserver
import sys
import threading
import time
import urllib.parse

CSV = b"country,year,reports\nMalta,2021,750\n"
ETAG = '"v1"'
LASTMOD = "Wed, 01 Jan 2020 00:00:00 GMT"
hits = {}
lock = threading.Lock()


def count(path):
    with lock:
        hits[path] = hits.get(path, 0) + 1
        return hits[path]


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle's algorithm the
    # body of every response after a connection's first waited for the
    # client's delayed ACK of the headers (40 ms on Linux), which servers
    # in the field avoid (nginx: tcp_nodelay on for keep-alive).
    disable_nagle_algorithm = True

    def log_message(self, *args):
        pass

    def send(self, status, body, ctype="text/csv", extra=()):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        url = urllib.parse.urlparse(self.path)
        path, query = url.path, urllib.parse.parse_qs(url.query)
        if path == "/__hits":
            return self.send(200, str(hits.get(query["p"][0], 0)).encode(),
                             "text/plain")
        n = count(path)
        if path == "/ok":
            return self.send(200, CSV)
        if path == "/etag":
            if self.headers.get("If-None-Match") == ETAG:
                return self.send(304, b"", extra=[("ETag", ETAG)])
            return self.send(200, CSV, extra=[("ETag", ETAG)])
        if path == "/lastmod":
            if self.headers.get("If-Modified-Since") == LASTMOD:
                return self.send(304, b"", extra=[("Last-Modified", LASTMOD)])
            return self.send(200, CSV, extra=[("Last-Modified", LASTMOD)])
        if path == "/500-once":
            if n == 1:
                return self.send(500, b"oops", "text/plain")
            return self.send(200, CSV)
        if path == "/503-retry-after":
            if n == 1:
                return self.send(503, b"busy", "text/plain",
                                 [("Retry-After", "1")])
            return self.send(200, CSV)
        if path == "/429":
            if n <= 2:
                return self.send(429, b"slow down", "text/plain")
            return self.send(200, CSV)
        if path == "/always-503":
            return self.send(503, b"down", "text/plain")
        if path == "/trickle":
            self.send_response(200)
            self.send_header("Content-Type", "text/csv")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            for _ in range(20):
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(0.5)
            return
        if path == "/hang":
            time.sleep(30)
            return
        if path == "/truncated":
            self.send_response(200)
            self.send_header("Content-Type", "text/csv")
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.write(CSV)
            self.wfile.flush()
            self.close_connection = True
            return
        if path == "/chunked-big":
            self.send_response(200)
            self.send_header("Content-Type", "text/csv")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            chunk = b"y" * 65536
            for _ in range(64):  # 4 MiB, over the test's 1 MiB cap
                try:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                except OSError:
                    return
            self.wfile.write(b"0\r\n\r\n")
            return
        if path == "/gzip-bomb":
            body = gzip.compress(b"\0" * (64 << 20))
            return self.send(200, body, "text/csv",
                             [("Content-Encoding", "gzip")])
        if path == "/redirect-loop":
            self.send_response(302)
            self.send_header("Location", "/redirect-loop")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if path == "/redirect-file":
            self.send_response(302)
            self.send_header("Location", "file:///etc/passwd")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if path == "/404-html":
            return self.send(404, b"<html><body>Not found</body></html>",
                             "text/html")
        if path == "/empty":
            return self.send(200, b"")
        if path == "/html-for-csv":
            return self.send(200, b"<!DOCTYPE html><html><body>Login</body>"
                             b"</html>", "text/html; charset=utf-8")
        if path == "/shrink":
            if n == 1:
                return self.send(200, CSV * 400)
            return self.send(200, CSV)
        if path == "/retry-after-long":
            # A publisher asking for an hour's pause, every time.
            return self.send(429, b"slow down", "text/plain",
                             [("Retry-After", "3600")])
        if path == "/retry-after-date":
            # The HTTP-date form (RFC 9110 section 10.2.3), two hours on.
            when = time.strftime("%a, %d %b %Y %H:%M:%S GMT",
                                 time.gmtime(time.time() + 7200))
            return self.send(503, b"busy", "text/plain",
                             [("Retry-After", when)])
        if path == "/retry-after-1":
            if n == 1:
                return self.send(503, b"busy", "text/plain",
                                 [("Retry-After", "1")])
            return self.send(200, CSV)
        if path == "/big-headers":
            # More header bytes than libcurl accepts: never transient.
            return self.send(200, CSV, extra=[("X-Filler-%d" % k, "x" * 8000)
                                             for k in range(40)])
        if path == "/slow":
            time.sleep(int(query.get("ms", ["200"])[0]) / 1000)
            i = query.get("i", ["750"])[0]
            return self.send(200, b"country,year,reports\nMalta,2021,%s\n"
                             % i.encode())
        return self.send(404, b"no such test path", "text/plain")


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # socketserver's listen backlog is 5: of 16 connections opened at
    # once, the rest had their SYN dropped and retried a second later.
    request_queue_size = 128

    def handle_error(self, request, client_address):
        pass  # clients that give up (caps, timeouts) are the point


def main():
    srv = Server(("127.0.0.1", 0), Handler)
    with open(sys.argv[1] + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    import os
    os.rename(sys.argv[1] + ".tmp", sys.argv[1])
    limit = float(sys.argv[2]) if len(sys.argv) > 2 else 120
    threading.Timer(limit, srv.shutdown).start()
    srv.serve_forever()


if __name__ == "__main__":
    main()
