/*
 * prov — a W3C PROV-JSON document, as the release's provenance.json and
 * `provstat trace --prov` build it: the prefixes, then one object a group
 * (entity, activity, agent, then the relations), relations named "_:rN"
 * in the order they are added.
 *
 * Ownership: the document owns every node; prov_doc_finish() hands the
 * whole over to the caller (free with json_delete()).
 */
#ifndef PROVSTAT_PROV_H
#define PROVSTAT_PROV_H

struct cJSON;

enum prov_group {
	PROV_ENTITY,
	PROV_ACTIVITY,
	PROV_AGENT,
	PROV_GENERATED, /* wasGeneratedBy: entity, activity */
	PROV_USED, /* used: activity, entity */
	PROV_ATTRIBUTED, /* wasAttributedTo: entity, agent */
	PROV_DERIVED, /* wasDerivedFrom: generatedEntity, usedEntity */
	PROV_ASSOCIATED, /* wasAssociatedWith: activity, agent */
	PROV_NGROUPS
};

struct prov_doc {
	struct cJSON *prefix;
	struct cJSON *group[PROV_NGROUPS];
	int n; /* relations so far */
};

/* An empty document with the prefixes provstat: and sha256:, and name:
 * for ns (the document's own, such as "release"). */
void prov_doc_init(struct prov_doc *d, const char *name, const char *ns);
/* Adds the node id to group g (an entity, activity or agent) and returns
 * it, empty, for the caller's fields; id must not be there (prov_has()). */
struct cJSON *prov_node(struct prov_doc *d, enum prov_group g, const char *id);
/* Whether group g has the node id. */
int prov_has(const struct prov_doc *d, enum prov_group g, const char *id);
/* The relation of group g between a and b, in the group's key order. */
void prov_relate(struct prov_doc *d, enum prov_group g, const char *a,
                 const char *b);
/* Adds another PROV-JSON document's nodes (those not there yet) and its
 * relations (renamed, so that ids do not collide). */
void prov_doc_merge(struct prov_doc *d, const struct cJSON *doc);
/* The document: prefix, then the groups in order; wasAssociatedWith only
 * when it has a relation.  d is empty afterwards. */
struct cJSON *prov_doc_finish(struct prov_doc *d);
/* Frees what d holds (after a failure; NULL-safe on an empty d). */
void prov_doc_release(struct prov_doc *d);

#endif
