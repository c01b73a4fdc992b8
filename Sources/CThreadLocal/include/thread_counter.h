// A per-thread FLOP counter. Swift has no thread-local globals; C11 does. Keeping the counter
// per thread makes it exact for the thread that measures, whatever other threads compute.
#pragma once

void rfm_flops_add(double flops);
double rfm_flops_read(void);
