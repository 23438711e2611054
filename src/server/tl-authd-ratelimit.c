/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tl-authd-ratelimit"

#include "config.h"

#include "tl-authd-ratelimit.h"

typedef struct
{
  double tokens;
  gint64 updated;  /* monotonic µs */
} Bucket;

struct _TlAuthdRateLimit
{
  guint       burst;
  double      rate;
  GHashTable *buckets;
};

TlAuthdRateLimit *
tl_authd_rate_limit_new (guint  burst,
                         double rate)
{
  TlAuthdRateLimit *limit = g_new0 (TlAuthdRateLimit, 1);

  limit->burst = MAX (burst, 1);
  limit->rate = MAX (rate, 0.001);
  limit->buckets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  return limit;
}

void
tl_authd_rate_limit_free (TlAuthdRateLimit *limit)
{
  if (limit == NULL)
    return;

  g_hash_table_unref (limit->buckets);
  g_free (limit);
}

static void
refill (TlAuthdRateLimit *limit,
        Bucket           *bucket,
        gint64            now)
{
  double elapsed = (double) (now - bucket->updated) / G_USEC_PER_SEC;

  bucket->tokens = MIN ((double) limit->burst, bucket->tokens + elapsed * limit->rate);
  bucket->updated = now;
}

gboolean
tl_authd_rate_limit_take (TlAuthdRateLimit *limit,
                          const char       *address,
                          gint64           *out_retry_after)
{
  gint64 now = g_get_monotonic_time ();
  Bucket *bucket = g_hash_table_lookup (limit->buckets, address);

  if (bucket == NULL)
    {
      bucket = g_new0 (Bucket, 1);
      bucket->tokens = limit->burst;
      bucket->updated = now;
      g_hash_table_insert (limit->buckets, g_strdup (address), bucket);
    }

  refill (limit, bucket, now);

  if (bucket->tokens >= 1.0)
    {
      bucket->tokens -= 1.0;
      return TRUE;
    }

  *out_retry_after = (gint64) ((1.0 - bucket->tokens) / limit->rate) + 1;
  return FALSE;
}

void
tl_authd_rate_limit_prune (TlAuthdRateLimit *limit)
{
  gint64 now = g_get_monotonic_time ();
  GHashTableIter iter;
  Bucket *bucket;

  g_hash_table_iter_init (&iter, limit->buckets);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &bucket))
    {
      refill (limit, bucket, now);
      if (bucket->tokens >= limit->burst)
        g_hash_table_iter_remove (&iter);
    }
}
