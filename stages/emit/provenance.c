/* provenance — provenance.json, W3C PROV-JSON: see outputs.h. */
#include "outputs.h"

#include <stdlib.h>

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
	struct prov_doc doc;
	struct cJSON *o, *root;
	size_t files[RELEASE_NFILES], nfiles = release_files_in_order(files);
	size_t i, j;
	int rc;

	prov_doc_init(&doc, "release", "https://provstat.invalid/release/");
	o = prov_node(&doc, PROV_AGENT, "provstat:provstat");
	json_add_string(o, "prov:type", "prov:SoftwareAgent");
	json_add_string(o, "prov:label", "provstat");
	json_add_string(o, "provstat:version", version_number());
	o = prov_node(&doc, PROV_ACTIVITY, "provstat:emit");
	json_add_string(o, "prov:label", "provstat emit");
	prov_relate(&doc, PROV_ASSOCIATED, "provstat:emit",
	            "provstat:provstat");
	for (i = 0; i < d->nsources; i++) {
		const struct release_source *s = &d->sources[i];
		char *pub = qname_of(s->f[SRC_PUBLISHER]);
		char *src = qname_of(s->f[SRC_SOURCE]);
		char *agent_id = xasprintf("provstat:publisher-%s", pub);
		char *act_id = xasprintf("provstat:fetch-%s", src);

		if (!prov_has(&doc, PROV_AGENT, agent_id)) {
			o = prov_node(&doc, PROV_AGENT, agent_id);
			json_add_string(o, "prov:type", "prov:Organization");
			json_add_string(o, "prov:label", s->f[SRC_PUBLISHER]);
		}
		o = prov_node(&doc, PROV_ACTIVITY, act_id);
		json_add_string(o, "prov:label", s->f[SRC_TITLE]);
		json_add_string(o, "provstat:url", s->f[SRC_URL]);
		json_add_string(o, "provstat:status", s->f[SRC_STATUS]);
		if (*s->f[SRC_RETRIEVED_AT])
			json_add_string(o, "prov:startTime",
			                s->f[SRC_RETRIEVED_AT]);
		prov_relate(&doc, PROV_ASSOCIATED, act_id, "provstat:provstat");
		if (*s->f[SRC_SNAPSHOT]) {
			char *ent = xasprintf("sha256:%s", s->f[SRC_SNAPSHOT]);

			o = prov_node(&doc, PROV_ENTITY, ent);
			json_add_string(o, "prov:type", "provstat:Snapshot");
			json_add_string(o, "provstat:source", s->f[SRC_SOURCE]);
			json_add_string(o, "provstat:evidence_grade",
			                s->f[SRC_GRADE]);
			json_add_string(o, "provstat:citation",
			                s->f[SRC_CITATION]);
			/* provstat's transcription of the publisher's
			 * document: say so, and which. */
			if (*s->f[SRC_TRANSCRIPTION])
				json_add_string(o, "provstat:transcription_of",
				                s->f[SRC_TRANSCRIPTION]);
			/* As served, and what was done to the bytes before
			 * they were read (a gzip body with no Content-Encoding
			 * header, another character encoding). */
			if (*s->f[SRC_MEDIA_TYPE])
				json_add_string(o, "provstat:media_type",
				                s->f[SRC_MEDIA_TYPE]);
			if (*s->f[SRC_DECODING])
				json_add_string(o, "provstat:decoding",
				                s->f[SRC_DECODING]);
			if (*s->f[SRC_DECODED_BYTES])
				json_add_number(
				        o, "provstat:decoded_bytes",
				        strtod(s->f[SRC_DECODED_BYTES], NULL));
			prov_relate(&doc, PROV_GENERATED, ent, act_id);
			prov_relate(&doc, PROV_ATTRIBUTED, ent, agent_id);
			prov_relate(&doc, PROV_USED, "provstat:emit", ent);
			for (j = 0; j < nfiles; j++) {
				char *out =
				        xasprintf("release:%s",
				                  release_files[files[j]].name);

				prov_relate(&doc, PROV_DERIVED, out, ent);
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

		o = prov_node(&doc, PROV_ENTITY, out);
		json_add_string(o, "prov:type", "provstat:ReleaseFile");
		prov_relate(&doc, PROV_GENERATED, out, "provstat:emit");
		free(out);
	}
	root = prov_doc_finish(&doc);
	rc = release_write_json(d, "provenance.json", root, err);
	json_delete(root);
	return rc;
}
