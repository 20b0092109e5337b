/* handoff — see handoff.h. */
#include "handoff.h"

void
handoff_init(struct handoff *h)
{
	pthread_mutex_init(&h->mu, NULL);
	pthread_cond_init(&h->cv, NULL);
	h->item = NULL;
	h->end = 0;
}

void
handoff_destroy(struct handoff *h)
{
	pthread_cond_destroy(&h->cv);
	pthread_mutex_destroy(&h->mu);
}

void
handoff_idle(struct handoff *h)
{
	pthread_mutex_lock(&h->mu);
	while (h->item)
		pthread_cond_wait(&h->cv, &h->mu);
	pthread_mutex_unlock(&h->mu);
}

void
handoff_put(struct handoff *h, void *item)
{
	pthread_mutex_lock(&h->mu);
	while (h->item)
		pthread_cond_wait(&h->cv, &h->mu);
	h->item = item;
	pthread_cond_broadcast(&h->cv);
	pthread_mutex_unlock(&h->mu);
}

void
handoff_end(struct handoff *h, int how)
{
	pthread_mutex_lock(&h->mu);
	h->end = how ? how : 1;
	pthread_cond_broadcast(&h->cv);
	pthread_mutex_unlock(&h->mu);
}

void *
handoff_take(struct handoff *h, int *how)
{
	void *item;

	pthread_mutex_lock(&h->mu);
	while (!h->item && !h->end)
		pthread_cond_wait(&h->cv, &h->mu);
	item = h->item;
	if (!item && how)
		*how = h->end;
	pthread_mutex_unlock(&h->mu);
	return item;
}

void
handoff_done(struct handoff *h)
{
	pthread_mutex_lock(&h->mu);
	h->item = NULL;
	pthread_cond_broadcast(&h->cv);
	pthread_mutex_unlock(&h->mu);
}
