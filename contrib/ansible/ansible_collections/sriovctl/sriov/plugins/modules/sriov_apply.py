#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: sriovctl developers
# GNU General Public License v2.0 or later, as all of sriovctl (see
# https://www.gnu.org/licenses/gpl-2.0.txt); the "or later" lets it be used
# under version 3 of the GNU General Public License, as Ansible is
# (https://www.gnu.org/licenses/gpl-3.0.txt).
# SPDX-License-Identifier: GPL-2.0-or-later
"""Ansible module: converge SR-IOV PFs and VFs with sriovctl apply."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: sriov_apply
short_description: Converge SR-IOV PFs and VFs to a desired state
description:
  - Hands a desired state in the format of sriovctl.conf(5) - PFs with
    their VF count, autoprobe, eswitch mode, MTU and devlink rate nodes,
    and their VFs' settings, drivers, owners, MTUs and devlink rates - to
    C(sriovctl -j apply -) on the managed host, which changes only what
    differs, verifies every step by reading back and rolls a PF back when
    a step fails.
  - The state is validated by sriovctl itself; its errors name the key,
    with line numbers of the JSON document the module sends (returned as
    I(state)).
  - Check mode runs C(sriovctl apply --check), which plans and touches
    nothing. Diff mode reports every changed field, before and after.
  - C(changed) is sriovctl's own verdict, so a second run of the same
    state reports no change.
version_added: "1.0.0"
options:
  pfs:
    description:
      - The PF entries of the desired state, exactly as under C(pfs:) in
        sriovctl.conf(5) (C(pci), C(netdev), C(device), C(index),
        C(num_vfs), C(autoprobe), C(eswitch) - C(legacy) or C(switchdev) -,
        C(mtu), C(rate_nodes) - a list of C(name), C(tx_share), C(tx_max),
        C(parent) - and C(vfs), whose entries may set C(tx_share),
        C(tx_max) and C(rate_parent)). Rates are written as C(sriovctl
        rate) takes them (C(100mbit), C(1gbit), a plain number of Mbit/s)
        and need the PF in switchdev mode; rate nodes the state does not
        name are left alone. Options left unset (null) are dropped.
      - Mutually exclusive with I(src).
    type: list
    elements: dict
  src:
    description:
      - A desired-state file or directory on the managed host instead of
        I(pfs).
    type: path
  pf:
    description:
      - Only the entry that selects this PF (PCI address or netdev name).
    type: str
  force:
    description:
      - Allow changing a VF count from one non-zero value to another,
        which destroys every VF of the PF first, an eswitch mode
        change that needs the VFs removed and re-created (their settings
        are re-applied), and lowering a PF's MTU below that of a VF the
        state leaves as it is.
    type: bool
    default: false
  timeout:
    description:
      - Bound in seconds on each step's writes and on waiting for new VFs.
    type: float
extends_documentation_fragment:
  - sriovctl.sriov.sriovctl
notes:
  - Quote MAC addresses and GUIDs in YAML playbooks, as in the file format.
  - VF settings live in the running kernel; with I(sysfs_root) they can
    only be planned for VFs the state creates.
requirements:
  - sriovctl on the managed host
author:
  - sriovctl developers (@sriovctl)
'''

EXAMPLES = r'''
- name: Four VFs on enp3s0, a VLAN for all, a MAC for the first
  sriovctl.sriov.sriov_apply:
    pfs:
      - netdev: enp3s0
        num_vfs: 4
        vfs:
          - vfs: all
            vlan: 100
            spoofchk: true
          - vf: 0
            mac: "02:00:00:00:03:00"

- name: VFs 0-5 to vfio-pci for QEMU
  sriovctl.sriov.sriov_apply:
    pfs:
      - pci: "0000:3b:00.0"
        num_vfs: 8
        autoprobe: false
        vfs:
          - vfs: "0-5"
            driver: vfio-pci
            owner: "libvirt-qemu:kvm"

- name: The embedded switch of a ConnectX PF in switchdev mode
  sriovctl.sriov.sriov_apply:
    pfs:
      - pci: "0000:5e:00.0"
        eswitch: switchdev

- name: A rate node with VFs 0-1 under it, in switchdev mode
  sriovctl.sriov.sriov_apply:
    pfs:
      - pci: "0000:5e:00.0"
        eswitch: switchdev
        rate_nodes:
          - name: tenant1
            tx_max: 2gbit
        vfs:
          - vfs: "0-1"
            tx_share: 100mbit
            tx_max: 1gbit
            rate_parent: tenant1

- name: Jumbo frames on the PF and on the host netdevs of VFs 0-1
  sriovctl.sriov.sriov_apply:
    pfs:
      - netdev: enp3s0
        mtu: 9000
        vfs:
          - vfs: "0-1"
            mtu: 9000

- name: The files of /etc/sriovctl
  sriovctl.sriov.sriov_apply:
    src: /etc/sriovctl
'''

RETURN = r'''
changed:
  description: Whether sriovctl changed something (in check mode, would).
  type: bool
  returned: always
results:
  description:
    - One item per step, as C(sriovctl -j apply) reports it - pf, vf,
      action (find_pf, autoprobe, num_vfs, vf_config, driver, owner,
      eswitch, mtu, rate_node, rate),
      status (ok, changed, failed), before, after, changed_fields,
      rolled_back, errno, reason.
  type: list
  elements: dict
  returned: when sriovctl planned
state:
  description: The desired-state document sent to sriovctl.
  type: dict
  returned: when I(pfs) was given
rc:
  description: The exit status of sriovctl.
  type: int
  returned: always
'''

import json

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.sriovctl.sriov.plugins.module_utils.sriovctl import (
    SRIOVCTL_ARGS, sriovctl_environment)


def drop_nulls(value):
    """Options the playbook left unset are not part of the state."""
    if isinstance(value, dict):
        return dict((k, drop_nulls(v)) for k, v in value.items()
                    if v is not None)
    if isinstance(value, list):
        return [drop_nulls(v) for v in value]
    return value


def build_command(module):
    p = module.params
    cmd = [p['sriovctl'], '-j']
    if p['force']:
        cmd.append('--force')
    cmd.append('apply')
    if module.check_mode:
        cmd.append('--check')
    if p['pf']:
        cmd += ['--pf', p['pf']]
    if p['timeout']:
        cmd += ['--timeout', '%g' % p['timeout']]
    cmd.append(p['src'] or '-')
    return cmd


def target(step):
    if step.get('vf') is None:
        return step['pf']
    return '%s#%d' % (step['pf'], step['vf'])


def build_diff(results):
    """Every changed field, before and after, keyed by PF or PF#VF."""
    before, after = {}, {}
    for step in results:
        fields = step.get('changed_fields') or []
        if not fields:
            continue
        b = before.setdefault(target(step), {})
        a = after.setdefault(target(step), {})
        for key in (step.get('after') or {}):
            if key in fields or step.get('action') != 'vf_config' or \
                    (key in ('qos', 'vlan_proto') and 'vlan' in fields):
                b[key] = (step.get('before') or {}).get(key)
                a[key] = step['after'][key]
    return {'before': before, 'after': after}


def first_failure(results):
    for step in results:
        if step.get('status') == 'failed':
            return '%s %s: %s' % (target(step), step.get('action'),
                                  step.get('reason'))
    return 'sriovctl reported a failure'


def main():
    argument_spec = dict(
        pfs=dict(type='list', elements='dict'),
        src=dict(type='path'),
        pf=dict(type='str'),
        force=dict(type='bool', default=False),
        timeout=dict(type='float'),
    )
    argument_spec.update(SRIOVCTL_ARGS)
    module = AnsibleModule(
        argument_spec=argument_spec,
        mutually_exclusive=[('pfs', 'src')],
        required_one_of=[('pfs', 'src')],
        supports_check_mode=True,
    )
    state = None
    data = None
    if module.params['pfs'] is not None:
        state = {'pfs': drop_nulls(module.params['pfs'])}
        data = json.dumps(state, indent=2, sort_keys=True)
    rc, out, err = module.run_command(
        build_command(module), data=data, binary_data=True,
        environ_update=sriovctl_environment(module))
    result = dict(changed=False, rc=rc)
    if state is not None:
        result['state'] = state
    try:
        report = json.loads(out)
    except ValueError:
        module.fail_json(msg='sriovctl did not answer in JSON: %s'
                         % (err or out).strip(), stdout=out, stderr=err,
                         **result)
    # a failure before any step is the error alone; a report that failed
    # carries it too (sriovctl(8), OUTPUT), and its steps say more
    if 'error' in report and 'results' not in report:
        module.fail_json(msg=report['error'].get('message'), **result)
    result['changed'] = bool(report.get('changed'))
    result['results'] = report.get('results', [])
    if module._diff:
        result['diff'] = build_diff(result['results'])
    if rc != 0:
        module.fail_json(msg=first_failure(result['results']), **result)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
