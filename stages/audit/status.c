/* status — see status.h. */
#include "status.h"

#include <stdlib.h>
#include <string.h>

#include "freshness.h"
#include "json.h"
#include "timefmt.h"

static void
prom_escape(FILE *fp, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fputc('\\', fp);
		if (*s == '\n')
			fputs("\\n", fp);
		else
			fputc(*s, fp);
	}
}

static long long
epoch_of(const char *t)
{
	time_t v;

	return t && timefmt_parse(t, 0, &v, NULL) == 0 ? (long long)v : 0;
}

int
status_run(const struct config *cfg, struct store *st,
           enum status_format format, FILE *fp, size_t *not_fresh,
           struct error *err)
{
	struct cJSON *arr = format == STATUS_JSON ? json_new_array() : NULL;
	char now_text[TIMEFMT_LEN];
	time_t now = timefmt_now();
	size_t i;
	int ret = -1;

	*not_fresh = 0;
	timefmt_format(now, now_text);
	if (format == STATUS_HUMAN)
		fprintf(fp, "%-28s %-7s %-21s %-21s %s\n", "source", "status",
		        "last success", "last attempt", "reason");
	if (format == STATUS_PROMETHEUS)
		fputs("# HELP provstat_source_fresh 1 if the source is fresh\n"
		      "# TYPE provstat_source_fresh gauge\n"
		      "# HELP provstat_source_last_success_timestamp_seconds "
		      "newest successful fetch\n"
		      "# TYPE provstat_source_last_success_timestamp_seconds "
		      "gauge\n",
		      fp);
	for (i = 0; i < cfg->nsources; i++) {
		const struct source_config *src = &cfg->sources[i];
		struct freshness f;

		if (freshness_of(st, src, now_text, now, &f, err) < 0)
			goto out;
		if (strcmp(f.status, "fresh") != 0)
			(*not_fresh)++;
		if (format == STATUS_HUMAN) {
			fprintf(fp, "%-28s %-7s %-21s %-21s %s\n", src->id,
			        f.status, f.last_success ? f.last_success : "-",
			        f.last_attempt ? f.last_attempt : "-",
			        f.reason ? f.reason : "");
		} else if (format == STATUS_JSON) {
			struct cJSON *o = json_new_object();

			json_add_string(o, "source", src->id);
			json_add_string(o, "status", f.status);
			json_add_string(o, "reason", f.reason);
			json_add_string(o, "last_success", f.last_success);
			json_add_string(o, "last_attempt", f.last_attempt);
			json_add_string(o, "last_outcome", f.last_outcome);
			json_add_string(o, "last_error", f.last_error);
			json_add_string(o, "snapshot_sha256", f.snapshot);
			json_add_string(o, "snapshot_since", f.snapshot_since);
			json_add_number(o, "max_age_days",
			                (double)src->max_age_days);
			json_add_item(arr, NULL, o);
		} else {
			fputs("provstat_source_fresh{source=\"", fp);
			prom_escape(fp, src->id);
			fprintf(fp, "\"} %d\n", strcmp(f.status, "fresh") == 0);
			fputs("provstat_source_last_success_timestamp_seconds{"
			      "source=\"",
			      fp);
			prom_escape(fp, src->id);
			fprintf(fp, "\"} %lld\n", epoch_of(f.last_success));
		}
		freshness_release(&f);
	}
	if (arr) {
		char *text = json_print(arr, 1);

		fprintf(fp, "%s\n", text);
		free(text);
	}
	ret = 0;
out:
	json_delete(arr);
	return ret;
}
