#include "thread_counter.h"

static _Thread_local double rfm_flops = 0;

void rfm_flops_add(double flops) { rfm_flops += flops; }
double rfm_flops_read(void) { return rfm_flops; }
