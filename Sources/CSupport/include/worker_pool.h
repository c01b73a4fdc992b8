// A fixed pool of worker threads for parallel regions (see worker_pool.c).
#pragma once

// One worker's share of a region: `worker` in 0..<workers, worker 0 being the calling thread.
typedef void (*rfm_pool_body)(void *context, int worker);

// Starts threads until `workers` (calling thread included) can run at once; returns how many can.
int rfm_pool_ensure(int workers);

// Runs body(context, w) for w in 0..<workers, w = 0 on the calling thread, and returns when all
// are done. When the pool has too few threads or another thread is running a region, every share
// runs on the calling thread instead, one after another.
void rfm_pool_run(int workers, rfm_pool_body body, void *context);
