/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The JSON Schema of the desired-state format; the VF settings come from
 * the VF field table. tests/unit/test_apply_parse.c checks that its
 * properties are exactly the keys apply_parse*.c accept. Rules a schema
 * cannot state (one field of a VF set by two entries, selectors resolved
 * on the host) are checked by the parser and planner.
 */
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "apply_internal.h"
#include "vffield.h"

#define HEX "[0-9a-fA-F]"

static const char schema_head[] =
	"{\n"
	"  \"$schema\": \"https://json-schema.org/draft/2020-12/schema\",\n"
	"  \"$id\": \"urn:sriovctl:desired-state:1\",\n"
	"  \"title\": \"sriovctl desired state\",\n"
	"  \"description\": \"SR-IOV PFs and their VFs as sriovctl apply converges them; see sriovctl.conf(5).\",\n"
	"  \"type\": \"object\",\n"
	"  \"additionalProperties\": false,\n"
	"  \"required\": [\"pfs\"],\n"
	"  \"properties\": {\n"
	"    \"version\": {\"const\": 1, \"description\": \"format version\"},\n"
	"    \"pfs\": {\"type\": \"array\", \"items\": {\"$ref\": \"#/$defs/pf\"}}\n"
	"  },\n"
	"  \"$defs\": {\n"
	"    \"pf\": {\n"
	"      \"type\": \"object\",\n"
	"      \"additionalProperties\": false,\n"
	"      \"properties\": {\n"
	"        \"pci\": {\"type\": \"string\", \"pattern\": \"^(" HEX "{4}:)?" HEX "{2}:[01]" HEX "\\\\.[0-7]$\"},\n"
	"        \"netdev\": {\"type\": \"string\", \"minLength\": 1, \"maxLength\": 15, \"pattern\": \"^[^/: \\\\t\\\\n]+$\"},\n"
	"        \"device\": {\"type\": \"string\", \"pattern\": \"^" HEX "{4}:" HEX "{4}$\", \"description\": \"vendor:device; with index, the Nth such PF in PCI order\"},\n"
	"        \"index\": {\"type\": \"integer\", \"minimum\": 0, \"maximum\": 255},\n"
	"        \"num_vfs\": {\"type\": \"integer\", \"minimum\": 0, \"maximum\": 65535},\n"
	"        \"autoprobe\": {\"type\": \"boolean\", \"description\": \"sriov_drivers_autoprobe\"},\n"
	"        \"mtu\": {\"type\": \"integer\", \"minimum\": 68, \"maximum\": 65535, \"description\": \"MTU of the PF's netdev\"},\n"
	"        \"eswitch\": {\"enum\": [\"legacy\", \"switchdev\"], \"description\": \"the embedded switch's mode (devlink)\"},\n"
	"        \"rate_nodes\": {\"type\": \"array\", \"items\": {\"$ref\": \"#/$defs/rate_node\"}, \"description\": \"devlink rate nodes (switchdev mode); nodes not listed are left alone\"},\n"
	"        \"vfs\": {\"type\": \"array\", \"items\": {\"$ref\": \"#/$defs/vf\"}}\n"
	"      },\n"
	"      \"oneOf\": [{\"required\": [\"pci\"]}, {\"required\": [\"netdev\"]}, {\"required\": [\"device\"]}],\n"
	"      \"dependentRequired\": {\"index\": [\"device\"]}\n"
	"    },\n"
	"    \"rate\": {\"oneOf\": [{\"type\": \"integer\", \"minimum\": 0}, {\"type\": \"string\", \"pattern\": \"^[0-9]+(\\\\.[0-9]+)?([KkMmGgTt][Ii]?)?([Bb][Ii][Tt]|[Bb][Pp][Ss])?$\"}], \"description\": \"100mbit, 1gbit, 10kbps ...; a plain number is Mbit/s; 0: none\"},\n"
	"    \"rate_node\": {\n"
	"      \"type\": \"object\",\n"
	"      \"additionalProperties\": false,\n"
	"      \"required\": [\"name\"],\n"
	"      \"properties\": {\n"
	"        \"name\": {\"type\": \"string\", \"pattern\": \"^[A-Za-z0-9_.-]{1,63}$\", \"not\": {\"pattern\": \"^[0-9]+$\"}},\n"
	"        \"tx_share\": {\"$ref\": \"#/$defs/rate\"},\n"
	"        \"tx_max\": {\"$ref\": \"#/$defs/rate\"},\n"
	"        \"parent\": {\"type\": \"string\", \"pattern\": \"^[A-Za-z0-9_.-]{1,63}$\"}\n"
	"      }\n"
	"    },\n"
	"    \"vf\": {\n"
	"      \"type\": \"object\",\n"
	"      \"additionalProperties\": false,\n"
	"      \"minProperties\": 2,\n"
	"      \"properties\": {\n"
	"        \"vf\": {\"type\": \"integer\", \"minimum\": 0, \"maximum\": 65535},\n"
	"        \"vfs\": {\"oneOf\": [\n"
	"          {\"type\": \"integer\", \"minimum\": 0, \"maximum\": 65535},\n"
	"          {\"type\": \"string\", \"pattern\": \"^(all|[0-9]+(-[0-9]+)?(,[0-9]+(-[0-9]+)?)*)$\"}]},\n";

static const char schema_tail[] =
	"        \"driver\": {\"enum\": [\"vfio-pci\", \"host\"]},\n"
	"        \"owner\": {\"type\": \"string\", \"pattern\": \"^[A-Za-z0-9_.][A-Za-z0-9_.-]{0,31}(:[A-Za-z0-9_.][A-Za-z0-9_.-]{0,31})?$\", \"description\": \"USER[:GROUP] of /dev/vfio/N; needs driver vfio-pci\"},\n"
	"        \"mtu\": {\"type\": \"integer\", \"minimum\": 68, \"maximum\": 65535, \"description\": \"MTU of the VF's host netdev; at most the PF's\"},\n"
	"        \"tx_share\": {\"$ref\": \"#/$defs/rate\", \"description\": \"guaranteed rate of the VF's devlink rate leaf (switchdev)\"},\n"
	"        \"tx_max\": {\"$ref\": \"#/$defs/rate\", \"description\": \"rate ceiling of the VF's devlink rate leaf (switchdev)\"},\n"
	"        \"rate_parent\": {\"type\": \"string\", \"pattern\": \"^[A-Za-z0-9_.-]{1,63}$\", \"description\": \"the rate node the VF's leaf is under\"}\n"
	"      },\n"
	"      \"oneOf\": [{\"required\": [\"vf\"]}, {\"required\": [\"vfs\"]}],\n"
	"      \"dependentRequired\": {";

static const char schema_end[] =
	"}\n"
	"    }\n"
	"  }\n"
	"}\n";

#define SCHEMA_MAX 8192

static char schema[SCHEMA_MAX];
static int schema_state; /* 0: not built, 1: being built, 2: built */

static size_t add(size_t len, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static size_t add(size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (len >= sizeof(schema))
		return len;
	va_start(ap, fmt);
	n = vsnprintf(schema + len, sizeof(schema) - len, fmt, ap);
	va_end(ap);
	return n < 0 ? len : len + (size_t)n;
}

/* The VF keys as properties, and each part's need of its first key. */
static void build(void)
{
	const struct sriov_vf_key_def *d;
	size_t len = add(0, "%s", schema_head);
	const char *sep = "";

	for (d = sriov_vf_key_defs; d->pub.name; d++)
		len = add(len, "        \"%s\": {%s},\n", d->pub.name, d->schema);
	len = add(len, "%s", schema_tail);
	for (d = sriov_vf_key_defs; d->pub.name; d++) {
		if (!d->pub.part)
			continue;
		len = add(len, "%s\"%s\": [\"%s\"]", sep, d->pub.name,
			  sriov_vf_field_name(d->pub.field));
		sep = ", ";
	}
	add(len, "%s", schema_end);
}

SRIOV_EXPORT const char *sriov_apply_schema(void)
{
	int idle = 0;

	if (__atomic_load_n(&schema_state, __ATOMIC_ACQUIRE) == 2)
		return schema;
	if (__atomic_compare_exchange_n(&schema_state, &idle, 1, false,
					__ATOMIC_ACQUIRE, __ATOMIC_ACQUIRE)) {
		build();
		__atomic_store_n(&schema_state, 2, __ATOMIC_RELEASE);
	}
	while (__atomic_load_n(&schema_state, __ATOMIC_ACQUIRE) != 2)
		sched_yield();
	return schema;
}
