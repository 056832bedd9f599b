// SPDX-License-Identifier: MIT
#include <errno.h>
#include <mmsim/err.h>

#define E(x) [x] = #x
/* clang-format off */
static const char *const names[] = {
	E(EPERM),  E(ENOENT), E(ESRCH),	 E(EINTR),     E(EIO),
	E(ENXIO),  E(E2BIG),  E(ENOEXEC), E(EBADF),    E(ECHILD),
	E(EAGAIN), E(ENOMEM), E(EACCES), E(EFAULT),    E(EBUSY),
	E(EEXIST), E(ENODEV), E(EINVAL), E(ENFILE),    E(EMFILE),
	E(EFBIG),  E(ENOSPC), E(ERANGE), E(ENOSYS),    E(EOVERFLOW),
	E(EUCLEAN), E(EOPNOTSUPP),
};
/* clang-format on */

const char *msim_errno_name(long err)
{
	if (err < -MAX_ERRNO || err > MAX_ERRNO)
		return "E?";
	if (err < 0)
		err = -err;
	if (err < (long)(sizeof(names) / sizeof(names[0])) && names[err])
		return names[err];
	return "E?";
}
