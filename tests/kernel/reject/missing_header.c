/* expect: linux/debugfs.h: No such file */
#include <linux/debugfs.h>
