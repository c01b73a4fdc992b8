#ifndef RFM_ONEDNN_PRODUCTS_H
#define RFM_ONEDNN_PRODUCTS_H

/// One row-major sgemm through oneDNN: C = alpha op(A) op(B) + beta C, `transA`/`transB` 'N' or
/// 'T', leading dimensions as in BLAS's row-major convention. oneDNN picks its kernels for the
/// machine's widest vector units at run time (AVX-512 where present, else AVX2). It runs on the
/// calling thread's OpenMP thread count, which `rfm_onednn_set_threads` sets for that thread
/// (1 unless a benchmark asks for the library's own threading). Returns 0 on success, else
/// oneDNN's status.
int rfm_onednn_sgemm(char transA, char transB, long m, long n, long k, float alpha, const float* a, long lda,
                     const float* b, long ldb, float beta, float* c, long ldc);

/// The number of OpenMP threads oneDNN uses for products called from this thread (default 1).
void rfm_onednn_set_threads(int count);

/// The instruction set oneDNN's kernels use on this machine, e.g. "avx512_core" or "avx2".
const char* rfm_onednn_isa(void);

#endif
