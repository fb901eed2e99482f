/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libsriov passthrough: move devices to vfio-pci and back under a journal
 * with rollback, judge IOMMU group viability, open VFIO the way QEMU does,
 * and emit QEMU arguments and libvirt XML for the devices.
 *
 * Same conventions as <sriov/sriov.h>: int functions return 0 or a
 * negative errno, refusals by a safety check are -ECANCELED with the
 * reason in sriov_ctx_last_error(), invalid input -EINVAL or -ERANGE.
 */
#ifndef SRIOV_VFIO_H
#define SRIOV_VFIO_H

#include "sriov/sriov.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Longest claim name: [A-Za-z0-9_.-], not starting with '.' or '-'. */
#define SRIOV_CLAIM_NAME_MAX 64

/* IOMMU group viability */

/*
 * True when the driver is a VFIO driver by its name alone: vfio-pci or a
 * variant named so (mlx5_vfio_pci ...). sriov_driver_is_vfio() is the
 * whole rule.
 */
SRIOV_EXPORT bool sriov_vfio_driver_is_vfio(const char *driver);
/*
 * True when the driver hands its devices to VFIO: a VFIO driver by name
 * (sriov_vfio_driver_is_vfio()), or any driver whose module uses
 * vfio_pci_core (it is listed in /sys/module/vfio_pci_core/holders/).
 * Every decision of the library on VFIO drivers takes this rule.
 */
SRIOV_EXPORT bool sriov_driver_is_vfio(struct sriov_ctx *ctx, const char *driver);

/*
 * Whether a member lets its group be used through VFIO, by the kernel's
 * rule: bound to a VFIO driver (on_vfio, as the library reads the member,
 * or a VFIO driver by name), to pci-stub, to pcieport (bridges), or to
 * no driver at all. A member on any other driver is a host driver doing
 * DMA in the group, and the kernel refuses the group to VFIO.
 */
SRIOV_EXPORT bool sriov_iommu_member_viable(const struct sriov_iommu_member *m);
/* True when every member of the group is viable. */
SRIOV_EXPORT bool sriov_iommu_group_viable(const struct sriov_iommu_group *g);

/*
 * Devices to pass through: a VF specification as for
 * sriov_vf_spec_resolve(), or the PCI address of a device that is not an
 * SR-IOV PF (a PF's address names its VFs). *ret_addrs is malloc'ed.
 */
SRIOV_EXPORT int sriov_vfio_spec_resolve(struct sriov_ctx *ctx,
					 const char *spec,
					 struct sriov_pci_addr **ret_addrs,
					 size_t *ret_count);

/* Driver binding */

/* Options that may grow: set sz to sizeof(struct sriov_vfio_opts). */
struct sriov_vfio_opts {
	size_t sz;
	/*
	 * Bind even though the host uses the device's netdev (addresses,
	 * routes, a bond/bridge/VRF master, the interface up). Never
	 * overrides an open VFIO group, a bridge, or a non-viable group.
	 */
	bool force;
	bool dry_run;      /* plan and report, write nothing */
	const char *owner; /* bind: "USER[:GROUP]" gets /dev/vfio/N; NULL: leave */
	int timeout_ms;    /* bound on each sysfs write; 0: 30 s */
	/* release: leave the VF settings as they are (see sriov_vfio_release()) */
	bool keep_settings;
	/* release: a function-level reset (the reset attribute) before the move */
	bool reset;
	/*
	 * bind: the VFIO driver; NULL: the device's vfio-pci variant driver
	 * when modules.alias names one (ctx's modules_dir), else vfio-pci.
	 * "vfio-pci" forces the plain driver.
	 */
	const char *driver;
};

struct sriov_vfio_result {
	char pci[SRIOV_PCI_ADDR_STRLEN];
	char pf[SRIOV_PCI_ADDR_STRLEN]; /* "" when the device is no VF */
	int vf;                         /* VF number, -1 for other devices */
	int iommu_group;                /* SRIOV_NO_VALUE: in no group */
	const char *driver_before;      /* NULL: no driver */
	const char *driver_after;
	const char *group_dev;          /* bind: "DEV/vfio/N", else NULL */
	bool changed;                   /* the device ended on another driver */
	bool rolled_back;               /* it was changed, then restored */
	int error;                      /* 0, or -errno (-ECANCELED: refused) */
	const char *message;            /* why it failed or was refused */
	uint32_t settings_restored;     /* release: SRIOV_VF_HAS_* written back */
	uint32_t settings_failed;       /* release: SRIOV_VF_HAS_* that failed */
	bool reset;                     /* release: the device was reset */
};

struct sriov_vfio_report {
	bool changed;
	size_t n;
	struct sriov_vfio_result *devs;
	size_t n_failed;
};

/*
 * Moves devices to vfio-pci: for each one, journal (original driver,
 * driver_override and VF settings) in the state directory, set
 * driver_override, unbind, drivers_probe (explicit bind where the kernel
 * needs it), verify the driver link, then check that every IOMMU group
 * involved is viable. Devices already on vfio-pci are left alone. Loads
 * vfio-pci when needed (real sysfs only). Everything is checked before
 * anything is written; a failure at any step puts every device of the
 * call back on its original driver. Changes are serialised with the
 * other changes to the same PF. *ret_report (free with
 * sriov_vfio_report_free()) is set whenever the devices could be read,
 * also on failure.
 */
SRIOV_EXPORT int sriov_vfio_bind(struct sriov_ctx *ctx,
				 const struct sriov_pci_addr *devs, size_t n,
				 const struct sriov_vfio_opts *opts,
				 struct sriov_vfio_report **ret_report);
/*
 * Returns devices from vfio-pci to the driver (and driver_override) the
 * journal recorded at bind time, or, without a journal entry, to whatever
 * the kernel matches once driver_override is cleared. Devices not on
 * vfio-pci are left alone. Refused while the device's VFIO group is open.
 *
 * Before the host driver takes a VF back, its settings are given back
 * over rtnetlink (one request per PF, on the running kernel only): those
 * the journal recorded at bind time (MAC, VLAN/QoS/protocol, rates,
 * spoof checking, trust, link state), and for spoof checking, trust and
 * the VLAN, when the journal lacks them, safe defaults (spoof checking
 * on, trust off, VLAN 0). Only fields that differ are written;
 * keep_settings leaves them all alone. Once the host driver has taken a
 * VF back and udev has named its netdev (within timeout_ms), the MTU that
 * netdev had at bind time is set back where it differs
 * (SRIOV_VF_HAS_MTU); a VF without a driver or a netdev keeps its MTU,
 * with a warning logged. A setting that fails does not
 * undo the move: it is named in settings_failed and the device's error,
 * and the call returns -EIO. With reset, the device's reset attribute
 * is written after the settings and before the driver moves; a device
 * without one fails the call and stays on vfio-pci.
 */
SRIOV_EXPORT int sriov_vfio_release(struct sriov_ctx *ctx,
				    const struct sriov_pci_addr *devs, size_t n,
				    const struct sriov_vfio_opts *opts,
				    struct sriov_vfio_report **ret_report);
SRIOV_EXPORT void sriov_vfio_report_free(struct sriov_vfio_report *report);

/* Claims: VFs leased to a VM launcher, and given back whole */

enum sriov_claim_driver {
	SRIOV_CLAIM_DRIVER_VFIO = 0,  /* the VFs move to vfio-pci (journaled) */
	SRIOV_CLAIM_DRIVER_HOST = 1,  /* they stay on their host driver */
};

enum sriov_claim_mac {
	SRIOV_CLAIM_MAC_NONE = 0,     /* MACs left alone */
	SRIOV_CLAIM_MAC_AUTO = 1,     /* derived from the claim's name and VF */
	SRIOV_CLAIM_MAC_LIST = 2,     /* macs: one per VF, in the claim's order */
	SRIOV_CLAIM_MAC_COUNT = 3,    /* macs: the first, then one more per VF */
};

/* Options that may grow: set sz to sizeof(struct sriov_claim_opts). */
struct sriov_claim_opts {
	size_t sz;
	/* claim add */
	size_t count;                 /* VFs to claim, at least 1 */
	const char *const *pfs;       /* only VFs of these PFs (names); NULL: any */
	size_t n_pfs;
	bool numa_set;                /* only VFs whose PF is on NUMA node numa_node */
	int numa_node;
	uint32_t device;              /* VF vendor:device as 0xVVVVDDDD; 0: any */
	bool spread;                  /* across PFs; default: fill one PF first */
	int driver;                   /* enum sriov_claim_driver */
	const char *owner;            /* "USER[:GROUP]" gets the group nodes */
	struct sriov_vf_config settings; /* for every VF (its mac is not used) */
	int mac_mode;                 /* enum sriov_claim_mac */
	const uint8_t *macs;          /* 6 bytes per address */
	size_t n_macs;
	long holder_pid;              /* the process holding the claim; 0: none */
	/* every verb */
	bool dry_run;
	int timeout_ms;               /* bound on locks and sysfs writes; 0: 30 s */
	/* claim release and gc */
	bool keep_settings;
	bool reset;
	/*
	 * claim add on VFIO: as sriov_vfio_opts.driver (NULL: the device's
	 * vfio-pci variant driver when there is one; "vfio-pci": the plain one)
	 */
	const char *vfio_driver;
	/*
	 * claim add with SRIOV_CLAIM_DRIVER_HOST: the MTU of each VF's host
	 * netdev (within its PF's, as sriov_vf_set_mtu()); 0: left alone.
	 * Refused (-EINVAL) for VFIO claims: the guest sets that MTU.
	 */
	unsigned int mtu;
};

struct sriov_claim_vf {
	char pci[SRIOV_PCI_ADDR_STRLEN];
	char pf[SRIOV_PCI_ADDR_STRLEN];
	int vf;
	int iommu_group;              /* SRIOV_NO_VALUE: none */
	char driver_before[SRIOV_CLAIM_NAME_MAX + 1]; /* "": none */
	char driver[SRIOV_CLAIM_NAME_MAX + 1];        /* when claimed; "": none */
	bool has_before;
	struct sriov_vf_config before; /* settings from before the claim */
	struct sriov_vf_config settings; /* what the claim set (mask) */
	unsigned int mtu_before;      /* host claims: its netdev's MTU before; 0: none */
	unsigned int mtu;             /* host claims: the MTU the claim set; 0: none */
};

struct sriov_claim {
	char name[SRIOV_CLAIM_NAME_MAX + 1];
	int64_t created;              /* seconds since the epoch */
	long holder_pid;              /* 0: none */
	uint64_t holder_start;        /* the holder's start time (clock ticks) */
	bool holder_alive;            /* as read by sriov_claim_get() and gc */
	char owner[SRIOV_CLAIM_NAME_MAX * 2 + 2]; /* "": none */
	int driver;                   /* enum sriov_claim_driver */
	bool complete;                /* false: claim add did not finish */
	size_t n;
	struct sriov_claim_vf *vfs;
};

/*
 * Picks opts->count free VFs, records the lease STATE_DIR/claims/NAME.json
 * (atomic, 0600), binds them to vfio-pci as sriov_vfio_bind() does (group
 * nodes to opts->owner) unless the driver is HOST, and gives them the
 * settings and MACs asked. Free means: in no other lease, not used by the
 * host (addresses, routes, a master, the interface up), no open VFIO group
 * or device, not on a VFIO driver, no interrupted change in the journal,
 * and (for vfio-pci) an IOMMU group that the VF alone makes viable. VFs
 * are taken in PF address and VF order, one PF filled first, or with
 * spread round-robin across PFs. The choice is made under one claims lock,
 * so parallel calls never share a VF. -EINVAL: bad options, an existing
 * name, filters that match no VF; -EBUSY: fewer free VFs than asked, with
 * what was found in the last error, nothing taken. A failure part-way
 * undoes what was done. *ret_claim (sriov_claim_free()) on success; with
 * dry_run it is the plan and nothing is written.
 */
SRIOV_EXPORT int sriov_claim_add(struct sriov_ctx *ctx, const char *name,
				 const struct sriov_claim_opts *opts,
				 struct sriov_claim **ret_claim);
/* The lease of a claim, validated; -ENOENT when there is none. */
SRIOV_EXPORT int sriov_claim_get(struct sriov_ctx *ctx, const char *name,
				 struct sriov_claim **ret_claim);
/* The names of every lease, sorted; free with sriov_strv_free(). */
SRIOV_EXPORT int sriov_claim_list(struct sriov_ctx *ctx, char ***ret_names,
				  size_t *ret_n);
/*
 * Gives a claim's VFs back whole: vfio-pci VFs through
 * sriov_vfio_release() with the settings from before the claim, VFs left
 * on their host driver get those settings back; then the lease is
 * removed. On failure the lease stays. *ret_claim (may be NULL) is the
 * lease as it was.
 */
SRIOV_EXPORT int sriov_claim_release(struct sriov_ctx *ctx, const char *name,
				     const struct sriov_claim_opts *opts,
				     struct sriov_claim **ret_claim);
/*
 * Releases the claims whose holder process is gone (all with all; leases
 * without a holder are kept otherwise). *ret_released and *ret_failed
 * (sriov_strv_free()) name them; returns the first failure's -errno.
 */
SRIOV_EXPORT int sriov_claim_gc(struct sriov_ctx *ctx, bool all,
				const struct sriov_claim_opts *opts,
				char ***ret_released, char ***ret_failed);
SRIOV_EXPORT void sriov_claim_free(struct sriov_claim *claim);

/* Recovery after a crash */

struct sriov_recover_result {
	char pci[SRIOV_PCI_ADDR_STRLEN];
	const char *state;  /* journal state: "binding", "releasing", "bound" */
	const char *action; /* "restored", "released", "kept", "dropped", "none" */
	const char *driver; /* the device's driver afterwards, NULL: none */
	bool changed;
	int error;          /* 0 or -errno */
	const char *message;
};

struct sriov_recover_report {
	bool changed;
	size_t n;
	struct sriov_recover_result *entries;
	size_t n_failed;
};

/*
 * Replays the journal left by an interrupted bind or release (a killed
 * process): a bind in progress is rolled back to the original driver, a
 * release in progress is completed. Entries of completed binds are kept
 * (release needs them) unless their device is gone or no longer on
 * vfio-pci. Each entry is handled under its PF's lock.
 */
SRIOV_EXPORT int sriov_recover(struct sriov_ctx *ctx, bool dry_run,
			       struct sriov_recover_report **ret_report);
SRIOV_EXPORT void sriov_recover_report_free(struct sriov_recover_report *r);

/* Opening VFIO as QEMU does */

enum sriov_vfio_step {
	SRIOV_VFIO_STEP_OPEN_CONTAINER,
	SRIOV_VFIO_STEP_API_VERSION,
	SRIOV_VFIO_STEP_TYPE1V2,
	SRIOV_VFIO_STEP_OPEN_GROUP,
	SRIOV_VFIO_STEP_GROUP_STATUS,
	SRIOV_VFIO_STEP_SET_CONTAINER,
	SRIOV_VFIO_STEP_SET_IOMMU,
	SRIOV_VFIO_STEP_IOMMU_INFO,
	SRIOV_VFIO_STEP_MAP_DMA,
	SRIOV_VFIO_STEP_UNMAP_DMA,
	SRIOV_VFIO_STEP_DEVICE_FD,
	SRIOV_VFIO_STEP_DEVICE_INFO,
	SRIOV_VFIO_STEP_REGIONS,
	SRIOV_VFIO_STEP_IRQS,
	SRIOV_VFIO_STEP_RESET,
	SRIOV_VFIO_N_STEPS,
};

/* "open container", "api version", ... */
SRIOV_EXPORT const char *sriov_vfio_step_name(int step);

struct sriov_vfio_region {
	uint32_t index;   /* VFIO_PCI_*_REGION_INDEX: BAR0-5, ROM, config, VGA */
	uint32_t flags;   /* VFIO_REGION_INFO_FLAG_* */
	uint64_t size;
};

struct sriov_vfio_irq {
	uint32_t index;   /* VFIO_PCI_*_IRQ_INDEX: INTx, MSI, MSI-X, err, req */
	uint32_t flags;
	uint32_t count;
};

struct sriov_vfio_iova_range {
	uint64_t start;
	uint64_t end;     /* inclusive */
};

/* Options that may grow: set sz to sizeof(struct sriov_vfio_check_opts). */
struct sriov_vfio_check_opts {
	size_t sz;
	bool no_reset;      /* skip VFIO_DEVICE_RESET */
	uint64_t dma_size;  /* test mapping; 0: 1 MiB */
	const char *vf_token; /* a VF whose PF is on vfio-pci; NULL: the null UUID */
};

struct sriov_vfio_check_report {
	char pci[SRIOV_PCI_ADDR_STRLEN];
	int iommu_group;
	const char *group_path;          /* DEV/vfio/N (noiommu-N) */
	bool ok;                         /* every step passed */
	uint32_t steps_passed;           /* bit (1 << step) per passed step */
	int failed_step;                 /* enum sriov_vfio_step, or -1 */
	int error;                       /* of the failed step */
	const char *message;
	int api_version;
	bool type1v2;
	bool viable;
	uint64_t iova_pgsizes;
	size_t n_iova_ranges;
	struct sriov_vfio_iova_range *iova_ranges;
	int64_t dma_avail;               /* mappings left, -1: not reported */
	uint64_t dma_iova;
	uint64_t dma_size;
	uint32_t device_flags;           /* VFIO_DEVICE_FLAGS_* */
	size_t n_regions;
	struct sriov_vfio_region *regions;
	size_t n_irqs;
	struct sriov_vfio_irq *irqs;
	bool reset_supported;
	bool reset_done;
	bool iommufd;                    /* DEV/iommu exists */
	const char *device_cdev;         /* DEV/vfio/devices/vfioN, or NULL */
};

/*
 * Opens DEV/vfio/vfio and the device's group, checks the API version,
 * the Type1v2 IOMMU and the group's viability, attaches the group,
 * programs the IOMMU with a test mapping (anonymous memory, 1 MiB) and
 * removes it, opens the device and reads its regions, interrupts and
 * reset support, resetting it when it can. Everything is closed again.
 * *ret_report is set whenever the device was found; a failed step
 * returns its -errno and is named in the report.
 */
SRIOV_EXPORT int sriov_vfio_check(struct sriov_ctx *ctx,
				  const struct sriov_pci_addr *dev,
				  const struct sriov_vfio_check_opts *opts,
				  struct sriov_vfio_check_report **ret_report);
SRIOV_EXPORT void
sriov_vfio_check_report_free(struct sriov_vfio_check_report *report);

/*
 * Sets the VF token of an SR-IOV PF bound to vfio-pci (vf_token: a UUID,
 * 8-4-4-4-12 hex digits): opens the PF's VFIO device as
 * sriov_vfio_check() does, sets the token with VFIO_DEVICE_FEATURE
 * (SET | PCI_VF_TOKEN) and closes it. The kernel keeps the token while
 * the PF stays on vfio-pci; the PF's VFs then open only with it (QEMU's
 * vf-token=, sriov_qemu_opts.vf_token). It cannot be read back.
 * -EINVAL for a malformed UUID; -ECANCELED with the reason for a device
 * that is no PF or not on vfio-pci; with dry_run only those checks run.
 */
SRIOV_EXPORT int sriov_vfio_set_vf_token(struct sriov_ctx *ctx,
					 const struct sriov_pci_addr *pf,
					 const char *vf_token, bool dry_run);

/* Preflight: what QEMU will need from the host */

struct sriov_vfio_host {
	bool iommu;                  /* an IOMMU is registered */
	char iommu_kind[32];         /* "intel-vt-d", "amd-vi", "other", "" */
	char domain_type[32];        /* of the first group: DMA, identity... */
	size_t n_groups;
	int irq_remapping;           /* 1 on, 0 off, -1 unknown */
	int unsafe_interrupts;       /* allow_unsafe_interrupts: 1, 0, -1 */
	int noiommu;                 /* enable_unsafe_noiommu_mode: 1, 0, -1 */
	bool vfio_pci_loaded;        /* bus/pci/drivers/vfio-pci exists */
	int vfio_pci_loadable;       /* module found: 1, 0, -1 not looked up */
	bool container;              /* DEV/vfio/vfio exists */
	bool iommufd;                /* DEV/iommu exists */
	size_t n_device_cdevs;       /* DEV/vfio/devices/ entries */
	char cmdline[256];           /* IOMMU words of /proc/cmdline (real sysfs) */
	uint64_t memlock_cur;        /* RLIMIT_MEMLOCK, UINT64_MAX: unlimited */
	uint64_t memlock_max;
	bool cap_ipc_lock;           /* this process may lock any amount */
};

SRIOV_EXPORT int sriov_vfio_host_probe(struct sriov_ctx *ctx,
				       struct sriov_vfio_host *ret_host);

struct sriov_vfio_access {
	char path[512];              /* DEV/vfio/N */
	bool exists;
	uint32_t uid;
	uint32_t gid;
	uint32_t mode;               /* permission bits */
	bool user_rw;                /* the user can open it read-write */
	bool container_rw;           /* ... and DEV/vfio/vfio */
};

/*
 * Whether user (a name or number; NULL: the calling user) may open the
 * group's device node and the container read-write, by owner, group
 * membership and mode.
 */
SRIOV_EXPORT int sriov_vfio_group_access(struct sriov_ctx *ctx, int group,
					 const char *user,
					 struct sriov_vfio_access *ret_access);

/*
 * RLIMIT_MEMLOCK a QEMU with this much guest RAM needs for VFIO: the RAM
 * plus 1 GiB, and the RAM once more per further device when the guest has
 * an emulated IOMMU (each device then pins its own mappings). A need
 * beyond 64 bits is UINT64_MAX.
 */
SRIOV_EXPORT uint64_t sriov_vfio_memlock_need(uint64_t guest_ram,
					      size_t n_devices, bool viommu);

/*
 * 0 when user (NULL: the calling user) may open the group's node and the
 * container read-write; -ECANCELED with the reason when not.
 */
SRIOV_EXPORT int sriov_vfio_access_check(struct sriov_ctx *ctx, int group,
					 const char *user);
/*
 * 0 when host's RLIMIT_MEMLOCK (or CAP_IPC_LOCK) covers
 * sriov_vfio_memlock_need(); -ECANCELED with the numbers when not.
 */
SRIOV_EXPORT int sriov_vfio_memlock_check(struct sriov_ctx *ctx,
					  const struct sriov_vfio_host *host,
					  uint64_t guest_ram, size_t n_devices,
					  bool viommu);

/*
 * 0 when QEMU can take the device now: bound to a VFIO driver and its
 * group viable. Otherwise -ECANCELED with the reason (the driver, or the
 * group members on host drivers).
 */
SRIOV_EXPORT int sriov_vfio_usable(struct sriov_ctx *ctx,
				   const struct sriov_pci_addr *dev);

/* QEMU and libvirt */

/* The ROM BAR of a passed-through device; zero leaves it to QEMU. */
enum sriov_rombar {
	SRIOV_ROMBAR_DEFAULT = 0,
	SRIOV_ROMBAR_OFF = 1,
	SRIOV_ROMBAR_ON = 2,
};

/*
 * Options that may grow: set sz to sizeof(struct sriov_qemu_opts). Zero
 * in every other member means QEMU's (or libvirt's) own default.
 */
struct sriov_qemu_opts {
	size_t sz;
	const char *id_prefix;  /* device ids PREFIX0, PREFIX1...; NULL: "hostdev" */
	bool root_ports;        /* a pcie-root-port per device (q35) */
	const char *bus;        /* bus of the devices (or their root ports) */
	int rombar;             /* enum sriov_rombar */
	bool iommufd;           /* through an iommufd object */
	const char *vf_token;   /* the PF's VF token, for VFs whose PF is on vfio-pci */
	/*
	 * Root ports: the first one's chassis number, which is also its
	 * devfn on the bus: a multiple of 8 from 8 to 240; 0: 64 (slot 8).
	 * Runs for one VM with disjoint ranges do not collide.
	 */
	unsigned int chassis_base;
	/* The QEMU that takes the arguments, SRIOV_QEMU_VERSION(); 0: unknown */
	unsigned int qemu_version;
};

#define SRIOV_QEMU_VERSION(major, minor, micro) \
	((major) * 10000u + (minor) * 100u + (micro))
/* The first QEMU with "-object iommufd" and vfio-pci's iommufd= */
#define SRIOV_QEMU_IOMMUFD_VERSION SRIOV_QEMU_VERSION(9, 0, 0)

/*
 * The null UUID. The kernel gives a PF on vfio-pci a random VF token;
 * its user may set this one (VFIO_DEVICE_FEATURE_PCI_VF_TOKEN).
 */
#define SRIOV_VF_TOKEN_NULL "00000000-0000-0000-0000-000000000000"

/*
 * QEMU arguments for the devices, in order: "-device", "vfio-pci,..."
 * (and pcie-root-port, iommufd object). Root ports are packed eight to a
 * slot (function 0 with multifunction=on), as libvirt does, so that up
 * to 150 fit on one bus. iommufd with a known qemu_version older than
 * SRIOV_QEMU_IOMMUFD_VERSION is -EINVAL with the reason. *ret_argv is a
 * NULL-terminated array; free it with sriov_strv_free().
 */
SRIOV_EXPORT int sriov_qemu_args(struct sriov_ctx *ctx,
				 const struct sriov_pci_addr *devs, size_t n,
				 const struct sriov_qemu_opts *opts,
				 char ***ret_argv);
/*
 * libvirt domain XML for the devices: <interface type='hostdev'> with the
 * MAC and VLAN of cfgs[i] when it has them (cfgs or cfgs[i] may be NULL),
 * else <hostdev mode='subsystem' type='pci' managed='no'>. A VF with a
 * VLAN QoS (priority) or an 802.1ad VLAN gets <hostdev> after a comment
 * that says why: libvirt sets the VLAN of an <interface> itself and
 * would drop both. malloc'ed.
 */
SRIOV_EXPORT int sriov_libvirt_xml(struct sriov_ctx *ctx,
				   const struct sriov_pci_addr *devs,
				   const struct sriov_vf_config *const *cfgs,
				   size_t n, const struct sriov_qemu_opts *opts,
				   char **ret_xml);
SRIOV_EXPORT void sriov_strv_free(char **strv);

#ifdef __cplusplus
}
#endif

#endif
