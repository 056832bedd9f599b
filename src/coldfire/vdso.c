// SPDX-License-Identifier: MIT
/*
 * The ColdFire vDSO in the simulated mm (the seed's
 * arch/m68k/coldfire/vdso/vdso.c): one page per machine holding the blob
 * and, at +VDSO_VAR_OFFSET, the thread pointer the kernel stores on every
 * switch; a special mapping of it in each coldfire mm that execs.
 *
 * The page is the kernel's: the machine holds a reference for as long as
 * it lives, each PTE mapping it one more, and it is accounted as a file
 * page (MM_FILEPAGES), never anonymous.  Linux 6.x gives special mappings
 * no VM_ALWAYSDUMP (that flag is gone); VM_DONTEXPAND is added by
 * _install_special_mapping().
 */
#include <string.h>
#include <mmsim/coldfire/vdso.h>
#include <mmsim/mmsim.h>

struct msim_vdso {
	struct msim_machine_ext ext;
	struct msim_machine *machine;
	struct page *pages[2]; /* the vDSO page, then NULL as Linux ends it */
	struct vm_special_mapping spec;
};

static const struct msim_machine_ext_ops vdso_ext_ops;

static struct msim_vdso *vdso_of(struct msim_machine *m)
{
	struct msim_machine_ext *ext = msim_machine_ext_find(m, &vdso_ext_ops);

	return ext ? container_of(ext, struct msim_vdso, ext) : NULL;
}

static unsigned char *vdso_var(struct msim_vdso *v)
{
	return (unsigned char *)page_address(v->pages[0]) + VDSO_VAR_OFFSET;
}

/*
 * Made once per machine; two mms setting up at once each build one and
 * the loser frees its own, so no lock is held across the allocation.
 */
static struct msim_vdso *vdso_get(struct msim_machine *m)
{
	const struct msim_vdso_image *img = msim_vdso_seed();
	struct msim_vdso *v = vdso_of(m);
	struct msim_machine_ext *ext;
	struct page *page;

	if (v || !img)
		return v;
	if (msim_page_size(m->arch) < VDSO_VAR_OFFSET + 4)
		return NULL;
	v = msim_kzalloc(m, MSIM_ALLOC_OTHER, sizeof(*v));
	if (!v)
		return NULL;
	page = msim_alloc_page(m, MSIM_ALLOC_FRAME);
	if (!page) {
		msim_kfree(m, MSIM_ALLOC_OTHER, v);
		return NULL;
	}
	memcpy(page_address(page), img->data, img->size);
	v->pages[0] = page;
	/*
	 * Named by arch_vma_name(), as the seed's install_special_mapping()
	 * left it; today's kernels put "[vdso]" here instead.
	 */
	v->spec.name = NULL;
	v->spec.pages = v->pages;
	v->machine = m;
	v->ext.ops = &vdso_ext_ops;
	ext = msim_machine_ext_add(m, &v->ext);
	if (ext != &v->ext) {
		put_page(page);
		msim_kfree(m, MSIM_ALLOC_OTHER, v);
		v = container_of(ext, struct msim_vdso, ext);
	}
	return v;
}

struct page *vdso_init(struct msim_machine *m)
{
	struct msim_vdso *v = vdso_get(m);

	return v ? v->pages[0] : NULL;
}

/* The page and the descriptor stay until the machine is destroyed. */
static long vdso_kept(struct msim_machine_ext *ext, enum msim_alloc_kind kind)
{
	(void)ext;
	return kind == MSIM_ALLOC_FRAME || kind == MSIM_ALLOC_OTHER;
}

/* The machine is going: every mm, hence every mapping, is gone. */
static void vdso_release(struct msim_machine_ext *ext)
{
	struct msim_vdso *v = container_of(ext, struct msim_vdso, ext);

	put_page(v->pages[0]);
	msim_kfree(v->machine, MSIM_ALLOC_OTHER, v);
}

static const struct msim_machine_ext_ops vdso_ext_ops = {
	.name = "vdso",
	.kept = vdso_kept,
	.release = vdso_release,
};

static bool is_coldfire(const struct mm_struct *mm)
{
	return mm->arch == &msim_arch_coldfire;
}

int arch_setup_additional_pages(struct linux_binprm *bprm, int executable_stack)
{
	struct mm_struct *mm = bprm ? bprm->mm : NULL;
	const struct msim_vdso_image *img = msim_vdso_seed();
	struct vm_area_struct *vma;
	struct msim_vdso *v;
	unsigned long addr, psize, mbase;

	(void)executable_stack;
	if (!mm || !is_coldfire(mm))
		return -EINVAL;
	if (!img)
		return -ENOEXEC;
	v = vdso_get(mm->machine);
	if (!v)
		return -ENOMEM;
	psize = mm_page_size(mm);
	/*
	 * VDSO_MBASE: below TASK_UNMAPPED_BASE, so that brk() of a static
	 * binary can still grow (the seed's reason).
	 */
	mbase = mm->arch->mmap_base - psize;

	mmap_write_lock(mm);
	/* Exec maps one into a new mm; never a second beside it. */
	for_each_vma(mm, vma) {
		if (vma_is_special_mapping(vma, &v->spec)) {
			mmap_write_unlock(mm);
			return -EEXIST;
		}
	}
	mm->context.vdso = 0;
	addr = get_unmapped_area(mm, mbase, psize, 0, 0);
	if (IS_ERR_VALUE(addr))
		goto out;
	vma = _install_special_mapping(mm, addr, psize,
				       VM_READ | VM_EXEC | VM_MAYREAD |
					       VM_MAYWRITE | VM_MAYEXEC,
				       &v->spec);
	if (IS_ERR(vma)) {
		addr = (unsigned long)PTR_ERR(vma);
		goto out;
	}
	mm->context.vdso = addr;
out:
	mmap_write_unlock(mm);
	/* Misplaced or not, the caller asks msim_vdso_misplaced(). */
	return IS_ERR_VALUE(addr) ? (int)(long)addr : 0;
}

bool msim_vdso_misplaced(struct mm_struct *mm)
{
	const struct msim_vdso_image *img = msim_vdso_seed();

	return img && mm->context.vdso && mm->context.vdso != img->link_base;
}

/* m68k is big-endian: the word is stored as the CPU will load it. */
void msim_vdso_set_tp(struct msim_machine *m, uint32_t tp)
{
	struct msim_vdso *v = vdso_get(m);
	unsigned char *p;

	if (!v)
		return;
	p = vdso_var(v);
	p[0] = (unsigned char)(tp >> 24);
	p[1] = (unsigned char)(tp >> 16);
	p[2] = (unsigned char)(tp >> 8);
	p[3] = (unsigned char)tp;
}

uint32_t msim_vdso_get_tp(struct msim_machine *m)
{
	struct msim_vdso *v = vdso_of(m);
	const unsigned char *p;

	if (!v)
		return 0;
	p = vdso_var(v);
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}
