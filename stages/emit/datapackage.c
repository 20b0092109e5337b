/* datapackage — datapackage.json, a Frictionless Tabular Data Package:
 * see outputs.h. */
#include "outputs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "json.h"
#include "xalloc.h"

/* A Table Schema field. */
static struct cJSON *
field(const char *name, const char *type)
{
	struct cJSON *f = json_new_object();

	json_add_string(f, "name", name);
	json_add_string(f, "type", type);
	return f;
}

static void
add_resource(const struct release_data *d, struct cJSON *resources,
             enum release_file_id k, off_t bytes)
{
	const struct release_table *tb = release_files[k].table;
	struct cJSON *r = json_new_object(), *schema = json_new_object();
	struct cJSON *fields = json_new_array(), *pk = json_new_array();
	struct cJSON *missing = json_new_array();
	char *hx;
	size_t i;

	json_add_string(r, "name", tb->resource);
	json_add_string(r, "path", release_files[k].name);
	json_add_string(r, "profile", "tabular-data-resource");
	json_add_string(r, "format", "csv");
	json_add_string(r, "mediatype", "text/csv");
	json_add_string(r, "encoding", "utf-8");
	json_add_number(r, "bytes", (double)bytes);
	hx = xasprintf("sha256:%s", d->sha[k]);
	json_add_string(r, "hash", hx);
	free(hx);
	for (i = 0; i < tb->ncols; i++) {
		struct cJSON *f = field(tb->columns[i], tb->types[i]);

		if (tb->enums && tb->enums[i]) {
			struct cJSON *c = json_new_object(),
			             *e = json_new_array();
			const char *const *v;

			for (v = tb->enums[i]; *v; v++)
				json_add_string(e, NULL, *v);
			json_add_item(c, "enum", e);
			json_add_item(f, "constraints", c);
		} else if (tb->patterns && tb->patterns[i]) {
			struct cJSON *c = json_new_object();

			json_add_string(c, "pattern", tb->patterns[i]);
			json_add_item(f, "constraints", c);
		}
		json_add_item(fields, NULL, f);
	}
	json_add_item(schema, "fields", fields);
	for (i = 0; i < tb->nkey; i++)
		json_add_string(pk, NULL, tb->key[i]);
	json_add_item(schema, "primaryKey", pk);
	json_add_string(missing, NULL, "");
	json_add_item(schema, "missingValues", missing);
	json_add_item(r, "schema", schema);
	json_add_item(resources, NULL, r);
}

/* The release's CSV files, each with its Table Schema, its size and the
 * hash the manifest has (each file was hashed once, when written). */
int
outputs_datapackage(const struct release_data *d, struct error *err)
{
	struct cJSON *root = json_new_object(), *resources = json_new_array();
	struct cJSON *sources = json_new_array(), *licenses = json_new_array();
	struct cJSON *o;
	size_t order[RELEASE_NFILES], n = release_files_in_order(order), i;
	int rc = -1;

	json_add_string(root, "profile", "tabular-data-package");
	json_add_string(root, "name", "provstat-release");
	json_add_string(root, "title",
	                "Indicators rebuilt from published "
	                "statistics, with provenance");
	for (i = 0; i < n; i++) {
		enum release_file_id k = (enum release_file_id)order[i];
		char *path;
		struct stat sb;

		if (!release_files[k].table)
			continue;
		path = xasprintf("%s/%s", d->dir, release_files[k].name);
		if (stat(path, &sb) != 0) {
			error_set(err, "cannot stat '%s': %s", path,
			          strerror(errno));
			free(path);
			goto out;
		}
		free(path);
		add_resource(d, resources, k, sb.st_size);
	}
	json_add_item(root, "resources", resources);
	resources = NULL;
	for (i = 0; i < d->cfg->nsources; i++) {
		const struct source_config *s = &d->cfg->sources[i];
		char *title = xasprintf("%s: %s", s->publisher, s->title);

		o = json_new_object();
		json_add_string(o, "title", title);
		json_add_string(o, "path", s->url);
		json_add_item(sources, NULL, o);
		free(title);
	}
	json_add_item(root, "sources", sources);
	sources = NULL;
	/* The figures are cited from their publishers, each under its own
	 * terms (sources.csv, column licence). */
	o = json_new_object();
	json_add_string(o, "name", "other-at");
	json_add_string(o, "title",
	                "figures cited from their publishers; "
	                "see sources.csv");
	json_add_item(licenses, NULL, o);
	json_add_item(root, "licenses", licenses);
	licenses = NULL;
	rc = release_write_json(d, "datapackage.json", root, err);
out:
	json_delete(resources);
	json_delete(sources);
	json_delete(licenses);
	json_delete(root);
	return rc;
}
