/* sdmx_format — see sdmx_format.h. */
#include "sdmx_format.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "number.h"
#include "store.h"
#include "strbuf.h"
#include "xalloc.h"
#include "xml.h"

#define KV_MAX 256 /* ids per level: more is not a data message */
#define SDMX_GROUPS_MAX 64
#define ID_CACHE 16

/* Ids and values of one level.  An id is interned in the parser's
 * dictionary (xml_reader_intern), so ids compare by pointer: comparing
 * them as strings, a dozen for every field of every observation, was a
 * tenth of reading a large message.  Value buffers are kept across clears:
 * an observation's few values are rewritten in place a million times. */
struct kv {
	const char *name[KV_MAX];
	char *value[KV_MAX];
	size_t value_cap[KV_MAX];
	size_t n; /* in use */
	size_t alloc; /* slots with buffers */
};

#define SPEC_PARTS_MAX 16 /* ids joined by '+' in one field */

/* What lookup_outer() gave for an id, while the series, its groups and the
 * data set are unchanged (gen: struct sdmx's when it was taken). */
struct outer {
	const char *value;
	unsigned long gen;
};

/* A field's ids ("A+B+C"), interned once, with their outer values. */
struct spec {
	const char *part[SPEC_PARTS_MAX];
	struct outer outer[SPEC_PARTS_MAX];
	size_t n;
};

/* The element names, interned by the reader: compared by pointer. */
struct names {
	const char *structure, *dataset, *group, *series, *obs, *series_key,
	        *obs_key, *group_key, *value, *obs_dimension, *obs_value, *comp,
	        *atts;
};

enum level { L_DATASET, L_SERIES, L_OBS, L_GROUP, L_COUNT };

struct sdmx {
	const struct source_config *src;
	struct problems *probs;
	const struct obs_sink *sink;
	struct error *err;
	struct xml_reader *r;
	char *name;
	int generic;
	char *obs_dim; /* dimensionAtObservation */
	struct kv kv[L_COUNT];
	struct kv groups[SDMX_GROUPS_MAX]; /* keys and attributes of groups */
	struct kv group_keys[SDMX_GROUPS_MAX];
	size_t ngroups;
	struct names nm;
	struct spec spec[FIELD_COUNT];
	const char **filter; /* the source's filter ids, interned */
	const char *unit_mult, *type, *skip[12];
	const char *id_value[2], *time_period, *obs_value_id;
	struct strbuf join[FIELD_COUNT]; /* a joined field's text, reused */
	/* Ids read from attribute values ("OBS_STATUS"), with their interned
	 * pointers: the same few on every observation. */
	struct {
		char text[32];
		const char *interned;
	} seen[ID_CACHE];
	size_t nseen;
	/* Counts changes to the series, groups and data set: an id's value
	 * from them is looked up once for every observation of a series. */
	unsigned long gen;
	struct outer unit_mult_outer, *filter_outer;
	int level; /* where Value elements go */
	int in_key; /* inside SeriesKey/ObsKey/GroupKey */
	long obs_line, obs_col; /* where the observation's element starts */
	long long value_off; /* the raw value's bytes in the document, */
	size_t value_len; /* or value_off -1 */
	int root_seen;
	int failed; /* the sink failed */
	int flat; /* an observation outside any series: groups match on it */
	int obs_key; /* dimensionAtObservation is not TIME_PERIOD */
	/* SDMX-ML 3.0's <Comp id="X"><Value>a</Value>...</Comp>: a component
	 * written as elements (a repeated or text value), its values joined
	 * with ','; comp_id NULL outside one. */
	const char *comp_id;
	int comp_level, comp_values, in_value;
	struct strbuf comp_text;
	/* Generic messages say which ids are key dimensions (SeriesKey,
	 * ObsKey): those neither mapped nor filtered are watched
	 * (observation.h), their level each. */
	const char *watch_id[KV_MAX];
	int watch_level[KV_MAX];
	struct dim_watch watch[KV_MAX];
	size_t nwatch;
};

static void
kv_clear(struct kv *k)
{
	k->n = 0;
}

static void
kv_free(struct kv *k)
{
	size_t i;

	for (i = 0; i < k->alloc; i++)
		free(k->value[i]);
	k->n = k->alloc = 0;
}

/* Copies s into a reusable buffer. */
static void
buf_set(char **buf, size_t *cap, const char *s)
{
	size_t len = strlen(s) + 1;

	if (len > *cap) {
		*cap = len < 32 ? 32 : len;
		*buf = xrealloc(*buf, *cap);
	}
	memcpy(*buf, s, len);
}

/* Sets id name (interned) to value. */
static void
kv_put(struct sdmx *s, struct kv *k, const char *name, const char *value)
{
	size_t i;

	if (k != &s->kv[L_OBS])
		s->gen++;
	for (i = 0; i < k->n; i++) {
		if (k->name[i] == name) {
			buf_set(&k->value[i], &k->value_cap[i], value);
			return;
		}
	}
	if (k->n == KV_MAX) {
		problems_add(s->probs, "%s:%d: more than %d ids on one element",
		             s->name, xml_reader_line(s->r), KV_MAX);
		return;
	}
	if (k->n == k->alloc) {
		k->value[k->alloc] = NULL;
		k->value_cap[k->alloc] = 0;
		k->alloc++;
	}
	k->name[k->n] = name;
	buf_set(&k->value[k->n], &k->value_cap[k->n], value);
	k->n++;
}

/* The interned id for name (an attribute's value), through a small cache:
 * a lookup in libxml2's dictionary for every observation's
 * <Value id="OBS_STATUS"> was more than a comparison with the last few. */
static const char *
intern_id(struct sdmx *s, const char *name)
{
	size_t i, len;
	const char *p;

	for (i = 0; i < s->nseen; i++)
		if (strcmp(s->seen[i].text, name) == 0)
			return s->seen[i].interned;
	p = xml_reader_intern(s->r, name);
	len = strlen(name);
	if (p && len < sizeof(s->seen[0].text) && s->nseen < ID_CACHE) {
		memcpy(s->seen[s->nseen].text, name, len + 1);
		s->seen[s->nseen++].interned = p;
	}
	return p;
}

/* Sets id name (any string: an attribute's value) to value. */
static void
kv_set(struct sdmx *s, struct kv *k, const char *name, const char *value)
{
	if ((name = intern_id(s, name)))
		kv_put(s, k, name, value);
}

/* name: interned. */
static const char *
kv_get(const struct kv *k, const char *name)
{
	size_t i;

	for (i = 0; i < k->n; i++)
		if (k->name[i] == name)
			return k->value[i];
	return NULL;
}

/* Attributes that describe the message, not the data. */
static const char *const structural[12] = {"structureRef",
                                           "dataScope",
                                           "type",
                                           "action",
                                           "schemaLocation",
                                           "setID",
                                           "reportingBeginDate",
                                           "reportingEndDate",
                                           "validFromDate",
                                           "validToDate",
                                           "publicationYear",
                                           "publicationPeriod"};

/* name: an attribute's local name, from the parser's dictionary. */
static int
structural_attr(const struct sdmx *s, const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(structural) / sizeof(structural[0]); i++)
		if (name == s->skip[i])
			return 1;
	return 0;
}

struct attr_ctx {
	struct sdmx *s;
	struct kv *k;
	int keep_type; /* Obs xsi:type names an explicit measure */
};

static void
take_attr(void *ctx, const char *name, const char *value)
{
	struct attr_ctx *a = ctx;

	if (structural_attr(a->s, name) &&
	    !(a->keep_type && name == a->s->type))
		return;
	kv_put(a->s, a->k, name, value); /* name: the parser's, interned */
}

/* Whether groups can depend on the observation: its own key holds
 * dimensions beyond time (a flat or cross-sectional message: SDMX 2.1
 * section 3A, dimensionAtObservation other than TIME_PERIOD), so a
 * group's key may sit at observation level. */
static int
groups_per_obs(const struct sdmx *s)
{
	return s->ngroups && (s->flat || s->obs_key);
}

/* The value of an id (interned) from the series outwards (a group
 * matched on the observation's and the series' key values). */
static const char *
lookup_outer(struct sdmx *s, const char *name)
{
	const char *v;
	size_t g, i;

	if ((v = kv_get(&s->kv[L_SERIES], name)))
		return v;
	/* A group applies when all its key values match the observation's
	 * key, wherever the message carries each of its dimensions. */
	for (g = 0; g < s->ngroups; g++) {
		/* Generic groups say their key; structure-specific ones do
		 * not, so their ids that the series or the observation also
		 * has act as key, the others are the group's attributes. */
		const struct kv *key =
		        s->group_keys[g].n ? &s->group_keys[g] : &s->groups[g];
		int match = 1;

		for (i = 0; i < key->n && match; i++) {
			const char *sv = kv_get(&s->kv[L_SERIES], key->name[i]);

			if (!sv && groups_per_obs(s))
				sv = kv_get(&s->kv[L_OBS], key->name[i]);
			match = key == &s->groups[g]
			                ? !sv || strcmp(sv, key->value[i]) == 0
			                : sv && strcmp(sv, key->value[i]) == 0;
		}
		if (match && (v = kv_get(&s->groups[g], name)))
			return v;
	}
	return kv_get(&s->kv[L_DATASET], name);
}

/* The value of an id (interned), from the observation outwards; o keeps
 * the outer part while s->gen stays the same. */
static const char *
lookup(struct sdmx *s, const char *name, struct outer *o)
{
	const char *v = kv_get(&s->kv[L_OBS], name);

	if (v)
		return v;
	if (groups_per_obs(s))
		return lookup_outer(s, name);
	if (o->gen != s->gen) {
		o->value = lookup_outer(s, name);
		o->gen = s->gen;
	}
	return o->value;
}

/* A field's text: one id, or "A+B" joined with '.' into sb; NULL if one
 * is absent.  Borrowed until the next observation. */
static const char *
field_text(struct sdmx *s, struct spec *spec, struct strbuf *sb)
{
	size_t i;

	if (spec->n == 1)
		return lookup(s, spec->part[0], &spec->outer[0]);
	strbuf_reset(sb);
	for (i = 0; i < spec->n; i++) {
		const char *v = lookup(s, spec->part[i], &spec->outer[i]);

		if (!v)
			return NULL;
		if (i)
			strbuf_addch(sb, '.');
		strbuf_addstr(sb, v);
	}
	return sb->buf;
}

/* Splits and interns a field's ids; 0, or -1 with a problem if there are
 * more than SPEC_PARTS_MAX. */
static int
spec_make(struct sdmx *s, const char *text, struct spec *spec)
{
	const char *p = text;

	spec->n = 0;
	for (;;) {
		const char *plus = strchr(p, '+');
		char *id = plus ? xstrndup(p, (size_t)(plus - p)) : xstrdup(p);

		if (spec->n == SPEC_PARTS_MAX) {
			free(id);
			problems_add(s->probs,
			             "%s: '%s' joins more than %d ids", s->name,
			             text, SPEC_PARTS_MAX);
			return -1;
		}
		spec->part[spec->n++] = xml_reader_intern(s->r, id);
		free(id);
		if (!plus)
			return 0;
		p = plus + 1;
	}
}

/* A key dimension's id (interned) in a generic message, at level: watched
 * when the source neither maps nor filters it. */
static void
watch_key(struct sdmx *s, const char *id, int level)
{
	size_t i, k;

	if (!id || id == s->time_period || s->nwatch == KV_MAX)
		return;
	for (i = 0; i < s->nwatch; i++)
		if (s->watch_id[i] == id)
			return;
	for (i = 0; i < FIELD_COUNT; i++)
		for (k = 0; k < s->spec[i].n; k++)
			if (s->spec[i].part[k] == id)
				return;
	for (i = 0; i < s->src->nfilter; i++)
		if (s->filter[i] == id)
			return;
	s->watch_id[s->nwatch] = id;
	s->watch_level[s->nwatch] = level;
	dim_watch_init(&s->watch[s->nwatch++], id);
}

static void
emit_obs(struct sdmx *s)
{
	const struct source_config *src = s->src;
	const char *field[FIELD_COUNT];
	struct observation obs;
	char at[STORE_LOCATOR_MAX];
	const char *mult, *loc;
	size_t i;
	int f;

	for (i = 0; i < src->nfilter; i++) {
		const char *v = lookup(s, s->filter[i], &s->filter_outer[i]);

		if (!v || strcmp(v, src->filter[i].value) != 0)
			return;
	}
	for (i = 0; i < s->nwatch; i++) {
		const char *v =
		        kv_get(&s->kv[s->watch_level[i]], s->watch_id[i]);

		if (v)
			dim_watch_see(&s->watch[i], v, s->obs_line);
	}
	memset(&obs, 0, sizeof(obs));
	obs.line = s->obs_line;
	obs.col = s->obs_col;
	obs.byte_offset = s->value_off;
	obs.byte_length = s->value_len;
	loc = store_locator(NULL, obs.line, obs.col, at);
	for (f = 0; f < FIELD_COUNT; f++) {
		field[f] = src->constant[f];
		if (!src->column[f])
			continue;
		field[f] = field_text(s, &s->spec[f], &s->join[f]);
		/* SDMX leaves OBS_VALUE out of a missing observation (its
		 * status says M): that is a missing value, not an error. */
		if (!field[f] && f == FIELD_VALUE)
			field[f] = "";
		/* A flags or precision attribute an observation does not
		 * carry says none (SDMX attributes are conditional unless
		 * the structure makes them mandatory): only the fields an
		 * observation cannot do without are required. */
		if (!field[f] && !config_field_optional((enum config_field)f)) {
			problems_add(s->probs, "%s: %s: no '%s' (for %s)",
			             s->name, loc, src->column[f],
			             config_field_names[f]);
			return;
		}
	}
	if (observation_fill(&obs, src, field, s->probs) < 0)
		return;
	mult = lookup(s, s->unit_mult, &s->unit_mult_outer);
	if (mult && !obs.num.missing) {
		char *end;
		long m = strtol(mult, &end, 10);

		if (*end || m < -30 || m > 30) {
			problems_add(s->probs,
			             "%s: %s: UNIT_MULT '%s' is not "
			             "a small integer",
			             s->name, loc, mult);
			return;
		}
		obs.num.scale += (int)m;
		obs.num.value *= pow(10.0, (double)m);
	}
	if (s->sink->add(s->sink->ctx, &obs, s->err) < 0)
		s->failed = 1;
}

/* The one id the value field reads (interned), or NULL when it joins
 * several or is a constant. */
static const char *
value_id(const struct sdmx *s)
{
	return s->spec[FIELD_VALUE].n == 1 ? s->spec[FIELD_VALUE].part[0]
	                                   : NULL;
}

/* Where attribute attr of this start tag, the observation's value, is. */
static void
value_span(struct sdmx *s, struct xml_reader *r, const char *attr)
{
	if (!attr ||
	    xml_reader_attr_span(r, attr, &s->value_off, &s->value_len) < 0)
		s->value_off = -1;
}

/* An element starts. */
static void
on_start(void *ctx, struct xml_reader *r, const char *name)
{
	struct sdmx *s = ctx;
	const char *const *id_value = s->id_value;
	const struct names *n = &s->nm;
	struct attr_ctx a = {s, NULL, 0};
	const char *av[2];

	if (!s->root_seen) {
		s->root_seen = 1;
		s->generic = strstr(name, "Generic") != NULL;
		if (!strstr(name, "Data")) {
			problems_add(s->probs,
			             "%s: line %d: root element '%s' is not an "
			             "SDMX-ML data message (GenericData, "
			             "StructureSpecificData, ...)",
			             s->name, xml_reader_line(r), name);
			xml_reader_stop(r);
			return;
		}
	}
	if (name == n->obs) {
		if (s->level == L_DATASET)
			s->flat = 1;
		kv_clear(&s->kv[L_OBS]);
		xml_reader_position(r, &s->obs_line, &s->obs_col);
		s->level = L_OBS;
		s->value_off = -1;
		if (!s->generic) {
			a.k = &s->kv[L_OBS];
			a.keep_type = 1;
			xml_reader_each_attr(r, take_attr, &a);
			value_span(s, r, value_id(s));
		}
	} else if (name == n->comp && !s->generic) {
		s->comp_id = intern_id(s, xml_reader_attr(r, "id")
		                                  ? xml_reader_attr(r, "id")
		                                  : "");
		s->comp_level = s->level;
		s->comp_values = 0;
		strbuf_reset(&s->comp_text);
	} else if (name == n->value && s->comp_id) {
		if (s->comp_values++)
			strbuf_addch(&s->comp_text, ',');
		s->in_value = 1;
	} else if (name == n->value && s->generic) {
		xml_reader_attrs(r, id_value, av, 2);
		if (!av[0] || !av[1])
			return;
		if (s->level == L_GROUP && s->ngroups) {
			if (s->in_key)
				kv_set(s, &s->group_keys[s->ngroups - 1], av[0],
				       av[1]);
			kv_set(s, &s->groups[s->ngroups - 1], av[0], av[1]);
		} else {
			kv_set(s, &s->kv[s->level], av[0], av[1]);
			if (s->level == L_OBS && av[0] == value_id(s))
				value_span(s, r, s->id_value[1]);
			if (s->in_key)
				watch_key(s, intern_id(s, av[0]), s->level);
		}
	} else if (name == n->obs_dimension && s->generic) {
		xml_reader_attrs(r, id_value, av, 2);
		if (av[1] && av[0])
			kv_set(s, &s->kv[L_OBS], av[0], av[1]);
		else if (av[1])
			kv_put(s, &s->kv[L_OBS], s->time_period, av[1]);
	} else if (name == n->obs_value && s->generic) {
		xml_reader_attrs(r, id_value + 1, av, 1);
		if (av[0])
			kv_put(s, &s->kv[L_OBS], s->obs_value_id, av[0]);
		if (av[0] && s->obs_value_id == value_id(s))
			value_span(s, r, s->id_value[1]);
	} else if (name == n->series) {
		kv_clear(&s->kv[L_SERIES]);
		s->gen++;
		s->level = L_SERIES;
		if (!s->generic) {
			a.k = &s->kv[L_SERIES];
			xml_reader_each_attr(r, take_attr, &a);
		}
	} else if (name == n->series_key || name == n->obs_key ||
	           name == n->group_key) {
		s->in_key = 1;
	} else if (name == n->structure && !s->obs_dim &&
	           xml_reader_attr(r, "dimensionAtObservation")) {
		s->obs_dim =
		        xstrdup(xml_reader_attr(r, "dimensionAtObservation"));
		/* An ObsDimension without an id is this dimension. */
		s->time_period = xml_reader_intern(r, s->obs_dim);
		s->obs_key = strcmp(s->obs_dim, "TIME_PERIOD") != 0;
	} else if (name == n->dataset) {
		kv_clear(&s->kv[L_DATASET]);
		s->gen++;
		a.k = &s->kv[L_DATASET];
		xml_reader_each_attr(r, take_attr, &a);
		s->level = L_DATASET;
	} else if (name == n->group || (name == n->atts && !s->generic)) {
		/* SDMX-ML 3.0's Atts: attributes of a partial key (or of the
		 * data set, with no key), matched as a group is. */
		if (s->ngroups == SDMX_GROUPS_MAX) {
			problems_add(s->probs, "%s:%d: more than %d groups",
			             s->name, xml_reader_line(r),
			             SDMX_GROUPS_MAX);
			return;
		}
		s->level = L_GROUP;
		a.k = &s->groups[s->ngroups];
		kv_clear(&s->groups[s->ngroups]);
		kv_clear(&s->group_keys[s->ngroups]);
		s->gen++;
		/* Structure-specific groups carry key and attributes alike;
		 * lookup() treats the ids the series also has as key. */
		if (!s->generic)
			xml_reader_each_attr(r, take_attr, &a);
		s->ngroups++;
	}
}

static void
on_end(void *ctx, struct xml_reader *r, const char *name)
{
	struct sdmx *s = ctx;
	const struct names *n = &s->nm;

	if (name == n->obs) {
		emit_obs(s);
		if (s->failed)
			xml_reader_stop(r);
		s->level = L_SERIES;
	} else if (name == n->series_key || name == n->obs_key ||
	           name == n->group_key) {
		s->in_key = 0;
	} else if (name == n->value && s->comp_id) {
		s->in_value = 0;
	} else if (name == n->comp && s->comp_id) {
		struct kv *k = s->comp_level == L_GROUP && s->ngroups
		                       ? &s->groups[s->ngroups - 1]
		                       : &s->kv[s->comp_level];

		if (*s->comp_id)
			kv_put(s, k, s->comp_id,
			       s->comp_text.len ? s->comp_text.buf : "");
		s->comp_id = NULL;
	} else if (name == n->series || name == n->group || name == n->atts) {
		s->level = L_DATASET;
	}
}

/* Text: only a Comp's Value elements'. */
static void
on_text(void *ctx, const char *text, size_t len)
{
	struct sdmx *s = ctx;

	if (s->in_value)
		strbuf_add(&s->comp_text, text, len);
}

/* The element names, ids and attribute names the parser compares by
 * pointer; -1 if a field names too many ids (a problem is added). */
static int
intern_names(struct sdmx *s)
{
	struct names *n = &s->nm;
	size_t i;
	int f;

	n->structure = xml_reader_intern(s->r, "Structure");
	n->dataset = xml_reader_intern(s->r, "DataSet");
	n->group = xml_reader_intern(s->r, "Group");
	n->series = xml_reader_intern(s->r, "Series");
	n->obs = xml_reader_intern(s->r, "Obs");
	n->series_key = xml_reader_intern(s->r, "SeriesKey");
	n->obs_key = xml_reader_intern(s->r, "ObsKey");
	n->group_key = xml_reader_intern(s->r, "GroupKey");
	n->value = xml_reader_intern(s->r, "Value");
	n->obs_dimension = xml_reader_intern(s->r, "ObsDimension");
	n->obs_value = xml_reader_intern(s->r, "ObsValue");
	n->comp = xml_reader_intern(s->r, "Comp");
	n->atts = xml_reader_intern(s->r, "Atts");
	s->unit_mult = xml_reader_intern(s->r, "UNIT_MULT");
	s->id_value[0] = xml_reader_intern(s->r, "id");
	s->id_value[1] = xml_reader_intern(s->r, "value");
	s->time_period = xml_reader_intern(s->r, "TIME_PERIOD");
	s->obs_value_id = xml_reader_intern(s->r, "OBS_VALUE");
	s->type = xml_reader_intern(s->r, "type");
	for (i = 0; i < sizeof(structural) / sizeof(structural[0]); i++)
		s->skip[i] = xml_reader_intern(s->r, structural[i]);
	s->filter = xcalloc(s->src->nfilter + 1, sizeof(*s->filter));
	s->filter_outer =
	        xcalloc(s->src->nfilter + 1, sizeof(*s->filter_outer));
	for (i = 0; i < s->src->nfilter; i++)
		s->filter[i] = xml_reader_intern(s->r, s->src->filter[i].name);
	for (f = 0; f < FIELD_COUNT; f++)
		if (s->src->column[f] &&
		    spec_make(s, s->src->column[f], &s->spec[f]) < 0)
			return -1;
	return 0;
}

int
sdmx_format_parse(const struct source_config *src, struct parse_input *in,
                  const struct obs_sink *sink, struct problems *probs,
                  struct error *err)
{
	static const struct xml_events events = {on_start, on_end, on_text};
	struct sdmx s;
	struct error xerr;
	int rc;
	size_t i;

	memset(&s, 0, sizeof(s));
	for (i = 0; i < FIELD_COUNT; i++)
		strbuf_init(&s.join[i], SIZE_MAX / 2);
	strbuf_init(&s.comp_text, SIZE_MAX / 2);
	s.src = src;
	s.value_off = -1;
	s.gen = 1; /* the outer values' gen 0 is never current */
	s.probs = probs;
	s.sink = sink;
	s.err = err;
	s.name = xasprintf("src://%s", src->id);
	s.r = xml_reader_new(in->fp, s.name);
	error_clear(&xerr);
	rc = intern_names(&s) < 0 ? 0 : xml_reader_run(s.r, &events, &s, &xerr);
	if (!s.failed && rc >= 0)
		for (i = 0; i < s.nwatch; i++)
			dim_watch_report(&s.watch[i], s.name, probs);
	for (i = 0; i < s.nwatch; i++)
		dim_watch_release(&s.watch[i]);
	if (!s.failed && rc < 0)
		problems_add(probs, "%s", xerr.msg);
	else if (!s.root_seen && !s.failed && !probs->total)
		problems_add(probs, "%s: the document is empty", s.name);
	xml_reader_free(s.r);
	for (i = 0; i < L_COUNT; i++)
		kv_free(&s.kv[i]);
	for (i = 0; i < SDMX_GROUPS_MAX; i++) {
		kv_free(&s.groups[i]);
		kv_free(&s.group_keys[i]);
	}
	for (i = 0; i < FIELD_COUNT; i++)
		strbuf_release(&s.join[i]);
	strbuf_release(&s.comp_text);
	free(s.obs_dim);
	free(s.filter);
	free(s.filter_outer);
	free(s.name);
	return s.failed ? -1 : 0;
}
