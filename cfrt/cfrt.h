/* SPDX-License-Identifier: MIT */
/*
 * cfrt.h - what a ColdFire program for mmsim needs, with no C library:
 * the system calls mmsim models (through trap #0, the m68k ABI: the
 * number in %d0, the arguments in %d1-%d5, the result in %d0, -errno on
 * error) and the vDSO's entry points, which the start file (crt0.S,
 * cfrt.c) finds through AT_SYSINFO_EHDR as a C library does.
 *
 * Build a program with m68k-linux-gnu-gcc as mmsim's pkg-config module
 * (mmsim-coldfire) or CMake function (mmsim_coldfire_program()) say:
 * -mcpu=5475 -static -nostdlib -ffreestanding, the start file first.
 *
 * For mmsim cf-explore, a program defines int thread_main(int id), run
 * by every thread, and int check(void), run once they have all returned;
 * check() returns 0 when what the threads did is right.  It may also
 * define main(), which runs when the program is started on its own.
 */
#ifndef CFRT_H
#define CFRT_H

/* The m68k system call numbers (<asm/unistd.h>). */
#define CF_NR_exit 1
#define CF_NR_write 4
#define CF_NR_brk 45
#define CF_NR_munmap 91
#define CF_NR_mprotect 125
#define CF_NR_sched_yield 158
#define CF_NR_mmap2 192
#define CF_NR_gettid 221
#define CF_NR_madvise 238
#define CF_NR_exit_group 247
#define CF_NR_get_thread_area 333
#define CF_NR_set_thread_area 334

#define CF_AT_SYSINFO_EHDR 33

#define CF_PROT_NONE 0
#define CF_PROT_READ 1
#define CF_PROT_WRITE 2
#define CF_PROT_EXEC 4
#define CF_MAP_PRIVATE 0x02
#define CF_MAP_FIXED 0x10
#define CF_MAP_ANONYMOUS 0x20
#define CF_MAP_FAILED ((void *)-1)
#define CF_MADV_DONTNEED 4
#define CF_PAGE_SIZE 8192

/* Set by the start file: the vDSO, and its entry points (0 if absent). */
extern unsigned long __cfrt_sysinfo_ehdr;
extern void *__cfrt_vdso_read_tp;
extern void *__cfrt_vdso_cmpxchg;
extern void *__cfrt_vdso_barrier;

static inline long cf_syscall(long nr, long a1, long a2, long a3, long a4,
			      long a5)
{
	register long d0 __asm__("%d0") = nr;
	register long d1 __asm__("%d1") = a1;
	register long d2 __asm__("%d2") = a2;
	register long d3 __asm__("%d3") = a3;
	register long d4 __asm__("%d4") = a4;
	register long d5 __asm__("%d5") = a5;

	__asm__ volatile("trap #0"
			 : "+d"(d0)
			 : "d"(d1), "d"(d2), "d"(d3), "d"(d4), "d"(d5)
			 : "memory", "cc");
	return d0;
}

static inline void cf_exit(int status)
{
	for (;;)
		cf_syscall(CF_NR_exit, status, 0, 0, 0, 0);
}

static inline void cf_exit_group(int status)
{
	for (;;)
		cf_syscall(CF_NR_exit_group, status, 0, 0, 0, 0);
}

static inline long cf_write(int fd, const void *buf, unsigned long len)
{
	return cf_syscall(CF_NR_write, fd, (long)buf, (long)len, 0, 0);
}

static inline long cf_brk(void *addr)
{
	return cf_syscall(CF_NR_brk, (long)addr, 0, 0, 0, 0);
}

/* mmap2: the offset in pages (none for anonymous memory). */
static inline void *cf_mmap(void *addr, unsigned long len, int prot, int flags)
{
	long r =
		cf_syscall(CF_NR_mmap2, (long)addr, (long)len, prot, flags, -1);

	return (unsigned long)r >= -4095UL ? CF_MAP_FAILED : (void *)r;
}

static inline long cf_munmap(void *addr, unsigned long len)
{
	return cf_syscall(CF_NR_munmap, (long)addr, (long)len, 0, 0, 0);
}

static inline long cf_mprotect(void *addr, unsigned long len, int prot)
{
	return cf_syscall(CF_NR_mprotect, (long)addr, (long)len, prot, 0, 0);
}

static inline long cf_madvise(void *addr, unsigned long len, int advice)
{
	return cf_syscall(CF_NR_madvise, (long)addr, (long)len, advice, 0, 0);
}

/* A scheduling point: another runnable thread may run. */
static inline long cf_sched_yield(void)
{
	return cf_syscall(CF_NR_sched_yield, 0, 0, 0, 0, 0);
}

static inline long cf_gettid(void)
{
	return cf_syscall(CF_NR_gettid, 0, 0, 0, 0, 0);
}

/* The TLS pointer the kernel stores in kuser_vdso_tp on every switch. */
static inline long cf_set_thread_area(void *tp)
{
	return cf_syscall(CF_NR_set_thread_area, (long)tp, 0, 0, 0, 0);
}

static inline void *cf_get_thread_area(void)
{
	return (void *)cf_syscall(CF_NR_get_thread_area, 0, 0, 0, 0, 0);
}

/*
 * The vDSO's compare-and-exchange: if *@p is @oldval, store @newval.
 * Returns what *@p held; the exchange happened if that is @oldval.  It
 * is atomic only as far as the kernel's entry fixup makes it so: that is
 * what mmsim cf-explore and vdso-fuzz check.
 */
static inline int cf_cmpxchg(volatile int *p, int oldval, int newval)
{
	register int d0 __asm__("%d0") = oldval;
	register int d1 __asm__("%d1") = newval;
	register volatile int *a0 __asm__("%a0") = p;
	register void *a1 __asm__("%a1") = __cfrt_vdso_cmpxchg;

	__asm__ volatile("jsr %%a1@"
			 : "+d"(d0), "+a"(a0)
			 : "d"(d1), "a"(a1)
			 : "memory", "cc");
	return d0;
}

/* The calling thread's TLS pointer, read from the vDSO's data page. */
static inline void *cf_read_tp(void)
{
	register void *a0 __asm__("%a0");
	register void *a1 __asm__("%a1") = __cfrt_vdso_read_tp;

	__asm__ volatile("jsr %%a1@" : "=a"(a0) : "a"(a1) : "%d0", "cc");
	return a0;
}

static inline void cf_barrier(void)
{
	register void *a1 __asm__("%a1") = __cfrt_vdso_barrier;

	__asm__ volatile("jsr %%a1@" : : "a"(a1) : "memory", "cc");
}

/* Output, for what a program wants to show (captured per thread). */
static inline unsigned long cf_strlen(const char *s)
{
	unsigned long n = 0;

	while (s[n])
		n++;
	return n;
}

static inline long cf_puts(const char *s)
{
	return cf_write(1, s, cf_strlen(s));
}

/* @v in decimal. */
static inline long cf_put_int(long v)
{
	char buf[12], *p = buf + sizeof(buf);
	unsigned long u = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;

	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	return cf_write(1, p, (unsigned long)(buf + sizeof(buf) - p));
}

#endif /* CFRT_H */
