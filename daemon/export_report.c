/* SPDX-License-Identifier: ISC */
/*
 * export_report.c - what the exporter tells people: the `arrayd status`
 * lines (control.h format) and the arrayd_indication* families of GET
 * /metrics.  Counts come from the registry (persisted: delivered, retried
 * and dropped survive a restart); the state of each destination (sending,
 * retrying in N s) from the exporter.  Reads only.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cimxml/cimxml.h"
#include "daemon/export.h"
#include "daemon/export_int.h"
#include "indic/indic.h"

static const struct export_dest *
export_find(const struct export *ex, uint64_t id)
{
	size_t lo = 0, hi = ex->ndests;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ex->dests[mid]->id == id)
			return ex->dests[mid];
		if (ex->dests[mid]->id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Tabs and newlines would break the line format: blanks instead. */
static void
export_field(struct cim_buf *b, const char *s)
{
	if (s == NULL || *s == '\0') {
		cim_buf_puts(b, "-");
		return;
	}
	for (; *s != '\0'; s++)
		cim_buf_put(b, *s == '\t' || *s == '\n' || *s == '\r' ?
		    " " : s, 1);
}

static void
export_state(const struct export *ex, uint64_t id, char *out, size_t len)
{
	const struct export_dest *xd = export_find(ex, id);
	uint64_t now = uv_now(ex->loop);

	if (xd != NULL && xd->easy != NULL)
		snprintf(out, len, "sending");
	else if (xd != NULL && xd->waiting)
		snprintf(out, len, "retrying %" PRIu64 "s",
		    xd->retry_at > now ? (xd->retry_at - now + 999) / 1000 : 0);
	else
		snprintf(out, len, "idle");
}

char *
export_status_lines(const struct export *ex)
{
	const struct indic_dest *d;
	struct indic_totals t;
	struct cim_buf b;
	char state[32];

	cim_buf_init(&b);
	indic_totals(ex->ix, &t);
	cim_buf_printf(&b, "indications\t%u\t%u\t%u\t%" PRIu64 "\t%" PRIu64
	    "\t%" PRIu64 "\t%" PRIu64 "\n", t.filters, t.dests, t.subs,
	    t.queued, t.delivered, t.retried, t.dropped);
	for (size_t i = 0; (d = indic_dest_at(ex->ix, i)) != NULL; i++) {
		export_state(ex, d->id, state, sizeof(state));
		cim_buf_puts(&b, "destination\t");
		export_field(&b, d->name);
		cim_buf_puts(&b, "\t");
		export_field(&b, d->destination);
		cim_buf_printf(&b, "\t%zu\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64
		    "\t%s\t", indic_dest_queued(ex->ix, d->id), d->delivered,
		    d->retried, d->dropped, state);
		export_field(&b, d->last_error);
		cim_buf_puts(&b, "\n");
	}
	if (b.oom) {
		cim_buf_release(&b);
		return NULL;
	}
	return cim_buf_steal(&b, NULL);
}

void
export_render_metrics(const struct export *ex, struct cim_buf *out)
{
	static const struct {
		const char *name, *type, *help;
	} fam[] = {
		{ "arrayd_indication_subscriptions", "gauge",
		  "Indication subscriptions." },
		{ "arrayd_indication_destinations", "gauge",
		  "Listener destinations." },
		{ "arrayd_indications_queued", "gauge",
		  "Indications waiting for delivery." },
		{ "arrayd_indications_delivered_total", "counter",
		  "Indications a listener acknowledged." },
		{ "arrayd_indications_retried_total", "counter",
		  "Failed delivery attempts that were retried." },
		{ "arrayd_indications_dropped_total", "counter",
		  "Indications given up (retries spent, queue full, "
		  "destination refused, subscription deleted)." },
		{ "arrayd_indication_destinations_sending", "gauge",
		  "Destinations with a delivery in flight." },
		{ "arrayd_indication_destinations_retrying", "gauge",
		  "Destinations waiting to retry a failed delivery." },
	};
	struct indic_totals t;
	uint64_t v[sizeof(fam) / sizeof(fam[0])] = { 0 };

	if (ex == NULL)
		return;
	indic_totals(ex->ix, &t);
	v[0] = t.subs;
	v[1] = t.dests;
	v[2] = t.queued;
	v[3] = t.delivered;
	v[4] = t.retried;
	v[5] = t.dropped;
	for (size_t i = 0; i < ex->ndests; i++) {
		v[6] += ex->dests[i]->easy != NULL;
		v[7] += ex->dests[i]->waiting;
	}
	for (size_t i = 0; i < sizeof(fam) / sizeof(fam[0]); i++)
		cim_buf_printf(out, "# HELP %s %s\n# TYPE %s %s\n%s %" PRIu64
		    "\n", fam[i].name, fam[i].help, fam[i].name, fam[i].type,
		    fam[i].name, v[i]);
}
