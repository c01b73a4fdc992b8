#include "csupport.h"
#include <stdio.h>

static _Thread_local double rfm_flops = 0;

void rfm_flops_add(double flops) { rfm_flops += flops; }
double rfm_flops_read(void) { return rfm_flops; }

static _Thread_local int rfm_in_parallel_region = 0;

int rfm_parallel_region_get(void) { return rfm_in_parallel_region; }
void rfm_parallel_region_set(int inside) { rfm_in_parallel_region = inside; }

static _Thread_local void *rfm_current_device;
void *rfm_current_device_get(void) { return rfm_current_device; }
void rfm_current_device_set(void *device) { rfm_current_device = device; }

void rfm_line_buffer_stdout(void) { setvbuf(stdout, NULL, _IOLBF, 0); }
