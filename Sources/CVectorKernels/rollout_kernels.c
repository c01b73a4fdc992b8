// AVX-512 kernels of a flow rollout's first layer (see vector_kernels.h): its state and step shares
// and the activation in one pass.
#pragma STDC FP_CONTRACT OFF

#include "lanes16.h"

#if defined(__x86_64__)
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

#endif

int rfm_vk_add_shares_gelu(float *z, const float *groups, size_t per_group, const float *row, float *out, size_t rows, size_t cols) {
    RUN_ON_AVX512(add_shares_gelu_avx512(z, groups, per_group, row, out, rows, cols));
    return 0;
}

int rfm_vk_add_shares_relu(float *z, const float *groups, size_t per_group, const float *row, float *out, size_t rows, size_t cols) {
    RUN_ON_AVX512(add_shares_relu_avx512(z, groups, per_group, row, out, rows, cols));
    return 0;
}
