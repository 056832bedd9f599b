// SPDX-License-Identifier: MIT
/*
 * The run-time of a ColdFire program for mmsim, linked into every program
 * with crt0.S: the vDSO's entry points found as a C library finds them
 * (AT_SYSINFO_EHDR, then the vDSO's own dynamic symbol table through
 * DT_HASH), and __cfrt_start(), the rest of _start.  Freestanding: no C
 * library, nothing but what <cfrt.h> declares.
 */
#include "cfrt.h"

/* The ELF structures this needs, big-endian as the CPU reads them. */
struct ehdr {
	unsigned char ident[16];
	unsigned short type, machine;
	unsigned int version, entry, phoff, shoff, flags;
	unsigned short ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct phdr {
	unsigned int type, offset, vaddr, paddr, filesz, memsz, flags, align;
};

struct sym {
	unsigned int name, value, size;
	unsigned char info, other;
	unsigned short shndx;
};

#define PT_LOAD 1
#define PT_DYNAMIC 2
#define DT_NULL 0
#define DT_HASH 4
#define DT_STRTAB 5
#define DT_SYMTAB 6

unsigned long __cfrt_sysinfo_ehdr;
void *__cfrt_vdso_read_tp;
void *__cfrt_vdso_cmpxchg;
void *__cfrt_vdso_barrier;
char **__cfrt_environ;

static int same(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

/* @name in the vDSO at @base, or 0: its hash table bounds its symbols. */
static unsigned long vdso_sym(unsigned long base, const char *name)
{
	const struct ehdr *eh = (const struct ehdr *)base;
	const struct phdr *ph = (const struct phdr *)(base + eh->phoff);
	const unsigned int *dyn = 0, *hash = 0;
	const struct sym *syms = 0;
	const char *str = 0;
	unsigned long bias = 0;
	unsigned int i, n;

	for (i = 0; i < eh->phnum; i++) {
		if (ph[i].type == PT_LOAD && !ph[i].offset)
			bias = base - ph[i].vaddr;
		if (ph[i].type == PT_DYNAMIC)
			dyn = (const unsigned int *)(unsigned long)ph[i].vaddr;
	}
	if (!dyn)
		return 0;
	dyn = (const unsigned int *)((unsigned long)dyn + bias);
	for (; dyn[0] != DT_NULL; dyn += 2) {
		if (dyn[0] == DT_HASH)
			hash = (const unsigned int *)(dyn[1] + bias);
		else if (dyn[0] == DT_STRTAB)
			str = (const char *)(dyn[1] + bias);
		else if (dyn[0] == DT_SYMTAB)
			syms = (const struct sym *)(dyn[1] + bias);
	}
	if (!hash || !str || !syms)
		return 0;
	n = hash[1]; /* nchain: one per symbol */
	for (i = 1; i < n; i++)
		if (syms[i].shndx && same(str + syms[i].name, name))
			return syms[i].value + bias;
	return 0;
}

/*
 * What _start does before main(): the environment, and the vDSO's entry
 * points.  cf-explore calls it on the first thread before the threads
 * run, with the stack pointer exec left.
 */
void __cfrt_init(long *sp)
{
	long argc = sp[0];
	char **argv = (char **)(sp + 1);
	char **envp = argv + argc + 1;
	unsigned long *auxv;

	__cfrt_environ = envp;
	while (*envp)
		envp++;
	for (auxv = (unsigned long *)(envp + 1); auxv[0]; auxv += 2)
		if (auxv[0] == CF_AT_SYSINFO_EHDR)
			__cfrt_sysinfo_ehdr = auxv[1];
	if (!__cfrt_sysinfo_ehdr)
		return;
	__cfrt_vdso_read_tp =
		(void *)vdso_sym(__cfrt_sysinfo_ehdr, "__kernel_read_tp");
	__cfrt_vdso_cmpxchg = (void *)vdso_sym(__cfrt_sysinfo_ehdr,
					       "__kernel_atomic_cmpxchg_32");
	__cfrt_vdso_barrier = (void *)vdso_sym(__cfrt_sysinfo_ehdr,
					       "__kernel_atomic_barrier");
}

int main(int argc, char **argv, char **envp) __attribute__((weak));

void __cfrt_start(long *sp)
{
	int ret = 0;

	__cfrt_init(sp);
	if (main)
		ret = main((int)sp[0], (char **)(sp + 1), __cfrt_environ);
	cf_exit_group(ret);
}

/* What the compiler calls for __thread variables. */
void *__m68k_read_tp(void)
{
	return cf_read_tp();
}
