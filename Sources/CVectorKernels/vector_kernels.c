// AVX-512 versions of TensorCore's hottest elementwise kernels (see vector_kernels.h).
//
// Bit-identity with the Swift kernels rests on three rules: every arithmetic step is one
// intrinsic, in the Swift expression's left-to-right order (no contraction into FMA: intrinsics
// are not contracted, and the pragma below covers the rest; the exponential's few exceptions are
// exact rewrites, see gelu16); the constants are the same float
// literals; and max/min put the constant first, so that a NaN input comes through as Swift's
// `replace(with:where:)` lets it (vmaxps returns its second operand when either is NaN).
#pragma STDC FP_CONTRACT OFF

#include "vector_kernels.h"

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
#include <immintrin.h>

#define AVX512 __attribute__((target("avx512f")))
#define SET(c) _mm512_set1_ps(c)

// TensorCore's exponential (Kernels.geluLanes' inline one): clamp to [-87, 87], n = round(x/ln 2)
// by the 1.5 * 2^23 shift, r = x - n ln 2 in two parts, a degree-5 polynomial, times 2^n.
// Three steps take one instruction each instead of two to four, with the same result for every
// one of the 2^32 inputs (checked exhaustively): the shift's add and subtract is a rounding to the
// nearest integer (|x/ln 2| < 2^22, ties to even either way); n times the short ln 2 (9 bits) is
// exact, so one fused multiply-subtract rounds as the subtraction did; and 2^n by scalef is the
// same correctly rounded product as the multiplication by 2^n built from the exponent bits.
AVX512 static inline __m512 gelu16(__m512 v) {
    // (-2 sqrt(2/pi)) * (v + ((0.044715 v) v) v)
    __m512 cubic = _mm512_mul_ps(_mm512_mul_ps(_mm512_mul_ps(SET(0.044715f), v), v), v);
    __m512 x = _mm512_mul_ps(SET(-2.0f * 0.7978845608028654f), _mm512_add_ps(v, cubic));
    x = _mm512_max_ps(SET(-87.0f), x);
    x = _mm512_min_ps(SET(87.0f), x);
    __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, SET(1.442695041f)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512 r = _mm512_fnmadd_ps(n, SET(0.693359375f), x);
    r = _mm512_sub_ps(r, _mm512_mul_ps(n, SET(-2.12194440e-4f)));
    __m512 p = SET(1.9875691500e-4f);
    p = _mm512_add_ps(_mm512_mul_ps(p, r), SET(1.3981999507e-3f));
    p = _mm512_add_ps(_mm512_mul_ps(p, r), SET(8.3334519073e-3f));
    p = _mm512_add_ps(_mm512_mul_ps(p, r), SET(4.1665795894e-2f));
    p = _mm512_add_ps(_mm512_mul_ps(p, r), SET(1.6666665459e-1f));
    p = _mm512_add_ps(_mm512_mul_ps(p, r), SET(5.0000001201e-1f));
    __m512 poly = _mm512_add_ps(_mm512_add_ps(_mm512_mul_ps(p, _mm512_mul_ps(r, r)), r), SET(1.0f));
    __m512 e = _mm512_scalef_ps(poly, n);
    return _mm512_div_ps(v, _mm512_add_ps(SET(1.0f), e));
}

// TensorCore's Kernels.exp(Lanes): clamp to [-87.33654, 88.3], the same reduction and polynomial
// as above (the same three one-instruction steps), and +0 below -87.33654 (NaN comes through).
AVX512 static inline __m512 exp16(__m512 v) {
    __m512 x = _mm512_max_ps(SET(-87.33654f), v);
    x = _mm512_min_ps(SET(88.3f), x);
    __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, SET(1.442695041f)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    x = _mm512_fnmadd_ps(n, SET(0.693359375f), x);
    x = _mm512_sub_ps(x, _mm512_mul_ps(n, SET(-2.12194440e-4f)));
    __m512 z = _mm512_mul_ps(x, x);
    __m512 p = SET(1.9875691500e-4f);
    p = _mm512_add_ps(_mm512_mul_ps(p, x), SET(1.3981999507e-3f));
    p = _mm512_add_ps(_mm512_mul_ps(p, x), SET(8.3334519073e-3f));
    p = _mm512_add_ps(_mm512_mul_ps(p, x), SET(4.1665795894e-2f));
    p = _mm512_add_ps(_mm512_mul_ps(p, x), SET(1.6666665459e-1f));
    p = _mm512_add_ps(_mm512_mul_ps(p, x), SET(5.0000001201e-1f));
    __m512 y = _mm512_add_ps(_mm512_add_ps(_mm512_mul_ps(p, z), x), SET(1.0f));
    __m512 result = _mm512_scalef_ps(y, n);
    __mmask16 under = _mm512_cmp_ps_mask(v, SET(-87.33654f), _CMP_LT_OQ);
    return _mm512_mask_blend_ps(under, result, _mm512_setzero_ps());
}

AVX512 static inline __m512 negate16(__m512 v) {
    return _mm512_castsi512_ps(_mm512_xor_si512(_mm512_castps_si512(v), _mm512_set1_epi32((int)0x80000000u)));
}

// TensorCore's Kernels.tanh(Lanes): x + x^3 P(x^2) below |x| = 0.625, sign(x) (1 - 2/(e^{2|x|} + 1))
// from there (|x| as Swift's `x < 0 ? -x : x`: -0 and NaN stay).
AVX512 static inline __m512 tanh16(__m512 x) {
    __mmask16 negative = _mm512_cmp_ps_mask(x, _mm512_setzero_ps(), _CMP_LT_OQ);
    __m512 a = _mm512_mask_blend_ps(negative, x, negate16(x));
    __m512 z = _mm512_mul_ps(x, x);
    __m512 p = SET(-5.70498872745e-3f);
    p = _mm512_add_ps(_mm512_mul_ps(p, z), SET(2.06390887954e-2f));
    p = _mm512_sub_ps(_mm512_mul_ps(p, z), SET(5.37397155531e-2f));
    p = _mm512_add_ps(_mm512_mul_ps(p, z), SET(1.33314422036e-1f));
    p = _mm512_sub_ps(_mm512_mul_ps(p, z), SET(3.33332819422e-1f));
    __m512 small = _mm512_add_ps(_mm512_mul_ps(_mm512_mul_ps(p, z), x), x);
    __m512 e = exp16(_mm512_mul_ps(SET(2.0f), a));
    __m512 large = _mm512_sub_ps(SET(1.0f), _mm512_div_ps(SET(2.0f), _mm512_add_ps(e, SET(1.0f))));
    large = _mm512_mask_blend_ps(negative, large, negate16(large));
    __mmask16 big = _mm512_cmp_ps_mask(a, SET(0.625f), _CMP_GE_OQ);
    return _mm512_mask_blend_ps(big, small, large);
}

// Kernels.geluBackward: dy (0.5 (1 + th) + (((0.5 c) v) (1 - th th)) (1 + (3 k) v^2)),
// th = tanh(c (v + (k v^2) v)), c = sqrt(2/pi), k = 0.044715.
AVX512 static inline __m512 gelu_backward16(__m512 v, __m512 g) {
    const float c = 0.7978845608028654f, k = 0.044715f;
    __m512 v2 = _mm512_mul_ps(v, v);
    __m512 th = tanh16(_mm512_mul_ps(SET(c), _mm512_add_ps(v, _mm512_mul_ps(_mm512_mul_ps(SET(k), v2), v))));
    __m512 outer = _mm512_mul_ps(SET(0.5f), _mm512_add_ps(SET(1.0f), th));
    __m512 inner = _mm512_mul_ps(_mm512_mul_ps(SET(0.5f * c), v), _mm512_sub_ps(SET(1.0f), _mm512_mul_ps(th, th)));
    inner = _mm512_mul_ps(inner, _mm512_add_ps(SET(1.0f), _mm512_mul_ps(SET(3.0f * k), v2)));
    return _mm512_mul_ps(g, _mm512_add_ps(outer, inner));
}

// Swift's max(v, 0) is `0 >= v ? 0 : v`: +0 for -0 and for every v <= 0, v itself for NaN. A
// compare mask and a blend reproduce it (vmaxps would give -0 for -0).
AVX512 static inline __m512 relu16(__m512 v) {
    __mmask16 nonpositive = _mm512_cmp_ps_mask(_mm512_setzero_ps(), v, _CMP_GE_OQ);
    return _mm512_mask_blend_ps(nonpositive, v, _mm512_setzero_ps());
}

// The activations the one-pass kernels below apply, chosen at compile time: each kernel passes a
// constant, and always_inline lets the compiler drop the branch.
enum activation { ACTIVATION_GELU, ACTIVATION_RELU };
#define AVX512_INLINE __attribute__((target("avx512f"), always_inline)) static inline

AVX512_INLINE __m512 activate16(__m512 v, enum activation f) { return f == ACTIVATION_GELU ? gelu16(v) : relu16(v); }

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

// A rollout's first layer: z[r, c] = (z[r, c] + groups[r / per_group, c]) + row[c] (kept), out = f(z).
AVX512_INLINE void add_shares16(float *z, const float *group, const float *row, float *out, __mmask16 m, enum activation f) {
    __m512 v = _mm512_maskz_loadu_ps(m, z);
    if (group) v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(m, group));
    v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(m, row));
    if (out != z) _mm512_mask_storeu_ps(z, m, v);
    _mm512_mask_storeu_ps(out, m, activate16(v, f));
}

AVX512_INLINE void add_shares_avx512(float *z, const float *groups, size_t per_group, const float *row, float *out, size_t rows,
                                     size_t cols, enum activation f) {
    __mmask16 tail = (__mmask16)((1u << (cols % 16)) - 1u);
    for (size_t r = 0; r < rows; r++) {
        float *zr = z + r * cols, *outr = out + r * cols;
        const float *g = groups ? groups + (r / per_group) * cols : NULL;
        size_t c = 0;
        for (; c + 16 <= cols; c += 16) add_shares16(zr + c, g ? g + c : NULL, row + c, outr + c, (__mmask16)0xFFFF, f);
        if (c < cols) add_shares16(zr + c, g ? g + c : NULL, row + c, outr + c, tail, f);
    }
}

AVX512 static void add_shares_gelu_avx512(float *z, const float *groups, size_t per_group, const float *row, float *out, size_t rows,
                                          size_t cols) {
    add_shares_avx512(z, groups, per_group, row, out, rows, cols, ACTIVATION_GELU);
}
AVX512 static void add_shares_relu_avx512(float *z, const float *groups, size_t per_group, const float *row, float *out, size_t rows,
                                          size_t cols) {
    add_shares_avx512(z, groups, per_group, row, out, rows, cols, ACTIVATION_RELU);
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

// Each entry point runs its AVX-512 kernel and returns 1 where that path is on, else returns 0
// having done nothing (the caller runs its Swift kernel).
#if defined(__x86_64__)
#define RUN_ON_AVX512(call)                 \
    do {                                    \
        if (rfm_vk_avx512_enabled()) {      \
            call;                           \
            return 1;                       \
        }                                   \
    } while (0)
#else
#define RUN_ON_AVX512(call) do { } while (0)
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

int rfm_vk_add_shares_gelu(float *z, const float *groups, size_t per_group, const float *row, float *out, size_t rows, size_t cols) {
    RUN_ON_AVX512(add_shares_gelu_avx512(z, groups, per_group, row, out, rows, cols));
    return 0;
}

int rfm_vk_add_shares_relu(float *z, const float *groups, size_t per_group, const float *row, float *out, size_t rows, size_t cols) {
    RUN_ON_AVX512(add_shares_relu_avx512(z, groups, per_group, row, out, rows, cols));
    return 0;
}

// Plain C (any x86-64 or other CPU; no dispatch): four lanes, each working through tensors in turn;
// a lane that finishes takes the next tensor not yet started. Each sum is one dependency chain of
// additions, so four run in the time of one.
void rfm_vk_sums_of_squares(const float *const *x, const size_t *n, size_t count, double *sums) {
    enum { LANES = 4 };
    const float *p[LANES];
    size_t left[LANES], owner[LANES];
    double s[LANES] = {0, 0, 0, 0};
    int active[LANES] = {0, 0, 0, 0};
    size_t next = 0;
    for (;;) {
        for (int l = 0; l < LANES; l++) {
            while (!active[l] && next < count) {
                if (n[next] == 0) {
                    sums[next++] = 0;
                    continue;
                }
                p[l] = x[next], left[l] = n[next], owner[l] = next++, s[l] = 0, active[l] = 1;
            }
        }
        size_t run = (size_t)-1;
        int busy = -1;
        for (int l = 0; l < LANES; l++) {
            if (active[l] && left[l] < run) run = left[l], busy = l;
        }
        if (busy < 0) return;
        for (int l = 0; l < LANES; l++) {
            if (!active[l]) p[l] = p[busy];   // an idle lane reads a busy one's floats; its sum is dropped
        }
        const float *p0 = p[0], *p1 = p[1], *p2 = p[2], *p3 = p[3];
        double s0 = s[0], s1 = s[1], s2 = s[2], s3 = s[3];
        for (size_t i = 0; i < run; i++) {
            double a = p0[i], b = p1[i], c = p2[i], d = p3[i];
            s0 += a * a;
            s1 += b * b;
            s2 += c * c;
            s3 += d * d;
        }
        s[0] = s0, s[1] = s1, s[2] = s2, s[3] = s3;
        for (int l = 0; l < LANES; l++) {
            if (!active[l]) continue;
            p[l] += run;
            left[l] -= run;
            if (left[l] == 0) sums[owner[l]] = s[l], active[l] = 0;
        }
    }
}
