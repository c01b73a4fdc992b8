// SIGINT and SIGTERM as a request to stop: the handler records the first signal (all a handler may
// safely do besides the calls below, which are async-signal-safe). A second signal stops the
// process at once, unless it comes within a second of the first: one request often arrives twice
// (Ctrl-C reaches the whole foreground process group, and `rfm sweep` also passes it on to its
// runs; Slurm signals every process of a job step), and a duplicate must not cost the checkpoint.
#include "csupport.h"
#include <signal.h>
#include <string.h>
#include <time.h>

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

void rfm_stop_signals_install(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = rfm_record_stop;
    action.sa_flags = SA_RESTART;
    sigemptyset(&action.sa_mask);
    sigaddset(&action.sa_mask, SIGINT);
    sigaddset(&action.sa_mask, SIGTERM);
    sigaction(SIGINT, &action, NULL);
    sigaction(SIGTERM, &action, NULL);
}

int rfm_stop_signal_received(void) { return rfm_stop_signal_number; }
