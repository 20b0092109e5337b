/*
 * http — the libcurl adapter: the only module that includes <curl/curl.h>.
 *
 * The safe options of doc/libraries.md are fixed here, once: a protocol
 * allowlist per transfer (https/http, or file for a local source); redirects
 * at most 5 and only to http/https (only https from an https source: no
 * downgrade); a byte cap counted in the write callback (CURLOPT_MAXFILESIZE
 * does not stop chunked or compressed bodies in 7.88.1); connect, total and
 * low-speed timeouts; TLS verification always on, with no switch to turn it
 * off; the proxy set explicitly (never from cron's environment); NOSIGNAL;
 * a User-Agent naming provstat.  Bodies are kept as sent (no decoding): the
 * archive holds what was published.
 *
 * Transfers run in parallel through the multi interface.  Handles are added
 * as slots free up, so time spent waiting for a slot never counts toward a
 * transfer's timeout.  Each failure is classified: transient (a retry may
 * succeed: timeouts, resolve and connect failures, 408, 429, 500, 502, 503,
 * 504, a partial body, an empty reply, send and receive errors) or
 * permanent (certificates, protocols, URLs, redirect limits, the size cap,
 * other statuses).
 */
#ifndef PROVSTAT_HTTP_H
#define PROVSTAT_HTTP_H

#include <stddef.h>

#include "error.h"

struct http_request {
	const char *url;
	int allow_file; /* a local source: the file scheme only */
	size_t max_bytes;
	long timeout_s;
	long connect_timeout_s;
	long low_speed_bytes;
	long low_speed_time_s;
	const char *proxy; /* "" for none */
	const char *etag; /* If-None-Match, or NULL */
	const char *last_modified; /* If-Modified-Since (HTTP date), or NULL */
	/* Receives the body; returns -1 to abort the transfer. */
	int (*on_data)(void *ctx, const void *data, size_t n);
	void *ctx;
};

struct http_response {
	long status; /* HTTP status; 0 for file: */
	int not_modified; /* a 304 to a conditional request */
	char *effective_url;
	char *etag;
	char *last_modified;
	char *content_type;
	long redirects;
	long long bytes;
	long duration_ms;
	long retry_after_s; /* Retry-After, or -1 */
};

struct http_transfer {
	struct http_request req; /* filled by the caller */
	struct http_response resp; /* filled by http_perform() */
	int failed;
	int transient; /* with failed: a retry may succeed */
	struct error err; /* with failed: "'URL': why" */
	/* private to http.c */
	long long counted;
	int over_cap, sink_failed;
	char errbuf[256];
	void *curl_headers;
};

/* Once per process, from main(). */
int http_global_init(struct error *err);
void http_global_cleanup(void);

/*
 * Performs n transfers, at most max_parallel at a time and max_per_host per
 * host; calls progress (if not NULL) after each one ends.  Returns -1 only
 * if libcurl itself cannot run; each transfer's outcome is in its fields.
 */
int http_perform(struct http_transfer *t, size_t n, long max_parallel,
                 long max_per_host,
                 void (*progress)(void *ctx, size_t done, size_t total,
                                  const struct http_transfer *last),
                 void *ctx, struct error *err);
void http_transfer_release(struct http_transfer *t);

#endif
