/* SPDX-License-Identifier: ISC */
/*
 * indication_build.c - one replica change as the indication a 3PAR sends
 * (SPEC.md §4.6, CONTRACT.md §8): which class it is (decided from the
 * records alone, before anything is built), the indication instance with
 * SourceInstance / PreviousInstance embedded as the model renders the
 * records of the change, its properties written once as CIM-XML, and the
 * ExportIndication request of one subscription around them.  Which
 * subscriptions get it, and when, is indication_event.c's business.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cim/indication_int.h"
#include "cim/model.h"
#include "replica/replica.h"

const char *const cim_ind__class_names[CIM_IND__COUNT] = {
	[CIM_IND_CREATION] = "CIM_InstCreation",
	[CIM_IND_MODIFICATION] = "CIM_InstModification",
	[CIM_IND_JOB_MOD] = "TPD_ConcreteJobInstModification",
	[CIM_IND_VOL_CREATION] = "TPD_StorageVolumeInstCreation",
	[CIM_IND_VOL_DELETION] = "TPD_StorageVolumeInstDeletion",
	[CIM_IND_VOL_MOD] = "TPD_StorageVolumeInstModification",
};

/* ----------------------------------------------------------- classify */

static void
kind_set(struct cim_ind_kind *k, enum cim_ind_class cls)
{
	k->cls = cls;
	k->classname = cim_ind__class_names[cls];
}

static void
classify_job(const struct replica_event *ev, struct cim_ind_kind *k)
{
	const struct rjob *o = ev->before.job, *n = ev->after.job;

	switch (ev->change) {
	case REPLICA_CREATED:
		/* A job may start Running at once: this is its start. */
		if (!n->hidden)
			kind_set(k, CIM_IND_CREATION);
		break;
	case REPLICA_MODIFIED:
		if (n->hidden)
			break;
		/* OperationalStatus and JobStatus follow JobState alone. */
		if (o->state != n->state)
			kind_set(k, CIM_IND_JOB_MOD);
		else if (o->percent != n->percent) {
			kind_set(k, CIM_IND_JOB_MOD);
			k->progress_only = true;
		}
		break;
	case REPLICA_DELETED:
		break;
	}
}

/* What TPD_StorageVolume shows: size, name, OperationalStatus. */
static bool
vol_shown_differs(const struct rvolume *o, const struct rvolume *n)
{
	return o->size != n->size || strcmp(o->name, n->name) != 0 ||
	    o->failed != n->failed || o->missing != n->missing;
}

void
cim_ind__classify(const struct replica_event *ev, struct cim_ind_kind *k)
{
	memset(k, 0, sizeof(*k));
	switch (ev->what) {
	case REPLICA_JOB:
		classify_job(ev, k);
		break;
	case REPLICA_VOLUME:
		if (ev->change == REPLICA_CREATED)
			kind_set(k, CIM_IND_VOL_CREATION);
		else if (ev->change == REPLICA_DELETED)
			kind_set(k, CIM_IND_VOL_DELETION);
		else if (vol_shown_differs(ev->before.vol, ev->after.vol))
			kind_set(k, CIM_IND_VOL_MOD);
		break;
	case REPLICA_PAIR:
		if (ev->change == REPLICA_MODIFIED &&
		    ev->before.pair->sync_state != ev->after.pair->sync_state)
			kind_set(k, CIM_IND_MODIFICATION);
		break;
	}
}

/* -------------------------------------------------------------- build */

/* The model object standing for one record of the change. */
static void
obj_of(const struct replica_event *ev, bool after, const struct rjob *job,
    struct model_obj *o)
{
	memset(o, 0, sizeof(*o));
	switch (ev->what) {
	case REPLICA_JOB:
		o->kind = OBJ_JOB;
		o->job = job != NULL ? job : after ? ev->after.job :
		    ev->before.job;
		o->job_id = o->job->id;
		break;
	case REPLICA_VOLUME:
		o->kind = OBJ_VOLUME;
		o->vol = after ? ev->after.vol : ev->before.vol;
		o->vol_id = o->vol->id;
		break;
	case REPLICA_PAIR:
		o->kind = OBJ_PAIR;
		o->pair = after ? ev->after.pair : ev->before.pair;
		o->src_id = o->pair->src_id;
		o->tgt_id = o->pair->tgt_id;
		break;
	}
	o->classname = model_class_of_kind(o->kind)->name;
}

/* Room for the indication's own properties (CIM_InstIndication). */
#define IND_PROPS	6

static struct cim_prop *
prop_add(struct cim_instance *in, const char *name, enum cim_type t,
    const char *text)
{
	struct cim_prop *p = &in->props[in->nprops++];

	p->name = name;
	p->type = t;
	p->text = text;
	p->is_null = text == NULL;
	return p;
}

static int
embed(struct op_ctx *c, struct cim_instance *ind, const char *name,
    const struct cim_instance *in)
{
	const char *s = cimxml_instance_to_string(c->arena, in);

	if (s == NULL)
		return -ENOMEM;
	prop_add(ind, name, CIM_T_STRING, s)->embedded_instance = true;
	return 0;
}

/* Write ind's properties once; each subscription's request reuses them. */
static int
write_props(struct op_ctx *c, struct cim_ind_msg *m)
{
	struct cim_buf b;
	size_t i;

	cim_buf_init(&b);
	for (i = 0; i < m->ind->nprops; i++)
		cimxml_write_property(&b, &m->ind->props[i]);
	m->xml_len = b.len;
	m->xml = b.oom ? NULL : cim_arena_strndup(c->arena, b.data != NULL ?
	    b.data : "", b.len);
	cim_buf_release(&b);
	return m->xml != NULL ? 0 : -ENOMEM;
}

int
cim_ind__build(struct op_ctx *c, const struct cim_ind_kind *k,
    const struct cim_ind_input *in, struct cim_ind_msg *m)
{
	const struct replica_event *ev = in->ev;
	bool deleted = ev->change == REPLICA_DELETED;
	struct model_obj o, prev;
	struct cim_instance *ind;
	struct cim_path *path;
	char when[26];
	const char *uri;

	memset(m, 0, sizeof(*m));
	m->classname = k->classname;
	m->arena = c->arena;
	obj_of(ev, !deleted, NULL, &o);
	if ((m->src = model_instance(c, &o)) == NULL)
		return ev->what == REPLICA_JOB ? -ENOENT : -ENOMEM;
	if (ev->change == REPLICA_MODIFIED) {
		obj_of(ev, false, in->job_prev, &prev);
		if ((m->prev = model_instance(c, &prev)) == NULL)
			return -ENOMEM;
	}
	if ((path = model_path(c, &o)) == NULL ||
	    (uri = cimxml_path_to_uri(c->arena, path)) == NULL)
		return -ENOMEM;
	ind = cim_arena_alloc(c->arena, sizeof(*ind));
	if (ind == NULL || (ind->props = cim_arena_alloc(c->arena,
	    IND_PROPS * sizeof(*ind->props))) == NULL)
		return -ENOMEM;
	ind->classname = k->classname;
	cim_datetime_format(in->time_us, when);
	prop_add(ind, "IndicationIdentifier", CIM_T_STRING, in->identifier);
	prop_add(ind, "IndicationTime", CIM_T_DATETIME,
	    cim_arena_strdup(c->arena, when));
	if (embed(c, ind, "SourceInstance", m->src) != 0)
		return -ENOMEM;
	prop_add(ind, "SourceInstanceModelPath", CIM_T_STRING, uri);
	prop_add(ind, "SourceInstanceHost", CIM_T_STRING, in->host);
	if (m->prev != NULL && embed(c, ind, "PreviousInstance", m->prev) != 0)
		return -ENOMEM;
	m->ind = ind;
	return write_props(c, m);
}

/* ------------------------------------------------------------- export */

int
cim_ind__export(const struct cim_ind_msg *m, const char *filter_name,
    const char *seq_context, uint64_t seq_no, char **body, size_t *len)
{
	struct cim_prop p[3] = {
		{ .name = "IndicationFilterName", .type = CIM_T_STRING,
		  .text = filter_name, .is_null = filter_name == NULL },
		{ .name = "SequenceContext", .type = CIM_T_STRING,
		  .text = seq_context, .is_null = seq_context == NULL },
		{ .name = "SequenceNumber", .type = CIM_T_SINT64 },
	};
	char id[24], num[24];
	struct cim_buf b;
	size_t i;

	/* SequenceNumber is sint64; the registry's counter never gets there. */
	snprintf(num, sizeof(num), "%lld", (long long)(seq_no & INT64_MAX));
	p[2].text = num;
	snprintf(id, sizeof(id), "%llu", (unsigned long long)seq_no);
	cim_buf_init(&b);
	cimxml_begin_export(&b, id, m->classname);
	cim_buf_put(&b, m->xml, m->xml_len);
	for (i = 0; i < sizeof(p) / sizeof(p[0]); i++)
		cimxml_write_property(&b, &p[i]);
	cimxml_end_export(&b);
	if (b.oom) {
		cim_buf_release(&b);
		return -ENOMEM;
	}
	*body = cim_buf_steal(&b, len);
	return 0;
}
