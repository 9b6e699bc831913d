/* SPDX-License-Identifier: ISC */
/*
 * test_daemon_schema.c - the class repository: hierarchy order, keys the
 * contract names, polymorphic isa, case-insensitive lookups, method
 * signatures with their qualifiers, value maps, flattened inheritance and
 * the GetClass text the writer makes of it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>

#include "cim/schema.h"

static long
class_index(const char *name)
{
	for (size_t i = 0; i < schema_count(); i++)
		if (strcasecmp(schema_at(i)->name, name) == 0)
			return (long)i;
	return -1;
}

static void
test_hierarchy_order(void **state)
{
	(void)state;
	assert_true(schema_count() >= 60);
	assert_null(schema_at(schema_count()));
	for (size_t i = 0; i < schema_count(); i++) {
		const struct cim_class *c = schema_at(i);

		assert_non_null(c);
		assert_non_null(c->name);
		/* Unique names, and the index finds each exactly. */
		assert_int_equal(class_index(c->name), (long)i);
		assert_ptr_equal(schema_class(c->name), c);
		if (c->superclass == NULL)
			continue;
		long si = class_index(c->superclass);

		if (si < 0)
			fail_msg("%s: superclass %s unknown", c->name,
			    c->superclass);
		assert_true(si < (long)i);
		/* Every inherited member is present in the subclass. */
		const struct cim_class *s = schema_at((size_t)si);

		assert_true(c->nprops >= s->nprops);
		assert_true(c->nmethods >= s->nmethods);
		for (size_t k = 0; k < s->nprops; k++)
			assert_non_null(schema_prop(c, s->props[k].name));
		for (size_t k = 0; k < s->nmethods; k++)
			assert_non_null(schema_method(c, s->methods[k].name));
		if (s->q.association)
			assert_true(c->q.association);
	}
}

static void
test_lookup_case_and_unknown(void **state)
{
	(void)state;
	assert_ptr_equal(schema_class("tpd_concretejob"),
	    schema_class("TPD_ConcreteJob"));
	assert_ptr_equal(schema_class("CIM_STORAGESYNCHRONIZED"),
	    schema_class("CIM_StorageSynchronized"));
	assert_string_equal(schema_class("cim_registeredprofile")->name,
	    "CIM_RegisteredProfile");
	assert_null(schema_class("TPD_NoSuchClass"));
	assert_null(schema_class(""));
	assert_null(schema_class(NULL));
	assert_null(schema_class("TPD_ConcreteJobX"));
	assert_null(schema_class("TPD_ConcreteJo"));
	assert_null(schema_prop(NULL, "Name"));
	assert_null(schema_prop(schema_class("TPD_StorageVolume"), NULL));
	assert_null(schema_prop(schema_class("TPD_StorageVolume"), "Nope"));
	assert_null(schema_method(NULL, "KillJob"));
	assert_null(schema_method(schema_class("TPD_StorageVolume"),
	    "ModifySynchronization"));
	assert_null(schema_param(NULL, "Job"));
}

/* Keys named by CONTRACT.md §2 and SPEC.md §6.4. */
static const struct {
	const char *cls;
	const char *keys[7];
} key_table[] = {
	{ "TPD_StorageSystem", { "CreationClassName", "Name" } },
	{ "TPD_StorageVolume", { "CreationClassName", "DeviceID",
	    "SystemCreationClassName", "SystemName" } },
	{ "TPD_StorageConfigurationService", { "CreationClassName", "Name",
	    "SystemCreationClassName", "SystemName" } },
	{ "TPD_StorageSynchronized", { "SystemElement", "SyncedElement" } },
	{ "TPD_ConcreteJob", { "InstanceID" } },
	{ "TPD_MethodResult", { "InstanceID" } },
	{ "TPD_OwningJobElement", { "OwningElement", "OwnedElement" } },
	{ "TPD_AffectedJobElement", { "AffectedElement", "AffectingElement" } },
	{ "TPD_AssociatedJobMethodResult", { "Job", "JobParameters" } },
	{ "TPD_StoragePool", { "InstanceID" } },
	{ "TPD_DynamicStoragePool", { "InstanceID" } },
	{ "TPD_DeltaReplicaStoragePool", { "InstanceID" } },
	{ "TPD_StorageReplicationCapabilities", { "InstanceID" } },
	{ "TPD_StorageConfigurationCapabilities", { "InstanceID" } },
	{ "TPD_SystemVolume", { "GroupComponent", "PartComponent" } },
	{ "TPD_HostedStoragePool", { "GroupComponent", "PartComponent" } },
	{ "TPD_AllocatedFromStoragePool", { "Antecedent", "Dependent" } },
	{ "TPD_ElementCapabilities", { "ManagedElement", "Capabilities" } },
	{ "TPD_HostedService", { "Antecedent", "Dependent" } },
	{ "CIM_Namespace", { "SystemCreationClassName", "SystemName",
	    "ObjectManagerCreationClassName", "ObjectManagerName",
	    "CreationClassName", "Name" } },
	{ "CIM_ObjectManager", { "CreationClassName", "Name",
	    "SystemCreationClassName", "SystemName" } },
	{ "CIM_RegisteredProfile", { "InstanceID" } },
	{ "CIM_ElementConformsToProfile", { "ConformantStandard",
	    "ManagedElement" } },
	{ "CIM_ReferencedProfile", { "Antecedent", "Dependent" } },
};

static void
test_keys(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(key_table) / sizeof(key_table[0]); i++) {
		const struct cim_class *c = schema_class(key_table[i].cls);
		size_t nkeys = 0, nexpect = 0;

		if (c == NULL)
			fail_msg("class %s missing", key_table[i].cls);
		for (size_t k = 0; key_table[i].keys[k] != NULL; k++, nexpect++) {
			const struct cim_class_prop *p =
			    schema_prop(c, key_table[i].keys[k]);

			if (p == NULL)
				fail_msg("%s.%s: missing", c->name,
				    key_table[i].keys[k]);
			assert_non_null(p);
			if (!p->q.key)
				fail_msg("%s.%s: not a key", c->name, p->name);
			assert_true(p->type == CIM_T_STRING ||
			    p->type == CIM_T_REFERENCE);
			assert_false(p->is_array);
		}
		for (size_t k = 0; k < c->nprops; k++)
			nkeys += c->props[k].q.key;
		/* No stray keys: a client-built path must be complete. */
		assert_int_equal(nkeys, nexpect);
	}
	/* Required but not a key: CIM_ConcreteJob.Name overrides. */
	const struct cim_class_prop *n =
	    schema_prop(schema_class("TPD_ConcreteJob"), "Name");

	assert_non_null(n);
	assert_false(n->q.key);
	assert_true(n->q.required);
	assert_int_equal(n->type, CIM_T_STRING);
}

static void
test_isa(void **state)
{
	(void)state;
	assert_true(schema_isa("TPD_ConcreteJob", "CIM_Job"));
	assert_true(schema_isa("TPD_ConcreteJob", "CIM_ConcreteJob"));
	assert_true(schema_isa("tpd_concretejob", "cim_managedelement"));
	assert_true(schema_isa("TPD_ConcreteJob", "CIM_LogicalElement"));
	assert_true(schema_isa("TPD_StorageSynchronized", "CIM_Synchronized"));
	assert_true(schema_isa("TPD_StorageSynchronized",
	    "CIM_StorageSynchronized"));
	assert_true(schema_isa("TPD_StorageVolume", "CIM_StorageExtent"));
	assert_true(schema_isa("TPD_StorageVolume", "CIM_LogicalDevice"));
	assert_true(schema_isa("TPD_StorageVolume",
	    "CIM_EnabledLogicalElement"));
	assert_true(schema_isa("TPD_StorageSystem", "CIM_System"));
	assert_true(schema_isa("TPD_StorageSystem", "CIM_ComputerSystem"));
	assert_true(schema_isa("TPD_DeltaReplicaStoragePool",
	    "CIM_StoragePool"));
	assert_true(schema_isa("TPD_StorageConfigurationService",
	    "CIM_Service"));
	assert_true(schema_isa("TPD_MethodResult", "CIM_ManagedElement"));
	assert_true(schema_isa("TPD_SystemVolume", "CIM_Component"));
	assert_true(schema_isa("TPD_SystemVolume", "CIM_SystemComponent"));
	assert_true(schema_isa("TPD_HostedStoragePool", "CIM_SystemComponent"));
	assert_true(schema_isa("TPD_HostedService", "CIM_Dependency"));
	assert_true(schema_isa("TPD_AllocatedFromStoragePool",
	    "CIM_Dependency"));
	assert_true(schema_isa("CIM_ObjectManager", "CIM_Service"));
	assert_true(schema_isa("CIM_InstMethodCall", "CIM_Indication"));
	assert_true(schema_isa("CIM_StorageVolume", "CIM_StorageVolume"));
	/* A class is itself, known or not. */
	assert_true(schema_isa("__MethodParameters", "__methodparameters"));

	assert_false(schema_isa("CIM_Job", "TPD_ConcreteJob"));
	assert_false(schema_isa("TPD_ConcreteJob", "CIM_EnabledLogicalElement"));
	assert_false(schema_isa("TPD_StoragePool", "CIM_StorageExtent"));
	assert_false(schema_isa("TPD_StorageVolume", "CIM_StoragePool"));
	assert_false(schema_isa("TPD_StorageSynchronized", "CIM_ManagedElement"));
	assert_false(schema_isa("TPD_AffectedJobElement",
	    "CIM_OwningJobElement"));
	assert_false(schema_isa("TPD_StorageVolume", "CIM_NoSuchClass"));
	assert_false(schema_isa("TPD_NoSuchClass", "CIM_ManagedElement"));
	assert_false(schema_isa(NULL, "CIM_ManagedElement"));
	assert_false(schema_isa("TPD_StorageVolume", NULL));
}

static const struct cim_class_param *
param_of(const char *cls, const char *method, const char *param)
{
	const struct cim_class_method *m =
	    schema_method(schema_class(cls), method);

	if (m == NULL)
		fail_msg("%s.%s missing", cls, method);
	return schema_param(m, param);
}

static bool
vmap_has(const struct cim_qualifiers *q, const char *v, const char *text)
{
	for (size_t i = 0; i < q->nvaluemap; i++)
		if (strcmp(q->valuemap[i], v) == 0)
			return strcmp(q->values[i], text) == 0;
	return false;
}

static void
test_method_signatures(void **state)
{
	const struct cim_class *scs;
	const struct cim_class_method *m;
	const struct cim_class_param *p;

	(void)state;
	scs = schema_class("TPD_StorageConfigurationService");
	assert_non_null(scs);
	m = schema_method(scs, "modifysynchronization");
	assert_non_null(m);
	assert_string_equal(m->name, "ModifySynchronization");
	assert_string_equal(m->classorigin, "CIM_StorageConfigurationService");
	assert_int_equal(m->rettype, CIM_T_UINT32);
	assert_true(vmap_has(&m->q, "0x1000",
	    "Method Parameters Checked - Job Started"));
	assert_int_equal(m->nparams, 3);
	p = schema_param(m, "OPERATION");
	assert_non_null(p);
	assert_int_equal(p->type, CIM_T_UINT16);
	assert_true(p->q.in && p->q.required && !p->q.out);
	assert_true(vmap_has(&p->q, "4", "Resync Replica"));
	assert_true(vmap_has(&p->q, "13", "Stop Copy"));
	p = schema_param(m, "Synchronization");
	assert_int_equal(p->type, CIM_T_REFERENCE);
	assert_string_equal(p->refclass, "CIM_StorageSynchronized");
	assert_true(p->q.required);
	p = schema_param(m, "job");
	assert_int_equal(p->type, CIM_T_REFERENCE);
	assert_string_equal(p->refclass, "CIM_ConcreteJob");
	assert_true(p->q.out && !p->q.in);
	assert_null(schema_param(m, "CopyType"));

	p = param_of("TPD_StorageConfigurationService", "CreateReplica",
	    "SourceElement");
	assert_string_equal(p->refclass, "CIM_LogicalElement");
	assert_true(p->q.required);
	p = param_of("TPD_StorageConfigurationService", "CreateReplica",
	    "TargetElement");
	assert_true(p->q.out && !p->q.in);
	p = param_of("TPD_StorageConfigurationService", "CreateReplica",
	    "TargetPool");
	assert_string_equal(p->refclass, "CIM_StoragePool");
	p = param_of("TPD_StorageConfigurationService", "CreateReplica",
	    "TargetSettingGoal");
	assert_string_equal(p->refclass, "CIM_StorageSetting");
	p = param_of("TPD_StorageConfigurationService", "CreateReplica",
	    "ElementName");
	assert_int_equal(p->type, CIM_T_STRING);
	p = param_of("TPD_StorageConfigurationService", "CreateReplica",
	    "CopyType");
	assert_true(vmap_has(&p->q, "4", "UnSyncAssoc"));
	assert_true(vmap_has(&p->q, "5", "UnSyncUnAssoc"));

	p = param_of("TPD_StorageConfigurationService",
	    "ATTACHORMODIFYREPLICA", "TargetElement");
	assert_string_equal(p->refclass, "CIM_ManagedElement");
	assert_true(p->q.required);
	p = param_of("TPD_StorageConfigurationService",
	    "AttachOrModifyReplica", "Goal");
	assert_int_equal(p->type, CIM_T_STRING);
	assert_string_equal(p->q.embedded_instance, "CIM_SettingData");
	p = param_of("TPD_StorageConfigurationService",
	    "AttachOrModifyReplica", "ReplicationPipe");
	assert_string_equal(p->refclass, "CIM_NetworkPipe");
	p = param_of("TPD_StorageConfigurationService", "AttachReplica",
	    "CopyType");
	assert_int_equal(p->type, CIM_T_UINT16);

	/* DMTF methods we do not implement are still known (rc 1). */
	static const char *const known[] = { "CreateOrModifyStoragePool",
	    "DeleteStoragePool", "CreateOrModifyElementFromStoragePool",
	    "ReturnToStoragePool", "RequestStateChange" };
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		assert_non_null(schema_method(scs, known[i]));
	p = param_of("TPD_StorageConfigurationService",
	    "CreateOrModifyElementFromStoragePool", "Size");
	assert_int_equal(p->type, CIM_T_UINT64);
	assert_true(p->q.in && p->q.out);
	p = param_of("TPD_StorageConfigurationService", "ReturnToStoragePool",
	    "TheElement");
	assert_int_equal(p->type, CIM_T_REFERENCE);

	m = schema_method(scs, "UpdateDeltaSnapshotSpace");
	assert_non_null(m);
	assert_string_equal(m->classorigin, "TPD_StorageConfigurationService");
	p = schema_param(m, "SnapshotVolume");
	assert_true(p->is_array && p->type == CIM_T_REFERENCE);
	assert_null(schema_method(schema_class("CIM_StorageConfigurationService"),
	    "UpdateDeltaSnapshotSpace"));
}

static void
test_job_methods(void **state)
{
	const struct cim_class *job = schema_class("TPD_ConcreteJob");
	const struct cim_class_method *m;
	const struct cim_class_param *p;

	(void)state;
	m = schema_method(job, "requeststatechange");
	assert_non_null(m);
	assert_string_equal(m->classorigin, "CIM_ConcreteJob");
	assert_true(vmap_has(&m->q, "4096",
	    "Method Parameters Checked - Transition Started"));
	p = schema_param(m, "RequestedState");
	assert_true(vmap_has(&p->q, "4", "Terminate"));
	p = schema_param(m, "TimeoutPeriod");
	assert_int_equal(p->type, CIM_T_DATETIME);
	/* The job's own RequestStateChange has no Job out parameter. */
	assert_null(schema_param(m, "Job"));

	p = param_of("TPD_ConcreteJob", "GetError", "Error");
	assert_non_null(p);
	assert_int_equal(p->type, CIM_T_STRING);
	assert_string_equal(p->q.embedded_instance, "CIM_Error");
	assert_true(p->q.out && !p->q.in);
	m = schema_method(job, "KillJob");
	assert_non_null(m);
	assert_string_equal(m->classorigin, "CIM_Job");
	assert_null(schema_method(job, "GetCentralInstances"));
}

static void
test_registered_organization(void **state)
{
	const struct cim_class_prop *p;

	(void)state;
	p = schema_prop(schema_class("CIM_RegisteredProfile"),
	    "RegisteredOrganization");
	assert_non_null(p);
	assert_int_equal(p->type, CIM_T_UINT16);
	assert_true(vmap_has(&p->q, "11", "SNIA"));
	assert_true(vmap_has(&p->q, "2", "DMTF"));
	assert_true(vmap_has(&p->q, "1", "Other"));
	assert_true(p->q.nvaluemap >= 21);
}

static void
check_vmap(const char *where, const char *name,
    const struct cim_qualifiers *q)
{
	if (q->nvaluemap == 0) {
		assert_null(q->valuemap);
		return;
	}
	if (q->valuemap == NULL || q->values == NULL)
		fail_msg("%s.%s: ValueMap without Values", where, name);
	for (size_t i = 0; i < q->nvaluemap; i++) {
		assert_non_null(q->valuemap[i]);
		assert_non_null(q->values[i]);
		assert_true(q->valuemap[i][0] != '\0');
		assert_true(q->values[i][0] != '\0');
		/* No value listed twice (ranges ".." may repeat). */
		for (size_t j = 0; j < i; j++)
			if (strstr(q->valuemap[i], "..") == NULL &&
			    strcmp(q->valuemap[i], q->valuemap[j]) == 0)
				fail_msg("%s.%s: %s twice", where, name,
				    q->valuemap[i]);
	}
}

static void
test_value_maps_and_types(void **state)
{
	(void)state;
	for (size_t i = 0; i < schema_count(); i++) {
		const struct cim_class *c = schema_at(i);
		size_t nrefs = 0;

		for (size_t k = 0; k < c->nprops; k++) {
			const struct cim_class_prop *p = &c->props[k];

			check_vmap(c->name, p->name, &p->q);
			assert_true(p->type > CIM_T_NONE &&
			    p->type < CIM_T__MAX);
			assert_non_null(p->classorigin);
			assert_true(schema_isa(c->name, p->classorigin));
			if (p->type == CIM_T_REFERENCE) {
				nrefs++;
				assert_non_null(p->refclass);
				assert_true(p->q.key);
			}
		}
		/* Associations have two keyed ends; others none. */
		if (c->q.association)
			assert_true(nrefs >= 2);
		else
			assert_int_equal(nrefs, 0);
		for (size_t k = 0; k < c->nmethods; k++) {
			const struct cim_class_method *m = &c->methods[k];

			check_vmap(c->name, m->name, &m->q);
			assert_int_equal(m->rettype, CIM_T_UINT32);
			assert_true(schema_isa(c->name, m->classorigin));
			for (size_t j = 0; j < m->nparams; j++) {
				const struct cim_class_param *p = &m->params[j];

				check_vmap(m->name, p->name, &p->q);
				assert_true(p->q.in || p->q.out);
				assert_true(p->type > CIM_T_NONE &&
				    p->type < CIM_T__MAX);
				assert_true((p->type == CIM_T_REFERENCE) ==
				    (p->refclass != NULL));
			}
		}
	}
	const struct cim_class_prop *p = schema_prop(
	    schema_class("TPD_StorageSynchronized"), "SyncState");

	assert_true(vmap_has(&p->q, "14", "Frozen"));
	assert_true(vmap_has(&p->q, "15", "Copy In Progress"));
	p = schema_prop(schema_class("TPD_ConcreteJob"), "JobState");
	assert_true(vmap_has(&p->q, "10", "Exception"));
	p = schema_prop(schema_class("TPD_ConcreteJob"), "OperationalStatus");
	assert_true(p->is_array);
	assert_true(vmap_has(&p->q, "17", "Completed"));
	p = schema_prop(schema_class("TPD_StorageVolume"), "Usage");
	assert_true(vmap_has(&p->q, "12", "Delta Replica Target"));
	p = schema_prop(schema_class("TPD_StorageVolume"), "NameFormat");
	assert_true(vmap_has(&p->q, "9", "NAA"));
	p = schema_prop(schema_class("TPD_AffectedJobElement"),
	    "ElementEffects");
	assert_true(vmap_has(&p->q, "5", "Create"));
	p = schema_prop(schema_class("TPD_MethodResult"), "PostCallIndication");
	assert_string_equal(p->q.embedded_instance, "CIM_InstMethodCall");
}

static void
test_flattened(void **state)
{
	const struct cim_class *v = schema_class("TPD_StorageVolume");
	const struct cim_class_prop *p;

	(void)state;
	p = schema_prop(v, "elementname");
	assert_non_null(p);
	assert_string_equal(p->name, "ElementName");
	assert_string_equal(p->classorigin, "CIM_ManagedElement");
	assert_string_equal(schema_prop(v, "DeviceID")->classorigin,
	    "CIM_LogicalDevice");
	assert_string_equal(schema_prop(v, "BlockSize")->classorigin,
	    "CIM_StorageExtent");
	assert_string_equal(schema_prop(v, "OperationalStatus")->classorigin,
	    "CIM_ManagedSystemElement");
	assert_string_equal(v->superclass, "CIM_StorageVolume");
	assert_false(v->q.association);

	/* An override keeps the inherited type and becomes a key. */
	p = schema_prop(schema_class("TPD_StorageSystem"), "Name");
	assert_true(p->q.key);
	assert_int_equal(p->type, CIM_T_STRING);
	assert_string_equal(p->classorigin, "CIM_System");
	p = schema_prop(schema_class("CIM_ManagedSystemElement"), "Name");
	assert_false(p->q.key);
	p = schema_prop(schema_class("TPD_ConcreteJob"), "InstanceID");
	assert_true(p->q.key);
	assert_int_equal(p->type, CIM_T_STRING);

	/* Narrowed reference ends, association inherited. */
	const struct cim_class *sv = schema_class("TPD_SystemVolume");

	assert_true(sv->q.association);
	assert_string_equal(schema_prop(sv, "PartComponent")->refclass,
	    "CIM_LogicalDevice");
	assert_string_equal(schema_prop(schema_class("TPD_StorageSynchronized"),
	    "SyncedElement")->refclass, "CIM_ManagedElement");
	assert_string_equal(schema_prop(schema_class("TPD_StorageSynchronized"),
	    "CopyType")->classorigin, "CIM_StorageSynchronized");
	assert_true(schema_class("TPD_StorageSynchronized")->q.association);
	assert_true(schema_class("CIM_ManagedElement")->q.is_abstract);
	assert_false(schema_class("TPD_ConcreteJob")->q.is_abstract);
}

static void
test_value_text(void **state)
{
	const struct cim_class_method *m;
	const struct cim_class_prop *p;
	const struct cim_qualifiers *q;

	(void)state;
	m = schema_method(schema_class("TPD_StorageConfigurationService"),
	    "ModifySynchronization");
	q = &m->q;
	assert_string_equal(schema_value_text(q, 0),
	    "Job Completed with No Error");
	assert_string_equal(schema_value_text(q, 4), "Failed");
	assert_string_equal(schema_value_text(q, 4096),
	    "Method Parameters Checked - Job Started");
	assert_string_equal(schema_value_text(q, 7), "DMTF Reserved");
	assert_string_equal(schema_value_text(q, 0xFFF), "DMTF Reserved");
	assert_string_equal(schema_value_text(q, 0x1001), "Method Reserved");
	assert_string_equal(schema_value_text(q, 0x8000), "Vendor Specific");
	assert_null(schema_value_text(q, 0x10000));
	m = schema_method(schema_class("TPD_StorageConfigurationService"),
	    "CreateReplica");
	assert_string_equal(schema_value_text(&m->q, 4097), "Method Reserved");
	assert_string_equal(schema_value_text(&m->q, 65535), "Vendor Specific");

	p = schema_prop(schema_class("CIM_RegisteredProfile"),
	    "RegisteredOrganization");
	assert_string_equal(schema_value_text(&p->q, 11), "SNIA");
	/* A bare ".." catches everything not listed. */
	assert_string_equal(schema_value_text(&p->q, 0), "DMTF Reserved");
	assert_string_equal(schema_value_text(&p->q, 99), "DMTF Reserved");
	p = schema_prop(schema_class("TPD_StorageSynchronized"), "SyncState");
	assert_string_equal(schema_value_text(&p->q, 12), "Broken");
	assert_string_equal(schema_value_text(&p->q, 1), "DMTF Reserved");
	assert_string_equal(schema_value_text(&p->q, 40000), "Vendor Specific");
	/* Open-ended "0x8000.." */
	p = schema_prop(schema_class("TPD_ConcreteJob"), "OperationalStatus");
	assert_string_equal(schema_value_text(&p->q, 0xFFFFFFFFull),
	    "Vendor Reserved");
	/* No map at all. */
	p = schema_prop(schema_class("TPD_ConcreteJob"), "PercentComplete");
	assert_null(schema_value_text(&p->q, 1));
	assert_null(schema_value_text(NULL, 1));
}

static void
test_write_class_golden(void **state)
{
	struct cim_buf b;
	const struct cim_class *c;

	(void)state;
	c = schema_class("TPD_StorageConfigurationService");
	cim_buf_init(&b);
	cimxml_write_class(&b, c, true, true, NULL, 0);
	assert_false(b.oom);
	cim_buf_put(&b, "", 1);
	assert_non_null(strstr(b.data,
	    "<CLASS NAME=\"TPD_StorageConfigurationService\""));
	assert_non_null(strstr(b.data,
	    "SUPERCLASS=\"CIM_StorageConfigurationService\""));
	assert_non_null(strstr(b.data, "METHOD NAME=\"ModifySynchronization\""));
	assert_non_null(strstr(b.data,
	    "PARAMETER.REFERENCE NAME=\"Synchronization\""));
	assert_non_null(strstr(b.data, "REFERENCECLASS=\"CIM_StorageSynchronized\""));
	assert_non_null(strstr(b.data, "NAME=\"Key\""));
	assert_non_null(strstr(b.data, "NAME=\"ValueMap\""));
	cim_buf_release(&b);

	cim_buf_init(&b);
	cimxml_write_class(&b, schema_class("CIM_RegisteredProfile"), true,
	    false, NULL, 0);
	cim_buf_put(&b, "", 1);
	assert_false(b.oom);
	assert_non_null(strstr(b.data, "<VALUE>SNIA</VALUE>"));
	cim_buf_release(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hierarchy_order),
		cmocka_unit_test(test_lookup_case_and_unknown),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_isa),
		cmocka_unit_test(test_method_signatures),
		cmocka_unit_test(test_job_methods),
		cmocka_unit_test(test_registered_organization),
		cmocka_unit_test(test_value_maps_and_types),
		cmocka_unit_test(test_flattened),
		cmocka_unit_test(test_value_text),
		cmocka_unit_test(test_write_class_golden),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
