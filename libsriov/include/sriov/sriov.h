/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libsriov: discover and manage SR-IOV physical and virtual functions.
 *
 * Conventions: functions returning int return 0 or a negative errno;
 * functions returning a pointer return NULL and set errno. Outputs come
 * last, are named ret_*, and are left untouched on failure. The library
 * never prints and never exits: it reports through the log callback set
 * on the context (silent by default) and keeps the text of the last error
 * on the context.
 */
#ifndef SRIOV_SRIOV_H
#define SRIOV_SRIOV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(SRIOV_BUILDING_LIBRARY)
#define SRIOV_EXPORT __attribute__((visibility("default")))
#else
#define SRIOV_EXPORT
#endif

struct sriov_ctx;
struct sriov_pf;
struct sriov_vf;

/* Context */

enum sriov_log_level {
	SRIOV_LOG_ERR = 3,
	SRIOV_LOG_WARNING = 4,
	SRIOV_LOG_INFO = 6,
	SRIOV_LOG_DEBUG = 7,
};

typedef void (*sriov_log_fn)(enum sriov_log_level level, const char *msg,
			     void *userdata);

/*
 * Progress of a long wait (VFs appearing, devices moving to vfio-pci,
 * PFs being applied): done of total, and the device waited for longest.
 * A last call with what NULL says the wait is over.
 */
struct sriov_progress {
	const char *what;       /* "creating VFs", "binding", "releasing", "applying"; NULL: over */
	size_t done;
	size_t total;
	const char *pending;    /* the device still waited for, or NULL */
	const char *state;      /* what it waits for ("waiting for udev"), or NULL */
};

typedef void (*sriov_progress_fn)(const struct sriov_progress *progress,
				  void *userdata);

/* Options that may grow: set sz to sizeof(struct sriov_ctx_opts). */
struct sriov_ctx_opts {
	size_t sz;
	const char *sysfs_root; /* NULL: "/sys" */
	const char *dev_root;   /* NULL: "/dev" */
	const char *state_dir;  /* NULL: "/run/sriovctl" */
	/*
	 * Where modules.alias is read (vfio-pci variant drivers); NULL:
	 * /lib/modules/RELEASE of the running kernel, and with another
	 * sysfs_root none.
	 */
	const char *modules_dir;
};

SRIOV_EXPORT int sriov_ctx_new(const struct sriov_ctx_opts *opts,
			       struct sriov_ctx **ret_ctx);
SRIOV_EXPORT void sriov_ctx_free(struct sriov_ctx *ctx);
SRIOV_EXPORT void sriov_ctx_set_log(struct sriov_ctx *ctx, sriov_log_fn fn,
				    enum sriov_log_level max_level,
				    void *userdata);
/* Calls fn as long operations advance; NULL: silent (the default). */
SRIOV_EXPORT void sriov_ctx_set_progress(struct sriov_ctx *ctx,
					 sriov_progress_fn fn, void *userdata);
/* Text of the last error, "" when none. Valid until the next call. */
SRIOV_EXPORT const char *sriov_ctx_last_error(const struct sriov_ctx *ctx);
/*
 * Notes on changes that went ahead but that the user should know about (a
 * driver quirk worked around, a PF whose link is down): their number, and
 * in *ret_notes a NULL-terminated array owned by the context, valid until
 * the next call on it. They accumulate until sriov_ctx_clear_notes().
 */
SRIOV_EXPORT size_t sriov_ctx_notes(const struct sriov_ctx *ctx,
				    const char *const **ret_notes);
SRIOV_EXPORT void sriov_ctx_clear_notes(struct sriov_ctx *ctx);
SRIOV_EXPORT const char *sriov_ctx_sysfs_root(const struct sriov_ctx *ctx);
SRIOV_EXPORT const char *sriov_ctx_dev_root(const struct sriov_ctx *ctx);
SRIOV_EXPORT const char *sriov_ctx_state_dir(const struct sriov_ctx *ctx);
SRIOV_EXPORT const char *sriov_version(void);

/* PCI addresses */

struct sriov_pci_addr {
	uint16_t domain;
	uint8_t bus;
	uint8_t slot;     /* 0..31 */
	uint8_t function; /* 0..7 */
};

/* "DDDD:BB:SS.F" plus the terminating NUL */
#define SRIOV_PCI_ADDR_STRLEN 13

/*
 * Parses "DDDD:BB:SS.F" or "BB:SS.F" (hex, exactly these widths, domain
 * 0 when omitted). Anything else is -EINVAL.
 */
SRIOV_EXPORT int sriov_pci_addr_parse(const char *text,
				      struct sriov_pci_addr *ret_addr);
SRIOV_EXPORT void sriov_pci_addr_format(const struct sriov_pci_addr *addr,
					char buf[SRIOV_PCI_ADDR_STRLEN]);
SRIOV_EXPORT int sriov_pci_addr_cmp(const struct sriov_pci_addr *a,
				    const struct sriov_pci_addr *b);

/* VF settings, as read over rtnetlink from the PF or to be written. */

enum sriov_vf_field {
	SRIOV_VF_HAS_MAC = 1u << 0,
	SRIOV_VF_HAS_VLAN = 1u << 1,       /* vlan, qos and vlan_proto */
	SRIOV_VF_HAS_MIN_TX_RATE = 1u << 2,
	SRIOV_VF_HAS_MAX_TX_RATE = 1u << 3,
	SRIOV_VF_HAS_SPOOFCHK = 1u << 4,
	SRIOV_VF_HAS_TRUST = 1u << 5,
	SRIOV_VF_HAS_LINK_STATE = 1u << 6,
	SRIOV_VF_HAS_QUERY_RSS = 1u << 7,
	SRIOV_VF_HAS_NODE_GUID = 1u << 8,
	SRIOV_VF_HAS_PORT_GUID = 1u << 9,
	SRIOV_VF_HAS_STATS = 1u << 10,
	/* the MTU of the VF's own host netdev: in release reports only */
	SRIOV_VF_HAS_MTU = 1u << 11,
};

enum sriov_link_state {
	SRIOV_LINK_STATE_AUTO = 0,   /* values of IFLA_VF_LINK_STATE_* */
	SRIOV_LINK_STATE_ENABLE = 1,
	SRIOV_LINK_STATE_DISABLE = 2,
};

#define SRIOV_VLAN_PROTO_8021Q 0x8100
#define SRIOV_VLAN_PROTO_8021AD 0x88a8

struct sriov_vf_stats {
	uint64_t rx_packets;
	uint64_t tx_packets;
	uint64_t rx_bytes;
	uint64_t tx_bytes;
	uint64_t broadcast;
	uint64_t multicast;
	uint64_t rx_dropped;
	uint64_t tx_dropped;
};

/* mask says which fields hold a value (read back, or to be written). */
struct sriov_vf_config {
	uint32_t mask;
	uint8_t mac[6];
	uint16_t vlan;                /* 0..4095 */
	uint8_t qos;                  /* 0..7 */
	uint16_t vlan_proto;          /* SRIOV_VLAN_PROTO_* */
	uint32_t min_tx_rate;         /* Mbit/s, 0 = no limit */
	uint32_t max_tx_rate;
	bool spoofchk;
	bool trust;
	bool query_rss;
	enum sriov_link_state link_state;
	uint64_t node_guid;
	uint64_t port_guid;
	struct sriov_vf_stats stats;
};

/* Topology */

/* An integer the kernel does not expose (INT_MIN; -1 is a real NUMA node value). */
#define SRIOV_NO_VALUE (-2147483647 - 1)

/* The SR-IOV extended capability as read from configuration space. */
struct sriov_cap_info {
	bool present;
	uint16_t offset;        /* of the capability in config space */
	uint8_t version;
	uint32_t capabilities;
	uint16_t control;
	uint16_t status;
	uint16_t initial_vfs;
	uint16_t total_vfs;
	uint16_t num_vfs;
	uint8_t function_link;
	uint16_t vf_offset;
	uint16_t vf_stride;
	uint16_t vf_device_id;
	uint32_t supported_page_sizes;
	uint32_t system_page_size;
	bool vf_enable;
	bool vf_memory_space;
	bool ari_hierarchy;
};

/*
 * Read-only description of a PF, owned by the PF handle. Fields are only
 * ever appended, so callers built against an older header stay valid.
 * Integers that the kernel does not expose are SRIOV_NO_VALUE; strings
 * that are absent are NULL.
 */
struct sriov_pf_info {
	char pci[SRIOV_PCI_ADDR_STRLEN];
	struct sriov_pci_addr addr;
	uint16_t vendor_id;
	uint16_t device_id;
	uint32_t class_code;        /* 24-bit class/subclass/prog-if */
	const char *vendor_name;    /* from the PCI ID database, or NULL */
	const char *device_name;
	const char *driver;         /* bound driver or NULL */
	const char *driver_override;
	const char *const *netdevs; /* NULL-terminated, may be empty */
	int numa_node;
	int iommu_group;
	int total_vfs;
	int num_vfs;
	int drivers_autoprobe;      /* 0, 1 or SRIOV_NO_VALUE */
	int vf_device_id;
	int vf_offset;
	int vf_stride;
	int vf_total_msix;
	struct sriov_cap_info cap;
	/*
	 * The device in sysfs: bus/<bus>/devices/<dev_name>. "pci" and the
	 * address for PCI PFs; others (netdevsim) have pci "" and VFs that
	 * exist only as rtnetlink entries, without PCI functions.
	 */
	const char *bus;
	const char *dev_name;
};

struct sriov_vf_info {
	char pci[SRIOV_PCI_ADDR_STRLEN];
	struct sriov_pci_addr addr;
	char pf[SRIOV_PCI_ADDR_STRLEN];
	unsigned int index;
	uint16_t vendor_id;
	uint16_t device_id;
	const char *driver;
	const char *driver_override;
	const char *netdev;         /* first netdev or NULL */
	int iommu_group;
	int numa_node;
};

/*
 * Scans the sysfs root for every SR-IOV capable PF (devices exposing
 * sriov_totalvfs) and their VFs. The PFs belong to the context and stay
 * valid until the next rescan or sriov_ctx_free().
 */
SRIOV_EXPORT int sriov_pf_list(struct sriov_ctx *ctx,
			       struct sriov_pf *const **ret_pfs,
			       size_t *ret_count);

/* A PF by PCI address (full or short) or by one of its netdev names. */
SRIOV_EXPORT int sriov_pf_find(struct sriov_ctx *ctx, const char *name,
			       struct sriov_pf **ret_pf);

SRIOV_EXPORT const struct sriov_pf_info *
sriov_pf_get_info(const struct sriov_pf *pf);
/*
 * PF handles live as long as their context. VF handles of a PF are
 * replaced whenever the library reads its VFs again (as a change of the
 * VF count does): this number grows each time, and VF handles taken
 * under another value are invalid.
 */
SRIOV_EXPORT unsigned long sriov_pf_generation(const struct sriov_pf *pf);
SRIOV_EXPORT size_t sriov_pf_vf_count(const struct sriov_pf *pf);
SRIOV_EXPORT struct sriov_vf *sriov_pf_get_vf(const struct sriov_pf *pf,
					      unsigned int index);

SRIOV_EXPORT const struct sriov_vf_info *
sriov_vf_get_info(const struct sriov_vf *vf);
SRIOV_EXPORT struct sriov_pf *sriov_vf_get_pf(const struct sriov_vf *vf);

/*
 * MTUs (sriovctl-pf(8), sriovctl-vf(8)): of the PF's network interface and
 * of a VF's own host interface, read from sysfs. -ENODEV when there is no
 * such interface (an NVMe PF, a VF on vfio-pci or without a driver).
 */
SRIOV_EXPORT int sriov_pf_get_mtu(const struct sriov_pf *pf,
				  unsigned int *ret_mtu);
SRIOV_EXPORT int sriov_vf_get_mtu(const struct sriov_vf *vf,
				  unsigned int *ret_mtu);

/* The MTUs any interface may take (ETH_MIN_MTU, IP_MAX_MTU). */
#define SRIOV_MTU_MIN 68
#define SRIOV_MTU_MAX 65535

enum {
	SRIOV_MTU_DRY_RUN = 1 << 0,   /* check and plan, write nothing */
	SRIOV_MTU_FORCE = 1 << 1,     /* a PF may go below its VFs */
};

struct sriov_mtu_change {
	unsigned int before;
	unsigned int after;           /* read back (dry run: as it would be) */
	bool changed;
};

/*
 * Sets the MTU of the PF's netdev, or of a VF's own host netdev, over
 * rtnetlink (IFLA_MTU). Checked before anything is written: out of
 * SRIOV_MTU_MIN..SRIOV_MTU_MAX or of the range the driver reports
 * (IFLA_MIN_MTU, IFLA_MAX_MTU) is -ERANGE; a VF above its PF's MTU is
 * -EINVAL; a PF below one of its VFs' is -ECANCELED unless
 * SRIOV_MTU_FORCE; a VF without a host netdev is -ENODEV. No write when
 * the value is already there; the write is verified by reading back and
 * put back when it reads otherwise (-EIO). Under the PF's lock.
 */
SRIOV_EXPORT int sriov_pf_set_mtu(struct sriov_pf *pf, unsigned int mtu,
				  unsigned int flags,
				  struct sriov_mtu_change *ret_change);
SRIOV_EXPORT int sriov_vf_set_mtu(struct sriov_vf *vf, unsigned int mtu,
				  unsigned int flags,
				  struct sriov_mtu_change *ret_change);

/* A VF by PCI address or as "PF#N". */
SRIOV_EXPORT int sriov_vf_find(struct sriov_ctx *ctx, const char *name,
			       struct sriov_vf **ret_vf);

/*
 * A VF specification: "PF#N", "PF#0-3,7", "PF" alone (every VF), or a VF
 * PCI address. On success *ret_vfs is a malloc'ed array (free() it) of
 * VFs owned by the context, in spec order without duplicates.
 */
SRIOV_EXPORT int sriov_vf_spec_resolve(struct sriov_ctx *ctx,
				       const char *spec,
				       struct sriov_vf ***ret_vfs,
				       size_t *ret_count);

/*
 * Changes. A change refused by a safety check returns -ECANCELED with the
 * reason in the context's last error; invalid input is -EINVAL or -ERANGE
 * and nothing is touched. Changes to one PF are serialised by a lock file
 * in the state directory, so concurrent callers on the same PF wait for
 * each other while different PFs proceed in parallel.
 */

/* Options that may grow: set sz to sizeof(struct sriov_numvfs_opts). */
struct sriov_numvfs_opts {
	size_t sz;
	int num_vfs;
	int autoprobe;   /* 0 or 1, or -1 to leave sriov_drivers_autoprobe */
	bool force;      /* allow N -> M with both non-zero (destroys all VFs) */
	bool dry_run;    /* plan and report, write nothing */
	int timeout_ms;  /* bound on the write and on readiness; 0: 30 s */
};

struct sriov_vf_status {
	char pci[SRIOV_PCI_ADDR_STRLEN];
	unsigned int index;
	const char *driver;   /* NULL: no driver bound */
	const char *netdev;   /* final name, NULL: none */
	bool ready;
	const char *state;    /* "ready", "unbound", "waiting for netdev", ... */
};

struct sriov_numvfs_report {
	bool changed;
	int num_vfs_before;
	int num_vfs_after;
	int autoprobe_before;   /* SRIOV_NO_VALUE when the file is missing */
	int autoprobe_after;
	bool timed_out;
	size_t n_vfs;
	struct sriov_vf_status *vfs;
};

/*
 * Sets the PF's VF count (and sriov_drivers_autoprobe, before VFs are
 * created) and waits until the VFs are ready: virtfn links present and,
 * where a driver binds them, the driver bound and the netdev registered
 * under its final name. The PF handle is refreshed: VF handles taken
 * before the call are invalid after it. *ret_report (free with
 * sriov_numvfs_report_free()) is set whenever the call got as far as
 * reading the PF, also on failure.
 */
SRIOV_EXPORT int sriov_pf_set_num_vfs(struct sriov_pf *pf,
				      const struct sriov_numvfs_opts *opts,
				      struct sriov_numvfs_report **ret_report);
SRIOV_EXPORT void sriov_numvfs_report_free(struct sriov_numvfs_report *r);

/*
 * Reads every VF's settings of the PF with one rtnetlink request to its
 * netdev (stats only when asked). -ENODEV when the PF has no netdev;
 * -EOPNOTSUPP when the context's sysfs root is not the running kernel's
 * (the directory /sys is, however it is spelled), as netlink always
 * speaks for the running kernel.
 */
SRIOV_EXPORT int sriov_pf_read_vf_config(struct sriov_pf *pf, bool stats);
/* The settings read by sriov_pf_read_vf_config(), or NULL. */
SRIOV_EXPORT const struct sriov_vf_config *
sriov_vf_get_config(const struct sriov_vf *vf);

/*
 * The NIC's embedded switch, over devlink (generic netlink). A PF whose
 * device has no devlink instance, a kernel without devlink, or a sysfs
 * root that is not the running kernel's all read as "no devlink": handle
 * "" and every value SRIOV_NO_VALUE, not an error.
 */
#define SRIOV_ESWITCH_LEGACY 0
#define SRIOV_ESWITCH_SWITCHDEV 1
#define SRIOV_DEVLINK_HANDLE_STRLEN 112

struct sriov_eswitch_info {
	char handle[SRIOV_DEVLINK_HANDLE_STRLEN]; /* "pci/0000:03:00.0", or "" */
	int mode;          /* SRIOV_ESWITCH_* or SRIOV_NO_VALUE */
	int inline_mode;   /* 0 none, 1 link, 2 network, 3 transport, or SRIOV_NO_VALUE */
	int encap_mode;    /* 0 none, 1 basic, or SRIOV_NO_VALUE */
};

/* Two devlink requests: does the instance exist, and its eswitch. */
SRIOV_EXPORT int sriov_pf_read_eswitch(struct sriov_pf *pf,
				       struct sriov_eswitch_info *ret);
/* "legacy", "switchdev", or NULL; the parser is -EINVAL for other names. */
SRIOV_EXPORT const char *sriov_eswitch_mode_name(int mode);
SRIOV_EXPORT int sriov_eswitch_mode_parse(const char *name, int *ret_mode);
/* "none", "link", "network", "transport" / "none", "basic"; or NULL. */
SRIOV_EXPORT const char *sriov_eswitch_inline_mode_name(int mode);
SRIOV_EXPORT const char *sriov_eswitch_encap_mode_name(int mode);

/*
 * A VF's devlink port in switchdev mode: the port of flavour pcivf of
 * its PF's devlink instance whose vfnum is the VF number (and pfnum the
 * PF's function, when several PFs share the instance), never found by
 * netdev names. All ports come from one dump, kept on the context until
 * the eswitch mode changes.
 */
struct sriov_vf_port {
	char port[SRIOV_DEVLINK_HANDLE_STRLEN + 12]; /* "pci/0000:03:00.0/2" */
	unsigned int index;
	char representor[16];   /* the representor netdev, or "" */
	int representor_ifindex; /* or SRIOV_NO_VALUE */
	char hw_addr[96];       /* the port function's, "aa:bb:..", or "" */
	int state;              /* 1 active, 0 inactive, SRIOV_NO_VALUE */
	int opstate;            /* 1 attached, 0 detached, SRIOV_NO_VALUE */
};

/* -ENOENT (quietly) when the VF has no devlink port. */
SRIOV_EXPORT int sriov_vf_read_port(struct sriov_vf *vf,
				    struct sriov_vf_port *ret);

/* Changing the eswitch mode: the steps of the plan, in order. */
enum sriov_eswitch_action {
	SRIOV_ESWITCH_SAVE_SETTINGS,    /* read and journal the VFs' settings */
	SRIOV_ESWITCH_REMOVE_VFS,       /* VFs to 0: the driver needs it */
	SRIOV_ESWITCH_SET_MODE,         /* the devlink request, read back */
	SRIOV_ESWITCH_CREATE_VFS,       /* the VFs again, as many as before */
	SRIOV_ESWITCH_RESTORE_SETTINGS, /* what the change lost, re-applied */
};

enum sriov_eswitch_status {
	SRIOV_ESWITCH_PLANNED,   /* dry run, or not reached */
	SRIOV_ESWITCH_DONE,
	SRIOV_ESWITCH_FAILED,
	SRIOV_ESWITCH_UNDONE,    /* done, then rolled back */
	SRIOV_ESWITCH_SKIPPED,   /* nothing to do (no settings were lost) */
};

struct sriov_eswitch_opts {
	size_t sz;
	int mode;         /* SRIOV_ESWITCH_LEGACY or SRIOV_ESWITCH_SWITCHDEV */
	bool force;       /* remove and re-create VFs when the driver needs it */
	bool dry_run;     /* plan and report, change nothing */
	int timeout_ms;   /* for removing and creating VFs; 0: 30 s */
};

struct sriov_eswitch_step {
	enum sriov_eswitch_action action;
	enum sriov_eswitch_status status;
	int error;        /* -errno when FAILED */
};

#define SRIOV_ESWITCH_MAX_STEPS 5
struct sriov_eswitch_report {
	char handle[SRIOV_DEVLINK_HANDLE_STRLEN];
	int mode_before, mode_after;       /* SRIOV_ESWITCH_* or SRIOV_NO_VALUE */
	int num_vfs_before, num_vfs_after;
	bool changed;
	bool vfs_recreated;                /* the plan removes and re-creates VFs */
	bool rolled_back;
	size_t n_steps;
	struct sriov_eswitch_step steps[SRIOV_ESWITCH_MAX_STEPS];
	size_t n_settings_saved;           /* VFs whose settings were journaled */
	size_t n_settings_restored;        /* VFs whose settings were re-applied */
	size_t n_settings_failed;          /* VFs with a setting not re-applied */
	unsigned long devlink_writes;      /* devlink change requests sent */
	char *journal;                     /* the settings journal's path, or NULL */
};

/*
 * Sets the PF's eswitch mode, planned from what the driver needs: a small
 * table (ice refuses while VFs exist; mlx5 loses the VFs' settings) and
 * the kernel's answer. When VFs exist and the driver needs none, the
 * change is refused with -ECANCELED (the sequence in the last error)
 * unless opts->force: then the VFs' settings are journaled, the VFs
 * removed (refused, -ECANCELED, when one is in use), the mode set, the
 * VFs re-created and their settings re-applied. Settings a mode change
 * lost are re-applied too. Every step is verified by reading back; on a
 * failure the steps done are rolled back (mode, VFs, settings). Rate
 * nodes of the instance make the kernel refuse any mode: -EBUSY naming
 * them. The same mode is no change. *ret_report (free with
 * sriov_eswitch_report_free()) is set whenever the PF was read.
 */
SRIOV_EXPORT int sriov_pf_set_eswitch(struct sriov_pf *pf,
				      const struct sriov_eswitch_opts *opts,
				      struct sriov_eswitch_report **ret_report);
SRIOV_EXPORT void sriov_eswitch_report_free(struct sriov_eswitch_report *r);
/* "save-settings", "remove-vfs", ... / "planned", "done", ...; or NULL. */
SRIOV_EXPORT const char *sriov_eswitch_action_name(int action);
SRIOV_EXPORT const char *sriov_eswitch_status_name(int status);

/* Why one field of a VF's change failed. */
struct sriov_vf_field_error {
	uint32_t field;                 /* one SRIOV_VF_HAS_* bit */
	int error;                      /* -errno */
	const char *message;            /* the reason: the kernel's, or errno's text */
};

/* The outcome of a settings change for one VF. */
struct sriov_vf_change {
	struct sriov_vf *vf;
	struct sriov_vf_config before;
	struct sriov_vf_config after;   /* read back after writing */
	uint32_t changed;               /* fields written and verified */
	uint32_t failed;                /* fields rejected or not verified */
	size_t n_errors;                /* one per bit of failed, by bit order */
	const struct sriov_vf_field_error *errors;
};

/* -errno of one failed field of the change (0: it did not fail); its
 * reason in *ret_message when that is not NULL. */
SRIOV_EXPORT int sriov_vf_change_error(const struct sriov_vf_change *change,
				       uint32_t field, const char **ret_message);

struct sriov_vf_change_report {
	size_t n;
	struct sriov_vf_change *vfs;
	size_t n_failed;                /* VFs with a failed field */
};

/*
 * Applies desired[i] (only the fields in its mask) to vfs[i]. Values are
 * validated before anything is sent; only fields that differ from the
 * current settings are written, with one request per PF where possible,
 * and every write is verified by reading back. A field the driver rejects
 * fails alone. Returns 0 when every VF was tried (see n_failed), or a
 * negative errno when nothing could be done.
 */
SRIOV_EXPORT int sriov_vf_set_config(struct sriov_vf *const *vfs,
				     const struct sriov_vf_config *desired,
				     size_t n, bool dry_run,
				     struct sriov_vf_change_report **ret_report);
SRIOV_EXPORT void
sriov_vf_change_report_free(struct sriov_vf_change_report *report);

/* Checks one desired configuration; -EINVAL/-ERANGE with the reason. */
SRIOV_EXPORT int sriov_vf_config_check(struct sriov_ctx *ctx,
				       const struct sriov_vf_config *cfg);
/* The name of one SRIOV_VF_HAS_* field: "mac", "vlan", "max_tx_rate"... */
SRIOV_EXPORT const char *sriov_vf_field_name(uint32_t field);

/*
 * The VF field table: every key of the VF settings, in a fixed order (that
 * of the JSON output). A field (one SRIOV_VF_HAS_* bit) has one key, or a
 * first key and parts that go with it: "vlan", then "qos" and "vlan_proto".
 */
enum sriov_vf_value_type {
	SRIOV_VF_VALUE_STRING,   /* in JSON a string: "02:00:00:00:00:01", "auto" */
	SRIOV_VF_VALUE_NUMBER,
	SRIOV_VF_VALUE_BOOL,
};

struct sriov_vf_key {
	const char *name;        /* JSON and desired-state key: "max_tx_rate" */
	const char *word;        /* its word in sriovctl vf set: "max-tx-rate" */
	uint32_t field;          /* its SRIOV_VF_HAS_* bit */
	bool part;               /* given along with its field's first key */
	bool per_vf;             /* names one VF (MAC, GUID): not for a range */
	enum sriov_vf_value_type type;
	const char *expected;    /* what its text looks like, for messages */
};

/* Room for the longest value text and its NUL (a GUID). */
#define SRIOV_VF_VALUE_STRLEN 24

/* Key i of the table, from 0; NULL past the last. */
SRIOV_EXPORT const struct sriov_vf_key *sriov_vf_key_at(size_t i);
/* The key named name, or NULL with errno ENOENT. */
SRIOV_EXPORT const struct sriov_vf_key *sriov_vf_key_find(const char *name);
/*
 * Reads text, as sriov_vf_key_format() writes it, as the key's value into
 * cfg. A field's first key adds the field to cfg->mask and gives its parts
 * that are still 0 their default (vlan_proto: 802.1Q); a part leaves the
 * mask alone. -EINVAL when text is malformed, -ERANGE when a number is too
 * large; cfg is untouched then.
 */
SRIOV_EXPORT int sriov_vf_key_parse(const struct sriov_vf_key *key,
				    const char *text,
				    struct sriov_vf_config *cfg);
/*
 * The key's value in cfg as text, whether or not cfg->mask has its field:
 * "02:00:00:00:00:01", "4095", "true", "802.1ad", "auto"... -ENOSPC when
 * size is too small.
 */
SRIOV_EXPORT int sriov_vf_key_format(const struct sriov_vf_key *key,
				     const struct sriov_vf_config *cfg,
				     char *buf, size_t size);

/* IOMMU groups */

struct sriov_iommu_member {
	char pci[SRIOV_PCI_ADDR_STRLEN];
	const char *driver;   /* NULL when unbound */
	uint32_t class_code;
	uint16_t vendor_id;
	uint16_t device_id;
	bool is_bridge;
	/* on a VFIO driver, by the rule of <sriov/vfio.h> */
	bool on_vfio;
};

struct sriov_iommu_group_info {
	int id;
	const char *type;     /* "DMA", "DMA-FQ", "identity", ... or NULL */
	size_t n_members;
	const struct sriov_iommu_member *members;
};

struct sriov_iommu_group;

/* True when the kernel has at least one IOMMU registered. */
SRIOV_EXPORT bool sriov_iommu_enabled(struct sriov_ctx *ctx);
SRIOV_EXPORT int sriov_iommu_group_list(struct sriov_ctx *ctx,
					struct sriov_iommu_group *const **ret_groups,
					size_t *ret_count);
/* A group by number or by the PCI address (or PF/VF name) of a member. */
SRIOV_EXPORT int sriov_iommu_group_find(struct sriov_ctx *ctx,
					const char *name,
					struct sriov_iommu_group **ret_group);
SRIOV_EXPORT const struct sriov_iommu_group_info *
sriov_iommu_group_get_info(const struct sriov_iommu_group *group);

#ifdef __cplusplus
}
#endif

#endif
