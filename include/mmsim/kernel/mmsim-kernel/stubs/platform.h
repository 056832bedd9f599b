/* SPDX-License-Identifier: MIT */
/*
 * STUBBED: platform devices and drivers.
 * MODEL: platform-bus-stub: platform_driver_register() binds the driver
 * to every platform device registered with its name, now and later,
 * calling ->probe(); unregistering either calls ->remove().  No
 * resources, no device tree, no power management.
 */
#ifndef MMSIM_KERNEL_STUBS_PLATFORM_H
#define MMSIM_KERNEL_STUBS_PLATFORM_H

#include <mmsim/export.h>
#include <mmsim-kernel/stubs/device.h>

struct platform_device {
	const char *name;
	int id;
	struct device dev;
	struct platform_driver *msim_driver;
	struct platform_device *msim_next;
};

struct platform_driver {
	int (*probe)(struct platform_device *pdev);
	void (*remove)(struct platform_device *pdev);
	void (*shutdown)(struct platform_device *pdev);
	struct device_driver driver;
	struct platform_driver *msim_next;
};

#define PLATFORM_DEVID_NONE (-1)
#define PLATFORM_DEVID_AUTO (-2)

#define to_platform_device(d) container_of((d), struct platform_device, dev)

MSIM_API struct platform_device *msim_platform_device_alloc(const char *name,
							    int id);
MSIM_API int msim_platform_device_add(struct platform_device *pdev);
MSIM_API void msim_platform_device_del(struct platform_device *pdev);
MSIM_API void msim_platform_device_put(struct platform_device *pdev);
MSIM_API int msim_platform_driver_register(struct platform_driver *drv);
MSIM_API void msim_platform_driver_unregister(struct platform_driver *drv);

#define platform_device_alloc(name, id) msim_platform_device_alloc(name, id)
#define platform_device_add(pdev) msim_platform_device_add(pdev)
#define platform_device_del(pdev) msim_platform_device_del(pdev)
#define platform_device_put(pdev) msim_platform_device_put(pdev)
#define platform_driver_register(drv) msim_platform_driver_register(drv)
#define platform_driver_unregister(drv) msim_platform_driver_unregister(drv)

static inline void platform_device_unregister(struct platform_device *pdev)
{
	msim_platform_device_del(pdev);
	msim_platform_device_put(pdev);
}

static inline struct platform_device *
platform_device_register_simple(const char *name, int id, const void *res,
				unsigned int num)
{
	struct platform_device *pdev = msim_platform_device_alloc(name, id);
	int err;

	(void)res;
	(void)num;
	if (!pdev)
		return ERR_PTR(-ENOMEM);
	err = msim_platform_device_add(pdev);
	if (err) {
		msim_platform_device_put(pdev);
		return ERR_PTR(err);
	}
	return pdev;
}

static inline void *platform_get_drvdata(const struct platform_device *pdev)
{
	return dev_get_drvdata(&pdev->dev);
}

static inline void platform_set_drvdata(struct platform_device *pdev,
					void *data)
{
	dev_set_drvdata(&pdev->dev, data);
}

#define module_platform_driver(drv)                                            \
	static int msim_platform_init_(void)                                   \
	{                                                                      \
		return platform_driver_register(&(drv));                       \
	}                                                                      \
	static void msim_platform_exit_(void)                                  \
	{                                                                      \
		platform_driver_unregister(&(drv));                            \
	}                                                                      \
	module_init(msim_platform_init_);                                      \
	module_exit(msim_platform_exit_)

#endif /* MMSIM_KERNEL_STUBS_PLATFORM_H */
