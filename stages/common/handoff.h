/*
 * handoff — one item at a time from a producer thread to a consumer thread.
 *
 * The producer fills one buffer while the consumer works on the other:
 * handoff_put() waits until the consumer has done the last item, then
 * hands the next over; handoff_end() says no more will come.  The consumer
 * loops on handoff_take() (the next item, or NULL once ended and nothing is
 * left) and calls handoff_done() when it has finished an item.  Whatever the
 * consumer wrote before handoff_done() is visible to the producer after its
 * next handoff_put() or handoff_idle() returns.  A mutex and a condition
 * variable: normalize's writer and emit's indicators.sqlite thread hand
 * thousands of rows over at a time, so the lock is rare.
 */
#ifndef PROVSTAT_HANDOFF_H
#define PROVSTAT_HANDOFF_H

#include <pthread.h>

struct handoff {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	void *item; /* handed over, not yet done; NULL: the consumer is idle */
	int end; /* nonzero once handoff_end() was called: its how */
};

void handoff_init(struct handoff *h);
void handoff_destroy(struct handoff *h);

/* Producer: waits until the consumer has done the last item. */
void handoff_idle(struct handoff *h);
/* Producer: waits until the consumer is idle, then hands item over. */
void handoff_put(struct handoff *h, void *item);
/* Producer: no more items (how: nonzero, what handoff_take() reports). */
void handoff_end(struct handoff *h, int how);

/* Consumer: the next item; NULL once ended and every item taken, with the
 * end's how in *how (if how is not NULL). */
void *handoff_take(struct handoff *h, int *how);
/* Consumer: the item handoff_take() gave is done. */
void handoff_done(struct handoff *h);

#endif
