// Part of the CUDA backend's kernel source (see rfm_kernels.cu, compiled before this file).

// ---- Row and group reductions: one thread per output, elements taken in the CPU's order ----

// v[i] = sum_j m[i, j]: Kernels.sumRows.
extern "C" __global__ void rfm_sum_rows(const float* m, float* v, long long rows, long long cols) {
    RFM_FOR_EACH(i, rows) {
        float s = 0.0f;
        for (long long j = 0; j < cols; j++) s += m[i * cols + j];
        v[i] = s;
    }
}

// v[i] = max_j m[i, j] (-inf for an empty row): Kernels.maxRows.
extern "C" __global__ void rfm_max_rows(const float* m, float* v, long long rows, long long cols) {
    RFM_FOR_EACH(i, rows) {
        float top = -INFINITY;
        for (long long j = 0; j < cols; j++) if (m[i * cols + j] > top) top = m[i * cols + j];
        v[i] = top;
    }
}

// indices[i] = the first j with the largest m[i, j]: Kernels.argmaxRows.
extern "C" __global__ void rfm_argmax_rows(const float* m, long long* indices, long long rows, long long cols) {
    RFM_FOR_EACH(i, rows) {
        long long best = 0;
        for (long long j = 1; j < cols; j++) if (m[i * cols + j] > m[i * cols + best]) best = j;
        indices[i] = best;
    }
}

// Stable row log-sum-exp, v[i] = top + log sum_j exp(m[i, j] - top): Kernels.logSumExpRows
// (the CPU sums eight lanes at a time with a polynomial exp, so the two agree to rounding).
extern "C" __global__ void rfm_log_sum_exp_rows(const float* m, float* v, long long rows, long long cols) {
    RFM_FOR_EACH(i, rows) {
        float top = -INFINITY;
        for (long long j = 0; j < cols; j++) if (m[i * cols + j] > top) top = m[i * cols + j];
        if (isinf(top) || isnan(top)) { v[i] = top; continue; }
        float s = 0.0f;
        for (long long j = 0; j < cols; j++) s += expf(m[i * cols + j] - top);
        v[i] = top + logf(s);
    }
}

// Row softmax, max-shifted: Kernels.softmaxRows. out may alias m.
extern "C" __global__ void rfm_softmax_rows(const float* m, float* out, long long rows, long long cols) {
    RFM_FOR_EACH(i, rows) {
        float top = -INFINITY;
        for (long long j = 0; j < cols; j++) if (m[i * cols + j] > top) top = m[i * cols + j];
        float s = 0.0f;
        for (long long j = 0; j < cols; j++) {
            float e = expf(m[i * cols + j] - top);
            out[i * cols + j] = e;
            s += e;
        }
        float inv = 1.0f / s;
        for (long long j = 0; j < cols; j++) out[i * cols + j] *= inv;
    }
}

// Row means and population standard deviations, two passes: Kernels.meanAndStdRows.
extern "C" __global__ void rfm_mean_std_rows(const float* m, float* mean, float* stdev, long long rows, long long cols) {
    RFM_FOR_EACH(i, rows) {
        float n = (float)cols, s = 0.0f, v = 0.0f;
        for (long long j = 0; j < cols; j++) s += m[i * cols + j];
        float mu = s / n;
        for (long long j = 0; j < cols; j++) v += (m[i * cols + j] - mu) * (m[i * cols + j] - mu);
        mean[i] = mu;
        stdev[i] = sqrtf(v / n);
    }
}

// out[g K + k] = alpha[g] x[g K + k] + beta[g] r[g] for rows of width d: Kernels.groupAffine.
extern "C" __global__ void rfm_group_affine(const float* x, const float* alpha, const float* r, const float* beta, float* out,
                                            long long groups, long long n, long long d) {
    long long perGroup = n / groups;
    RFM_FOR_EACH(i, n * d) {
        long long g = (i / d) / perGroup, c = i % d;
        out[i] = alpha[g] * x[i] + beta[g] * r[g * d + c];
    }
}

// out[g, c] = sum_k w[g, k] x[g K + k, c]: Kernels.groupWeightedSum (the posterior's weighted
// means). One thread per output element, k in order.
extern "C" __global__ void rfm_group_weighted_sum(const float* w, const float* x, float* out, long long groups, long long k,
                                                  long long d) {
    RFM_FOR_EACH(i, groups * d) {
        long long g = i / d, c = i % d;
        float s = 0.0f;
        for (long long j = 0; j < k; j++) s += w[g * k + j] * x[(g * k + j) * d + c];
        out[i] = s;
    }
}

// out[g K + k] = x[g K + k] - rows[g]: Kernels.subtractGroupRows. out may alias x.
extern "C" __global__ void rfm_subtract_group_rows(const float* x, const float* rows, float* out, long long groups, long long n,
                                                   long long d) {
    long long perGroup = n / groups;
    RFM_FOR_EACH(i, n * d) { out[i] = x[i] - rows[((i / d) / perGroup) * d + i % d]; }
}

// out[i, :] = v[i]: Kernels.broadcastColumn.
extern "C" __global__ void rfm_broadcast_column(const float* v, float* out, long long rows, long long cols) {
    RFM_FOR_EACH(i, rows * cols) { out[i] = v[i / cols]; }
}

// partial[t] = sum of x[i]^2 over the elements thread t visits, in double; the host adds the
// partials (Kernels.sumOfSquares, for gradient clipping).
extern "C" __global__ void rfm_sum_of_squares_partial(const float* x, double* partial, long long n) {
    long long t = blockIdx.x * (long long)blockDim.x + threadIdx.x;
    double s = 0.0;
    RFM_FOR_EACH(i, n) { s += (double)x[i] * (double)x[i]; }
    partial[t] = s;
}

// partial[t] = sum of x[i] (Kernels.sum) and of (a[i] - b[i])^2 (Kernels.meanSquaredError) over
// the elements thread t visits, in double; the host adds the partials.
extern "C" __global__ void rfm_sum_partial(const float* x, double* partial, long long n) {
    long long t = blockIdx.x * (long long)blockDim.x + threadIdx.x;
    double s = 0.0;
    RFM_FOR_EACH(i, n) { s += (double)x[i]; }
    partial[t] = s;
}

extern "C" __global__ void rfm_squared_difference_partial(const float* a, const float* b, double* partial, long long n) {
    long long t = blockIdx.x * (long long)blockDim.x + threadIdx.x;
    double s = 0.0;
    RFM_FOR_EACH(i, n) {
        double d = (double)a[i] - (double)b[i];
        s += d * d;
    }
    partial[t] = s;
}
