/* Each thread's __thread variable stays its own across preemptions: the
 * kernel stores the next thread's TLS pointer in kuser_vdso_tp on every
 * switch, and the compiler reaches __thread variables through
 * __m68k_read_tp(), which cfrt answers from the vDSO's __kernel_read_tp.
 * A switch that left the previous thread's pointer there would have one
 * thread write the other's copy: check() fails. */
#include <cfrt.h>

static __thread int mine = 7; /* .tdata: every thread's copy starts at 7 */
static int bad;

int thread_main(int id)
{
	int i;

	if (mine != 7)
		bad = 1;
	mine = 100 + id;
	for (i = 0; i < 3; i++) {
		cf_barrier();
		if (mine != 100 + id)
			bad = 1;
	}
	return 0;
}

int check(void)
{
	return bad;
}
