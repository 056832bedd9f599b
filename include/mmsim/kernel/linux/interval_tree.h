/* SPDX-License-Identifier: MIT */
/*
 * <linux/interval_tree.h>: The interval tree (the model's, on its AVL
 * tree; its root is struct msim_avl_root, where the kernel's is struct
 * rb_root_cached).  CUSTOMISED.
 */
#ifndef MMSIM_KERNEL_LINUX_INTERVAL_TREE_H
#define MMSIM_KERNEL_LINUX_INTERVAL_TREE_H

#include <mmsim/interval_tree.h>

#endif /* MMSIM_KERNEL_LINUX_INTERVAL_TREE_H */
