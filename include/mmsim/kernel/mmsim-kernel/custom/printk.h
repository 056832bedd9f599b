/* SPDX-License-Identifier: MIT */
/*
 * CUSTOMISED: printk() and the pr_*() and dev_*() helpers.  Messages go
 * to a sink a test may install (msim_printk_set_sink()); by default to
 * the host's stderr as "<level>message", the level a digit as in the
 * kernel's log.  pr_debug() and dev_dbg() print only when the including
 * file defines DEBUG, as without dynamic debug; their arguments are
 * checked either way.  The _once and _cont variants are real.
 * MODEL: printk-no-ratelimit: the _ratelimited variants print every
 * message; a test should not depend on what the kernel would drop.
 */
#ifndef MMSIM_KERNEL_CUSTOM_PRINTK_H
#define MMSIM_KERNEL_CUSTOM_PRINTK_H

#include <stdarg.h>
#include <stdbool.h>
#include <mmsim/export.h>
#include <mmsim-kernel/dup/compiler.h>

#define KERN_SOH "\001"
#define KERN_EMERG KERN_SOH "0"
#define KERN_ALERT KERN_SOH "1"
#define KERN_CRIT KERN_SOH "2"
#define KERN_ERR KERN_SOH "3"
#define KERN_WARNING KERN_SOH "4"
#define KERN_NOTICE KERN_SOH "5"
#define KERN_INFO KERN_SOH "6"
#define KERN_DEBUG KERN_SOH "7"
#define KERN_DEFAULT ""
#define KERN_CONT KERN_SOH "c"

#define LOGLEVEL_EMERG 0
#define LOGLEVEL_ALERT 1
#define LOGLEVEL_CRIT 2
#define LOGLEVEL_ERR 3
#define LOGLEVEL_WARNING 4
#define LOGLEVEL_NOTICE 5
#define LOGLEVEL_INFO 6
#define LOGLEVEL_DEBUG 7
#define LOGLEVEL_DEFAULT (-1)

/**
 * msim_printk - the kernel's printk(): format, take the level from a
 * KERN_* prefix (default: KERN_WARNING's, as the kernel's default
 * message level), and hand the line to the sink.
 * Return: the number of bytes of the message.
 */
MSIM_API __printf(1, 2) int msim_printk(const char *fmt, ...);
MSIM_API int msim_vprintk(const char *fmt, va_list args);

/**
 * msim_printk_set_sink - where printk() messages go: @sink(@level, @msg,
 * @arg) for each, @msg without its level prefix; NULL restores stderr.
 */
MSIM_API void msim_printk_set_sink(void (*sink)(int level, const char *msg,
						void *arg),
				   void *arg);

#define printk(fmt, ...) msim_printk(fmt, ##__VA_ARGS__)
#define vprintk(fmt, args) msim_vprintk(fmt, args)

#ifndef pr_fmt
#define pr_fmt(fmt) fmt
#endif

/* Arguments type-checked, nothing printed. */
#define no_printk(fmt, ...)                                                    \
	({                                                                     \
		if (0)                                                         \
			msim_printk(fmt, ##__VA_ARGS__);                       \
		0;                                                             \
	})

#define printk_once(fmt, ...)                                                  \
	({                                                                     \
		static bool msim_printed_;                                     \
		if (!__atomic_exchange_n(&msim_printed_, true,                 \
					 __ATOMIC_RELAXED))                    \
			msim_printk(fmt, ##__VA_ARGS__);                       \
	})

#define pr_emerg(fmt, ...) printk(KERN_EMERG pr_fmt(fmt), ##__VA_ARGS__)
#define pr_alert(fmt, ...) printk(KERN_ALERT pr_fmt(fmt), ##__VA_ARGS__)
#define pr_crit(fmt, ...) printk(KERN_CRIT pr_fmt(fmt), ##__VA_ARGS__)
#define pr_err(fmt, ...) printk(KERN_ERR pr_fmt(fmt), ##__VA_ARGS__)
#define pr_warn(fmt, ...) printk(KERN_WARNING pr_fmt(fmt), ##__VA_ARGS__)
#define pr_warning pr_warn
#define pr_notice(fmt, ...) printk(KERN_NOTICE pr_fmt(fmt), ##__VA_ARGS__)
#define pr_info(fmt, ...) printk(KERN_INFO pr_fmt(fmt), ##__VA_ARGS__)
#define pr_cont(fmt, ...) printk(KERN_CONT fmt, ##__VA_ARGS__)
#ifdef DEBUG
#define pr_debug(fmt, ...) printk(KERN_DEBUG pr_fmt(fmt), ##__VA_ARGS__)
#else
#define pr_debug(fmt, ...) no_printk(KERN_DEBUG pr_fmt(fmt), ##__VA_ARGS__)
#endif
#define pr_devel pr_debug

#define pr_err_once(fmt, ...) printk_once(KERN_ERR pr_fmt(fmt), ##__VA_ARGS__)
#define pr_warn_once(fmt, ...)                                                 \
	printk_once(KERN_WARNING pr_fmt(fmt), ##__VA_ARGS__)
#define pr_info_once(fmt, ...) printk_once(KERN_INFO pr_fmt(fmt), ##__VA_ARGS__)
#define pr_notice_once(fmt, ...)                                               \
	printk_once(KERN_NOTICE pr_fmt(fmt), ##__VA_ARGS__)
#define pr_err_ratelimited pr_err
#define pr_warn_ratelimited pr_warn
#define pr_info_ratelimited pr_info
#define pr_debug_ratelimited pr_debug
#define printk_ratelimit() 1

#endif /* MMSIM_KERNEL_CUSTOM_PRINTK_H */
