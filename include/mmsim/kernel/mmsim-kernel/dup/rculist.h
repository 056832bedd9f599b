/* SPDX-License-Identifier: MIT */
/*
 * DUPLICATED: the RCU list and hlist API.  Writers serialize among
 * themselves (under the caller's lock) and publish with release stores;
 * readers walk inside rcu_read_lock() with acquire loads; a deleted entry
 * keeps its forward link so that a reader standing on it walks on, and
 * may be freed only after a grace period (synchronize_rcu(), call_rcu(),
 * <linux/rcupdate.h>).  The optional lockdep condition of the iterators
 * is accepted and ignored.
 */
#ifndef MMSIM_KERNEL_DUP_RCULIST_H
#define MMSIM_KERNEL_DUP_RCULIST_H

#include <mmsim-kernel/dup/list.h>

#define msim_rcu_load(p) __atomic_load_n(&(p), __ATOMIC_ACQUIRE)
#define msim_rcu_store(p, v) __atomic_store_n(&(p), (v), __ATOMIC_RELEASE)

static inline void list_add_rcu(struct list_head *new_, struct list_head *head)
{
	struct list_head *next = head->next;

	new_->next = next;
	new_->prev = head;
	msim_rcu_store(head->next, new_);
	next->prev = new_;
}

static inline void list_add_tail_rcu(struct list_head *new_,
				     struct list_head *head)
{
	struct list_head *prev = head->prev;

	new_->next = head;
	new_->prev = prev;
	msim_rcu_store(prev->next, new_);
	head->prev = new_;
}

static inline void list_del_rcu(struct list_head *entry)
{
	struct list_head *prev = entry->prev, *next = entry->next;

	next->prev = prev;
	msim_rcu_store(prev->next, next);
	entry->prev = LIST_POISON2;
}

static inline void list_del_init_rcu(struct list_head *entry)
{
	list_del_rcu(entry);
	entry->prev = entry;
}

static inline void list_replace_rcu(struct list_head *old,
				    struct list_head *new_)
{
	new_->next = old->next;
	new_->prev = old->prev;
	msim_rcu_store(new_->prev->next, new_);
	new_->next->prev = new_;
	old->prev = LIST_POISON2;
}

#define list_entry_rcu(ptr, type, member)                                      \
	container_of(msim_rcu_load(ptr), type, member)
#define list_next_rcu(list) (*(&(list)->next))
#define list_first_or_null_rcu(ptr, type, member)                              \
	({                                                                     \
		struct list_head *msim_head_ = (ptr);                          \
		struct list_head *msim_next_ =                                 \
			msim_rcu_load(msim_head_->next);                       \
		msim_next_ != msim_head_                                       \
			? container_of(msim_next_, type, member)               \
			: NULL;                                                \
	})
#define list_for_each_entry_rcu(pos, head, member, ...)                        \
	for (pos = list_entry_rcu((head)->next, __typeof__(*pos), member);     \
	     &pos->member != (head);                                           \
	     pos = list_entry_rcu(pos->member.next, __typeof__(*pos), member))
#define list_for_each_entry_srcu(pos, head, member, cond)                      \
	list_for_each_entry_rcu(pos, head, member)

static inline void hlist_add_head_rcu(struct hlist_node *n,
				      struct hlist_head *h)
{
	struct hlist_node *first = h->first;

	n->next = first;
	n->pprev = &h->first;
	msim_rcu_store(h->first, n);
	if (first)
		first->pprev = &n->next;
}

static inline void hlist_del_rcu(struct hlist_node *n)
{
	__hlist_del(n);
	n->pprev = LIST_POISON2;
}

static inline void hlist_del_init_rcu(struct hlist_node *n)
{
	if (!hlist_unhashed(n)) {
		__hlist_del(n);
		n->pprev = NULL;
	}
}

#define hlist_first_rcu(head) (*(&(head)->first))
#define hlist_next_rcu(node) (*(&(node)->next))
/* One acquire load of @ptr, then its entry or NULL. */
#define msim_hlist_entry_rcu(ptr, type, member)                                \
	({                                                                     \
		struct hlist_node *msim_p_ = msim_rcu_load(ptr);               \
		msim_p_ ? hlist_entry(msim_p_, type, member) : NULL;           \
	})
#define hlist_for_each_entry_rcu(pos, head, member, ...)                       \
	for (pos = msim_hlist_entry_rcu((head)->first, __typeof__(*(pos)),     \
					member);                               \
	     pos; pos = msim_hlist_entry_rcu((pos)->member.next,               \
					     __typeof__(*(pos)), member))
#define hlist_for_each_entry_srcu(pos, head, member, cond)                     \
	hlist_for_each_entry_rcu(pos, head, member)

#endif /* MMSIM_KERNEL_DUP_RCULIST_H */
