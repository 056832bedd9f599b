/* SPDX-License-Identifier: MIT */
/*
 * STUBBED: modules.  MODEL: no-module-loader: there is no module loader:
 * a driver's module_init()
 * and module_exit() functions are registered when the program starts (a
 * constructor), under the name KBUILD_MODNAME if the build defines it and
 * the source file's name otherwise, and a test calls them with
 * msim_kmod_init() and msim_kmod_exit().  MODULE_LICENSE() and the other
 * tags, module parameters, EXPORT_SYMBOL() and THIS_MODULE compile to
 * nothing that matters: every symbol of a program is visible to it.
 */
#ifndef MMSIM_KERNEL_STUBS_MODULE_H
#define MMSIM_KERNEL_STUBS_MODULE_H

#include <mmsim/export.h>
#include <mmsim-kernel/dup/compiler.h>

struct module {
	const char *name;
};

#define THIS_MODULE ((struct module *)0)
#define KBUILD_BASENAME __FILE__
#ifndef KBUILD_MODNAME
#define MSIM_KMOD_NAME __FILE__
#else
#define MSIM_KMOD_NAME KBUILD_MODNAME
#endif

/**
 * struct msim_kmod - one module's entry points
 * @name: the module's name (KBUILD_MODNAME, or the source file)
 * @init: the module_init() function, or NULL
 * @exit: the module_exit() function, or NULL
 */
struct msim_kmod {
	const char *name;
	int (*init)(void);
	void (*exit)(void);
	struct msim_kmod *msim_next;
};

MSIM_API void msim_kmod_register(struct msim_kmod *mod);

/**
 * msim_kmod_init - call the module_init() of every module called @name
 * (NULL: of every module), in the order the modules were registered
 * Return: 0, the first error an init returned, or -ENOENT if no module
 * has that name.
 */
MSIM_API int msim_kmod_init(const char *name);

/** msim_kmod_exit - call the module_exit() functions, in reverse order. */
MSIM_API void msim_kmod_exit(const char *name);

#define module_init(fn)                                                        \
	static struct msim_kmod msim_kmod_init_ = { MSIM_KMOD_NAME, (fn),      \
						    NULL, NULL };              \
	__attribute__((__constructor__)) static void msim_kmod_init_reg_(void) \
	{                                                                      \
		msim_kmod_register(&msim_kmod_init_);                          \
	}
#define module_exit(fn)                                                        \
	static struct msim_kmod msim_kmod_exit_ = { MSIM_KMOD_NAME, NULL,      \
						    (fn), NULL };              \
	__attribute__((__constructor__)) static void msim_kmod_exit_reg_(void) \
	{                                                                      \
		msim_kmod_register(&msim_kmod_exit_);                          \
	}
#define late_initcall(fn) module_init(fn)
#define device_initcall(fn) module_init(fn)
#define subsys_initcall(fn) module_init(fn)

#define MSIM_KMOD_TAG(x) _Static_assert(1, "module tag")
#define MODULE_LICENSE(x) MSIM_KMOD_TAG(x)
#define MODULE_AUTHOR(x) MSIM_KMOD_TAG(x)
#define MODULE_DESCRIPTION(x) MSIM_KMOD_TAG(x)
#define MODULE_VERSION(x) MSIM_KMOD_TAG(x)
#define MODULE_ALIAS(x) MSIM_KMOD_TAG(x)
#define MODULE_IMPORT_NS(x) MSIM_KMOD_TAG(x)
#define MODULE_SOFTDEP(x) MSIM_KMOD_TAG(x)
#define MODULE_DEVICE_TABLE(type, name) MSIM_KMOD_TAG(name)
#define MODULE_PARM_DESC(name, desc) MSIM_KMOD_TAG(name)
#define module_param(name, type, perm) MSIM_KMOD_TAG(name)
#define module_param_named(name, value, type, perm) MSIM_KMOD_TAG(name)

#define EXPORT_SYMBOL(sym) extern __typeof__(sym) sym
#define EXPORT_SYMBOL_GPL(sym) extern __typeof__(sym) sym
#define EXPORT_SYMBOL_NS_GPL(sym, ns) extern __typeof__(sym) sym

#define __init
#define __exit
#define __initdata
#define __exitdata
#define __initconst
#define __refdata
#define __init_or_module

static inline int try_module_get(struct module *module)
{
	(void)module;
	return 1;
}

static inline void module_put(struct module *module)
{
	(void)module;
}

static inline void __module_get(struct module *module)
{
	(void)module;
}

#endif /* MMSIM_KERNEL_STUBS_MODULE_H */
