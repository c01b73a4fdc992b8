#include "csupport.h"
#include <stdio.h>

static _Thread_local double rfm_flops = 0;

void rfm_flops_add(double flops) { rfm_flops += flops; }
double rfm_flops_read(void) { return rfm_flops; }

void rfm_line_buffer_stdout(void) { setvbuf(stdout, NULL, _IOLBF, 0); }
