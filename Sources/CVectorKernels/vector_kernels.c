// AVX-512 versions of TensorCore's hottest elementwise kernels (see vector_kernels.h).
//
// Bit-identity with the Swift kernels rests on three rules: every arithmetic step is one
// intrinsic, in the Swift expression's left-to-right order (no contraction into FMA: intrinsics
// are not contracted, and the pragma below covers the rest); the constants are the same float
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
AVX512 static inline __m512 gelu16(__m512 v) {
    // (-2 sqrt(2/pi)) * (v + ((0.044715 v) v) v)
    __m512 cubic = _mm512_mul_ps(_mm512_mul_ps(_mm512_mul_ps(SET(0.044715f), v), v), v);
    __m512 x = _mm512_mul_ps(SET(-2.0f * 0.7978845608028654f), _mm512_add_ps(v, cubic));
    x = _mm512_max_ps(SET(-87.0f), x);
    x = _mm512_min_ps(SET(87.0f), x);
    __m512 magic = SET(12582912.0f);
    __m512 shifted = _mm512_add_ps(_mm512_mul_ps(x, SET(1.442695041f)), magic);
    __m512 n = _mm512_sub_ps(shifted, magic);
    __m512 r = _mm512_sub_ps(x, _mm512_mul_ps(n, SET(0.693359375f)));
    r = _mm512_sub_ps(r, _mm512_mul_ps(n, SET(-2.12194440e-4f)));
    __m512 p = SET(1.9875691500e-4f);
    p = _mm512_add_ps(_mm512_mul_ps(p, r), SET(1.3981999507e-3f));
    p = _mm512_add_ps(_mm512_mul_ps(p, r), SET(8.3334519073e-3f));
    p = _mm512_add_ps(_mm512_mul_ps(p, r), SET(4.1665795894e-2f));
    p = _mm512_add_ps(_mm512_mul_ps(p, r), SET(1.6666665459e-1f));
    p = _mm512_add_ps(_mm512_mul_ps(p, r), SET(5.0000001201e-1f));
    __m512 poly = _mm512_add_ps(_mm512_add_ps(_mm512_mul_ps(p, _mm512_mul_ps(r, r)), r), SET(1.0f));
    __m512i bits = _mm512_sub_epi32(_mm512_castps_si512(shifted), _mm512_castps_si512(magic));
    __m512 scale = _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_add_epi32(bits, _mm512_set1_epi32(127)), 23));
    __m512 e = _mm512_mul_ps(poly, scale);
    return _mm512_div_ps(v, _mm512_add_ps(SET(1.0f), e));
}

AVX512 static void gelu_avx512(const float *x, float *y, size_t n) {
    size_t i = 0;
    for (; i + 16 <= n; i += 16) _mm512_storeu_ps(y + i, gelu16(_mm512_loadu_ps(x + i)));
    if (i < n) {
        // The tail: masked lanes, each computed exactly as a full vector's lane would be.
        __mmask16 m = (__mmask16)((1u << (n - i)) - 1u);
        _mm512_mask_storeu_ps(y + i, m, gelu16(_mm512_maskz_loadu_ps(m, x + i)));
    }
}

AVX512 static inline void bias_gelu16(float *z, const float *bias, float *out, const float *residual, __mmask16 m) {
    __m512 v = _mm512_add_ps(_mm512_maskz_loadu_ps(m, z), _mm512_maskz_loadu_ps(m, bias));
    _mm512_mask_storeu_ps(z, m, v);
    __m512 y = gelu16(v);
    if (residual) y = _mm512_add_ps(y, _mm512_maskz_loadu_ps(m, residual));
    _mm512_mask_storeu_ps(out, m, y);
}

AVX512 static void bias_gelu_avx512(float *z, const float *bias, float *out, const float *residual, size_t residual_stride,
                                    size_t rows, size_t cols) {
    __mmask16 tail = (__mmask16)((1u << (cols % 16)) - 1u);
    for (size_t r = 0; r < rows; r++) {
        float *zr = z + r * cols, *outr = out + r * cols;
        const float *res = residual ? residual + r * residual_stride : NULL;
        size_t c = 0;
        for (; c + 16 <= cols; c += 16) bias_gelu16(zr + c, bias + c, outr + c, res ? res + c : NULL, (__mmask16)0xFFFF);
        if (c < cols) bias_gelu16(zr + c, bias + c, outr + c, res ? res + c : NULL, tail);
    }
}
#endif

int rfm_vk_bias_gelu(float *z, const float *bias, float *out, const float *residual, size_t residual_stride,
                     size_t rows, size_t cols) {
#if defined(__x86_64__)
    if (rfm_vk_avx512_enabled()) {
        bias_gelu_avx512(z, bias, out, residual, residual_stride, rows, cols);
        return 1;
    }
#endif
    (void)z; (void)bias; (void)out; (void)residual; (void)residual_stride; (void)rows; (void)cols;
    return 0;
}

int rfm_vk_gelu(const float *x, float *y, size_t n) {
#if defined(__x86_64__)
    if (rfm_vk_avx512_enabled()) {
        gelu_avx512(x, y, n);
        return 1;
    }
#endif
    (void)x; (void)y; (void)n;
    return 0;
}
