#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: sriovctl developers
# GNU General Public License v2.0 or later, as all of sriovctl (see
# https://www.gnu.org/licenses/gpl-2.0.txt); the "or later" lets it be used
# under version 3 of the GNU General Public License, as Ansible is
# (https://www.gnu.org/licenses/gpl-3.0.txt).
# SPDX-License-Identifier: GPL-2.0-or-later
"""Ansible module: the SR-IOV PFs, VFs and IOMMU groups of a host as facts."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: sriov_facts
short_description: Gather the SR-IOV PFs, VFs and IOMMU groups of a host
description:
  - Runs C(sriovctl -j pf list), C(sriovctl -j vf list) and
    C(sriovctl -j iommu list) on the managed host and returns what they
    print as the C(sriov) fact, for conditions and templates.
  - Every PF carries its VFs, its driver and its eswitch mode; the VFs are
    also given as one list, the driver of every PF and VF as a map from
    PCI address to driver, and the IOMMU groups with their devices and
    viability.
  - C(eswitch_mode) is the C(eswitch_mode) member of sriovctl's PF
    report, and null while sriovctl does not report one (sriovctl 0.1.0
    does not manage the embedded switch yet).
  - C(claims) is what C(sriovctl -j claim list) prints. A sriovctl without
    the C(claim) object (sriovctl 0.1.0) answers that with exit status 2,
    and the module then returns an empty list.
  - A host without an enabled IOMMU has no IOMMU groups; the module then
    returns an empty list and sriovctl's message in C(iommu_error) rather
    than failing.
version_added: "1.0.0"
options: {}
extends_documentation_fragment:
  - sriovctl.sriov.sriovctl
notes:
  - Reads only; check mode gathers the same facts.
  - VF settings (MAC, VLAN, rates, trust) come over rtnetlink from the
    running kernel and are null where the kernel does not report them.
requirements:
  - sriovctl on the managed host
seealso:
  - module: sriovctl.sriov.sriov_apply
author:
  - sriovctl developers (@sriovctl)
'''

EXAMPLES = r'''
- name: Gather the SR-IOV facts
  sriovctl.sriov.sriov_facts:

- name: The PFs with free VFs
  ansible.builtin.debug:
    msg: "{{ item.netdev or item.pci }}: {{ item.num_vfs }} of {{ item.total_vfs }} VFs"
  loop: "{{ ansible_facts.sriov.pfs }}"

- name: The VFs bound to vfio-pci
  ansible.builtin.debug:
    msg: "{{ ansible_facts.sriov.vfs | selectattr('driver', 'equalto', 'vfio-pci') | map(attribute='pci') | list }}"
'''

RETURN = r'''
ansible_facts:
  description: The facts gathered.
  returned: always
  type: dict
  contains:
    sriov:
      description: The SR-IOV state of the host.
      returned: always
      type: dict
      contains:
        pfs:
          description:
            - The SR-IOV PFs, each as C(sriovctl -j pf list) reports it
              (pci, netdev, driver, numa_node, iommu_group, total_vfs,
              num_vfs, drivers_autoprobe, sriov_cap, ...), with
              C(eswitch_mode) (null when sriovctl does not report it) and
              C(vfs), the PF's VFs as in I(vfs).
          type: list
          elements: dict
          returned: always
        vfs:
          description:
            - Every VF, as C(sriovctl -j vf list) reports it (pf, vf, pci,
              netdev, driver, iommu_group, mac, vlan, ...).
          type: list
          elements: dict
          returned: always
        drivers:
          description:
            - The driver bound to each PF and VF, keyed by PCI address;
              null for a device without driver.
          type: dict
          returned: always
          sample: {"0000:03:00.0": "ixgbe", "0000:03:10.0": "vfio-pci"}
        iommu_groups:
          description:
            - The IOMMU groups, as C(sriovctl -j iommu list) reports them
              (group, devices, viable, blockers); empty when no IOMMU is
              enabled.
          type: list
          elements: dict
          returned: always
        iommu_error:
          description:
            - Why there are no IOMMU groups (sriovctl's message), or null.
          type: str
          returned: always
        eswitch_modes:
          description:
            - The eswitch mode of each PF, keyed by PCI address; null
              while sriovctl does not report it.
          type: dict
          returned: always
        claims:
          description:
            - The VF claims of VM launchers, as C(sriovctl -j claim list)
              reports them; empty when there are none or when sriovctl
              has no claim object yet.
          type: list
          elements: dict
          returned: always
'''

import json

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.sriovctl.sriov.plugins.module_utils.sriovctl import (
    SRIOVCTL_ARGS, sriovctl_environment)

# sriovctl's exit status for a usage error, which an unknown object is
USAGE = 2


def sriovctl(module, *words):
    """Run sriovctl -j WORDS: (exit status, decoded JSON or None, message)."""
    cmd = [module.params['sriovctl'], '-j'] + list(words)
    rc, out, err = module.run_command(
        cmd, environ_update=sriovctl_environment(module))
    try:
        data = json.loads(out)
    except ValueError:
        return rc, None, (err or out).strip() or 'no output'
    message = None
    if isinstance(data, dict) and 'error' in data:
        message = data['error'].get('message')
        data = None
    elif rc != 0:
        message = (err or out).strip()
    return rc, data, message


def must(module, *words):
    rc, data, message = sriovctl(module, *words)
    if rc != 0 or data is None:
        module.fail_json(msg='sriovctl %s: %s' % (' '.join(words), message),
                         rc=rc)
    return data


def claims(module):
    """The claims, or [] from a sriovctl that has no claim object."""
    rc, data, message = sriovctl(module, 'claim', 'list')
    if rc == USAGE:
        return []
    if rc != 0 or data is None:
        module.fail_json(msg='sriovctl claim list: %s' % message, rc=rc)
    if isinstance(data, dict):
        data = data.get('claims', [])
    return data


def gather(module):
    pfs = must(module, 'pf', 'list')
    vfs = must(module, 'vf', 'list')
    rc, groups, iommu_error = sriovctl(module, 'iommu', 'list')
    if rc != 0 or groups is None:
        groups = []
    else:
        iommu_error = None
    by_pf = {}
    for vf in vfs:
        by_pf.setdefault(vf.get('pf'), []).append(vf)
    drivers = {}
    eswitch_modes = {}
    for pf in pfs:
        pf['eswitch_mode'] = pf.get('eswitch_mode')
        pf['vfs'] = by_pf.get(pf.get('pci'), [])
        drivers[pf['pci']] = pf.get('driver')
        eswitch_modes[pf['pci']] = pf['eswitch_mode']
    for vf in vfs:
        drivers[vf['pci']] = vf.get('driver')
    return {
        'pfs': pfs,
        'vfs': vfs,
        'drivers': drivers,
        'iommu_groups': groups,
        'iommu_error': iommu_error,
        'eswitch_modes': eswitch_modes,
        'claims': claims(module),
    }


def main():
    module = AnsibleModule(
        argument_spec=dict(SRIOVCTL_ARGS),
        supports_check_mode=True,
    )
    module.exit_json(changed=False, ansible_facts={'sriov': gather(module)})


if __name__ == '__main__':
    main()
