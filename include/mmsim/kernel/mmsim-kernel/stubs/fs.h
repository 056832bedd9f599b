/* SPDX-License-Identifier: MIT */
/*
 * STUBBED: files and character devices, enough for a test to use a
 * driver through its file operations.  MODEL: vfs-file-ops-only: a
 * test calls the file operations in place of the VFS.
 *
 * struct file, struct inode and struct file_operations have the members
 * drivers use.  alloc_chrdev_region() hands out major numbers, cdev_add()
 * and misc_register() record a device's file operations, and a test
 * opens the device with msim_kdev_open() (by number, or by the name
 * device_create() or misc_register() gave it), then calls
 * msim_kfile_ioctl(), msim_kfile_read(), msim_kfile_write() and
 * msim_kfile_release(), which call the driver's operations as the VFS
 * would: ->open() with a fresh inode and file, ->release() once at the
 * end.  The calls run on the test's thread, with its current task: that
 * task's mm is the "user space" of copy_to_user().  Nothing else of the
 * VFS exists (no mmap of a device file, no poll, no path lookup).
 */
#ifndef MMSIM_KERNEL_STUBS_FS_H
#define MMSIM_KERNEL_STUBS_FS_H

#include <sys/types.h>
#include <mmsim/export.h>
#include <mmsim-kernel/dup/types.h>
#include <mmsim-kernel/stubs/device.h>

struct file;
struct inode;
struct vm_area_struct;
struct poll_table_struct;

struct file_operations {
	struct module *owner;
	loff_t (*llseek)(struct file *file, loff_t offset, int whence);
	ssize_t (*read)(struct file *file, char __user *buf, size_t count,
			loff_t *pos);
	ssize_t (*write)(struct file *file, const char __user *buf,
			 size_t count, loff_t *pos);
	__poll_t (*poll)(struct file *file, struct poll_table_struct *wait);
	long (*unlocked_ioctl)(struct file *file, unsigned int cmd,
			       unsigned long arg);
	long (*compat_ioctl)(struct file *file, unsigned int cmd,
			     unsigned long arg);
	int (*mmap)(struct file *file, struct vm_area_struct *vma);
	int (*open)(struct inode *inode, struct file *file);
	int (*flush)(struct file *file, void *id);
	int (*release)(struct inode *inode, struct file *file);
	int (*fsync)(struct file *file, loff_t start, loff_t end, int datasync);
};

struct cdev;

struct inode {
	dev_t i_rdev;
	umode_t i_mode;
	struct cdev *i_cdev;
	void *i_private;
};

struct file {
	const struct file_operations *f_op;
	struct inode *f_inode;
	fmode_t f_mode;
	unsigned int f_flags;
	loff_t f_pos;
	void *private_data;
	struct address_space *f_mapping;
};

#define FMODE_READ ((fmode_t)0x1)
#define FMODE_WRITE ((fmode_t)0x2)

static inline struct inode *file_inode(const struct file *f)
{
	return f->f_inode;
}

static inline unsigned int iminor(const struct inode *inode)
{
	return MINOR(inode->i_rdev);
}

static inline unsigned int imajor(const struct inode *inode)
{
	return MAJOR(inode->i_rdev);
}

static inline int nonseekable_open(struct inode *inode, struct file *filp)
{
	(void)inode;
	(void)filp;
	return 0;
}

#define stream_open nonseekable_open
#define no_llseek NULL
#define noop_llseek NULL
#define compat_ptr_ioctl NULL

/* struct cdev */
struct cdev {
	struct module *owner;
	const struct file_operations *ops;
	dev_t dev;
	unsigned int count;
	struct cdev *msim_next;
};

MSIM_API int msim_alloc_chrdev_region(dev_t *dev, unsigned int baseminor,
				      unsigned int count, const char *name);
MSIM_API int msim_register_chrdev_region(dev_t from, unsigned int count,
					 const char *name);
MSIM_API void msim_unregister_chrdev_region(dev_t from, unsigned int count);
MSIM_API void msim_cdev_init(struct cdev *cdev,
			     const struct file_operations *fops);
MSIM_API int msim_cdev_add(struct cdev *cdev, dev_t dev, unsigned int count);
MSIM_API void msim_cdev_del(struct cdev *cdev);

#define alloc_chrdev_region(dev, baseminor, count, name)                       \
	msim_alloc_chrdev_region(dev, baseminor, count, name)
#define register_chrdev_region(from, count, name)                              \
	msim_register_chrdev_region(from, count, name)
#define unregister_chrdev_region(from, count)                                  \
	msim_unregister_chrdev_region(from, count)
#define cdev_init(cdev, fops) msim_cdev_init(cdev, fops)
#define cdev_add(cdev, dev, count) msim_cdev_add(cdev, dev, count)
#define cdev_del(cdev) msim_cdev_del(cdev)

static inline int cdev_device_add(struct cdev *cdev, struct device *dev)
{
	int ret = msim_cdev_add(cdev, dev->devt, 1);

	if (!ret)
		ret = msim_device_add(dev);
	return ret;
}

static inline void cdev_device_del(struct cdev *cdev, struct device *dev)
{
	msim_device_del(dev);
	msim_cdev_del(cdev);
}

/* struct miscdevice */
#define MISC_DYNAMIC_MINOR 255

struct miscdevice {
	int minor;
	const char *name;
	const struct file_operations *fops;
	struct device *parent;
	struct device *this_device;
	const char *nodename;
	umode_t mode;
	struct miscdevice *msim_next;
	struct device msim_dev;
};

MSIM_API int msim_misc_register(struct miscdevice *misc);
MSIM_API void msim_misc_deregister(struct miscdevice *misc);

#define misc_register(misc) msim_misc_register(misc)
#define misc_deregister(misc) msim_misc_deregister(misc)

/* The test's side. */

/**
 * msim_kdev_open - open the character device @devt, or, if @devt is 0,
 * the one named @name (by device_create() or misc_register()), as
 * open(2) of its /dev node would: a new inode and file, then the
 * driver's ->open().  A misc device's file gets the struct miscdevice as
 * private_data before ->open(), as the kernel's misc layer does.
 * Return: 0 and the file in *@filp, -ENODEV, -ENOMEM, or ->open()'s error.
 */
MSIM_API int msim_kdev_open(dev_t devt, const char *name, struct file **filp);

/** msim_kfile_ioctl - ioctl(2): ->unlocked_ioctl(), or -ENOTTY. */
MSIM_API long msim_kfile_ioctl(struct file *file, unsigned int cmd,
			       unsigned long arg);

/** msim_kfile_read - read(2): ->read() at the file position. */
MSIM_API ssize_t msim_kfile_read(struct file *file, char __user *buf,
				 size_t count);

/** msim_kfile_write - write(2): ->write() at the file position. */
MSIM_API ssize_t msim_kfile_write(struct file *file, const char __user *buf,
				  size_t count);

/** msim_kfile_release - the last close(2): ->release(), then free. */
MSIM_API int msim_kfile_release(struct file *file);

#endif /* MMSIM_KERNEL_STUBS_FS_H */
