// SPDX-License-Identifier: MIT
/*
 * User-space access (see mmsim-kernel/custom/uaccess.h): the current
 * task's mm, accessed by the simulated CPU, which faults as needed.
 * msim_user_access() stops at the page that faulted fatally, having moved
 * the bytes before it: the bytes not copied are counted from there.
 */
#include <string.h>
#include <mmsim/fault.h>
#include <linux/sched.h>
#include <linux/uaccess.h>

static struct mm_struct *current_mm(void)
{
	struct task_struct *tsk = get_current();

	return tsk ? tsk->mm : NULL;
}

bool msim_user_addr_ok(unsigned long addr, unsigned long size)
{
	struct mm_struct *mm = current_mm();
	unsigned long limit = mm ? mm->task_size : 0;

	return size <= limit && addr <= limit - size;
}

/* Move @n bytes; Return: the bytes not moved. */
static unsigned long user_copy(unsigned long addr, void *buf, unsigned long n,
			       enum msim_access access)
{
	struct mm_struct *mm = current_mm();
	unsigned long fault_addr = addr;

	if (!n)
		return 0;
	if (!mm || !msim_user_addr_ok(addr, n))
		return n;
	if (!msim_user_access(mm, addr, buf, n, access, &fault_addr))
		return 0;
	if (fault_addr < addr || fault_addr - addr > n)
		return n;
	return n - (fault_addr - addr);
}

unsigned long msim_copy_to_user(void __user *to, const void *from,
				unsigned long n)
{
	return user_copy((unsigned long)to, (void *)from, n, MSIM_ACCESS_WRITE);
}

unsigned long msim_copy_from_user(void *to, const void __user *from,
				  unsigned long n)
{
	unsigned long left =
		user_copy((unsigned long)from, to, n, MSIM_ACCESS_READ);

	/* As the kernel's: what could not be read reads as zero. */
	if (left)
		memset((char *)to + (n - left), 0, left);
	return left;
}

unsigned long msim_clear_user(void __user *to, unsigned long n)
{
	static const char zeroes[256];
	unsigned long done = 0, chunk, left;

	while (done < n) {
		chunk = n - done < sizeof(zeroes) ? n - done : sizeof(zeroes);
		left = msim_copy_to_user((char __user *)to + done, zeroes,
					 chunk);
		if (left)
			return n - done - (chunk - left);
		done += chunk;
	}
	return 0;
}

long msim_strncpy_from_user(char *dst, const char __user *src, long count)
{
	long i;

	for (i = 0; i < count; i++) {
		if (msim_copy_from_user(&dst[i], src + i, 1))
			return -EFAULT;
		if (!dst[i])
			return i;
	}
	return count;
}
