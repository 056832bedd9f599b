/* SPDX-License-Identifier: MIT */
/*
 * What the example drivers' test programs share: a simulated machine
 * with one process, current on this thread, as the driver's "user space";
 * its memory mapped, written and read the way a program would; the
 * driver's device opened and driven through its file operations, with
 * each ioctl's argument placed in the process's memory, where the
 * driver's copy_from_user() finds it.  Any check that fails ends the
 * program with a message and exit status 1.
 */
#ifndef KX_HARNESS_H
#define KX_HARNESS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <mmsim/mmsim.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/mmsim_examples.h>

#define KX_BASE 0x10000000UL
/* The page where ioctl arguments and buffers go. */
#define KX_ARGS 0x20000000UL

struct kx {
	struct msim_machine *m;
	struct task_struct *task;
	struct mm_struct *mm;
	unsigned long page;
	struct file *file;
};

#define kx_check(cond)                                                         \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, \
				__LINE__, #cond);                              \
			exit(1);                                               \
		}                                                              \
	} while (0)

static inline void kx_setup(struct kx *k, const char *device)
{
	struct msim_machine_config cfg = { .ram_bytes = 64UL << 20 };

	k->m = msim_machine_create(&cfg);
	kx_check(!IS_ERR(k->m));
	k->task = msim_task_create(k->m, "user");
	kx_check(!IS_ERR(k->task));
	msim_set_current(k->task);
	k->mm = k->task->mm;
	k->page = mm_page_size(k->mm);
	kx_check(msim_mmap(k->mm, KX_ARGS, 4 * k->page, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED) ==
		 (long)KX_ARGS);
	kx_check(msim_kmod_init(NULL) == 0);
	kx_check(msim_kdev_open(0, device, &k->file) == 0);
}

/* The machine must be as it started: nothing the driver took is left. */
static inline void kx_teardown(struct kx *k)
{
	char msg[256];
	int kind;

	kx_check(msim_kfile_release(k->file) == 0);
	msim_kmod_exit(NULL);
	msim_set_current(NULL);
	msim_task_put(k->task);
	if (msim_machine_check(k->m, msg, sizeof(msg))) {
		fprintf(stderr, "invariant broken: %s\n", msg);
		exit(1);
	}
	for (kind = 0; kind < MSIM_NR_ALLOC_KINDS; kind++)
		if (msim_live(k->m, kind) != msim_machine_kept(k->m, kind)) {
			fprintf(stderr, "%ld objects of kind %d leaked\n",
				msim_live(k->m, kind), kind);
			exit(1);
		}
	kx_check(msim_machine_destroy(k->m) == 0);
}

static inline void kx_map(struct kx *k, unsigned long addr, unsigned long len,
			  unsigned long prot)
{
	kx_check(msim_mmap(k->mm, addr, len, prot,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED) ==
		 (long)addr);
}

/* Fill @n pages from @addr: every byte of page i is @seed + i. */
static inline void kx_fill(struct kx *k, unsigned long addr, unsigned long n,
			   unsigned char seed)
{
	unsigned char *buf = malloc(k->page);
	unsigned long i;

	kx_check(buf);
	for (i = 0; i < n; i++) {
		memset(buf, (unsigned char)(seed + i), k->page);
		kx_check(msim_user_write(k->mm, addr + i * k->page, buf,
					 k->page) == 0);
	}
	free(buf);
}

static inline unsigned char kx_peek(struct kx *k, unsigned long addr)
{
	unsigned char b = 0;

	kx_check(msim_user_read(k->mm, addr, &b, 1) == 0);
	return b;
}

static inline void kx_poke(struct kx *k, unsigned long addr, unsigned char b)
{
	kx_check(msim_user_write(k->mm, addr, &b, 1) == 0);
}

/* An ioctl with @c as its argument, in user memory; @c gets it back. */
static inline long kx_ioctl(struct kx *k, unsigned int cmd, struct kx_cmd *c)
{
	long ret;

	kx_check(msim_user_write(k->mm, KX_ARGS, c, sizeof(*c)) == 0);
	ret = msim_kfile_ioctl(k->file, cmd, KX_ARGS);
	kx_check(msim_user_read(k->mm, KX_ARGS, c, sizeof(*c)) == 0);
	return ret;
}

static inline bool kx_on_device(struct kx *k, unsigned long addr)
{
	const struct msim_arch *a = k->mm->arch;
	pte_t *ptep, pte = __pte(0);

	spin_lock(&k->mm->page_table_lock);
	ptep = msim_pte_offset(k->mm, addr);
	if (ptep)
		pte = *ptep;
	spin_unlock(&k->mm->page_table_lock);
	return is_swap_pte(a, pte) &&
	       is_device_private_entry(pte_to_swp_entry(a, pte));
}

#endif /* KX_HARNESS_H */
