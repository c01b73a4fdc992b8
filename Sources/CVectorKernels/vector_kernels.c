// AVX-512 versions of TensorCore's hottest elementwise kernels (see vector_kernels.h): the switch,
// the activations and their one-pass forms with bias and skip, the backward passes and Adam. The
// rules that make them bit-identical to the Swift kernels are in lanes16.h.
#pragma STDC FP_CONTRACT OFF

#include "lanes16.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

static atomic_int allowed = -1;  // -1: not decided yet

int rfm_vk_cpu_has_avx512(void) {
#if defined(__x86_64__)
    return __builtin_cpu_supports("avx512f") ? 1 : 0;
#else
    return 0;
#endif
}

void rfm_vk_set_avx512_allowed(int allow) { atomic_store(&allowed, allow ? 1 : 0); }

int rfm_vk_avx512_enabled(void) {
    int a = atomic_load(&allowed);
    if (a < 0) {
        const char *simd = getenv("RFM_SIMD");
        a = !(simd && strcmp(simd, "avx2") == 0);
        atomic_store(&allowed, a);
    }
    return a && rfm_vk_cpu_has_avx512();
}

#if defined(__x86_64__)
// y = f(x) over n elements. The tail: masked lanes, each computed exactly as a full vector's lane.
AVX512_INLINE void activate_avx512(const float *x, float *y, size_t n, enum activation f) {
    size_t i = 0;
    for (; i + 16 <= n; i += 16) _mm512_storeu_ps(y + i, activate16(_mm512_loadu_ps(x + i), f));
    if (i < n) {
        __mmask16 m = (__mmask16)((1u << (n - i)) - 1u);
        _mm512_mask_storeu_ps(y + i, m, activate16(_mm512_maskz_loadu_ps(m, x + i), f));
    }
}

AVX512_INLINE void bias_activation16(float *z, const float *bias, float *out, const float *residual, __mmask16 m,
                                     enum activation f) {
    __m512 v = _mm512_add_ps(_mm512_maskz_loadu_ps(m, z), _mm512_maskz_loadu_ps(m, bias));
    if (out != z) _mm512_mask_storeu_ps(z, m, v);   // in place, out is all that is kept
    __m512 y = activate16(v, f);
    if (residual) y = _mm512_add_ps(y, _mm512_maskz_loadu_ps(m, residual));
    _mm512_mask_storeu_ps(out, m, y);
}

// A dense layer's z += bias (kept), out = f(z) (+ residual), row by row.
AVX512_INLINE void bias_activation_avx512(float *z, const float *bias, float *out, const float *residual, size_t residual_stride,
                                          size_t rows, size_t cols, enum activation f) {
    __mmask16 tail = (__mmask16)((1u << (cols % 16)) - 1u);
    for (size_t r = 0; r < rows; r++) {
        float *zr = z + r * cols, *outr = out + r * cols;
        const float *res = residual ? residual + r * residual_stride : NULL;
        size_t c = 0;
        for (; c + 16 <= cols; c += 16) bias_activation16(zr + c, bias + c, outr + c, res ? res + c : NULL, (__mmask16)0xFFFF, f);
        if (c < cols) bias_activation16(zr + c, bias + c, outr + c, res ? res + c : NULL, tail, f);
    }
}

// The four kernels: out-of-line, each with its activation fixed (always_inline code may only be
// inlined into functions compiled for AVX-512 too).
AVX512 static void gelu_avx512(const float *x, float *y, size_t n) { activate_avx512(x, y, n, ACTIVATION_GELU); }
AVX512 static void relu_avx512(const float *x, float *y, size_t n) { activate_avx512(x, y, n, ACTIVATION_RELU); }
AVX512 static void bias_gelu_avx512(float *z, const float *bias, float *out, const float *residual, size_t stride, size_t rows,
                                    size_t cols) {
    bias_activation_avx512(z, bias, out, residual, stride, rows, cols, ACTIVATION_GELU);
}
AVX512 static void bias_relu_avx512(float *z, const float *bias, float *out, const float *residual, size_t stride, size_t rows,
                                    size_t cols) {
    bias_activation_avx512(z, bias, out, residual, stride, rows, cols, ACTIVATION_RELU);
}

// dx = x > 0 ? dy : +0 (false for NaN and -0). dx may alias dy.
AVX512 static inline void relu_backward16(const float *dy, const float *x, float *dx, __mmask16 m) {
    __mmask16 positive = _mm512_cmp_ps_mask(_mm512_maskz_loadu_ps(m, x), _mm512_setzero_ps(), _CMP_GT_OQ);
    _mm512_mask_storeu_ps(dx, m, _mm512_maskz_mov_ps(positive, _mm512_maskz_loadu_ps(m, dy)));
}

AVX512 static void relu_backward_avx512(const float *dy, const float *x, float *dx, size_t n) {
    size_t i = 0;
    for (; i + 16 <= n; i += 16) relu_backward16(dy + i, x + i, dx + i, (__mmask16)0xFFFF);
    if (i < n) relu_backward16(dy + i, x + i, dx + i, (__mmask16)((1u << (n - i)) - 1u));
}

// dx = geluBackward(dy, x); dx may alias dy. The tail: masked lanes, as a full vector's lanes.
AVX512 static void gelu_backward_avx512(const float *dy, const float *x, float *dx, size_t n) {
    size_t i = 0;
    for (; i + 16 <= n; i += 16)
        _mm512_storeu_ps(dx + i, gelu_backward16(_mm512_loadu_ps(x + i), _mm512_loadu_ps(dy + i)));
    if (i < n) {
        __mmask16 m = (__mmask16)((1u << (n - i)) - 1u);
        _mm512_mask_storeu_ps(dx + i, m, gelu_backward16(_mm512_maskz_loadu_ps(m, x + i), _mm512_maskz_loadu_ps(m, dy + i)));
    }
}

// Kernels.adamStep: m = (1 - b1) g + b1 m, v = (1 - b2) (g g) + b2 v,
// p = p - lr ((m / c1) / (sqrt(v / c2) + eps)); sqrt and division are IEEE-exact on both paths.
AVX512 static inline void adam16(float *p, float *m, float *v, const float *g, __m512 lr, __m512 b1, __m512 b2, __m512 omb1,
                                 __m512 omb2, __m512 c1, __m512 c2, __m512 eps, __mmask16 k) {
    __m512 gj = _mm512_maskz_loadu_ps(k, g);
    __m512 mj = _mm512_add_ps(_mm512_mul_ps(omb1, gj), _mm512_mul_ps(b1, _mm512_maskz_loadu_ps(k, m)));
    __m512 vj = _mm512_add_ps(_mm512_mul_ps(omb2, _mm512_mul_ps(gj, gj)), _mm512_mul_ps(b2, _mm512_maskz_loadu_ps(k, v)));
    _mm512_mask_storeu_ps(m, k, mj);
    _mm512_mask_storeu_ps(v, k, vj);
    __m512 denom = _mm512_add_ps(_mm512_sqrt_ps(_mm512_div_ps(vj, c2)), eps);
    __m512 step = _mm512_mul_ps(lr, _mm512_div_ps(_mm512_div_ps(mj, c1), denom));
    _mm512_mask_storeu_ps(p, k, _mm512_sub_ps(_mm512_maskz_loadu_ps(k, p), step));
}

AVX512 static void adam_avx512(float *p, float *m, float *v, const float *g, size_t n, float lr, float b1, float b2, float c1,
                               float c2, float eps) {
    float omb1 = 1.0f - b1, omb2 = 1.0f - b2;   // Swift's (1 - b1), (1 - b2) in Float
    __m512 vlr = SET(lr), vb1 = SET(b1), vb2 = SET(b2), vomb1 = SET(omb1), vomb2 = SET(omb2), vc1 = SET(c1), vc2 = SET(c2),
           veps = SET(eps);
    size_t i = 0;
    for (; i + 16 <= n; i += 16)
        adam16(p + i, m + i, v + i, g + i, vlr, vb1, vb2, vomb1, vomb2, vc1, vc2, veps, (__mmask16)0xFFFF);
    if (i < n)
        adam16(p + i, m + i, v + i, g + i, vlr, vb1, vb2, vomb1, vomb2, vc1, vc2, veps, (__mmask16)((1u << (n - i)) - 1u));
}
#endif


int rfm_vk_gelu(const float *x, float *y, size_t n) {
    RUN_ON_AVX512(gelu_avx512(x, y, n));
    return 0;
}

int rfm_vk_relu(const float *x, float *y, size_t n) {
    RUN_ON_AVX512(relu_avx512(x, y, n));
    return 0;
}

int rfm_vk_bias_gelu(float *z, const float *bias, float *out, const float *residual, size_t residual_stride,
                     size_t rows, size_t cols) {
    RUN_ON_AVX512(bias_gelu_avx512(z, bias, out, residual, residual_stride, rows, cols));
    return 0;
}

int rfm_vk_bias_relu(float *z, const float *bias, float *out, const float *residual, size_t residual_stride,
                     size_t rows, size_t cols) {
    RUN_ON_AVX512(bias_relu_avx512(z, bias, out, residual, residual_stride, rows, cols));
    return 0;
}

int rfm_vk_relu_backward(const float *dy, const float *x, float *dx, size_t n) {
    RUN_ON_AVX512(relu_backward_avx512(dy, x, dx, n));
    return 0;
}

int rfm_vk_adam(float *p, float *m, float *v, const float *g, size_t n, float lr, float beta1, float beta2, float c1, float c2,
                float eps) {
    RUN_ON_AVX512(adam_avx512(p, m, v, g, n, lr, beta1, beta2, c1, c2, eps));
    return 0;
}

int rfm_vk_gelu_backward(const float *dy, const float *x, float *dx, size_t n) {
    RUN_ON_AVX512(gelu_backward_avx512(dy, x, dx, n));
    return 0;
}
