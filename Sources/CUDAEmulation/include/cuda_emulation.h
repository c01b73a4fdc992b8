// The CUDA backend's kernels run on the CPU (see emulation.cpp), with the launch geometry given
// (blocks × threads per block), for tests against the CPU kernels.
#pragma once

#ifdef __cplusplus
extern "C" {
#endif

void rfm_emulate_gelu(const float *x, float *y, long long n, int blocks, int threads);
void rfm_emulate_add_row_vector(const float *v, float *m, long long rows, long long cols, int blocks, int threads);
void rfm_emulate_relu(const float *x, float *y, long long n, int blocks, int threads);
void rfm_emulate_relu_backward(const float *dy, const float *x, float *dx, long long n, int blocks, int threads);
void rfm_emulate_scale(const float *a, float s, float *out, long long n, int blocks, int threads);
void rfm_emulate_axpy(float alpha, const float *x, float *y, long long n, int blocks, int threads);
void rfm_emulate_blend(float *a, float alpha, const float *b, float beta, long long n, int blocks, int threads);
void rfm_emulate_minimum(const float *a, const float *b, float *out, long long n, int blocks, int threads);
void rfm_emulate_sum_columns(const float *m, float *out, long long rows, long long cols, long long accumulate,
                             int blocks, int threads);
void rfm_emulate_adam(float *p, float *m, float *v, const float *g, float lr, float b1, float b2, float c1,
                      float c2, float eps, long long n, int blocks, int threads);
// op: 0 add, 1 subtract, 2 multiply.
void rfm_emulate_binary(int op, const float *a, const float *b, float *out, long long n, int blocks, int threads);
void rfm_emulate_tanh(const float *x, float *y, long long n, int blocks, int threads);
void rfm_emulate_gelu_backward(const float *dy, const float *x, float *dx, long long n, int blocks, int threads);
void rfm_emulate_add_column_vector(const float *v, float *m, long long rows, long long cols, int blocks, int threads);
void rfm_emulate_add_group_rows(const float *rows, float *x, long long groups, long long n, long long d, int blocks, int threads);
void rfm_emulate_broadcast_row(const float *v, float *out, long long rows, long long cols, int blocks, int threads);
void rfm_emulate_repeat_rows(const float *src, float *out, long long rows, long long cols, long long times, int blocks, int threads);
void rfm_emulate_gather_rows(const float *src, const long long *indices, float *out, long long count, long long cols, int blocks,
                             int threads);
// op: 0 sum, 1 max, 2 log-sum-exp (v has rows elements); 3 softmax (v is rows × cols).
void rfm_emulate_row_reduction(int op, const float *m, float *v, long long rows, long long cols, int blocks, int threads);
void rfm_emulate_argmax_rows(const float *m, long long *indices, long long rows, long long cols, int blocks, int threads);
void rfm_emulate_mean_std_rows(const float *m, float *mean, float *stdev, long long rows, long long cols, int blocks, int threads);
void rfm_emulate_group_affine(const float *x, const float *alpha, const float *r, const float *beta, float *out, long long groups,
                              long long n, long long d, int blocks, int threads);
void rfm_emulate_group_weighted_sum(const float *w, const float *x, float *out, long long groups, long long k, long long d,
                                    int blocks, int threads);
void rfm_emulate_subtract_group_rows(const float *x, const float *rows, float *out, long long groups, long long n, long long d,
                                     int blocks, int threads);
void rfm_emulate_broadcast_column(const float *v, float *out, long long rows, long long cols, int blocks, int threads);
double rfm_emulate_sum_of_squares(const float *x, long long n, int blocks, int threads);
// normal 0: uniforms low = a, width = b; normal 1: normals mean = a, std = b.
void rfm_emulate_fill(int normal, float *out, long long n, float a, float b, unsigned long long seed, unsigned long long stream,
                      unsigned long long position, int blocks, int threads);
void rfm_emulate_categorical(const float *logits, long long *indices, long long rows, long long cols, unsigned long long seed,
                             unsigned long long stream, unsigned long long position, int blocks, int threads);
void rfm_emulate_sinusoidal_embedding(const float *x, const float *f, float *out, long long n, long long half, int blocks, int threads);
// The estimator's formulas; op: 0 reciprocal (p = offset), 1 ratio, 2 negated ratio,
// 3 squared ratio, 4 one minus, 5 tanh log-Jacobian, 6 tanh score (p = λ), 7 control-variate
// coefficient (p = ridge, q = clip), 8 minimum share, 9 clamp (p = bound).
void rfm_emulate_estimator_formula(int op, const float *a, const float *b, float *out, float p, float q, long long n, int blocks,
                                   int threads);


// The emulated runtime's device addresses are host addresses plus this offset, which puts them
// outside the x86-64 and arm64 user address spaces: host code that reads device memory without a
// copy faults at once, as it would on a GPU. Launches and copies subtract it.
#define RFM_EMULATED_ADDRESS_OFFSET 0x4000000000000000ULL

// Whether the kernel `name` of rfm_kernels.cu is known to the emulation.
int rfm_emulate_has_kernel(const char *name);
// The kernel table (one entry per kernel of rfm_kernels.cu): how many kernels, the i-th one's
// name, and a kernel's layout, one character per parameter ('p' a device address, 'i' long long,
// 'w' unsigned long long, 'f' float), or NULL for an unknown name.
int rfm_kernel_count(void);
const char *rfm_kernel_name(int i);
const char *rfm_kernel_layout(const char *name);
// Launches the kernel `name` as cuLaunchKernel would: `parameters` points to one pointer per
// kernel parameter, each to the parameter's value (pointer parameters hold emulated device
// addresses). Returns 0, or -1 for an unknown kernel.
int rfm_emulate_launch(const char *name, void **parameters, int blocks, int threads);

#ifdef __cplusplus
}
#endif
