/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Private declarations shared by the library's source files. */
#ifndef SRIOV_INTERNAL_H
#define SRIOV_INTERNAL_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "sriov/sriov.h"
#include "cleanup.h"

#define SRIOV_ERRBUF_LEN 512

struct pci_access;
struct sriov_names;

struct sriov_pf {
	struct sriov_ctx *ctx;
	struct sriov_pf_info info;
	/* bus/<bus>/devices/<dev_name>: "pci" and the address for PCI PFs */
	char bus[32];
	char dev_name[64];
	char **netdevs;          /* NULL-terminated */
	char *driver;
	char *driver_override;
	char *vendor_name;
	char *device_name;
	bool names_loaded;
	size_t n_vfs;
	struct sriov_vf **vfs;   /* indexed by VF number, may hold NULLs */
	unsigned long generation; /* grows when vfs[] is read again */
	bool eswitch_loaded;     /* eswitch holds what devlink said */
	struct sriov_eswitch_info eswitch;
	/* PCI PFs with VFs: the directory beside which the kernel puts them */
	bool has_parent_fd;
	int parent_fd;
};

/* pf's parent directory fd (sriov_sysfs_dev_parent_open()), or -1. */
static inline int sriov_pf_parent_fd(const struct sriov_pf *pf)
{
	return pf->has_parent_fd ? pf->parent_fd : -1;
}

struct sriov_vf {
	struct sriov_pf *pf;
	struct sriov_vf_info info;
	char *driver;
	char *driver_override;
	char *netdev;
	bool has_config;
	struct sriov_vf_config config;  /* from rtnetlink, when has_config */
};

struct sriov_iommu_group {
	struct sriov_iommu_group_info info;
	struct sriov_iommu_member *members;
	char *type;
};

struct sriov_ctx {
	int sysfs_fd;            /* O_PATH directory fd of the sysfs root */
	int held_fd;             /* sysfs.c: a held device's directory, or -1 */
	struct sriov_pci_addr held_addr;
	char *sysfs_root;
	bool live;               /* the root is the running kernel's /sys */
	char *dev_root;
	char *state_dir;
	char *modules_dir;       /* NULL: none (a sysfs root not the kernel's) */
	sriov_log_fn log_fn;
	enum sriov_log_level log_max;
	void *log_userdata;
	sriov_progress_fn progress_fn;
	void *progress_userdata;
	char errbuf[SRIOV_ERRBUF_LEN];
	/* what the user should know about a change that went ahead */
	char **notes;
	size_t n_notes;

	struct pci_access *pacc; /* lazily created */
	struct sriov_names *names; /* names.c: hwdb and pci.ids, on first use */

	struct sriov_pf **pfs;   /* every PF loaded so far */
	size_t n_pfs;
	bool scanned;            /* pfs holds every PF of the host */

	/*
	 * The seam for simulated kernels in tests: when set, every sysfs
	 * write goes here instead of to the file. Writes are counted either
	 * way so that idempotency can be asserted.
	 */
	int (*write_hook)(struct sriov_ctx *ctx, const char *path,
			  const char *value, void *data);
	void *write_hook_data;
	unsigned long n_sysfs_writes;
	/* tests: bounded writes behave as where pidfd_open() fails */
	bool no_pidfd;

	/* rtnetlink: opened on first use; a test transport replaces the socket */
	struct sriov_rtnl *rtnl;
	int (*rtnl_transport)(void *userdata, const void *req, size_t req_len,
			      void **ret_reply, size_t *ret_reply_len);
	void *rtnl_transport_data;

	/* devlink: opened on first use, the same way (devlink.h) */
	struct sriov_devlink *devlink;
	bool devlink_absent;     /* no devlink here: asked once, not again */
	int (*devlink_transport)(void *userdata, const void *req,
				 size_t req_len, void **ret_answer,
				 size_t *ret_answer_len);
	void *devlink_transport_data;
	/* every devlink port, from one dump per command (devlink_cmd.c) */
	struct sriov_dl_port *dl_ports;
	size_t n_dl_ports;
	bool dl_ports_loaded;
	int dl_ports_error;      /* of the dump, when it failed */

	struct sriov_iommu_group **groups;
	size_t n_groups;
	bool groups_scanned;
};

/* Records the error text on the context, logs it, returns -err (err > 0). */
int sriov_err(struct sriov_ctx *ctx, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void sriov_log(struct sriov_ctx *ctx, enum sriov_log_level level,
	       const char *fmt, ...) __attribute__((format(printf, 3, 4)));
#define sriov_dbg(ctx, ...) sriov_log(ctx, SRIOV_LOG_DEBUG, __VA_ARGS__)
/*
 * Adds a note for the caller's report (sriov_ctx_notes()), logged at debug
 * level too (the report shows it); the same text twice is kept once.
 */
void sriov_note(struct sriov_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void sriov_notes_free(struct sriov_ctx *ctx);
/* Tells the caller's progress callback, when there is one. */
void sriov_progress(struct sriov_ctx *ctx, const char *what, size_t done,
		    size_t total, const char *pending, const char *state);

/* Validation of names that become path components. */
bool sriov_name_valid(const char *name);
bool sriov_ifname_valid(const char *name);

/* pci.c: libpci wrapper */
int sriov_pci_read_sriov_cap(struct sriov_ctx *ctx,
			     const struct sriov_pci_addr *addr,
			     struct sriov_cap_info *ret_cap);
int sriov_pci_lookup_names(struct sriov_ctx *ctx, uint16_t vendor,
			   uint16_t device, char **ret_vendor,
			   char **ret_device);
void sriov_pci_cleanup(struct sriov_ctx *ctx);

/* names.c: hwdb (live hosts), then pci.ids at ids_path read in place;
 * fills only the names still NULL; -ENOENT when pci.ids is unreadable
 * or compressed */
int sriov_names_lookup(struct sriov_ctx *ctx, const char *ids_path,
		       uint16_t vendor, uint16_t device, char **ret_vendor,
		       char **ret_device);
/* The names of one vendor and device in a pci.ids held in memory. */
void sriov_pci_ids_lookup(const char *ids, size_t size, uint16_t vendor,
			  uint16_t device, char **ret_vendor, char **ret_device);
void sriov_names_cleanup(struct sriov_ctx *ctx);

/* model.c: the context's cache of PFs and their VFs */
void sriov_vf_free(struct sriov_vf *vf);
void sriov_pf_free_contents(struct sriov_pf *pf);
void sriov_pf_free(struct sriov_pf *pf);
void sriov_topology_reset(struct sriov_ctx *ctx);
int sriov_ctx_add_pf(struct sriov_ctx *ctx, struct sriov_pf *pf);
/* The VF at addr among the PCI PFs loaded so far, or NULL; loads nothing. */
struct sriov_vf *sriov_vf_cached(struct sriov_ctx *ctx,
				 const struct sriov_pci_addr *addr);

/* topology.c */
int sriov_pf_load(struct sriov_ctx *ctx, const struct sriov_pci_addr *addr,
		  struct sriov_pf **ret_pf);
int sriov_pf_refresh(struct sriov_pf *pf);
/* A PF on another bus (netdevsim): VFs exist only as rtnetlink entries. */
int sriov_pf_load_bus(struct sriov_ctx *ctx, const char *bus,
		      const char *dev_name, struct sriov_pf **ret_pf);
int sriov_pf_get_bus(struct sriov_ctx *ctx, const char *bus,
		     const char *dev_name, struct sriov_pf **ret_pf);
int sriov_scan_other_buses(struct sriov_ctx *ctx);
int sriov_pf_get(struct sriov_ctx *ctx, const struct sriov_pci_addr *addr,
		 struct sriov_pf **ret_pf);
/*
 * A VF's driver, override, netdev and IOMMU group, read again in place
 * after its driver changed: the handle (and its PF's) stay valid.
 */
int sriov_vf_reload(struct sriov_vf *vf);
/* The same for the cached VF at addr; 0 when no loaded PF has it. */
int sriov_vf_reload_addr(struct sriov_ctx *ctx,
			 const struct sriov_pci_addr *addr);
/*
 * One device's state in sysfs, for the cache and for the binding code.
 * Absent things read as "" (no driver, driver_override unset or missing),
 * an empty list (no net/) or SRIOV_NO_VALUE (no IOMMU group).
 */
int sriov_dev_read_driver(struct sriov_ctx *ctx, const struct sriov_pci_addr *a,
			  char *buf, size_t size);
int sriov_dev_read_override(struct sriov_ctx *ctx,
			    const struct sriov_pci_addr *a, char *buf,
			    size_t size);
/* NULL-terminated, freed with sriov_sysfs_names_free(). */
int sriov_dev_read_netdevs(struct sriov_ctx *ctx, const struct sriov_pci_addr *a,
			   char ***ret);
int sriov_dev_read_iommu_group(struct sriov_ctx *ctx,
			       const struct sriov_pci_addr *a, int *ret);

/* iommu.c */
void sriov_iommu_reset(struct sriov_ctx *ctx);
/*
 * The VFIO node of an IOMMU group: DEV_ROOT/vfio/GROUP, or with noiommu
 * DEV_ROOT/vfio/noiommu-GROUP (no-IOMMU mode); -EINVAL, -ENAMETOOLONG.
 */
int sriov_vfio_group_path(const struct sriov_ctx *ctx, int group,
			  bool noiommu, char *buf, size_t size);
/* The node that exists: noiommu-GROUP when only it does, else GROUP. */
int sriov_vfio_group_node(const struct sriov_ctx *ctx, int group, char *buf,
			  size_t size);

/* Longest driver name kept in fixed buffers (the kernel allows more, none uses it). */
#define SRIOV_DRIVER_NAME_MAX 64

/* vfconfig.c */
struct sriov_rtnl;
void sriov_rtnl_ctx_cleanup(struct sriov_ctx *ctx);
/* devlink.c */
void sriov_devlink_ctx_cleanup(struct sriov_ctx *ctx);
/*
 * sriov_vf_set_config() for a caller that holds the lock of every PF
 * involved (sriov_lock_pf()); it takes none.
 */
int sriov_vf_set_config_locked(struct sriov_vf *const *vfs,
			       const struct sriov_vf_config *desired, size_t n,
			       bool dry_run,
			       struct sriov_vf_change_report **ret_report);
/*
 * sriov_vf_set_config() for a caller that has just read the settings of
 * every PF involved (sriov_pf_read_vf_config()) and planned from them:
 * they are the "before" of the change, and nothing is read before the
 * write. A VF without settings read is -ENODEV, as there.
 */
int sriov_vf_set_config_as_read(struct sriov_vf *const *vfs,
				const struct sriov_vf_config *desired, size_t n,
				struct sriov_vf_change_report **ret_report);
/* The settable fields of want that cur lacks or holds another value of. */
uint32_t sriov_vf_config_diff(const struct sriov_vf_config *cur,
			      const struct sriov_vf_config *want);

/* lock.c */
int sriov_lock_pf(struct sriov_ctx *ctx, const struct sriov_pci_addr *addr,
		  int *ret_fd);
/* The lock of a device by its sysfs name (PCI address, netdevsim1...). */
int sriov_lock_name(struct sriov_ctx *ctx, const char *name, int *ret_fd);
/*
 * Waits are bounded: timeout_ms, or SRIOV_LOCK_TIMEOUT_MS when 0 (the
 * functions above). -ETIMEDOUT names the holder's pid, which each holder
 * writes into the lock file (a bounded write's child, while it runs).
 */
#define SRIOV_LOCK_TIMEOUT_MS 30000
int sriov_lock_pf_within(struct sriov_ctx *ctx, const struct sriov_pci_addr *addr,
			 int timeout_ms, int *ret_fd);
int sriov_lock_name_within(struct sriov_ctx *ctx, const char *name,
			   int timeout_ms, int *ret_fd);
void sriov_unlock(int fd);

/*
 * owner.c: "USER[:GROUP]", names or numbers (a name first); a bare USER
 * gets that user's primary group, a uid the user database does not know
 * the group of the same number. Names are 1-32 of [A-Za-z0-9_.-], not
 * starting with '-'. -EINVAL with the reason for bad syntax or an
 * unknown user or group.
 */
bool sriov_owner_valid(const char *owner);
int sriov_owner_parse(struct sriov_ctx *ctx, const char *owner,
		      uid_t *ret_uid, gid_t *ret_gid);
/* One USER alone (name or number) and its primary group. */
int sriov_owner_user(struct sriov_ctx *ctx, const char *name, uid_t *ret_uid,
		     gid_t *ret_gid);
/* "user:group" by names, numbers where the databases have no name. */
void sriov_owner_format(uid_t uid, gid_t gid, char *buf, size_t size);

/*
 * statefile.c: STATE_DIR/NAME, created mode 0700 when missing, into buf.
 * sriov_write_atomic() replaces path with data: PATH.tmp created afresh
 * (O_EXCL, O_NOFOLLOW) mode 0600, written, fsynced, renamed over path,
 * and the directory fsynced. Callers hold the lock of what path records.
 */
int sriov_state_subdir(struct sriov_ctx *ctx, const char *name, char *buf,
		       size_t size);
/* Creates the state directory (mode 0700) and its parents when missing. */
int sriov_state_dir_ensure(struct sriov_ctx *ctx);
/*
 * -EPERM, with the reason, unless path is a directory (not a link) of
 * root or of the caller that neither group nor others may write.
 */
int sriov_state_dir_trusted(struct sriov_ctx *ctx, const char *path);
/*
 * Opens a file of the state directory: never through a link, never
 * blocking on a FIFO; -EPERM unless it is a regular file, -ENOENT quietly.
 */
int sriov_state_open(struct sriov_ctx *ctx, const char *path, int flags,
		     int *ret_fd);
int sriov_write_atomic(struct sriov_ctx *ctx, const char *path,
		       const void *data, size_t len);
/* Removes path (gone already is fine), then fsyncs its directory. */
int sriov_remove_synced(struct sriov_ctx *ctx, const char *path);
/*
 * Several files of one directory replaced at once, with one sync for all:
 * each PATH.tmp written, one syncfs() of the directory's file system, the
 * renames, one fsync of the directory. A failure part-way leaves each
 * file old or new, never a part, and no .tmp behind.
 */
struct state_file {
	const char *path;
	const void *data;
	size_t len;
};
int sriov_write_atomic_all(struct sriov_ctx *ctx, const struct state_file *files,
			   size_t n);
/* Several files of one directory removed, then one fsync of it. */
int sriov_remove_synced_all(struct sriov_ctx *ctx, const char *const *paths,
			    size_t n);

/*
 * resolve.c: a VF list "0-3,7" (the part after '#' of PF#LIST, "vfs:" of
 * a desired state): numbers up to max, each once, in the order first
 * named. Empty elements, reversed ranges, signs, spaces and other junk
 * are -EINVAL, numbers past max -ERANGE, with the reason on ctx.
 */
#define SRIOV_VF_NUM_MAX 65535
int sriov_vf_list_parse(struct sriov_ctx *ctx, const char *text,
			unsigned int max, unsigned int **ret_idx, size_t *ret_n);

/* sriov_vf_set_mtu() for a caller that holds the lock of vf's PF. */
int sriov_vf_set_mtu_held(struct sriov_vf *vf, unsigned int mtu,
			  unsigned int flags, struct sriov_mtu_change *ret_change);

/* Strict unsigned parsers: whole string, no sign, no junk. */
int sriov_parse_uint(const char *s, int base, unsigned long max,
		     unsigned long *ret);

/* A hex digit's value, or -1. */
static inline int sriov_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

#endif
