/* cf-explore's system calls: brk, mmap2, mprotect, madvise, munmap,
 * write, sched_yield, gettid, get/set_thread_area, and calls mmsim does
 * not model (-ENOSYS, counted); check() prints what each returned. */
#include <cfrt.h>

#define CF_NR_getpid 20

static long got[2][8];
static char *heap;

int thread_main(int id)
{
	long *g = got[id & 1];
	char *cur, *end, *p;

	if (id == 0) {
		cur = (char *)cf_brk(0);
		end = (char *)cf_brk(cur + 3 * CF_PAGE_SIZE);
		g[0] = end - cur;
		cur[0] = 'h';
		end[-1] = 'e';
		heap = cur;
		p = cf_mmap(0, 2 * CF_PAGE_SIZE, CF_PROT_READ | CF_PROT_WRITE,
			    CF_MAP_PRIVATE | CF_MAP_ANONYMOUS);
		p[0] = 1;
		p[CF_PAGE_SIZE] = 2;
		g[1] = cf_mprotect(p, CF_PAGE_SIZE, CF_PROT_READ);
		g[2] = cf_madvise(p + CF_PAGE_SIZE, CF_PAGE_SIZE,
				  CF_MADV_DONTNEED);
		g[3] = p[0] + p[CF_PAGE_SIZE];
		g[4] = cf_munmap(p, 2 * CF_PAGE_SIZE);
	} else {
		g[0] = cf_set_thread_area((void *)0x12345678);
		g[1] = (long)cf_get_thread_area();
		g[2] = (long)cf_read_tp();
	}
	g[5] = cf_syscall(CF_NR_getpid, 0, 0, 0, 0, 0);
	g[6] = cf_syscall(999, 0, 0, 0, 0, 0) + cf_sched_yield();
	g[7] = cf_gettid();
	cf_puts("thread ");
	cf_put_int(id);
	cf_puts("\n");
	return 0;
}

static void show(const char *what, long v)
{
	cf_puts(what);
	cf_put_int(v);
}

int check(void)
{
	int t, i;

	for (t = 0; t < 2; t++) {
		cf_puts("T");
		cf_put_int(t);
		for (i = 0; i < 8; i++)
			show(" ", got[t][i]);
		cf_puts("\n");
	}
	show("heap ", heap[0]);
	show(" ", heap[3 * CF_PAGE_SIZE - 1]);
	cf_puts("\n");
	return got[0][0] == 3 * CF_PAGE_SIZE ? 0 : 1;
}
