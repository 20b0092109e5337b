/* prov — see prov.h. */
#include "prov.h"

#include <stdio.h>
#include <string.h>

#include "json.h"

static const char *const group_names[PROV_NGROUPS] = {
        "entity", "activity",        "agent",          "wasGeneratedBy",
        "used",   "wasAttributedTo", "wasDerivedFrom", "wasAssociatedWith"};

/* The two keys of each relation group. */
static const char *const relation_keys[PROV_NGROUPS][2] = {
        [PROV_GENERATED] = {"prov:entity", "prov:activity"},
        [PROV_USED] = {"prov:activity", "prov:entity"},
        [PROV_ATTRIBUTED] = {"prov:entity", "prov:agent"},
        [PROV_DERIVED] = {"prov:generatedEntity", "prov:usedEntity"},
        [PROV_ASSOCIATED] = {"prov:activity", "prov:agent"},
};

void
prov_doc_init(struct prov_doc *d, const char *name, const char *ns)
{
	int g;

	d->prefix = json_new_object();
	json_add_string(d->prefix, "provstat", "https://provstat.invalid/ns#");
	json_add_string(d->prefix, "sha256", "urn:sha256:");
	json_add_string(d->prefix, name, ns);
	for (g = 0; g < PROV_NGROUPS; g++)
		d->group[g] = json_new_object();
	d->n = 0;
}

struct cJSON *
prov_node(struct prov_doc *d, enum prov_group g, const char *id)
{
	struct cJSON *o = json_new_object();

	json_add_item(d->group[g], id, o);
	return o;
}

int
prov_has(const struct prov_doc *d, enum prov_group g, const char *id)
{
	return json_get(d->group[g], id) != NULL;
}

static void
add_relation(struct prov_doc *d, enum prov_group g, struct cJSON *o)
{
	char id[32];

	snprintf(id, sizeof(id), "_:r%d", ++d->n);
	json_add_item(d->group[g], id, o);
}

void
prov_relate(struct prov_doc *d, enum prov_group g, const char *a, const char *b)
{
	struct cJSON *o = json_new_object();

	json_add_string(o, relation_keys[g][0], a);
	json_add_string(o, relation_keys[g][1], b);
	add_relation(d, g, o);
}

void
prov_doc_merge(struct prov_doc *d, const struct cJSON *doc)
{
	const struct cJSON *m;
	int g;

	for (g = 0; g < PROV_NGROUPS; g++)
		for (m = json_child(json_get(doc, group_names[g])); m;
		     m = json_next(m)) {
			if (relation_keys[g][0])
				add_relation(d, (enum prov_group)g,
				             json_dup(m));
			else if (!json_get(d->group[g], json_key(m)))
				json_add_item(d->group[g], json_key(m),
				              json_dup(m));
		}
}

struct cJSON *
prov_doc_finish(struct prov_doc *d)
{
	struct cJSON *root = json_new_object();
	int g;

	json_add_item(root, "prefix", d->prefix);
	for (g = 0; g < PROV_NGROUPS; g++) {
		if (g == PROV_ASSOCIATED && !json_child(d->group[g]))
			json_delete(d->group[g]);
		else
			json_add_item(root, group_names[g], d->group[g]);
		d->group[g] = NULL;
	}
	d->prefix = NULL;
	return root;
}

void
prov_doc_release(struct prov_doc *d)
{
	int g;

	json_delete(d->prefix);
	d->prefix = NULL;
	for (g = 0; g < PROV_NGROUPS; g++) {
		json_delete(d->group[g]);
		d->group[g] = NULL;
	}
}
