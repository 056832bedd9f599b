// SPDX-License-Identifier: MIT
/*
 * The driver-model and character-device stubs (see
 * mmsim-kernel/stubs/device.h and fs.h): registries of named devices
 * and of file operations by device number, and the test's way in,
 * msim_kdev_open() and msim_kfile_*().  The files and inodes a test opens
 * come from the host's allocator, not the machine's: they stand for what
 * the VFS would own.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/slab.h>

static pthread_mutex_t dev_lock = PTHREAD_MUTEX_INITIALIZER;
static struct device *devices;	 /* named devices with a number */
static struct cdev *cdevs;	 /* cdev_add() */
static struct miscdevice *miscs; /* misc_register() */
static unsigned int next_major = 234;

/* struct device */

static void device_kref_release(struct kref *kref)
{
	struct device *dev = container_of(kref, struct device, msim_ref);

	if (dev->release)
		dev->release(dev);
}

void msim_device_initialize(struct device *dev)
{
	kref_init(&dev->msim_ref);
}

int msim_dev_set_name(struct device *dev, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(dev->msim_name, sizeof(dev->msim_name), fmt, ap);
	va_end(ap);
	return 0;
}

int msim_device_add(struct device *dev)
{
	if (!dev->msim_name[0] && dev->init_name)
		snprintf(dev->msim_name, sizeof(dev->msim_name), "%s",
			 dev->init_name);
	pthread_mutex_lock(&dev_lock);
	dev->msim_next = devices;
	devices = dev;
	pthread_mutex_unlock(&dev_lock);
	return 0;
}

void msim_device_del(struct device *dev)
{
	struct device **p;

	pthread_mutex_lock(&dev_lock);
	for (p = &devices; *p; p = &(*p)->msim_next) {
		if (*p == dev) {
			*p = dev->msim_next;
			break;
		}
	}
	pthread_mutex_unlock(&dev_lock);
}

void msim_put_device(struct device *dev)
{
	if (dev)
		kref_put(&dev->msim_ref, device_kref_release);
}

/* struct class and device_create() */

struct class *msim_class_create(const char *name)
{
	struct class *cls = kzalloc(sizeof(*cls), GFP_KERNEL);

	if (!cls)
		return ERR_PTR(-ENOMEM);
	cls->name = name;
	return cls;
}

void msim_class_destroy(const struct class *cls)
{
	kfree(cls);
}

static void device_create_release(struct device *dev)
{
	kfree(dev);
}

struct device *msim_device_create(const struct class *cls,
				  struct device *parent, dev_t devt,
				  void *drvdata, const char *fmt, ...)
{
	struct device *dev = kzalloc(sizeof(*dev), GFP_KERNEL);
	va_list ap;

	if (!dev)
		return ERR_PTR(-ENOMEM);
	msim_device_initialize(dev);
	dev->class = cls;
	dev->parent = parent;
	dev->devt = devt;
	dev->driver_data = drvdata;
	dev->release = device_create_release;
	va_start(ap, fmt);
	vsnprintf(dev->msim_name, sizeof(dev->msim_name), fmt, ap);
	va_end(ap);
	msim_device_add(dev);
	return dev;
}

void msim_device_destroy(const struct class *cls, dev_t devt)
{
	struct device *dev, **p;

	pthread_mutex_lock(&dev_lock);
	for (p = &devices; *p; p = &(*p)->msim_next) {
		dev = *p;
		if (dev->class == cls && dev->devt == devt) {
			*p = dev->msim_next;
			pthread_mutex_unlock(&dev_lock);
			msim_put_device(dev);
			return;
		}
	}
	pthread_mutex_unlock(&dev_lock);
}

/* Device numbers and cdevs */

int msim_alloc_chrdev_region(dev_t *dev, unsigned int baseminor,
			     unsigned int count, const char *name)
{
	(void)count;
	(void)name;
	pthread_mutex_lock(&dev_lock);
	*dev = MKDEV(next_major, baseminor);
	next_major++;
	pthread_mutex_unlock(&dev_lock);
	return 0;
}

int msim_register_chrdev_region(dev_t from, unsigned int count,
				const char *name)
{
	(void)from;
	(void)count;
	(void)name;
	return 0;
}

void msim_unregister_chrdev_region(dev_t from, unsigned int count)
{
	(void)from;
	(void)count;
}

void msim_cdev_init(struct cdev *cdev, const struct file_operations *fops)
{
	memset(cdev, 0, sizeof(*cdev));
	cdev->ops = fops;
}

int msim_cdev_add(struct cdev *cdev, dev_t dev, unsigned int count)
{
	cdev->dev = dev;
	cdev->count = count;
	pthread_mutex_lock(&dev_lock);
	cdev->msim_next = cdevs;
	cdevs = cdev;
	pthread_mutex_unlock(&dev_lock);
	return 0;
}

void msim_cdev_del(struct cdev *cdev)
{
	struct cdev **p;

	pthread_mutex_lock(&dev_lock);
	for (p = &cdevs; *p; p = &(*p)->msim_next) {
		if (*p == cdev) {
			*p = cdev->msim_next;
			break;
		}
	}
	pthread_mutex_unlock(&dev_lock);
}

/* Misc devices: major 10. */

int msim_misc_register(struct miscdevice *misc)
{
	static unsigned int next_minor = 64;

	pthread_mutex_lock(&dev_lock);
	if (misc->minor == MISC_DYNAMIC_MINOR)
		misc->minor = (int)next_minor++;
	memset(&misc->msim_dev, 0, sizeof(misc->msim_dev));
	misc->msim_dev.devt = MKDEV(10, (unsigned int)misc->minor);
	misc->msim_dev.parent = misc->parent;
	snprintf(misc->msim_dev.msim_name, sizeof(misc->msim_dev.msim_name),
		 "%s", misc->nodename ? misc->nodename : misc->name);
	misc->this_device = &misc->msim_dev;
	misc->msim_next = miscs;
	miscs = misc;
	pthread_mutex_unlock(&dev_lock);
	return 0;
}

void msim_misc_deregister(struct miscdevice *misc)
{
	struct miscdevice **p;

	pthread_mutex_lock(&dev_lock);
	for (p = &miscs; *p; p = &(*p)->msim_next) {
		if (*p == misc) {
			*p = misc->msim_next;
			break;
		}
	}
	pthread_mutex_unlock(&dev_lock);
	misc->this_device = NULL;
}

/* Opening a device, as the VFS would. */

struct msim_open_file {
	struct file file;
	struct inode inode;
};

int msim_kdev_open(dev_t devt, const char *name, struct file **filp)
{
	const struct file_operations *fops = NULL;
	struct miscdevice *misc, *found_misc = NULL;
	struct msim_open_file *of;
	struct cdev *cdev, *found_cdev = NULL;
	struct device *dev;
	int err;

	pthread_mutex_lock(&dev_lock);
	if (!devt && name) {
		for (dev = devices; dev; dev = dev->msim_next)
			if (dev->devt && !strcmp(dev->msim_name, name))
				devt = dev->devt;
		for (misc = miscs; misc && !devt; misc = misc->msim_next)
			if (!strcmp(misc->msim_dev.msim_name, name))
				devt = misc->msim_dev.devt;
	}
	for (misc = miscs; misc && devt; misc = misc->msim_next)
		if (misc->msim_dev.devt == devt) {
			found_misc = misc;
			fops = misc->fops;
		}
	for (cdev = cdevs; cdev && devt && !fops; cdev = cdev->msim_next)
		if (MAJOR(devt) == MAJOR(cdev->dev) &&
		    MINOR(devt) >= MINOR(cdev->dev) &&
		    MINOR(devt) - MINOR(cdev->dev) < cdev->count) {
			found_cdev = cdev;
			fops = cdev->ops;
		}
	pthread_mutex_unlock(&dev_lock);
	if (!fops)
		return -ENODEV;

	of = calloc(1, sizeof(*of));
	if (!of)
		return -ENOMEM;
	of->inode.i_rdev = devt;
	of->inode.i_cdev = found_cdev;
	of->file.f_op = fops;
	of->file.f_inode = &of->inode;
	of->file.f_mode = FMODE_READ | FMODE_WRITE;
	if (found_misc)
		of->file.private_data = found_misc;
	if (fops->open) {
		err = fops->open(&of->inode, &of->file);
		if (err) {
			free(of);
			return err;
		}
	}
	*filp = &of->file;
	return 0;
}

long msim_kfile_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	if (!file->f_op->unlocked_ioctl)
		return -ENOTTY;
	return file->f_op->unlocked_ioctl(file, cmd, arg);
}

ssize_t msim_kfile_read(struct file *file, char __user *buf, size_t count)
{
	if (!file->f_op->read)
		return -EINVAL;
	return file->f_op->read(file, buf, count, &file->f_pos);
}

ssize_t msim_kfile_write(struct file *file, const char __user *buf,
			 size_t count)
{
	if (!file->f_op->write)
		return -EINVAL;
	return file->f_op->write(file, buf, count, &file->f_pos);
}

int msim_kfile_release(struct file *file)
{
	struct msim_open_file *of =
		container_of(file, struct msim_open_file, file);
	int ret = 0;

	if (file->f_op->release)
		ret = file->f_op->release(file->f_inode, file);
	free(of);
	return ret;
}
