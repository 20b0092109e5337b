/* provenance — provenance.json, W3C PROV-JSON: see outputs.h. */
#include "outputs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json.h"
#include "prov.h"
#include "version.h"
#include "xalloc.h"

static char *
qname_of(const char *s)
{
	char *q = xstrdup(s), *p;

	for (p = q; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' ||
		      *p == '_'))
			*p = '_';
	return q;
}

int
outputs_provenance(const struct release_data *d, struct error *err)
{
	struct cJSON *root = json_new_object(), *prefix = json_new_object();
	struct cJSON *entity = json_new_object(), *activity = json_new_object();
	struct cJSON *agent = json_new_object(), *gen = json_new_object();
	struct cJSON *used = json_new_object(), *attr = json_new_object();
	struct cJSON *derived = json_new_object(), *assoc = json_new_object();
	struct cJSON *o;
	size_t files[RELEASE_NFILES], nfiles = release_files_in_order(files);
	size_t i, j;
	int n = 0, rc;

	json_add_string(prefix, "provstat", "https://provstat.invalid/ns#");
	json_add_string(prefix, "sha256", "urn:sha256:");
	json_add_string(prefix, "release", "https://provstat.invalid/release/");
	o = json_new_object();
	json_add_string(o, "prov:type", "prov:SoftwareAgent");
	json_add_string(o, "prov:label", "provstat");
	json_add_string(o, "provstat:version", version_number());
	json_add_item(agent, "provstat:provstat", o);
	o = json_new_object();
	json_add_string(o, "prov:label", "provstat emit");
	json_add_item(activity, "provstat:emit", o);
	prov_relation(assoc, &n, "prov:activity", "provstat:emit", "prov:agent",
	              "provstat:provstat");
	for (i = 0; i < d->nsources; i++) {
		const struct release_source *s = &d->sources[i];
		char *pub = qname_of(s->f[SRC_PUBLISHER]),
		     *src = qname_of(s->f[SRC_SOURCE]);
		char *agent_id = xasprintf("provstat:publisher-%s", pub);
		char *act_id = xasprintf("provstat:fetch-%s", src);

		if (!json_get(agent, agent_id)) {
			o = json_new_object();
			json_add_string(o, "prov:type", "prov:Organization");
			json_add_string(o, "prov:label", s->f[SRC_PUBLISHER]);
			json_add_item(agent, agent_id, o);
		}
		o = json_new_object();
		json_add_string(o, "prov:label", s->f[SRC_TITLE]);
		json_add_string(o, "provstat:url", s->f[SRC_URL]);
		json_add_string(o, "provstat:status", s->f[SRC_STATUS]);
		if (*s->f[SRC_RETRIEVED_AT])
			json_add_string(o, "prov:startTime",
			                s->f[SRC_RETRIEVED_AT]);
		json_add_item(activity, act_id, o);
		prov_relation(assoc, &n, "prov:activity", act_id, "prov:agent",
		              "provstat:provstat");
		if (*s->f[SRC_SNAPSHOT]) {
			char *ent = xasprintf("sha256:%s", s->f[SRC_SNAPSHOT]);

			o = json_new_object();
			json_add_string(o, "prov:type", "provstat:Snapshot");
			json_add_string(o, "provstat:source", s->f[SRC_SOURCE]);
			json_add_string(o, "provstat:evidence_grade",
			                s->f[SRC_GRADE]);
			json_add_string(o, "provstat:citation",
			                s->f[SRC_CITATION]);
			json_add_item(entity, ent, o);
			prov_relation(gen, &n, "prov:entity", ent,
			              "prov:activity", act_id);
			prov_relation(attr, &n, "prov:entity", ent,
			              "prov:agent", agent_id);
			prov_relation(used, &n, "prov:activity",
			              "provstat:emit", "prov:entity", ent);
			for (j = 0; j < nfiles; j++) {
				char *out =
				        xasprintf("release:%s",
				                  release_files[files[j]].name);

				prov_relation(derived, &n,
				              "prov:generatedEntity", out,
				              "prov:usedEntity", ent);
				free(out);
			}
			free(ent);
		}
		free(pub);
		free(src);
		free(agent_id);
		free(act_id);
	}
	for (j = 0; j < nfiles; j++) {
		char *out =
		        xasprintf("release:%s", release_files[files[j]].name);

		o = json_new_object();
		json_add_string(o, "prov:type", "provstat:ReleaseFile");
		json_add_item(entity, out, o);
		prov_relation(gen, &n, "prov:entity", out, "prov:activity",
		              "provstat:emit");
		free(out);
	}
	json_add_item(root, "prefix", prefix);
	json_add_item(root, "entity", entity);
	json_add_item(root, "activity", activity);
	json_add_item(root, "agent", agent);
	json_add_item(root, "wasGeneratedBy", gen);
	json_add_item(root, "used", used);
	json_add_item(root, "wasAttributedTo", attr);
	json_add_item(root, "wasDerivedFrom", derived);
	json_add_item(root, "wasAssociatedWith", assoc);
	rc = release_write_json(d, "provenance.json", root, err);
	json_delete(root);
	return rc;
}
