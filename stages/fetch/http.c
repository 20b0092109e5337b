/* http — see http.h. */
#include "http.h"

#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "version.h"
#include "xalloc.h"

int
http_global_init(struct error *err)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return error_set(err, "cannot initialise libcurl");
	return 0;
}

void
http_global_cleanup(void)
{
	curl_global_cleanup();
}

static size_t
http_write(char *data, size_t size, size_t nmemb, void *userp)
{
	struct http_transfer *t = userp;
	size_t n = size * nmemb;

	/* Count the bytes ourselves: the only cap that holds for chunked
	 * and compressed bodies. */
	if ((unsigned long long)t->counted + n > t->req.max_bytes) {
		t->over_cap = 1;
		return 0;
	}
	t->counted += (long long)n;
	if (t->req.on_data(t->req.ctx, data, n) < 0) {
		t->sink_failed = 1;
		return 0;
	}
	return n;
}

static char *
http_header(CURL *h, const char *name)
{
	struct curl_header *hdr = NULL;

	if (curl_easy_header(h, name, 0, CURLH_HEADER, -1, &hdr) == CURLHE_OK &&
	    hdr && hdr->value)
		return xstrdup(hdr->value);
	return NULL;
}

static CURL *
http_easy(struct http_transfer *t)
{
	const struct http_request *req = &t->req;
	struct curl_slist *headers = NULL;
	CURL *h = curl_easy_init();
	char *hdr;

	if (!h)
		return NULL;
	curl_easy_setopt(h, CURLOPT_PRIVATE, t);
	curl_easy_setopt(h, CURLOPT_URL, req->url);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, t->errbuf);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR,
	                 req->allow_file ? "file" : "https,http");
	/* No redirect to file: or elsewhere, and none from https to http. */
	curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR,
	                 strncmp(req->url, "https:", 6) == 0 ? "https"
	                                                     : "https,http");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_FAILONERROR, 0L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, req->connect_timeout_s);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, req->timeout_s);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, req->low_speed_bytes);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, req->low_speed_time_s);
	curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE,
	                 (curl_off_t)req->max_bytes);
	curl_easy_setopt(h, CURLOPT_PROXY, req->proxy ? req->proxy : "");
	curl_easy_setopt(h, CURLOPT_USERAGENT, version_user_agent());
	curl_easy_setopt(h, CURLOPT_HTTP_CONTENT_DECODING, 0L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, http_write);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, t);
	if (req->etag && *req->etag) {
		hdr = xasprintf("If-None-Match: %s", req->etag);
		headers = curl_slist_append(headers, hdr);
		free(hdr);
	}
	if (req->last_modified && *req->last_modified) {
		hdr = xasprintf("If-Modified-Since: %s", req->last_modified);
		headers = curl_slist_append(headers, hdr);
		free(hdr);
	}
	if (headers)
		curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
	t->curl_headers = headers;
	return h;
}

static int
transient_code(CURLcode rc)
{
	switch (rc) {
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_CONNECT:
	case CURLE_PARTIAL_FILE:
	case CURLE_GOT_NOTHING:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		return 1;
	default:
		return 0;
	}
}

static int
transient_status(long s)
{
	/* 408 Request Timeout, 425 Too Early, 429 Too Many Requests, and the
	 * server errors a later attempt may not meet (RFC 9110 section 15);
	 * any other 4xx is the request's fault and permanent. */
	return s == 408 || s == 425 || s == 429 || s == 500 || s == 502 ||
	       s == 503 || s == 504;
}

/* Collects what a finished transfer says and classifies its outcome. */
static void
http_finish(struct http_transfer *t, CURL *h, CURLcode rc)
{
	struct http_response *resp = &t->resp;
	curl_off_t total_us = 0, retry = -1;
	char *ct = NULL, *eff = NULL;

	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &resp->status);
	curl_easy_getinfo(h, CURLINFO_REDIRECT_COUNT, &resp->redirects);
	curl_easy_getinfo(h, CURLINFO_TOTAL_TIME_T, &total_us);
	resp->duration_ms = (long)(total_us / 1000);
	resp->bytes = t->counted;
	resp->retry_after_s = -1;
	if (curl_easy_getinfo(h, CURLINFO_RETRY_AFTER, &retry) == CURLE_OK &&
	    retry > 0)
		resp->retry_after_s = (long)retry;
	if (curl_easy_getinfo(h, CURLINFO_EFFECTIVE_URL, &eff) == CURLE_OK &&
	    eff)
		resp->effective_url = xstrdup(eff);
	if (curl_easy_getinfo(h, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK && ct)
		resp->content_type = xstrdup(ct);
	if (!t->req.allow_file) {
		resp->etag = http_header(h, "ETag");
		resp->last_modified = http_header(h, "Last-Modified");
	}
	t->failed = 1;
	if (t->over_cap) {
		error_set(&t->err,
		          "'%s': body is larger than the limit of %zu bytes",
		          t->req.url, t->req.max_bytes);
	} else if (t->sink_failed) {
		error_set(&t->err, "'%s': cannot store the body", t->req.url);
	} else if (rc != CURLE_OK) {
		/* libcurl 7.88 reports response headers over its limit as a
		 * receive error ("Too large response headers"): the server's
		 * answer, which asking again does not change. */
		t->transient = transient_code(rc) &&
		               !strstr(t->errbuf, "Too large response headers");
		error_set(&t->err, "'%s': %s", t->req.url,
		          t->errbuf[0] ? t->errbuf : curl_easy_strerror(rc));
	} else if (!t->req.allow_file && resp->status == 304 &&
	           t->curl_headers) {
		resp->not_modified = 1;
		t->failed = 0;
	} else if (!t->req.allow_file && resp->status != 200) {
		t->transient = transient_status(resp->status);
		error_set(&t->err, "'%s': HTTP status %ld", t->req.url,
		          resp->status);
	} else {
		t->failed = 0;
	}
}

int
http_perform(struct http_transfer *t, size_t n, long max_parallel,
             long max_per_host,
             void (*progress)(void *ctx, size_t done, size_t total,
                              const struct http_transfer *last),
             void *ctx, struct error *err)
{
	CURLM *m = curl_multi_init();
	size_t next = 0, done = 0;
	long active = 0;
	int running = 0;

	if (!m)
		return error_set(err, "cannot initialise libcurl (multi)");
	curl_multi_setopt(m, CURLMOPT_MAX_HOST_CONNECTIONS, max_per_host);
	curl_multi_setopt(m, CURLMOPT_MAX_TOTAL_CONNECTIONS, max_parallel);
	while (done < n) {
		CURLMsg *msg;
		int left, finished = 0;

		/* Start transfers while there are slots. */
		while (next < n && active < max_parallel) {
			struct http_transfer *tr = &t[next++];
			CURL *h = http_easy(tr);

			if (!h || curl_multi_add_handle(m, h) != CURLM_OK) {
				if (h)
					curl_easy_cleanup(h);
				tr->failed = 1;
				error_set(&tr->err,
				          "'%s': cannot start the "
				          "transfer",
				          tr->req.url);
				done++;
				continue;
			}
			active++;
		}
		if (curl_multi_perform(m, &running) != CURLM_OK)
			break;
		while ((msg = curl_multi_info_read(m, &left))) {
			struct http_transfer *tr = NULL;

			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE,
			                  (char **)&tr);
			http_finish(tr, msg->easy_handle, msg->data.result);
			curl_multi_remove_handle(m, msg->easy_handle);
			curl_easy_cleanup(msg->easy_handle);
			curl_slist_free_all(tr->curl_headers);
			tr->curl_headers = NULL;
			active--;
			done++;
			finished = 1;
			if (progress)
				progress(ctx, done, n, tr);
		}
		/* A slot just freed: start the next transfer before waiting. */
		if (finished && next < n)
			continue;
		if (done < n &&
		    curl_multi_poll(m, NULL, 0, 1000, NULL) != CURLM_OK)
			break;
	}
	curl_multi_cleanup(m);
	if (done < n)
		return error_set(err,
		                 "libcurl stopped with %zu transfers "
		                 "unfinished",
		                 n - done);
	return 0;
}

void
http_transfer_release(struct http_transfer *t)
{
	free(t->resp.effective_url);
	free(t->resp.etag);
	free(t->resp.last_modified);
	free(t->resp.content_type);
	curl_slist_free_all(t->curl_headers);
	memset(&t->resp, 0, sizeof(t->resp));
	t->curl_headers = NULL;
}
