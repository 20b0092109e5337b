/*
 * prov — the W3C PROV-JSON building blocks shared by the release's
 * provenance.json and `provstat trace --prov`.
 */
#ifndef PROVSTAT_PROV_H
#define PROVSTAT_PROV_H

struct cJSON;

/* Adds the relation "_:rN" {ka: a, kb: b} to group, N counting in *n. */
void prov_relation(struct cJSON *group, int *n, const char *ka, const char *a,
                   const char *kb, const char *b);

#endif
