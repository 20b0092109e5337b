/*
 * http — the libcurl adapter: the only module that includes <curl/curl.h>.
 *
 * The safe options of HARDENING.md are fixed here, once: a protocol
 * allowlist per request (https/http, or file for a local source), redirects
 * only to http/https and at most 5, a byte cap counted in the write callback
 * (CURLOPT_MAXFILESIZE does not stop chunked or compressed bodies in 7.88.1),
 * connect/total/low-speed timeouts, TLS verification always on (there is no
 * switch to turn it off), the proxy set explicitly (never from cron's
 * environment), NOSIGNAL, and a User-Agent naming provstat.
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
	int not_modified; /* a 304 */
	char *effective_url;
	char *etag;
	char *last_modified;
	char *content_type;
	long redirects;
	long long bytes;
	long duration_ms;
};

/* Once per process, from main(). */
int http_global_init(struct error *err);
void http_global_cleanup(void);

/*
 * Performs one GET.  Success means a complete 200 (or a 304 when validators
 * were sent, or a readable file).  Any other status, a transfer error or a
 * body over the cap fails with err naming the URL and the cause.  The
 * response's strings are owned by resp; release with
 * http_response_release().
 */
int http_get(const struct http_request *req, struct http_response *resp,
             struct error *err);
void http_response_release(struct http_response *resp);

#endif
