/* SPDX-License-Identifier: MIT */
/**
 * DOC: The event record
 *
 * A run prints its results; the record says *why* they happened.  When a
 * recorder is started, the library writes an event at every point that
 * explains a run: locks asked for, acquired and released, waits and
 * wakes, SRCU read sections and grace periods, every notifier call and
 * every subscriber callback's entry and exit, the interval sequences,
 * PTE changes, TLB and secondary-TLB flushes, secondary MMU maps and
 * unmaps, faults, frame allocation and free, the scheduler's decisions,
 * and the ColdFire CPU's calls, interrupts, kernel entries, fixup
 * rewinds and thread switches (enum msim_trace_kind lists them with their
 * arguments).  Each event carries the thread that made it, the step of the
 * schedule it belongs to, a timestamp and its arguments.
 *
 * Off, the record costs one load and one branch at each site, predicted
 * not taken: the sites test msim_trace_on() before building anything
 * (bench/README.md has the figure, fault_cost against the library before
 * the record existed).
 *
 * Memory is bounded: the record is a ring of a size stated at creation
 * (MSIM_TRACE_DEFAULT_EVENTS events of 256 bytes unless told), which keeps
 * the newest events; msim_trace_dropped() says how many older ones were
 * overwritten, and a view of a ring that dropped events says so first.
 * The ring lives in memory shared with the processes the recorder's
 * process forks, and every string of an event is copied into it, so that
 * a run made in a worker process (msim_replay() makes runs in one unless
 * told otherwise) records into the caller's ring.
 *
 * Threads: the host thread is thread 0 (named by msim_trace_opts.host, or
 * "main"); a scheduler names each simulated thread with msim_trace_thread()
 * and installs its number with msim_trace_set_thread() (src/sched/ does,
 * and so does the ColdFire CPU for its user threads).  Steps: the index of
 * the scheduler's decision the event follows, as schedule strings count
 * them ("6.2z": at step 6 thread 2 ran), or MSIM_TRACE_NO_STEP outside a
 * concurrent section.
 *
 * Three views are made from one record (trace_view.h): a terminal
 * timeline, one column a thread, in the manner of the [Time N] tables of
 * Linux's Documentation/mm/mmu_notifier.rst; the Chrome Trace Event JSON
 * that ui.perfetto.dev and chrome://tracing open; and a self-contained
 * web page with an SVG timeline.
 */
#ifndef MMSIM_TRACE_H
#define MMSIM_TRACE_H

#include <mmsim/export.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The ring's size unless told: 64 MiB of address space, used as filled. */
#define MSIM_TRACE_DEFAULT_EVENTS (1UL << 18)
/* Bytes of strings an event holds: up to three, NUL-separated. */
#define MSIM_TRACE_STR 176
/* Threads a record can name; later ones share the last number. */
#define MSIM_TRACE_MAX_THREADS 64
/* The bytes of a thread's name that are kept. */
#define MSIM_TRACE_NAME 32
/* An event made outside any concurrent section has no step. */
#define MSIM_TRACE_NO_STEP UINT64_MAX

/**
 * enum msim_trace_kind - what an event is, and its arguments
 *
 * s0, s1, s2 are the event's strings (msim_trace_str()), a0..a4 its
 * numbers (struct msim_trace_event.a, a0..a5).  Identities (a lock's, a
 * subscription's, a range's, an mm's) are numbers that mean something
 * only within one record: a lock's msim_id, an object's address.
 *
 * @MSIM_TRACE_MARK: what the program says it is doing: s0 the text (a
 *	scenario's line), a0 the line number or 0
 * @MSIM_TRACE_FAILURE: a run's check failed: s0 the kind ("coherence",
 *	"deadlock", ...), s1 the message's first line (cut)
 * @MSIM_TRACE_LOCK_ASK: a lock is asked for: s0 its name, s1 the
 *	function asking, s2 its file; a0 the lock's id, a1 the mode
 *	(MSIM_TRACE_LOCK_SPIN, _READ, _WRITE), a2 the line, a3 1 for a trylock
 * @MSIM_TRACE_LOCK_ACQUIRED: ... and is held: as the ask
 * @MSIM_TRACE_LOCK_RELEASED: ... and released: s0 its name; a0 its id,
 *	a1 the mode it was held in
 * @MSIM_TRACE_WAIT: the thread sleeps until @s0 changes (a contended lock,
 *	a grace period, an odd interval sequence): a0 what it waits on
 * @MSIM_TRACE_WAITED: ... and was woken and runs again: as the wait
 * @MSIM_TRACE_WAKE: the thread wakes the waiters of s0: a0 as the wait's
 * @MSIM_TRACE_SRCU_READ_LOCK: an SRCU read section begins: s0 "srcu";
 *	a0 the domain's id, a1 the index
 * @MSIM_TRACE_SRCU_READ_UNLOCK: ... and ends: as the lock
 * @MSIM_TRACE_SRCU_SYNC_BEGIN: synchronize_srcu() begins: a0 the domain
 * @MSIM_TRACE_SRCU_SYNC_END: ... and the grace period is over
 * @MSIM_TRACE_NOTIFIER_BEGIN: the mm calls its subscribers: s0 the call
 *	("invalidate_range_start", "release", ...), s1 the event
 *	("MMU_NOTIFY_UNMAP", or "" for calls without one); a0 start, a1 end,
 *	a2 1 if blockable, a3 the owner (MMU_NOTIFY_MIGRATE, _EXCLUSIVE),
 *	a4 the range's identity, the same at the matching end
 * @MSIM_TRACE_NOTIFIER_END: ... and is done: s0 the call; a0 its return
 *	value (as a signed number), a4 the range's identity
 * @MSIM_TRACE_CALLBACK_ENTER: one subscriber's callback is entered: s0 the
 *	op, s1 the subscriber's name (msim_trace_name_object()) or "";
 *	a0 the subscription's identity, a2 1 for an instrument's
 * @MSIM_TRACE_CALLBACK_EXIT: ... and returns: as the entry, a1 its return
 *	value (0 for void callbacks)
 * @MSIM_TRACE_SEQ_READ_BEGIN: a read side begins: s0 the call
 *	("mmu_interval_read_begin", or a driver's own: KVM's
 *	"mmu_invalidate_seq"), s1 the subscriber's name; a0 the
 *	subscription, a1 the value it gives
 * @MSIM_TRACE_SEQ_SET: a sequence changes: s0 which ("mmu_interval_set_seq",
 *	"invalidate_seq" for the mm's going odd or even, KVM's
 *	"mmu_invalidate_seq"), s1 the subscriber's name or ""; a0 the
 *	subscription (0 for the mm's), a1 the new value, a2 the old one
 * @MSIM_TRACE_SEQ_READ_RETRY: a read side ends: s0 the call
 *	("mmu_interval_read_retry", KVM's "mmu_invalidate_retry_gfn"), s1
 *	the subscriber's name; a0 the subscription, a1 the value the read
 *	side began with, a2 the sequence now, a3 the answer (1: retry)
 * @MSIM_TRACE_PTE_SET: a PTE gets a non-empty value: a0 the address, a1
 *	the old value, a2 the new one, a3 the mm, a4 the old value's frame,
 *	a5 the new value's (~0 for none: empty, a swap or migration entry)
 * @MSIM_TRACE_PTE_CLEAR: a PTE is cleared: as a set
 * @MSIM_TRACE_TLB_FLUSH: the CPU's TLB is flushed: a0 start, a1 end, a3 mm
 * @MSIM_TRACE_SECONDARY_TLB_FLUSH: the mmu_gather flushes the secondary
 *	TLBs (mmu_notifier_invalidate_range()) before freeing what it
 *	gathered: a0 start, a1 end, a2 the pages it then frees, a3 mm
 * @MSIM_TRACE_SEC_MAP: a secondary MMU installs a translation: s0 the
 *	driver; a0 the address, a1 the frame, a2 1 if writable
 * @MSIM_TRACE_SEC_UNMAP: ... and drops one: as the map
 * @MSIM_TRACE_SEC_ACCESS: a device reads or writes through its own
 *	translation: s0 the driver; a0 the address, a1 the frame, a2 1 for a
 *	write
 * @MSIM_TRACE_FAULT_BEGIN: handle_mm_fault() is entered: a0 the address,
 *	a1 the FAULT_FLAG_* flags, a2 1 for a write, a3 the mm
 * @MSIM_TRACE_FAULT_END: ... and returns: a0 the address, a1 the
 *	VM_FAULT_* result, a3 the mm
 * @MSIM_TRACE_PAGE_ALLOC: a frame is allocated: a0 its number, a1 1 for a
 *	page table
 * @MSIM_TRACE_PAGE_FREE: a frame is freed: a0 its number
 * @MSIM_TRACE_SCHED_PREEMPT: the scheduler stops the running thread,
 *	which could go on, and runs another: s0 where the thread stopped
 *	(the event it is at); a0 the thread that runs now
 * @MSIM_TRACE_SCHED_BLOCK: the running thread waits, the scheduler runs
 *	another: s0 what it waits for; a0 the thread that runs now
 * @MSIM_TRACE_SCHED_YIELD: the running thread polls and lets another run:
 *	s0 what it polls; a0 the thread that runs now
 * @MSIM_TRACE_SCHED_WAKE: a waiting thread can run again: s0 what it
 *	waited for; a0 the thread woken
 * @MSIM_TRACE_THREAD_START: a simulated thread starts (its number is the
 *	event's thread)
 * @MSIM_TRACE_THREAD_END: ... and ends
 * @MSIM_TRACE_CF_CALL: the ColdFire CPU calls a user function: a0 its
 *	address, a1 the nesting depth, a2 the user thread's id
 * @MSIM_TRACE_CF_RETURN: ... which returns: a0 0 or the error, a1 %d0,
 *	a2 the thread's id
 * @MSIM_TRACE_CF_IRQ: an interrupt is delivered: a0 the interrupted PC,
 *	a1 the vector, a2 the depth
 * @MSIM_TRACE_CF_KERNEL_ENTRY: the CPU enters the kernel (an interrupt, a
 *	TLB miss, a trap): a0 the PC, a1 the vector, a2 the fault status
 * @MSIM_TRACE_CF_FIXUP_REWIND: the entry fixup moved the PC the thread
 *	resumes at: a0 from, a1 to
 * @MSIM_TRACE_CF_SWITCH: the CPU switches user threads: a0 the thread it
 *	leaves (~0: none), a1 the one it runs
 */
enum msim_trace_kind {
	MSIM_TRACE_NONE,
	MSIM_TRACE_MARK,
	MSIM_TRACE_FAILURE,
	MSIM_TRACE_LOCK_ASK,
	MSIM_TRACE_LOCK_ACQUIRED,
	MSIM_TRACE_LOCK_RELEASED,
	MSIM_TRACE_WAIT,
	MSIM_TRACE_WAITED,
	MSIM_TRACE_WAKE,
	MSIM_TRACE_SRCU_READ_LOCK,
	MSIM_TRACE_SRCU_READ_UNLOCK,
	MSIM_TRACE_SRCU_SYNC_BEGIN,
	MSIM_TRACE_SRCU_SYNC_END,
	MSIM_TRACE_NOTIFIER_BEGIN,
	MSIM_TRACE_NOTIFIER_END,
	MSIM_TRACE_CALLBACK_ENTER,
	MSIM_TRACE_CALLBACK_EXIT,
	MSIM_TRACE_SEQ_READ_BEGIN,
	MSIM_TRACE_SEQ_SET,
	MSIM_TRACE_SEQ_READ_RETRY,
	MSIM_TRACE_PTE_SET,
	MSIM_TRACE_PTE_CLEAR,
	MSIM_TRACE_TLB_FLUSH,
	MSIM_TRACE_SECONDARY_TLB_FLUSH,
	MSIM_TRACE_SEC_MAP,
	MSIM_TRACE_SEC_UNMAP,
	MSIM_TRACE_SEC_ACCESS,
	MSIM_TRACE_FAULT_BEGIN,
	MSIM_TRACE_FAULT_END,
	MSIM_TRACE_PAGE_ALLOC,
	MSIM_TRACE_PAGE_FREE,
	MSIM_TRACE_SCHED_PREEMPT,
	MSIM_TRACE_SCHED_BLOCK,
	MSIM_TRACE_SCHED_YIELD,
	MSIM_TRACE_SCHED_WAKE,
	MSIM_TRACE_THREAD_START,
	MSIM_TRACE_THREAD_END,
	MSIM_TRACE_CF_CALL,
	MSIM_TRACE_CF_RETURN,
	MSIM_TRACE_CF_IRQ,
	MSIM_TRACE_CF_KERNEL_ENTRY,
	MSIM_TRACE_CF_FIXUP_REWIND,
	MSIM_TRACE_CF_SWITCH,
	MSIM_NR_TRACE_KINDS
};

/* The modes of MSIM_TRACE_LOCK_*'s a1. */
enum msim_trace_lock_mode {
	MSIM_TRACE_LOCK_SPIN,
	MSIM_TRACE_LOCK_READ,
	MSIM_TRACE_LOCK_WRITE,
};

/**
 * struct msim_trace_event - one event of the record
 * @seq: its number in the record, from 1, in the order events were made
 * @ns: nanoseconds since the recorder started (CLOCK_MONOTONIC)
 * @step: the schedule's step, or MSIM_TRACE_NO_STEP
 * @a: its numbers (enum msim_trace_kind says which)
 * @kind: enum msim_trace_kind
 * @tid: the thread that made it (msim_trace_thread_name())
 * @s: its strings, NUL-separated; read them with msim_trace_str()
 */
struct msim_trace_event {
	uint64_t seq;
	uint64_t ns;
	uint64_t step;
	uint64_t a[6];
	uint16_t kind;
	uint16_t tid;
	uint32_t reserved;
	char s[MSIM_TRACE_STR];
};

struct msim_trace;

/**
 * struct msim_trace_opts - how to record
 * @events: the ring's size in events (0: MSIM_TRACE_DEFAULT_EVENTS)
 * @host: the name of thread 0, the host thread (NULL: "main")
 * @title: what the record is of, for the views (NULL: "mmsim")
 */
struct msim_trace_opts {
	unsigned long events;
	const char *host;
	const char *title;
};

/**
 * msim_trace_create - a recorder, not recording yet
 * @opts: may be NULL for the defaults
 * Return: the recorder, or NULL (errno: ENOMEM, EINVAL for a size of
 * more than 2^26 events).
 */
MSIM_API struct msim_trace *
msim_trace_create(const struct msim_trace_opts *opts);

/** msim_trace_destroy - stop it if it records, and free it. */
MSIM_API void msim_trace_destroy(struct msim_trace *t);

/**
 * msim_trace_start - record from now on into @t
 *
 * One recorder records at a time, in the whole process: starting another
 * stops the one that recorded.  The clock of the events starts at the
 * first start.
 */
MSIM_API void msim_trace_start(struct msim_trace *t);

/** msim_trace_stop - stop recording (the events stay). */
MSIM_API void msim_trace_stop(struct msim_trace *t);

/** msim_trace_clear - forget every event (the thread names stay). */
MSIM_API void msim_trace_clear(struct msim_trace *t);

/** msim_trace_recording - is some recorder recording? */
MSIM_API bool msim_trace_recording(void);

/*
 * msim_trace_on() - the test every site makes first: one load and one
 * branch in the library, a call outside it (where the flag is not
 * visible).
 */
#ifdef MSIM_BUILDING_LIBRARY
extern int msim_trace_active __attribute__((visibility("hidden")));
#define msim_trace_on() __builtin_expect(msim_trace_active != 0, 0)
#else
#define msim_trace_on() msim_trace_recording()
#endif

/**
 * struct msim_trace_args - an event's arguments, for msim_trace_emit()
 * @s: up to three strings (NULL: ""), copied and cut to fit
 * @a: the numbers
 */
struct msim_trace_args {
	const char *s[3];
	uint64_t a[6];
};

/**
 * msim_trace_emit - record an event of @kind made by the running thread
 *
 * Sites call it through msim_trace(), which tests msim_trace_on() first
 * and builds the arguments only when recording:
 *
 *	msim_trace(MSIM_TRACE_SEC_MAP, .s = { "guest" }, .a = { addr, pfn, 0 });
 */
MSIM_API void msim_trace_emit(enum msim_trace_kind kind,
			      const struct msim_trace_args *args);

#define msim_trace(kind, ...)                                                  \
	do {                                                                   \
		if (msim_trace_on())                                           \
			msim_trace_emit(kind, &(const struct msim_trace_args){ \
						      __VA_ARGS__ });          \
	} while (0)

/**
 * msim_trace_mark - record what the program is doing, as a MARK event
 * @line: a line number, or 0
 * @fmt: the text
 */
MSIM_API void msim_trace_mark(unsigned long line, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/**
 * msim_trace_thread - the number of the thread called @name in the record
 *
 * The same name gives the same number, so that the threads of successive
 * sections that share their names share a column.  Return: 1 to
 * MSIM_TRACE_MAX_THREADS - 1, or 0 (the host's) when nothing records.
 */
MSIM_API unsigned int msim_trace_thread(const char *name);

/**
 * msim_trace_set_thread - the running thread's events are thread @tid's
 * from now on (it is kept in its struct msim_thread_info, and so follows
 * a simulated thread across switches).  Return: the number it had.
 */
MSIM_API unsigned int msim_trace_set_thread(unsigned int tid);

/**
 * msim_trace_set_step - for a scheduler: the events that follow belong to
 * step @step of the schedule (MSIM_TRACE_NO_STEP: to none)
 */
MSIM_API void msim_trace_set_step(uint64_t step);

/**
 * msim_trace_name_object - call @obj @name in the record
 * @obj: a subscription (struct mmu_notifier, struct mmu_interval_notifier)
 * @name: what its callbacks are shown as, e.g. "kvm guest" (copied)
 *
 * Drivers name their subscriptions when they register them, whether or
 * not anything records then, so that the callbacks of a record started
 * later are named too; msim_trace_forget_object() when they go.  At most
 * 256 objects have names at once; further names are not kept.
 */
MSIM_API void msim_trace_name_object(const void *obj, const char *name);

/**
 * msim_trace_name_instrument - name @obj as an instrument: a subscriber
 * that watches the mm rather than mirrors it (the coherence checker),
 * whose callbacks the terminal timeline leaves out unless asked for all
 */
MSIM_API void msim_trace_name_instrument(const void *obj, const char *name);

/**
 * msim_trace_object_is_instrument - was @obj named by
 * msim_trace_name_instrument()?
 */
MSIM_API bool msim_trace_object_is_instrument(const void *obj);

/** msim_trace_forget_object - @obj no longer has a name. */
MSIM_API void msim_trace_forget_object(const void *obj);

/**
 * msim_trace_object_name - the name of @obj, or "" (valid until it is
 * forgotten)
 */
MSIM_API const char *msim_trace_object_name(const void *obj);

/* Reading the record. */

/** msim_trace_count - how many events the ring holds now. */
MSIM_API unsigned long msim_trace_count(const struct msim_trace *t);

/** msim_trace_dropped - how many events were overwritten (the oldest). */
MSIM_API unsigned long msim_trace_dropped(const struct msim_trace *t);

/** msim_trace_capacity - the ring's size in events. */
MSIM_API unsigned long msim_trace_capacity(const struct msim_trace *t);

/**
 * msim_trace_get - the @i-th event the ring holds, oldest first
 * Return: the event, or NULL past the end, or for an event a process
 * died in the middle of writing.  Valid until the ring is written again.
 */
MSIM_API const struct msim_trace_event *
msim_trace_get(const struct msim_trace *t, unsigned long i);

/**
 * msim_trace_str - the @i-th string (0 to 2) of @e, "" if it has none
 */
MSIM_API const char *msim_trace_str(const struct msim_trace_event *e,
				    unsigned int i);

/** msim_trace_kind_name - "lock_acquired", "pte_set", ... */
MSIM_API const char *msim_trace_kind_name(enum msim_trace_kind kind);

/** msim_trace_nr_threads - threads named so far, the host's included. */
MSIM_API unsigned int msim_trace_nr_threads(const struct msim_trace *t);

/** msim_trace_thread_name - the name of thread @tid ("?" if none). */
MSIM_API const char *msim_trace_thread_name(const struct msim_trace *t,
					    unsigned int tid);

/** msim_trace_title - what the record is of (msim_trace_opts.title). */
MSIM_API const char *msim_trace_title(const struct msim_trace *t);

/**
 * msim_trace_describe - one line saying what @e is, without its thread
 * and step: "spin_lock(kvm->mmu_lock) acquired", "pte 0x10000000:
 * 0x8000000000002067 -> 0", ...  Return: as snprintf().
 */
MSIM_API int msim_trace_describe(const struct msim_trace *t,
				 const struct msim_trace_event *e, char *buf,
				 size_t size);

#endif /* MMSIM_TRACE_H */
