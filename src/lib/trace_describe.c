// SPDX-License-Identifier: MIT
/*
 * What each kind of event is called, and one line saying what an event
 * did: the text of the timeline's cells, the names of the JSON's slices
 * and the labels of the web page.  Addresses and frames in hexadecimal,
 * as the rest of mmsim prints them.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <mmsim/trace.h>
#include "trace_model.h"

/* clang-format off */
static const char *const kind_names[MSIM_NR_TRACE_KINDS] = {
	[MSIM_TRACE_NONE]		= "none",
	[MSIM_TRACE_MARK]		= "mark",
	[MSIM_TRACE_FAILURE]		= "failure",
	[MSIM_TRACE_LOCK_ASK]		= "lock_ask",
	[MSIM_TRACE_LOCK_ACQUIRED]	= "lock_acquired",
	[MSIM_TRACE_LOCK_RELEASED]	= "lock_released",
	[MSIM_TRACE_WAIT]		= "wait",
	[MSIM_TRACE_WAITED]		= "waited",
	[MSIM_TRACE_WAKE]		= "wake",
	[MSIM_TRACE_SRCU_READ_LOCK]	= "srcu_read_lock",
	[MSIM_TRACE_SRCU_READ_UNLOCK]	= "srcu_read_unlock",
	[MSIM_TRACE_SRCU_SYNC_BEGIN]	= "synchronize_srcu",
	[MSIM_TRACE_SRCU_SYNC_END]	= "synchronize_srcu_end",
	[MSIM_TRACE_NOTIFIER_BEGIN]	= "notifier_begin",
	[MSIM_TRACE_NOTIFIER_END]	= "notifier_end",
	[MSIM_TRACE_CALLBACK_ENTER]	= "callback_enter",
	[MSIM_TRACE_CALLBACK_EXIT]	= "callback_exit",
	[MSIM_TRACE_SEQ_READ_BEGIN]	= "seq_read_begin",
	[MSIM_TRACE_SEQ_SET]		= "seq_set",
	[MSIM_TRACE_SEQ_READ_RETRY]	= "seq_read_retry",
	[MSIM_TRACE_PTE_SET]		= "pte_set",
	[MSIM_TRACE_PTE_CLEAR]		= "pte_clear",
	[MSIM_TRACE_TLB_FLUSH]		= "tlb_flush",
	[MSIM_TRACE_SECONDARY_TLB_FLUSH] = "secondary_tlb_flush",
	[MSIM_TRACE_SEC_MAP]		= "secondary_map",
	[MSIM_TRACE_SEC_UNMAP]		= "secondary_unmap",
	[MSIM_TRACE_SEC_ACCESS]		= "secondary_access",
	[MSIM_TRACE_FAULT_BEGIN]	= "fault_begin",
	[MSIM_TRACE_FAULT_END]		= "fault_end",
	[MSIM_TRACE_PAGE_ALLOC]		= "page_alloc",
	[MSIM_TRACE_PAGE_FREE]		= "page_free",
	[MSIM_TRACE_SCHED_PREEMPT]	= "sched_preempt",
	[MSIM_TRACE_SCHED_BLOCK]	= "sched_block",
	[MSIM_TRACE_SCHED_YIELD]	= "sched_yield",
	[MSIM_TRACE_SCHED_WAKE]		= "sched_wake",
	[MSIM_TRACE_THREAD_START]	= "thread_start",
	[MSIM_TRACE_THREAD_END]		= "thread_end",
	[MSIM_TRACE_CF_CALL]		= "cf_call",
	[MSIM_TRACE_CF_RETURN]		= "cf_return",
	[MSIM_TRACE_CF_IRQ]		= "cf_irq",
	[MSIM_TRACE_CF_KERNEL_ENTRY]	= "cf_kernel_entry",
	[MSIM_TRACE_CF_FIXUP_REWIND]	= "cf_fixup_rewind",
	[MSIM_TRACE_CF_SWITCH]		= "cf_switch",
};

/*
 * The names of each kind's strings and numbers, for the views that show
 * them one by one (the JSON's args, the web page's details).  NULL: unused.
 */
struct kind_args {
	const char *s[3];
	const char *a[6];
};

#define S(...) { __VA_ARGS__ }
static const struct kind_args kind_args[MSIM_NR_TRACE_KINDS] = {
	[MSIM_TRACE_MARK]		= { S("text"), S("line") },
	[MSIM_TRACE_FAILURE]		= { S("kind", "message"), S(NULL) },
	[MSIM_TRACE_LOCK_ASK]		= { S("lock", "function", "file"),
					    S("lock_id", "mode", "line", "trylock") },
	[MSIM_TRACE_LOCK_ACQUIRED]	= { S("lock", "function", "file"),
					    S("lock_id", "mode", "line", "trylock") },
	[MSIM_TRACE_LOCK_RELEASED]	= { S("lock"), S("lock_id", "mode") },
	[MSIM_TRACE_WAIT]		= { S("what"), S("object") },
	[MSIM_TRACE_WAITED]		= { S("what"), S("object") },
	[MSIM_TRACE_WAKE]		= { S("what"), S("object") },
	[MSIM_TRACE_SRCU_READ_LOCK]	= { S("domain"), S("domain_id", "idx") },
	[MSIM_TRACE_SRCU_READ_UNLOCK]	= { S("domain"), S("domain_id", "idx") },
	[MSIM_TRACE_SRCU_SYNC_BEGIN]	= { S("domain"), S("domain_id") },
	[MSIM_TRACE_SRCU_SYNC_END]	= { S("domain"), S("domain_id") },
	[MSIM_TRACE_NOTIFIER_BEGIN]	= { S("call", "event"),
					    S("start", "end", "blockable", "owner", "range") },
	[MSIM_TRACE_NOTIFIER_END]	= { S("call"),
					    S("ret", NULL, NULL, NULL, "range") },
	[MSIM_TRACE_CALLBACK_ENTER]	= { S("op", "subscriber"),
					    S("subscription", NULL, "instrument") },
	[MSIM_TRACE_CALLBACK_EXIT]	= { S("op", "subscriber"),
					    S("subscription", "ret", "instrument") },
	[MSIM_TRACE_SEQ_READ_BEGIN]	= { S("call", "subscriber"),
					    S("subscription", "seq") },
	[MSIM_TRACE_SEQ_SET]		= { S("sequence", "subscriber"),
					    S("subscription", "new", "old") },
	[MSIM_TRACE_SEQ_READ_RETRY]	= { S("call", "subscriber"),
					    S("subscription", "seq", "now", "retry") },
	[MSIM_TRACE_PTE_SET]		= { S(NULL),
					    S("addr", "old", "new", "mm", "old_pfn", "pfn") },
	[MSIM_TRACE_PTE_CLEAR]		= { S(NULL),
					    S("addr", "old", "new", "mm", "old_pfn", "pfn") },
	[MSIM_TRACE_TLB_FLUSH]		= { S(NULL), S("start", "end", NULL, "mm") },
	[MSIM_TRACE_SECONDARY_TLB_FLUSH] = { S(NULL),
					    S("start", "end", "pages", "mm") },
	[MSIM_TRACE_SEC_MAP]		= { S("driver"), S("addr", "pfn", "writable") },
	[MSIM_TRACE_SEC_UNMAP]		= { S("driver"), S("addr", "pfn", "writable") },
	[MSIM_TRACE_SEC_ACCESS]		= { S("driver"), S("addr", "pfn", "write") },
	[MSIM_TRACE_FAULT_BEGIN]	= { S(NULL), S("addr", "flags", "write", "mm") },
	[MSIM_TRACE_FAULT_END]		= { S(NULL), S("addr", "result", NULL, "mm") },
	[MSIM_TRACE_PAGE_ALLOC]		= { S(NULL), S("pfn", "page_table") },
	[MSIM_TRACE_PAGE_FREE]		= { S(NULL), S("pfn", "page_table") },
	[MSIM_TRACE_SCHED_PREEMPT]	= { S("at"), S("next") },
	[MSIM_TRACE_SCHED_BLOCK]	= { S("on"), S("next") },
	[MSIM_TRACE_SCHED_YIELD]	= { S("at"), S("next") },
	[MSIM_TRACE_SCHED_WAKE]		= { S("what"), S("woken") },
	[MSIM_TRACE_CF_CALL]		= { S(NULL), S("entry", "depth", "thread") },
	[MSIM_TRACE_CF_RETURN]		= { S(NULL), S("ret", "d0", "thread") },
	[MSIM_TRACE_CF_IRQ]		= { S(NULL), S("pc", "vector", "depth") },
	[MSIM_TRACE_CF_KERNEL_ENTRY]	= { S(NULL), S("pc", "vector", "status") },
	[MSIM_TRACE_CF_FIXUP_REWIND]	= { S(NULL), S("from", "to") },
	[MSIM_TRACE_CF_SWITCH]		= { S(NULL), S("from", "to") },
};
#undef S

const char *tm_arg_name(unsigned int kind, bool str, unsigned int i)
{
	if (kind >= MSIM_NR_TRACE_KINDS || i >= (str ? 3U : 6U))
		return NULL;
	return str ? kind_args[kind].s[i] : kind_args[kind].a[i];
}

/* The kernel's names of the lock operations, by mode. */
static const char *const lock_op[3][2] = {
	[MSIM_TRACE_LOCK_SPIN]	= { "spin_lock", "spin_unlock" },
	[MSIM_TRACE_LOCK_READ]	= { "down_read", "up_read" },
	[MSIM_TRACE_LOCK_WRITE]	= { "down_write", "up_write" },
};
/* clang-format on */

const char *msim_trace_kind_name(enum msim_trace_kind kind)
{
	if ((unsigned int)kind >= MSIM_NR_TRACE_KINDS || !kind_names[kind])
		return "?";
	return kind_names[kind];
}

static const char *op_of(uint64_t mode, bool release)
{
	return mode < 3 ? lock_op[mode][release] : "lock";
}

static const char *thread_of(const struct msim_trace *t, uint64_t tid)
{
	return t ? msim_trace_thread_name(t, (unsigned int)tid) : "?";
}

/* "NAME->op" for a callback, "->op" for a subscriber without a name. */
static int callback(char *buf, size_t size, const struct msim_trace_event *e,
		    const char *tail)
{
	const char *name = msim_trace_str(e, 1);

	return snprintf(buf, size, "%s->%s%s", *name ? name : "",
			msim_trace_str(e, 0), tail);
}

static int pte(char *buf, size_t size, const struct msim_trace_event *e)
{
	const uint64_t *a = e->a;
	const uint64_t none = UINT64_MAX;

	if (e->kind == MSIM_TRACE_PTE_CLEAR) {
		if (a[4] != none)
			return snprintf(buf, size,
					"pte 0x%" PRIx64
					" cleared (pfn 0x%" PRIx64 ")",
					a[0], a[4]);
		return snprintf(buf, size,
				"pte 0x%" PRIx64 " cleared (was 0x%" PRIx64 ")",
				a[0], a[1]);
	}
	if (a[5] == none)
		return snprintf(buf, size, "pte 0x%" PRIx64 " = 0x%" PRIx64,
				a[0], a[2]);
	if (a[4] == a[5])
		return snprintf(buf, size,
				"pte 0x%" PRIx64 " pfn 0x%" PRIx64
				": 0x%" PRIx64 " -> 0x%" PRIx64,
				a[0], a[5], a[1], a[2]);
	if (a[4] != none)
		return snprintf(buf, size,
				"pte 0x%" PRIx64 " = pfn 0x%" PRIx64
				" (was pfn 0x%" PRIx64 ")",
				a[0], a[5], a[4]);
	return snprintf(buf, size, "pte 0x%" PRIx64 " = pfn 0x%" PRIx64, a[0],
			a[5]);
}

static int notifier(char *buf, size_t size, const struct msim_trace_event *e)
{
	const char *ev = msim_trace_str(e, 1);
	int n;

	n = snprintf(buf, size, "%s", msim_trace_str(e, 0));
	if (*ev)
		n += snprintf(buf + n, (size_t)n < size ? size - n : 0, " %s",
			      ev);
	if (e->a[0] || e->a[1])
		n += snprintf(buf + n, (size_t)n < size ? size - n : 0,
			      " [0x%" PRIx64 ", 0x%" PRIx64 ")", e->a[0],
			      e->a[1]);
	if (!e->a[2])
		n += snprintf(buf + n, (size_t)n < size ? size - n : 0,
			      " nonblock");
	if (e->a[3])
		n += snprintf(buf + n, (size_t)n < size ? size - n : 0,
			      " owner 0x%" PRIx64, e->a[3]);
	return n;
}

int msim_trace_describe(const struct msim_trace *t,
			const struct msim_trace_event *e, char *buf,
			size_t size)
{
	const char *s0 = msim_trace_str(e, 0), *s1 = msim_trace_str(e, 1);
	const uint64_t *a = e->a;

	switch ((enum msim_trace_kind)e->kind) {
	case MSIM_TRACE_MARK:
		return snprintf(buf, size, "%s", s0);
	case MSIM_TRACE_FAILURE:
		return snprintf(buf, size, "FAILURE %s: %s", s0, s1);
	case MSIM_TRACE_LOCK_ASK:
		return snprintf(buf, size, "%s%s(%s)?", op_of(a[1], false),
				a[3] ? " trylock" : "", s0);
	case MSIM_TRACE_LOCK_ACQUIRED:
		return snprintf(buf, size, "%s(%s)", op_of(a[1], false), s0);
	case MSIM_TRACE_LOCK_RELEASED:
		return snprintf(buf, size, "%s(%s)", op_of(a[1], true), s0);
	case MSIM_TRACE_WAIT:
		return snprintf(buf, size, "waits for %s", s0);
	case MSIM_TRACE_WAITED:
		return snprintf(buf, size, "woken (%s)", s0);
	case MSIM_TRACE_WAKE:
		return snprintf(buf, size, "wakes %s waiters", s0);
	case MSIM_TRACE_SRCU_READ_LOCK:
		return snprintf(buf, size, "srcu_read_lock(%s) = %" PRIu64, s0,
				a[1]);
	case MSIM_TRACE_SRCU_READ_UNLOCK:
		return snprintf(buf, size, "srcu_read_unlock(%s, %" PRIu64 ")",
				s0, a[1]);
	case MSIM_TRACE_SRCU_SYNC_BEGIN:
		return snprintf(buf, size, "synchronize_srcu(%s)", s0);
	case MSIM_TRACE_SRCU_SYNC_END:
		return snprintf(buf, size, "synchronize_srcu(%s) done", s0);
	case MSIM_TRACE_NOTIFIER_BEGIN:
		return notifier(buf, size, e);
	case MSIM_TRACE_NOTIFIER_END:
		if ((int64_t)a[0])
			return snprintf(buf, size, "%s = %" PRId64, s0,
					(int64_t)a[0]);
		return snprintf(buf, size, "%s done", s0);
	case MSIM_TRACE_CALLBACK_ENTER:
		return callback(buf, size, e, "()");
	case MSIM_TRACE_CALLBACK_EXIT: {
		char tail[32] = "() returns";

		if (a[1])
			snprintf(tail, sizeof(tail), "() = %" PRId64,
				 (int64_t)a[1]);
		return callback(buf, size, e, tail);
	}
	case MSIM_TRACE_SEQ_READ_BEGIN:
		return snprintf(buf, size, "%s(%s) = %" PRIu64, s0, s1, a[1]);
	case MSIM_TRACE_SEQ_SET:
		if (*s1)
			return snprintf(buf, size,
					"%s(%s): %" PRIu64 " -> %" PRIu64, s0,
					s1, a[2], a[1]);
		return snprintf(buf, size, "%s: %" PRIu64 " -> %" PRIu64, s0,
				a[2], a[1]);
	case MSIM_TRACE_SEQ_READ_RETRY:
		return snprintf(buf, size,
				"%s(%s, %" PRIu64 ") = %s (seq %" PRIu64 ")",
				s0, s1, a[1], a[3] ? "retry" : "ok", a[2]);
	case MSIM_TRACE_PTE_SET:
	case MSIM_TRACE_PTE_CLEAR:
		return pte(buf, size, e);
	case MSIM_TRACE_TLB_FLUSH:
		return snprintf(buf, size,
				"flush_tlb [0x%" PRIx64 ", 0x%" PRIx64 ")",
				a[0], a[1]);
	case MSIM_TRACE_SECONDARY_TLB_FLUSH:
		return snprintf(buf, size,
				"flush secondary tlbs [0x%" PRIx64
				", 0x%" PRIx64 "), then put %" PRIu64
				" gathered page%s",
				a[0], a[1], a[2], a[2] == 1 ? "" : "s");
	case MSIM_TRACE_SEC_MAP:
		return snprintf(buf, size,
				"%s maps 0x%" PRIx64 " -> pfn 0x%" PRIx64 " %s",
				s0, a[0], a[1], a[2] ? "rw" : "ro");
	case MSIM_TRACE_SEC_UNMAP:
		return snprintf(buf, size,
				"%s unmaps 0x%" PRIx64 " (pfn 0x%" PRIx64 ")",
				s0, a[0], a[1]);
	case MSIM_TRACE_SEC_ACCESS:
		return snprintf(buf, size,
				"%s %s 0x%" PRIx64 " (pfn 0x%" PRIx64 ")", s0,
				a[2] ? "writes" : "reads", a[0], a[1]);
	case MSIM_TRACE_FAULT_BEGIN:
		return snprintf(buf, size, "fault 0x%" PRIx64 "%s", a[0],
				a[2] ? " write" : "");
	case MSIM_TRACE_FAULT_END:
		if (a[1])
			return snprintf(buf, size,
					"fault 0x%" PRIx64 " = 0x%" PRIx64,
					a[0], a[1]);
		return snprintf(buf, size, "fault 0x%" PRIx64 " done", a[0]);
	case MSIM_TRACE_PAGE_ALLOC:
		return snprintf(buf, size, "alloc pfn 0x%" PRIx64 "%s", a[0],
				a[1] ? " (page table)" : "");
	case MSIM_TRACE_PAGE_FREE:
		return snprintf(buf, size, "free pfn 0x%" PRIx64, a[0]);
	case MSIM_TRACE_SCHED_PREEMPT:
		return snprintf(buf, size, "preempted at %s; %s runs", s0,
				thread_of(t, a[0]));
	case MSIM_TRACE_SCHED_BLOCK:
		return snprintf(buf, size, "blocks on %s; %s runs", s0,
				thread_of(t, a[0]));
	case MSIM_TRACE_SCHED_YIELD:
		return snprintf(buf, size, "yields at %s; %s runs", s0,
				thread_of(t, a[0]));
	case MSIM_TRACE_SCHED_WAKE:
		return snprintf(buf, size, "wakes %s (%s)", thread_of(t, a[0]),
				s0);
	case MSIM_TRACE_THREAD_START:
		return snprintf(buf, size, "starts");
	case MSIM_TRACE_THREAD_END:
		return snprintf(buf, size, "ends");
	case MSIM_TRACE_CF_CALL:
		return snprintf(buf, size,
				"T%" PRIu64 " calls 0x%" PRIx64
				" (depth %" PRIu64 ")",
				a[2], a[0], a[1]);
	case MSIM_TRACE_CF_RETURN:
		if ((int64_t)a[0])
			return snprintf(buf, size,
					"T%" PRIu64 "'s call fails: %" PRId64,
					a[2], (int64_t)a[0]);
		return snprintf(buf, size,
				"T%" PRIu64 " returns, d0 = 0x%" PRIx64, a[2],
				a[1]);
	case MSIM_TRACE_CF_IRQ:
		return snprintf(buf, size,
				"interrupt at pc 0x%" PRIx64 " (vector %" PRIu64
				")",
				a[0], a[1]);
	case MSIM_TRACE_CF_KERNEL_ENTRY:
		return snprintf(buf, size,
				"kernel entry, vector %" PRIu64
				" at pc 0x%" PRIx64,
				a[1], a[0]);
	case MSIM_TRACE_CF_FIXUP_REWIND:
		return snprintf(buf, size,
				"fixup rewinds pc 0x%" PRIx64 " -> 0x%" PRIx64,
				a[0], a[1]);
	case MSIM_TRACE_CF_SWITCH:
		return snprintf(buf, size, "switch to T%" PRIu64, a[1]);
	case MSIM_TRACE_NONE:
	case MSIM_NR_TRACE_KINDS:
		break;
	}
	return snprintf(buf, size, "%s", msim_trace_kind_name(e->kind));
}
