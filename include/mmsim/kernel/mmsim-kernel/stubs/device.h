/* SPDX-License-Identifier: MIT */
/*
 * STUBBED: the driver model (struct device, struct class,
 * device_create()).  MODEL: device-model-stub: enough to compile a
 * driver and to find its devices
 * from a test: a device has a name, a parent, driver data and a device
 * number; device_create() records the name with the number, so that
 * msim_kdev_open() (<linux/fs.h>) opens "/dev/NAME".  Nothing else of
 * sysfs, buses or power management exists.  A device's release() is
 * called when put_device() drops its last reference.  dev_info() and
 * friends print through printk() with the device's name.
 */
#ifndef MMSIM_KERNEL_STUBS_DEVICE_H
#define MMSIM_KERNEL_STUBS_DEVICE_H

#include <stdarg.h>
#include <sys/types.h>
#include <mmsim/err.h>
#include <mmsim/export.h>
#include <mmsim-kernel/custom/printk.h>
#include <mmsim-kernel/dup/list.h>
#include <mmsim-kernel/dup/refcount.h>
#include <mmsim-kernel/dup/types.h>
#include <mmsim-kernel/stubs/module.h>

/* dev_t is the host's (<sys/types.h>): wider than the kernel's u32. */

#define MINORBITS 20
#define MINORMASK ((1U << MINORBITS) - 1)
#define MAJOR(dev) ((unsigned int)((dev) >> MINORBITS))
#define MINOR(dev) ((unsigned int)((dev)&MINORMASK))
#define MKDEV(ma, mi) (((ma) << MINORBITS) | (mi))

struct device;

struct class
{
	const char *name;
};

struct device_driver {
	const char *name;
	struct module *owner;
};

/**
 * struct device - the stub of one
 * @init_name: the name to give at device_add()
 * @parent: the parent, or NULL
 * @class: the class, if made by device_create()
 * @driver: the driver bound, if any
 * @devt: the device number, 0 if none
 * @release: called by the last put_device()
 * @msim_name: the name, from dev_set_name() or @init_name
 * @msim_ref: references (get_device(), put_device())
 */
struct device {
	const char *init_name;
	struct device *parent;
	const struct class *class;
	struct device_driver *driver;
	dev_t devt;
	void *driver_data;
	void *platform_data;
	void (*release)(struct device *dev);
	char msim_name[64];
	struct kref msim_ref;
	struct device *msim_next;
};

MSIM_API void msim_device_initialize(struct device *dev);
MSIM_API int msim_device_add(struct device *dev);
MSIM_API void msim_device_del(struct device *dev);
MSIM_API void msim_put_device(struct device *dev);
MSIM_API __printf(2, 3) int msim_dev_set_name(struct device *dev,
					      const char *fmt, ...);
MSIM_API struct class *msim_class_create(const char *name);
MSIM_API void msim_class_destroy(const struct class *cls);
MSIM_API __printf(5, 6) struct device *msim_device_create(
	const struct class *cls, struct device *parent, dev_t devt,
	void *drvdata, const char *fmt, ...);
MSIM_API void msim_device_destroy(const struct class *cls, dev_t devt);

static inline const char *dev_name(const struct device *dev)
{
	return dev->msim_name[0] ? dev->msim_name
	       : dev->init_name	 ? dev->init_name
				 : "(null)";
}

#define dev_set_name(dev, fmt, ...) msim_dev_set_name(dev, fmt, ##__VA_ARGS__)
#define device_initialize(dev) msim_device_initialize(dev)
#define device_add(dev) msim_device_add(dev)
#define device_del(dev) msim_device_del(dev)
#define put_device(dev) msim_put_device(dev)
#define class_create(name) msim_class_create(name)
#define class_destroy(cls) msim_class_destroy(cls)
#define device_create(cls, parent, devt, drvdata, fmt, ...)                    \
	msim_device_create(cls, parent, devt, drvdata, fmt, ##__VA_ARGS__)
#define device_destroy(cls, devt) msim_device_destroy(cls, devt)

static inline int device_register(struct device *dev)
{
	msim_device_initialize(dev);
	return msim_device_add(dev);
}

static inline void device_unregister(struct device *dev)
{
	msim_device_del(dev);
	msim_put_device(dev);
}

static inline struct device *get_device(struct device *dev)
{
	if (dev)
		kref_get(&dev->msim_ref);
	return dev;
}

static inline void *dev_get_drvdata(const struct device *dev)
{
	return dev->driver_data;
}

static inline void dev_set_drvdata(struct device *dev, void *data)
{
	dev->driver_data = data;
}

#define dev_printk(level, dev, fmt, ...)                                       \
	printk(level "%s: " fmt, dev_name(dev), ##__VA_ARGS__)
#define dev_emerg(dev, fmt, ...) dev_printk(KERN_EMERG, dev, fmt, ##__VA_ARGS__)
#define dev_crit(dev, fmt, ...) dev_printk(KERN_CRIT, dev, fmt, ##__VA_ARGS__)
#define dev_alert(dev, fmt, ...) dev_printk(KERN_ALERT, dev, fmt, ##__VA_ARGS__)
#define dev_err(dev, fmt, ...) dev_printk(KERN_ERR, dev, fmt, ##__VA_ARGS__)
#define dev_warn(dev, fmt, ...)                                                \
	dev_printk(KERN_WARNING, dev, fmt, ##__VA_ARGS__)
#define dev_notice(dev, fmt, ...)                                              \
	dev_printk(KERN_NOTICE, dev, fmt, ##__VA_ARGS__)
#define dev_info(dev, fmt, ...) dev_printk(KERN_INFO, dev, fmt, ##__VA_ARGS__)
#ifdef DEBUG
#define dev_dbg(dev, fmt, ...) dev_printk(KERN_DEBUG, dev, fmt, ##__VA_ARGS__)
#else
#define dev_dbg(dev, fmt, ...)                                                 \
	no_printk(KERN_DEBUG "%s: " fmt, dev_name(dev), ##__VA_ARGS__)
#endif
#define dev_err_ratelimited dev_err
#define dev_warn_ratelimited dev_warn
#define dev_info_ratelimited dev_info
#define dev_err_once dev_err
#define dev_warn_once dev_warn
#define dev_err_probe(dev, err, fmt, ...)                                      \
	({                                                                     \
		dev_err(dev, fmt, ##__VA_ARGS__);                              \
		(err);                                                         \
	})

#endif /* MMSIM_KERNEL_STUBS_DEVICE_H */
