// SIGINT and SIGTERM as a request to stop: the handler only records the signal (all a handler may
// safely do) and, through SA_RESETHAND, restores the default action, so a second signal stops the
// process at once.
#include "csupport.h"
#include <signal.h>
#include <string.h>

static volatile sig_atomic_t rfm_stop_signal_number = 0;

static void rfm_record_stop(int sig) { rfm_stop_signal_number = sig; }

void rfm_stop_signals_install(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = rfm_record_stop;
    action.sa_flags = SA_RESETHAND | SA_RESTART;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, NULL);
    sigaction(SIGTERM, &action, NULL);
}

int rfm_stop_signal_received(void) { return rfm_stop_signal_number; }
