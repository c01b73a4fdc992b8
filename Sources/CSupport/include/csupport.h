// Small C helpers that Swift cannot express directly.
#pragma once

#include "worker_pool.h"

// A per-thread FLOP counter. Swift has no thread-local globals; C11 does. Keeping the counter
// per thread makes it exact for the thread that measures, whatever other threads compute.
void rfm_flops_add(double flops);
double rfm_flops_read(void);

// Whether the calling thread is running a block of a parallel region (per thread, like the
// counter): products issued there run single-threaded instead of splitting again.
int rfm_parallel_region_get(void);
void rfm_parallel_region_set(int inside);

// The calling thread's current compute device (an unretained Swift object; NULL for the host):
// tensors made on this thread are allocated there (see TensorCore's Device.swift).
void *rfm_current_device_get(void);
void rfm_current_device_set(void *device);

// Makes stdout line-buffered, so progress lines reach a pipe or a log file as they are printed.
void rfm_line_buffer_stdout(void);

// SIGINT/SIGTERM recorded as a stop request (the first one; a second stops the process at once).
// They are delivered to a thread kept for them: the calling thread, and the threads it creates
// afterwards, block them.
void rfm_stop_signals_install(void);
// Blocks SIGINT and SIGTERM in the calling thread (the worker pool's threads call it).
void rfm_block_stop_signals(void);
// The signal received since installing, or 0.
int rfm_stop_signal_received(void);
