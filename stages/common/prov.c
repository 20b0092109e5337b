/* prov — see prov.h. */
#include "prov.h"

#include <stdio.h>

#include "json.h"

void
prov_relation(struct cJSON *group, int *n, const char *ka, const char *a,
              const char *kb, const char *b)
{
	struct cJSON *o = json_new_object();
	char id[32];

	snprintf(id, sizeof(id), "_:r%d", ++*n);
	json_add_string(o, ka, a);
	json_add_string(o, kb, b);
	json_add_item(group, id, o);
}
