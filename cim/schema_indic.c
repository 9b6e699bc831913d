/* SPDX-License-Identifier: ISC */
/*
 * schema_indic.c - the classes of the Indications profile (DSP1054) in
 * the class repository: filter, listener destinations (and the older
 * CIM-XML handler), the subscription association, the indication service
 * and its capabilities, as CIM schema 2.x defines the properties arrayd
 * shows.  Only what each class introduces (schema.c flattens).
 */
#include "cim/schema_int.h"

#define ASSOC		.q = { .association = true }
#define ASSOC_ABSTRACT	.q = { .association = true, .is_abstract = true }

static const char *const persist_map[] = { "1", "2", "3" };
static const char *const persist_val[] = { "Other", "Permanent",
    "Transient" };
VMAP_CHECK(persist);

static const char *const proto_map[] = { "1", "2", "3", "4", "..",
    "32768..65535" };
static const char *const proto_val[] = { "Other", "CIM-XML", "SM CLP",
    "WS-Management", "DMTF Reserved", "Vendor Reserved" };
VMAP_CHECK(proto);

static const char *const substate_map[] = { "0", "1", "2", "3", "4", "..",
    "0x8000.." };
static const char *const substate_val[] = { "Unknown", "Other", "Enabled",
    "Enabled Degraded", "Disabled", "DMTF Reserved", "Vendor Reserved" };
VMAP_CHECK(substate);

static const char *const onfatal_map[] = { "1", "2", "3", "4" };
static const char *const onfatal_val[] = { "Other", "Ignore", "Disable",
    "Remove" };
VMAP_CHECK(onfatal);

static const char *const repeat_map[] = { "0", "1", "2", "3", "4", "5",
    "..", "0x8000.." };
static const char *const repeat_val[] = { "Unknown", "Other", "None",
    "Suppress", "Delay", "Count", "DMTF Reserved", "Vendor Reserved" };
VMAP_CHECK(repeat);

static const char *const removal_map[] = { "2", "3", "4", "5" };
static const char *const removal_val[] = { "Remove", "Disable", "Ignore",
    "Remove Permanent Only" };
VMAP_CHECK(removal);

/* Keys of a filter or destination: a system-scoped named element. */
#define SYSNAMED_KEYS \
	KEY("SystemCreationClassName", STRING), \
	KEY("SystemName", STRING), \
	KEY("CreationClassName", STRING), \
	KEY("Name", STRING)

static const struct cim_class_prop filter_props[] = {
	SYSNAMED_KEYS,
	PROPR("Query", STRING),
	PROPR("QueryLanguage", STRING),
	PROP("SourceNamespace", STRING),
	PROPA("SourceNamespaces", STRING),
	PROP("IndividualSubscriptionSupported", BOOLEAN),
};

static const struct cim_class_prop listener_props[] = {
	SYSNAMED_KEYS,
	PROPVM("PersistenceType", UINT16, persist),
	PROP("OtherPersistenceType", STRING),
	PROPVM("Protocol", UINT16, proto),
	PROP("OtherProtocol", STRING),
};

static const struct cim_class_prop destxml_props[] = {
	PROPR("Destination", STRING),
};

static const struct cim_class_prop handler_props[] = {
	PROP("Owner", STRING),
};

static const struct cim_class_prop abssub_props[] = {
	REFKEY("Filter", "CIM_ManagedElement"),
	REFKEY("Handler", "CIM_ListenerDestination"),
	PROPVM("OnFatalErrorPolicy", UINT16, onfatal),
	PROP("OtherOnFatalErrorPolicy", STRING),
	PROPVM("SubscriptionState", UINT16, substate),
	PROP("OtherSubscriptionState", STRING),
	PROP("SubscriptionStartTime", DATETIME),
	PROP("SubscriptionDuration", UINT64),
	PROPVM("RepeatNotificationPolicy", UINT16, repeat),
	PROP("TimeOfLastStateChange", DATETIME),
};

static const struct cim_class_prop sub_props[] = {
	REFKEY("Filter", "CIM_IndicationFilter"),
};

static const struct cim_class_prop isvc_props[] = {
	PROP("FilterCreationEnabled", BOOLEAN),
	PROPVM("SubscriptionRemovalAction", UINT16, removal),
	PROP("SubscriptionRemovalTimeInterval", DATETIME),
	PROP("DeliveryRetryAttempts", UINT16),
	PROP("DeliveryRetryInterval", UINT32),
};

static const struct cim_class_prop icaps_props[] = {
	PROP("FilterCreationEnabledIsSettable", BOOLEAN),
	PROP("DeliveryRetryAttemptsIsSettable", BOOLEAN),
	PROP("DeliveryRetryIntervalIsSettable", BOOLEAN),
	PROP("SubscriptionRemovalActionIsSettable", BOOLEAN),
	PROP("SubscriptionRemovalTimeIntervalIsSettable", BOOLEAN),
	PROP("MaxListenerDestinations", UINT32),
	PROP("MaxActiveSubscriptions", UINT32),
	PROP("SubscriptionsPersisted", BOOLEAN),
};

static const struct cim_class_prop instmod_props[] = {
	PROPEI("PreviousInstance", "CIM_ManagedElement"),
};

const struct cim_class schema__indic_classes[] = {
	/* The life-cycle indications filters select (DSP1054, DSP1033). */
	{ .name = "CIM_InstCreation", .superclass = "CIM_InstIndication" },
	{ .name = "CIM_InstDeletion", .superclass = "CIM_InstIndication" },
	{ .name = "CIM_InstModification", .superclass = "CIM_InstIndication",
	  PROPS(instmod_props) },
	{ .name = "CIM_IndicationFilter", .superclass = "CIM_ManagedElement",
	  PROPS(filter_props) },
	{ .name = "CIM_ListenerDestination",
	  .superclass = "CIM_ManagedElement", .q = { .is_abstract = true },
	  PROPS(listener_props) },
	{ .name = "CIM_ListenerDestinationCIMXML",
	  .superclass = "CIM_ListenerDestination", PROPS(destxml_props) },
	{ .name = "CIM_IndicationHandler",
	  .superclass = "CIM_ListenerDestination",
	  .q = { .is_abstract = true }, PROPS(handler_props) },
	{ .name = "CIM_IndicationHandlerCIMXML",
	  .superclass = "CIM_IndicationHandler", PROPS(destxml_props) },
	{ .name = "CIM_AbstractIndicationSubscription", ASSOC_ABSTRACT,
	  PROPS(abssub_props) },
	{ .name = "CIM_IndicationSubscription",
	  .superclass = "CIM_AbstractIndicationSubscription", ASSOC,
	  PROPS(sub_props) },
	{ .name = "CIM_IndicationService", .superclass = "CIM_Service",
	  PROPS(isvc_props) },
	{ .name = "CIM_IndicationServiceCapabilities",
	  .superclass = "CIM_Capabilities", PROPS(icaps_props) },
};
const size_t schema__nindic_classes = SCHEMA_NELEM(schema__indic_classes);
