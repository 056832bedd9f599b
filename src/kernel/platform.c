// SPDX-License-Identifier: MIT
/*
 * Platform devices and drivers (see mmsim-kernel/stubs/platform.h):
 * matched by name, probed on whichever side registers last.
 */
#include <pthread.h>
#include <string.h>
#include <linux/platform_device.h>
#include <linux/slab.h>

static pthread_mutex_t platform_lock = PTHREAD_MUTEX_INITIALIZER;
static struct platform_device *pdevs;
static struct platform_driver *pdrvs;

static void platform_device_release(struct device *dev)
{
	kfree(to_platform_device(dev));
}

struct platform_device *msim_platform_device_alloc(const char *name, int id)
{
	struct platform_device *pdev = kzalloc(sizeof(*pdev), GFP_KERNEL);

	if (!pdev)
		return NULL;
	pdev->name = name;
	pdev->id = id;
	msim_device_initialize(&pdev->dev);
	pdev->dev.release = platform_device_release;
	if (id >= 0)
		msim_dev_set_name(&pdev->dev, "%s.%d", name, id);
	else
		msim_dev_set_name(&pdev->dev, "%s", name);
	return pdev;
}

static void probe(struct platform_device *pdev, struct platform_driver *drv)
{
	pdev->dev.driver = &drv->driver;
	pdev->msim_driver = drv;
	if (drv->probe && drv->probe(pdev)) {
		pdev->dev.driver = NULL;
		pdev->msim_driver = NULL;
	}
}

static void unbind(struct platform_device *pdev)
{
	struct platform_driver *drv = pdev->msim_driver;

	if (drv && drv->remove)
		drv->remove(pdev);
	pdev->dev.driver = NULL;
	pdev->msim_driver = NULL;
}

int msim_platform_device_add(struct platform_device *pdev)
{
	struct platform_driver *drv;

	pthread_mutex_lock(&platform_lock);
	pdev->msim_next = pdevs;
	pdevs = pdev;
	for (drv = pdrvs; drv; drv = drv->msim_next)
		if (!strcmp(drv->driver.name, pdev->name)) {
			probe(pdev, drv);
			break;
		}
	pthread_mutex_unlock(&platform_lock);
	return 0;
}

void msim_platform_device_del(struct platform_device *pdev)
{
	struct platform_device **p;

	pthread_mutex_lock(&platform_lock);
	for (p = &pdevs; *p; p = &(*p)->msim_next) {
		if (*p == pdev) {
			*p = pdev->msim_next;
			break;
		}
	}
	unbind(pdev);
	pthread_mutex_unlock(&platform_lock);
}

void msim_platform_device_put(struct platform_device *pdev)
{
	if (pdev)
		msim_put_device(&pdev->dev);
}

int msim_platform_driver_register(struct platform_driver *drv)
{
	struct platform_device *pdev;

	pthread_mutex_lock(&platform_lock);
	drv->msim_next = pdrvs;
	pdrvs = drv;
	for (pdev = pdevs; pdev; pdev = pdev->msim_next)
		if (!pdev->msim_driver && !strcmp(drv->driver.name, pdev->name))
			probe(pdev, drv);
	pthread_mutex_unlock(&platform_lock);
	return 0;
}

void msim_platform_driver_unregister(struct platform_driver *drv)
{
	struct platform_driver **p;
	struct platform_device *pdev;

	pthread_mutex_lock(&platform_lock);
	for (pdev = pdevs; pdev; pdev = pdev->msim_next)
		if (pdev->msim_driver == drv)
			unbind(pdev);
	for (p = &pdrvs; *p; p = &(*p)->msim_next) {
		if (*p == drv) {
			*p = drv->msim_next;
			break;
		}
	}
	pthread_mutex_unlock(&platform_lock);
}
