// The CUDA backend's kernels run on the CPU (see emulation.cpp), with the launch geometry given
// (blocks × threads per block), for tests against the CPU kernels.
#pragma once

#ifdef __cplusplus
extern "C" {
#endif

void rfm_emulate_gelu(const float *x, float *y, long long n, int blocks, int threads);
void rfm_emulate_add_row_vector(const float *v, float *m, long long rows, long long cols, int blocks, int threads);

#ifdef __cplusplus
}
#endif
