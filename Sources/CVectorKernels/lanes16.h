// The 16-lane arithmetic the AVX-512 kernels share (private to this target).
//
// Bit-identity with the Swift kernels rests on three rules: every arithmetic step is one
// intrinsic, in the Swift expression's left-to-right order (no contraction into FMA: intrinsics
// are not contracted, and the pragma below covers the rest; the exponential's few exceptions are
// exact rewrites, see exp16_clamped); the constants are the same float
// literals; and max/min put the constant first, so that a NaN input comes through as Swift's
// `replace(with:where:)` lets it (vmaxps returns its second operand when either is NaN).
#pragma once
#pragma STDC FP_CONTRACT OFF

#include "vector_kernels.h"

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

#if defined(__x86_64__)
#include <immintrin.h>

#define AVX512 __attribute__((target("avx512f")))
#define AVX512_INLINE __attribute__((target("avx512f"), always_inline)) static inline
#define SET(c) _mm512_set1_ps(c)

// TensorCore's exponential on an argument already clamped to its range: n = round(x/ln 2) by the
// 1.5 * 2^23 shift, r = x - n ln 2 in two parts, a degree-5 polynomial, times 2^n. Three steps
// take one instruction each instead of two to four, with the same result for every one of the
// 2^32 inputs (checked exhaustively): the shift's add and subtract is a rounding to the nearest
// integer (|x/ln 2| < 2^22, ties to even either way); n times the short ln 2 (9 bits) is exact, so
// one fused multiply-subtract rounds as the subtraction did; and 2^n by scalef is the same
// correctly rounded product as the multiplication by 2^n built from the exponent bits.
AVX512 static inline __m512 exp16_clamped(__m512 x) {
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
    return _mm512_scalef_ps(poly, n);
}

// TensorCore's Kernels.geluLanes: v / (1 + e^x), x = -2 sqrt(2/pi) (v + 0.044715 v^3) clamped to
// [-87, 87] (inside that range the exponential's own clamps and zero change nothing).
AVX512 static inline __m512 gelu16(__m512 v) {
    // (-2 sqrt(2/pi)) * (v + ((0.044715 v) v) v)
    __m512 cubic = _mm512_mul_ps(_mm512_mul_ps(_mm512_mul_ps(SET(0.044715f), v), v), v);
    __m512 x = _mm512_mul_ps(SET(-2.0f * 0.7978845608028654f), _mm512_add_ps(v, cubic));
    x = _mm512_max_ps(SET(-87.0f), x);
    x = _mm512_min_ps(SET(87.0f), x);
    return _mm512_div_ps(v, _mm512_add_ps(SET(1.0f), exp16_clamped(x)));
}

// TensorCore's Kernels.exp(Lanes): clamp to [-87.33654, 88.3], exp16_clamped, and +0 below
// -87.33654 (NaN comes through).
AVX512 static inline __m512 exp16(__m512 v) {
    __m512 x = _mm512_max_ps(SET(-87.33654f), v);
    x = _mm512_min_ps(SET(88.3f), x);
    __m512 result = exp16_clamped(x);
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

AVX512_INLINE __m512 activate16(__m512 v, enum activation f) { return f == ACTIVATION_GELU ? gelu16(v) : relu16(v); }

#endif
