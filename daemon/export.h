/* SPDX-License-Identifier: ISC */
/*
 * export.h - delivery of queued CIM indications to their listener
 * destinations (CONTRACT.md section 8 "Delivery"): CIM-XML
 * ExportIndication over HTTP or HTTPS (DSP0200 section 7), one request in
 * flight per destination so each destination gets its indications in
 * queue order, every destination served at once, on the loop (libcurl's
 * multi interface on libuv: nothing here waits).  The queues are the
 * indic registry's (indications.db): an indication leaves its queue when
 * the listener answered it (indic_ack) or when its retries are spent
 * (indic_drop, counted and logged once per outage); a restart delivers
 * what was queued before.
 *
 * Retries: a failed attempt (no connection, timeout, HTTP status other
 * than 200, no "CIMExport: MethodResponse", an answer that is not an
 * EXPMETHODRESPONSE or carries an ERROR) is retried after
 * [indications] retry_interval_s, doubling up to 30 s, retry_attempts
 * times.  The destination's URL is checked against the allow list before
 * every attempt (a reload may have narrowed it).
 */
#ifndef ARRAYD_EXPORT_H
#define ARRAYD_EXPORT_H

#include <stdint.h>

#include <uv.h>

struct cim_buf;
struct conf;
struct indic;
struct export;

/*
 * Start delivering what `ix` holds, with the [indications] settings of `c`
 * (both borrowed: `ix` until export_close's callback, `c` until the next
 * export_set_conf).  Returns 0 and a new exporter owned by the caller
 * (export_close), or -errno.
 */
int export_start(uv_loop_t *loop, struct indic *ix, const struct conf *c,
    struct export **out);
/* A reloaded configuration (retries, timeouts, TLS, allow list). */
void export_set_conf(struct export *ex, const struct conf *c);
/*
 * Something was queued, or a subscription or destination went away:
 * look at the queues again (on the next loop turn; many kicks in one turn
 * cost one look).  `arg` is the struct export (the cim_indication kick).
 */
void export_kick(void *arg);
/*
 * Abort what is in flight (it stays queued, delivered after the next
 * start), close every handle; cb(arg) runs once they are closed, then the
 * exporter is freed.  Accepts NULL (cb is then called at once).
 */
void export_close(struct export *ex, void (*cb)(void *arg), void *arg);

/*
 * For `arrayd status` (control.h format), one line each:
 *   indications	<filters>	<destinations>	<subscriptions>	<queued>	<delivered>	<retried>	<dropped>
 *   destination	<name>	<url>	<queued>	<delivered>	<retried>	<dropped>	<state>	<last error or ->
 * state: idle, sending, retrying (with the seconds left: "retrying 8s").
 * Returns a new string owned by the caller (free), NULL on ENOMEM.
 */
char *export_status_lines(const struct export *ex);

/* The arrayd_indication* families of GET /metrics. */
void export_render_metrics(const struct export *ex, struct cim_buf *out);

#endif /* ARRAYD_EXPORT_H */
