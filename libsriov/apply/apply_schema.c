/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The JSON Schema of the desired-state format. tests/unit/test_apply.c
 * checks that its properties are exactly the keys apply_parse*.c accept.
 * Rules a schema cannot state (one field of a VF set by two entries,
 * selectors resolved on the host) are checked by the parser and planner.
 */
#include "apply_internal.h"

#define HEX "[0-9a-fA-F]"
#define U32 "\"type\": \"integer\", \"minimum\": 0, \"maximum\": 4294967295"

static const char schema[] =
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
	"        \"vfs\": {\"type\": \"array\", \"items\": {\"$ref\": \"#/$defs/vf\"}}\n"
	"      },\n"
	"      \"oneOf\": [{\"required\": [\"pci\"]}, {\"required\": [\"netdev\"]}, {\"required\": [\"device\"]}],\n"
	"      \"dependentRequired\": {\"index\": [\"device\"]}\n"
	"    },\n"
	"    \"vf\": {\n"
	"      \"type\": \"object\",\n"
	"      \"additionalProperties\": false,\n"
	"      \"minProperties\": 2,\n"
	"      \"properties\": {\n"
	"        \"vf\": {\"type\": \"integer\", \"minimum\": 0, \"maximum\": 65535},\n"
	"        \"vfs\": {\"oneOf\": [\n"
	"          {\"type\": \"integer\", \"minimum\": 0, \"maximum\": 65535},\n"
	"          {\"type\": \"string\", \"pattern\": \"^(all|[0-9]+(-[0-9]+)?(,[0-9]+(-[0-9]+)?)*)$\"}]},\n"
	"        \"mac\": {\"type\": \"string\", \"pattern\": \"^" HEX "[02468aceACE](:" HEX "{2}){5}$\", \"description\": \"unicast; only in an entry naming one VF\"},\n"
	"        \"vlan\": {\"type\": \"integer\", \"minimum\": 0, \"maximum\": 4095},\n"
	"        \"qos\": {\"type\": \"integer\", \"minimum\": 0, \"maximum\": 7},\n"
	"        \"vlan_proto\": {\"type\": \"string\", \"pattern\": \"^802\\\\.1([Qq]|[Aa][Dd])$\"},\n"
	"        \"min_tx_rate\": {" U32 ", \"description\": \"Mbit/s, 0: no limit\"},\n"
	"        \"max_tx_rate\": {" U32 ", \"description\": \"Mbit/s, 0: no limit\"},\n"
	"        \"spoofchk\": {\"type\": \"boolean\"},\n"
	"        \"trust\": {\"type\": \"boolean\"},\n"
	"        \"link_state\": {\"enum\": [\"auto\", \"enable\", \"disable\"]},\n"
	"        \"query_rss\": {\"type\": \"boolean\"},\n"
	"        \"node_guid\": {\"type\": \"string\", \"pattern\": \"^" HEX "{2}(:" HEX "{2}){7}$\"},\n"
	"        \"port_guid\": {\"type\": \"string\", \"pattern\": \"^" HEX "{2}(:" HEX "{2}){7}$\"},\n"
	"        \"driver\": {\"enum\": [\"vfio-pci\", \"host\"]},\n"
	"        \"owner\": {\"type\": \"string\", \"pattern\": \"^[A-Za-z0-9_.][A-Za-z0-9_.-]{0,31}(:[A-Za-z0-9_.][A-Za-z0-9_.-]{0,31})?$\", \"description\": \"USER[:GROUP] of /dev/vfio/N; needs driver vfio-pci\"}\n"
	"      },\n"
	"      \"oneOf\": [{\"required\": [\"vf\"]}, {\"required\": [\"vfs\"]}],\n"
	"      \"dependentRequired\": {\"qos\": [\"vlan\"], \"vlan_proto\": [\"vlan\"]}\n"
	"    }\n"
	"  }\n"
	"}\n";

SRIOV_EXPORT const char *sriov_apply_schema(void)
{
	return schema;
}
