/* cf-explore's violations, one entry point each (--entry, --check). */
#include <cfrt.h>

int thread_main(int id)
{
	return id;
}

int check(void)
{
	return 0;
}

int fails(void)
{
	cf_puts("bad\n");
	return 7;
}

int exits(int id)
{
	if (id == 1)
		cf_exit_group(3);
	return 0;
}

int just_exits(int id)
{
	cf_exit(id);
	return 0;
}

int illegal(int id)
{
	__asm__ volatile("illegal");
	return id;
}

int segv(int id)
{
	*(volatile int *)16 = id;
	return 0;
}

int spins(int id)
{
	for (;;)
		__asm__ volatile("" ::: "memory");
	return id;
}
