/* http — see http.h. */
#include "http.h"

#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "version.h"
#include "xalloc.h"

struct http_sink {
	const struct http_request *req;
	long long bytes;
	int over_cap;
	int callback_failed;
};

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
	struct http_sink *s = userp;
	size_t n = size * nmemb;

	/* Count decoded bytes ourselves: the only cap that holds for chunked
	 * and compressed bodies. */
	if ((unsigned long long)s->bytes + n > s->req->max_bytes) {
		s->over_cap = 1;
		return 0;
	}
	s->bytes += (long long)n;
	if (s->req->on_data(s->req->ctx, data, n) < 0) {
		s->callback_failed = 1;
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

int
http_get(const struct http_request *req, struct http_response *resp,
         struct error *err)
{
	struct http_sink sink = {req, 0, 0, 0};
	struct curl_slist *headers = NULL;
	char errbuf[CURL_ERROR_SIZE] = "";
	char *hdr = NULL;
	CURL *h;
	CURLcode rc;
	char *ct = NULL, *eff = NULL;
	curl_off_t total_us = 0;
	int ret = -1;

	memset(resp, 0, sizeof(*resp));
	h = curl_easy_init();
	if (!h)
		return error_set(err, "'%s': cannot create a transfer",
		                 req->url);
	curl_easy_setopt(h, CURLOPT_URL, req->url);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR,
	                 req->allow_file ? "file" : "https,http");
	curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "https,http");
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
	/* Keep the bytes as the server sent them: the archive stores what was
	 * published; normalize decodes gzip with its own cap. */
	curl_easy_setopt(h, CURLOPT_HTTP_CONTENT_DECODING, 0L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, http_write);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
	if (req->etag && *req->etag) {
		hdr = xasprintf("If-None-Match: %s", req->etag);
		headers = curl_slist_append(headers, hdr);
	}
	if (req->last_modified && *req->last_modified) {
		free(hdr);
		hdr = xasprintf("If-Modified-Since: %s", req->last_modified);
		headers = curl_slist_append(headers, hdr);
	}
	if (headers)
		curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);

	rc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &resp->status);
	curl_easy_getinfo(h, CURLINFO_REDIRECT_COUNT, &resp->redirects);
	curl_easy_getinfo(h, CURLINFO_TOTAL_TIME_T, &total_us);
	resp->duration_ms = (long)(total_us / 1000);
	resp->bytes = sink.bytes;
	if (curl_easy_getinfo(h, CURLINFO_EFFECTIVE_URL, &eff) == CURLE_OK &&
	    eff)
		resp->effective_url = xstrdup(eff);
	if (curl_easy_getinfo(h, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK && ct)
		resp->content_type = xstrdup(ct);
	if (!req->allow_file) {
		resp->etag = http_header(h, "ETag");
		resp->last_modified = http_header(h, "Last-Modified");
	}

	if (sink.over_cap) {
		error_set(err,
		          "'%s': body is larger than the limit of %zu bytes",
		          req->url, req->max_bytes);
		goto out;
	}
	if (sink.callback_failed) {
		error_set(err, "'%s': cannot store the body", req->url);
		goto out;
	}
	if (rc != CURLE_OK) {
		error_set(err, "'%s': %s", req->url,
		          errbuf[0] ? errbuf : curl_easy_strerror(rc));
		goto out;
	}
	if (!req->allow_file) {
		if (resp->status == 304 && headers) {
			resp->not_modified = 1;
		} else if (resp->status != 200) {
			error_set(err, "'%s': HTTP status %ld", req->url,
			          resp->status);
			goto out;
		}
	}
	ret = 0;
out:
	curl_slist_free_all(headers);
	free(hdr);
	curl_easy_cleanup(h);
	return ret;
}

void
http_response_release(struct http_response *resp)
{
	free(resp->effective_url);
	free(resp->etag);
	free(resp->last_modified);
	free(resp->content_type);
	memset(resp, 0, sizeof(*resp));
}
