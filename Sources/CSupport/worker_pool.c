// A fixed pool of worker threads for the parallel regions of `Parallel` (Sources/TensorCore).
//
// Why not libdispatch: a parallel region in a flow rollout lasts tens of microseconds, and waking a
// sleeping dispatch thread costs about as much. Why not OpenBLAS's threads: they spin while our
// own blocks compute, so three threads share two cores. This pool is the program's only extra
// threads: after a region its workers spin for a short while (the next region of a rollout
// usually follows within microseconds), then sleep on a condition variable.
#include "worker_pool.h"
#include "csupport.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <time.h>

#if defined(__x86_64__)
#include <immintrin.h>
#define RFM_PAUSE() _mm_pause()
#else
#define RFM_PAUSE() ((void)0)
#endif

enum { MAX_WORKERS = 256 };

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pool_wake = PTHREAD_COND_INITIALIZER;
static atomic_int pool_threads = 0;        // threads started (workers 1...pool_threads)
static atomic_uint pool_generation = 0;    // bumped once per region
static atomic_int pool_pending = 0;        // threads yet to answer the current region
static atomic_int pool_sleepers = 0;       // workers waiting on pool_wake
static rfm_pool_body pool_body = 0;        // the current region (published by pool_generation)
static void *pool_context = 0;
static int pool_workers = 0;               // workers taking part in the current region
static atomic_flag pool_busy = ATOMIC_FLAG_INIT; // held by the thread running a region

// Spinning budget after a region before a worker sleeps, in nanoseconds.
static const long spin_ns = 200000;

static long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

static void *worker_main(void *arg) {
    // Stop signals go to the thread stop_signals.c keeps for them, never to a thread in the math.
    rfm_block_stop_signals();
    // The id, and the generation current when the thread was made: a region started before the
    // thread first runs must not be missed.
    unsigned long packed = (unsigned long)arg;
    int id = (int)(packed & 0xffff);
    unsigned seen = (unsigned)(packed >> 16);
    for (;;) {
        // Spin briefly, then sleep until the generation moves.
        long start = now_ns();
        unsigned gen;
        int spins = 0;
        while ((gen = atomic_load_explicit(&pool_generation, memory_order_acquire)) == seen) {
            RFM_PAUSE();
            if (++spins % 256 == 0 && now_ns() - start > spin_ns) {
                pthread_mutex_lock(&pool_lock);
                atomic_fetch_add(&pool_sleepers, 1);
                // Sequentially consistent, pairing with rfm_pool_run: either it sees this sleeper
                // and signals, or this load sees its new generation.
                while ((gen = atomic_load(&pool_generation)) == seen)
                    pthread_cond_wait(&pool_wake, &pool_lock);
                atomic_fetch_sub(&pool_sleepers, 1);
                pthread_mutex_unlock(&pool_lock);
                break;
            }
        }
        seen = gen;
        // Every thread answers every region, taking part or not, so that no thread can still be
        // reading this region's description when the next one is written.
        if (id < pool_workers) pool_body(pool_context, id);
        atomic_fetch_sub_explicit(&pool_pending, 1, memory_order_release);
    }
    return 0;
}

int rfm_pool_ensure(int workers) {
    if (workers > MAX_WORKERS) workers = MAX_WORKERS;
    if (atomic_load(&pool_threads) >= workers - 1) return atomic_load(&pool_threads) + 1;
    // No region may run while threads are added (a new thread must not answer a region that did
    // not count it), so take the pool as a region would.
    while (atomic_flag_test_and_set(&pool_busy)) RFM_PAUSE();
    pthread_mutex_lock(&pool_lock);
    while (pool_threads < workers - 1) {
        pthread_t thread;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        unsigned long packed = ((unsigned long)atomic_load(&pool_generation) << 16) | (unsigned long)(pool_threads + 1);
        int rc = pthread_create(&thread, &attr, worker_main, (void *)packed);
        pthread_attr_destroy(&attr);
        if (rc != 0) break;
        pool_threads++;
    }
    int available = pool_threads + 1;
    pthread_mutex_unlock(&pool_lock);
    atomic_flag_clear(&pool_busy);
    return available;
}

void rfm_pool_run(int workers, rfm_pool_body body, void *context) {
    // Too few threads, or another thread's region under way (concurrent tests): run every share
    // here, one after another. The shares are independent, so the results are the same.
    if (workers <= 1 || workers > pool_threads + 1 || atomic_flag_test_and_set(&pool_busy)) {
        for (int w = 0; w < workers; w++) body(context, w);
        return;
    }
    pool_body = body;
    pool_context = context;
    pool_workers = workers;
    // Workers 1..<workers take part; the others wake, see they are not needed, and answer.
    atomic_store_explicit(&pool_pending, atomic_load(&pool_threads), memory_order_relaxed);
    atomic_fetch_add(&pool_generation, 1);
    if (atomic_load(&pool_sleepers) > 0) {
        pthread_mutex_lock(&pool_lock);
        pthread_cond_broadcast(&pool_wake);
        pthread_mutex_unlock(&pool_lock);
    }
    body(context, 0);
    while (atomic_load_explicit(&pool_pending, memory_order_acquire) > 0) RFM_PAUSE();
    atomic_flag_clear(&pool_busy);
}
