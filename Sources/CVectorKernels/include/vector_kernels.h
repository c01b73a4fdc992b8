// Elementwise kernels on AVX-512, chosen at run time: the Swift kernels are compiled for
// Haswell-level x86-64 (8 float lanes), and Swift cannot ask for 16-lane code on the machines that
// have it. Each function here computes exactly the operations of its Swift counterpart in
// TensorCore (same order, no fused multiply-adds), so the numbers are the same on either path.
#pragma once

#include <stddef.h>

// Which wide path is in use: 1 when AVX-512 (F) is present and allowed, else 0. RFM_SIMD=avx2 in
// the environment forbids it (to compare the two paths); read once.
int rfm_vk_avx512_enabled(void);

// Forces the choice (tests): 1 allows AVX-512 where the CPU has it, 0 forbids it.
void rfm_vk_set_avx512_allowed(int allowed);

// Whether this CPU has AVX-512 (F), whatever is allowed.
int rfm_vk_cpu_has_avx512(void);

// y = GELU(x) in the tanh form, as x / (1 + exp(-2u)), u = sqrt(2/pi) (x + 0.044715 x^3), with
// TensorCore's exponential (Kernels.geluLanes). y may alias x. Returns 0, doing nothing, when the
// AVX-512 path is off (the caller then runs its own).
int rfm_vk_gelu(const float *x, float *y, size_t n);

// A dense layer's bias, GELU and residual skip in one pass over row-major [rows, cols] z:
// z[r, c] += bias[c] (kept: the pre-activation), out[r, c] = GELU(z[r, c]), plus
// residual[r * residual_stride + c] when residual is not NULL. The numbers of TensorCore's
// addRowVector, gelu and add(_:to:) in turn. out may be z only without a residual. Returns 0,
// doing nothing, when the AVX-512 path is off.
int rfm_vk_bias_gelu(float *z, const float *bias, float *out, const float *residual, size_t residual_stride,
                     size_t rows, size_t cols);

// y = max(x, 0) as Swift computes it (`0 >= x ? 0 : x`: +0 for -0, NaN kept): Kernels.relu. y may
// alias x. Returns 0, doing nothing, when the AVX-512 path is off.
int rfm_vk_relu(const float *x, float *y, size_t n);

// rfm_vk_bias_gelu with ReLU: z[r, c] += bias[c] (kept), out[r, c] = max(z[r, c], 0), plus the
// residual when not NULL. The numbers of addRowVector, relu and add(_:to:) in turn. out may be z
// only without a residual. Returns 0, doing nothing, when the AVX-512 path is off.
int rfm_vk_bias_relu(float *z, const float *bias, float *out, const float *residual, size_t residual_stride,
                     size_t rows, size_t cols);

// dx = x > 0 ? dy : 0 (Kernels.reluBackward; 0 for NaN and -0 inputs). dx may alias dy. Returns 0,
// doing nothing, when the AVX-512 path is off.
int rfm_vk_relu_backward(const float *dy, const float *x, float *dx, size_t n);

// dx = dy * GELU'(x) (Kernels.geluBackward: the tanh form's derivative with TensorCore's tanh and
// exponential). dx may alias dy. Returns 0, doing nothing, when the AVX-512 path is off.
int rfm_vk_gelu_backward(const float *dy, const float *x, float *dx, size_t n);

// A rollout's first layer (Kernels.addSharesActivation): over row-major [rows, cols] z,
// z[r, c] = (z[r, c] + groups[(r / per_group) * cols + c]) + row[c] (kept: the pre-activation;
// no group term when groups is NULL), out[r, c] = GELU (or ReLU) of it. The numbers of
// addGroupRows, the row's add and the activation in turn. out may be z. Returns 0, doing nothing,
// when the AVX-512 path is off.
int rfm_vk_add_shares_gelu(float *z, const float *groups, size_t per_group, const float *row, float *out, size_t rows, size_t cols);
int rfm_vk_add_shares_relu(float *z, const float *groups, size_t per_group, const float *row, float *out, size_t rows, size_t cols);

// One Adam step in place, Kernels.adamStep's operations in its order: m = (1 - b1) g + b1 m,
// v = (1 - b2) (g g) + b2 v, p -= lr ((m / c1) / (sqrt(v / c2) + eps)). p, m, v and g must not
// overlap. Returns 0, doing nothing, when the AVX-512 path is off.
int rfm_vk_adam(float *p, float *m, float *v, const float *g, size_t n, float lr, float beta1, float beta2, float c1, float c2,
                float eps);

// sums[t] = the sum over i of (double)x[t][i] squared, accumulated in Float64 in index order from 0
// for each of the `count` arrays (n[t] floats each): Kernels.sumOfSquares's numbers, tensor by
// tensor. Not an AVX-512 kernel: always runs; several tensors' additions interleave.
void rfm_vk_sums_of_squares(const float *const *x, const size_t *n, size_t count, double *sums);
