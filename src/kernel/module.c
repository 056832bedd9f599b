// SPDX-License-Identifier: MIT
/*
 * The module registry (see mmsim-kernel/stubs/module.h): filled by the
 * constructors module_init() and module_exit() leave behind, before
 * main() runs, and read by the test.
 */
#include <pthread.h>
#include <string.h>
#include <linux/errno.h>
#include <linux/module.h>

static pthread_mutex_t kmod_lock = PTHREAD_MUTEX_INITIALIZER;
static struct msim_kmod *kmods; /* registration order */
static struct msim_kmod **kmods_tail = &kmods;

void msim_kmod_register(struct msim_kmod *mod)
{
	pthread_mutex_lock(&kmod_lock);
	mod->msim_next = NULL;
	*kmods_tail = mod;
	kmods_tail = &mod->msim_next;
	pthread_mutex_unlock(&kmod_lock);
}

static bool kmod_match(const struct msim_kmod *mod, const char *name)
{
	return !name || !strcmp(mod->name, name);
}

int msim_kmod_init(const char *name)
{
	struct msim_kmod *mod;
	bool found = false;
	int err;

	for (mod = kmods; mod; mod = mod->msim_next) {
		if (!kmod_match(mod, name))
			continue;
		found = true;
		if (mod->init) {
			err = mod->init();
			if (err)
				return err;
		}
	}
	return found ? 0 : -ENOENT;
}

static void kmod_exit_from(struct msim_kmod *mod, const char *name)
{
	if (!mod)
		return;
	kmod_exit_from(mod->msim_next, name);
	if (kmod_match(mod, name) && mod->exit)
		mod->exit();
}

void msim_kmod_exit(const char *name)
{
	kmod_exit_from(kmods, name);
}
