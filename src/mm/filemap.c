// SPDX-License-Identifier: MIT
/*
 * The page lock (mm/filemap.c folio_lock(), folio_unlock()).  Waiters
 * sleep on one of a few hashed wait queues, as Linux's do on its page
 * wait table; the unlock clears PG_locked first and then wakes the queue,
 * under the queue's mutex, so that a waiter that saw the bit set is
 * already asleep when the wakeup comes.
 */
#include "internal.h"

#define PAGE_WAIT_TABLE_SIZE 64

static struct page_wait_queue {
	pthread_mutex_t lock;
	pthread_cond_t cond;
} page_wait_table[PAGE_WAIT_TABLE_SIZE] = {
	[0 ... PAGE_WAIT_TABLE_SIZE - 1] = { PTHREAD_MUTEX_INITIALIZER,
					     PTHREAD_COND_INITIALIZER },
};

static struct page_wait_queue *page_waitqueue(const struct page *page)
{
	unsigned long h = (unsigned long)page / sizeof(*page);

	return &page_wait_table[(h ^ (h >> 6)) % PAGE_WAIT_TABLE_SIZE];
}

void lock_page(struct page *page)
{
	struct page_wait_queue *q;

	if (trylock_page(page))
		return;
	q = page_waitqueue(page);
	pthread_mutex_lock(&q->lock);
	while (!trylock_page(page))
		msim_sync_wait(page, &q->lock, &q->cond, "page_lock");
	pthread_mutex_unlock(&q->lock);
}

void unlock_page(struct page *page)
{
	struct page_wait_queue *q = page_waitqueue(page);

	__atomic_fetch_and(&page->flags, ~(1UL << PG_locked), __ATOMIC_RELEASE);
	pthread_mutex_lock(&q->lock);
	msim_sync_wake(page, &q->cond, "page_lock");
	pthread_mutex_unlock(&q->lock);
}
