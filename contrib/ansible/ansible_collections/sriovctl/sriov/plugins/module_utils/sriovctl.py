# -*- coding: utf-8 -*-
# Copyright: sriovctl developers
# GNU General Public License v2.0 or later, as all of sriovctl (see
# https://www.gnu.org/licenses/gpl-2.0.txt); the "or later" lets it be used
# under version 3 of the GNU General Public License, as Ansible is
# (https://www.gnu.org/licenses/gpl-3.0.txt).
# SPDX-License-Identifier: GPL-2.0-or-later
"""What every module of the collection passes to sriovctl the same way."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

# The options of doc_fragments/sriovctl.py, for each module's argument_spec.
SRIOVCTL_ARGS = dict(
    sriovctl=dict(type='path', default='sriovctl'),
    sysfs_root=dict(type='path'),
    state_dir=dict(type='path'),
    dev_root=dict(type='path'),
)


def sriovctl_environment(module):
    """The SRIOVCTL_* variables for the options that are set."""
    env = {}
    for opt, var in (('sysfs_root', 'SRIOVCTL_SYSFS_ROOT'),
                     ('state_dir', 'SRIOVCTL_STATE_DIR'),
                     ('dev_root', 'SRIOVCTL_DEV_ROOT')):
        if module.params[opt]:
            env[var] = module.params[opt]
    return env
