// SIGINT and SIGTERM as a request to stop: the handler records the first signal (all a handler may
// safely do besides the calls below, which are async-signal-safe). A second signal stops the
// process at once, unless it comes within a second of the first: one request often arrives twice
// (Ctrl-C reaches the whole foreground process group, and `rfm sweep` also passes it on to its
// runs; Slurm signals every process of a job step), and a duplicate must not cost the checkpoint.
//
// The signals are delivered to a thread that does nothing else: the installing thread and the
// threads made after it (the worker pool's too) block them. A signal landing on a thread inside
// oneDNN's generated code corrupted the heap now and then (glibc's "corrupted size vs. prev_size"
// on stopping runs); an idle thread of our own receives it instead.
#include "csupport.h"
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t rfm_stop_signal_number = 0;
static struct timespec rfm_first_stop;

/// Seconds a repeated stop signal counts as the same request.
#define RFM_DUPLICATE_WINDOW_SECONDS 1.0

static void rfm_record_stop(int sig) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (rfm_stop_signal_number == 0) {
        rfm_first_stop = now;
        rfm_stop_signal_number = sig;
        return;
    }
    double since = (double)(now.tv_sec - rfm_first_stop.tv_sec) + 1e-9 * (double)(now.tv_nsec - rfm_first_stop.tv_nsec);
    if (since < RFM_DUPLICATE_WINDOW_SECONDS) return;
    signal(sig, SIG_DFL);
    raise(sig);
}

static void stop_signal_set(sigset_t* set) {
    sigemptyset(set);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGTERM);
}

void rfm_block_stop_signals(void) {
    sigset_t set;
    stop_signal_set(&set);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
}

/// The thread the stop signals are delivered to: it waits in pause() with them unblocked.
static void* rfm_signal_thread(void* unused) {
    (void)unused;
    sigset_t set;
    stop_signal_set(&set);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
    for (;;) pause();
    return NULL;
}

void rfm_stop_signals_install(void) {
    static int installed = 0;
    if (installed) return;
    installed = 1;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = rfm_record_stop;
    action.sa_flags = SA_RESTART;
    stop_signal_set(&action.sa_mask);
    sigaction(SIGINT, &action, NULL);
    sigaction(SIGTERM, &action, NULL);
    rfm_block_stop_signals();
    pthread_t thread;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_create(&thread, &attr, rfm_signal_thread, NULL);
    pthread_attr_destroy(&attr);
}

int rfm_stop_signal_received(void) { return rfm_stop_signal_number; }
