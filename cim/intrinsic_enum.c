/* SPDX-License-Identifier: ISC */
/*
 * intrinsic_enum.c - EnumerateInstances and EnumerateInstanceNames, and the
 * answers of the association operations (intrinsic_assoc.c lists them),
 * written in slices so that a large answer never holds the loop for more
 * than one slice (issue 8: a few clients repeating big enumerations pushed
 * every other client's latency to hundreds of milliseconds).
 *
 * First the set of objects is fixed: every object and association instance
 * the answer will hold is listed, with its identifying strings copied into
 * the request arena (cheap: no instances, no XML).  Then the objects are
 * written one at a time until c->slice_until passes; what is left waits in
 * c->cont for op_intrinsic_resume(), which cimop.c calls on a later loop
 * turn.  What a client sees when the array changes between slices: the set
 * of objects is the one at the start of the request; each instance shows
 * its properties when it is written (at most a few slices later); an object
 * deleted in between is left out (checked by resolving its path again, so
 * a stale object is never written).  A single-slice answer, the usual case,
 * is exactly the state of one moment.  Nothing here touches libuv or HTTP.
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "cim/intrinsic_int.h"

/* What an item of the answer is. */
enum item_kind {
	IT_OBJ,			/* the object o */
	IT_LINK,		/* the association instance l */
	IT_OTHER,		/* the object o, reached through the link l */
};

/* One object of the answer. */
struct enum_item {
	const struct model_class *mc;	/* class of what is written */
	enum item_kind kind;
	struct model_obj o;
	struct model_link l;
};

/* An answer being written (c->cont), all in the request arena. */
struct intrinsic_cont {
	struct iargs a;			/* the checked arguments */
	enum intrinsic_form form;
	bool names;			/* paths only */
	struct enum_item *items;
	size_t n, cap, next;
	size_t mark;			/* where IRETURNVALUE starts in c->out */
	bool resumed;			/* a slice boundary has passed */
	const struct model_class *mc;	/* class being listed */
};

static int64_t
mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* A string of an object, copied into the arena; false on no memory. */
static bool
keep_str(struct op_ctx *c, const char **s)
{
	if (*s == NULL)
		return true;
	*s = cim_arena_strdup(c->arena, *s);
	return *s != NULL;
}

/* The object's strings may live in conf or replica state: copy them. */
static bool
keep_obj(struct op_ctx *c, struct model_obj *o)
{
	return keep_str(c, &o->classname) && keep_str(c, &o->name);
}

static struct enum_item *
item_new(struct op_ctx *c, struct intrinsic_cont *k)
{
	struct enum_item *v;

	if (k->n == k->cap) {
		/* The arena cannot grow in place: the old array stays behind,
		 * so the arrays together take at most twice the final one. */
		size_t cap = k->cap != 0 ? k->cap * 2 : 64;

		v = cim_arena_alloc(c->arena, cap * sizeof(*v));
		if (v == NULL)
			return NULL;
		if (k->n != 0)
			memcpy(v, k->items, k->n * sizeof(*v));
		k->items = v;
		k->cap = cap;
	}
	v = &k->items[k->n++];
	memset(v, 0, sizeof(*v));
	v->mc = k->mc;
	return v;
}

struct intrinsic_cont *
intrinsic_cont_new(struct op_ctx *c, const struct iargs *a,
    enum intrinsic_form form, bool names)
{
	struct intrinsic_cont *k = cim_arena_alloc(c->arena, sizeof(*k));

	if (k == NULL)
		return NULL;
	k->a = *a;
	k->form = form;
	k->names = names;
	return k;
}

int
intrinsic_cont_add(struct op_ctx *c, struct intrinsic_cont *k,
    const struct model_class *mc, const struct model_obj *o,
    const struct model_link *l)
{
	const struct model_class *save = k->mc;
	struct enum_item *it;

	k->mc = mc;
	it = item_new(c, k);
	k->mc = save;
	if (it == NULL)
		return -ENOMEM;
	it->kind = o != NULL ? (l != NULL ? IT_OTHER : IT_OBJ) : IT_LINK;
	if (o != NULL) {
		it->o = *o;
		if (!keep_obj(c, &it->o))
			return -ENOMEM;
	}
	if (l != NULL) {
		it->l = *l;
		if (!keep_obj(c, &it->l.end[0]) || !keep_obj(c, &it->l.end[1]))
			return -ENOMEM;
	}
	return 0;
}

static int
list_obj_cb(struct op_ctx *c, const struct model_obj *o, void *arg)
{
	struct intrinsic_cont *k = arg;

	return intrinsic_cont_add(c, k, k->mc, o, NULL);
}

static int
list_link_cb(struct op_ctx *c, const struct model_link *l, void *arg)
{
	struct intrinsic_cont *k = arg;

	return intrinsic_cont_add(c, k, k->mc, NULL, l);
}

/* Every object of every class of the namespace derived from a->cls. */
static int
list_all(struct op_ctx *c, struct intrinsic_cont *k)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < model_class_count() && rc == 0; i++) {
		k->mc = model_class_at(i);
		if (strcmp(k->mc->ns, c->ns) != 0 ||
		    !model_class_isa(k->mc, k->a.cls))
			continue;
		if (k->mc->role[0] != NULL)
			rc = model_links_all(c, k->mc, list_link_cb, k);
		else
			rc = model_objects(c, k->mc, list_obj_cb, k);
	}
	return rc;
}

/* Does the object still exist (after a slice boundary)? */
static bool
item_alive(struct op_ctx *c, const struct enum_item *it)
{
	struct cim_path *p;
	struct model_obj o;

	/* A link item: the link, and so both its ends. */
	if (it->kind != IT_OBJ && !model_link_exists(c, &it->l))
		return false;
	if (it->kind == IT_LINK)
		return true;
	p = model_path(c, &it->o);
	return p != NULL && model_resolve(c, p, &o) == 0;
}

static int
item_write(struct op_ctx *c, struct intrinsic_cont *k, const struct enum_item *it)
{
	bool link = it->kind == IT_LINK;
	struct cim_path *p;
	struct cim_instance *in;
	const char *ns, *tag;

	if (k->resumed && !item_alive(c, it))
		return 0;
	p = link ? model_link_path(c, &it->l) : model_path(c, &it->o);
	if (p == NULL)
		return -ENOMEM;
	if (k->form == IFORM_NAMED) {
		ns = c->ns;
		tag = "VALUE.NAMEDINSTANCE";
	} else {
		ns = link ? it->l.assoc->ns : model_obj_ns(&it->o);
		tag = "VALUE.OBJECTWITHPATH";
	}
	if (k->names) {
		cimxml_write_path(c->out, p, k->form == IFORM_NAMED ?
		    CIM_PF_INSTANCENAME : CIM_PF_OBJECTPATH, c->host, ns);
		return c->out->oom ? -ENOMEM : 0;
	}
	in = link ? model_link_instance(c, &it->l) : model_instance(c, &it->o);
	cim_buf_printf(c->out, "<%s>", tag);
	cimxml_write_path(c->out, p, k->form == IFORM_NAMED ?
	    CIM_PF_INSTANCENAME : CIM_PF_INSTANCEPATH, c->host, ns);
	if (intrinsic_write_instance(c, &k->a, it->mc, in) != 0)
		return -ENOMEM;
	cim_buf_printf(c->out, "</%s>", tag);
	return c->out->oom ? -ENOMEM : 0;
}

/* Write items until done or the slice is over; c->cont says which. */
static void
write_slice(struct op_ctx *c, struct intrinsic_cont *k)
{
	size_t first = k->next;
	int rc = 0;

	while (k->next < k->n) {
		/* At least one object per slice, so every slice progresses. */
		if (c->slice_until != 0 && k->next > first &&
		    mono_us() >= c->slice_until) {
			k->resumed = true;
			c->cont = k;
			return;
		}
		rc = item_write(c, k, &k->items[k->next++]);
		if (rc != 0)
			break;
	}
	c->cont = NULL;
	if (rc != 0) {
		intrinsic_fail(c, k->mark, rc);
		return;
	}
	cim_buf_puts(c->out, "</IRETURNVALUE>");
}

void
intrinsic_cont_run(struct op_ctx *c, struct intrinsic_cont *k)
{
	k->mark = c->out->len;
	cim_buf_puts(c->out, "<IRETURNVALUE>");
	write_slice(c, k);
}

void
intrinsic_enumerate(struct op_ctx *c, struct iargs *a, bool names)
{
	struct intrinsic_cont *k;
	int rc;

	c->cont = NULL;
	if (!model_class_known(a->cls)) {
		op_error(c, CIM_ERR_INVALID_CLASS,
		    "class %s does not exist", a->cls);
		return;
	}
	k = intrinsic_cont_new(c, a, IFORM_NAMED, names);
	if (k == NULL) {
		intrinsic_fail(c, c->out->len, -ENOMEM);
		return;
	}
	rc = list_all(c, k);
	if (rc != 0) {
		intrinsic_fail(c, c->out->len, rc);
		return;
	}
	intrinsic_cont_run(c, k);
}

void
op_intrinsic_resume(struct op_ctx *c)
{
	struct intrinsic_cont *k = c->cont;

	if (k != NULL)
		write_slice(c, k);
}
