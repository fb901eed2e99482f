# -*- coding: utf-8 -*-
# Copyright: sriovctl developers
# GNU General Public License v2.0 or later, as all of sriovctl (see
# https://www.gnu.org/licenses/gpl-2.0.txt); the "or later" lets it be used
# under version 3 of the GNU General Public License, as Ansible is
# (https://www.gnu.org/licenses/gpl-3.0.txt).
# SPDX-License-Identifier: GPL-2.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment(object):
    """The options every module passes to sriovctl (module_utils/sriovctl.py)."""

    DOCUMENTATION = r'''
options:
  sriovctl:
    description:
      - The sriovctl program.
    type: path
    default: sriovctl
  sysfs_root:
    description:
      - The sysfs tree sriovctl uses (SRIOVCTL_SYSFS_ROOT), for tests.
    type: path
  state_dir:
    description:
      - Locks, journals and claims (SRIOVCTL_STATE_DIR).
    type: path
  dev_root:
    description:
      - The device directory (SRIOVCTL_DEV_ROOT).
    type: path
'''
