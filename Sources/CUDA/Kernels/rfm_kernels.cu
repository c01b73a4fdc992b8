// The CUDA backend's elementwise kernels: CUDA C, compiled at start-up by NVRTC for the GPU in
// hand (Sources/CUDA/NVRTC.swift) and, on every machine, by the host C++ compiler through the
// emulation layer of Sources/CUDAEmulation, whose tests check each kernel against the CPU kernel
// of TensorCore.Kernels that it mirrors. So a kernel here must compile as CUDA C and, with the
// emulation's definitions of __global__, blockIdx, blockDim, threadIdx and gridDim, as C++:
// grid-stride loops over global memory, no shared memory or barriers (a kernel that needs them
// gets its own emulation).
//
// Parameters are device addresses, 64-bit integers and floats. NVRTC compiles with --fmad=false:
// a*b + c stays two rounded operations, as on the CPU, so the two backends agree bit for bit
// wherever they compute in the same order.

// The grid-stride loop every elementwise kernel uses: i runs over 0..<n.
#define RFM_FOR_EACH(i, n) \
    for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < (n); i += (long long)gridDim.x * blockDim.x)

// y = GELU(x), tanh form, computed as x / (1 + exp(-2u)), u = sqrt(2/pi) (x + 0.044715 x^3):
// Kernels.gelu's formula, with the same clamp of -2u to [-87, 87]. y may alias x.
extern "C" __global__ void rfm_gelu(const float* x, float* y, long long n) {
    RFM_FOR_EACH(i, n) {
        float v = x[i];
        float a = -2.0f * 0.7978845608028654f * (v + 0.044715f * v * v * v);
        float e = expf(fminf(fmaxf(a, -87.0f), 87.0f));
        y[i] = v / (1.0f + e);
    }
}

// m[r, c] += v[c] for a row-major [rows, cols] matrix: Kernels.addRowVector.
extern "C" __global__ void rfm_add_row_vector(const float* v, float* m, long long rows, long long cols) {
    RFM_FOR_EACH(i, rows * cols) {
        m[i] += v[i % cols];
    }
}


// y = max(x, 0): Kernels.relu. y may alias x.
extern "C" __global__ void rfm_relu(const float* x, float* y, long long n) {
    RFM_FOR_EACH(i, n) { y[i] = fmaxf(x[i], 0.0f); }
}

// dx = x > 0 ? dy : 0, x the pre-activation: Kernels.reluBackward. dx may alias dy.
extern "C" __global__ void rfm_relu_backward(const float* dy, const float* x, float* dx, long long n) {
    RFM_FOR_EACH(i, n) { dx[i] = x[i] > 0.0f ? dy[i] : 0.0f; }
}

// out = s * a: Kernels.scale. out may alias a.
extern "C" __global__ void rfm_scale(const float* a, float s, float* out, long long n) {
    RFM_FOR_EACH(i, n) { out[i] = s * a[i]; }
}

// y = y + alpha * x: Kernels.axpy.
extern "C" __global__ void rfm_axpy(float alpha, const float* x, float* y, long long n) {
    RFM_FOR_EACH(i, n) { y[i] += alpha * x[i]; }
}

// a = alpha * a + beta * b: Kernels.blend (Polyak averaging).
extern "C" __global__ void rfm_blend(float* a, float alpha, const float* b, float beta, long long n) {
    RFM_FOR_EACH(i, n) { a[i] = alpha * a[i] + beta * b[i]; }
}

// out = min(a, b): Kernels.minimum (the twin critic's pessimistic value).
extern "C" __global__ void rfm_minimum(const float* a, const float* b, float* out, long long n) {
    RFM_FOR_EACH(i, n) { out[i] = fminf(a[i], b[i]); }
}

// out[c] (+)= sum over rows of m[r, c], rows added in order (the CPU's order, so the sums agree
// exactly): Kernels.sumColumns, a bias gradient. One thread per column.
extern "C" __global__ void rfm_sum_columns(const float* m, float* out, long long rows, long long cols, long long accumulate) {
    RFM_FOR_EACH(c, cols) {
        float s = accumulate ? out[c] : 0.0f;
        for (long long r = 0; r < rows; r++) s += m[r * cols + c];
        out[c] = s;
    }
}

// One Adam step on n parameters (Kernels.adamStep): m = (1-b1) g + b1 m, v = (1-b2) g^2 + b2 v,
// p -= lr * (m / c1) / (sqrt(v / c2) + eps), with c1 = 1 - b1^t and c2 = 1 - b2^t computed once
// on the host.
extern "C" __global__ void rfm_adam(float* p, float* m, float* v, const float* g, float lr, float b1, float b2,
                                    float c1, float c2, float eps, long long n) {
    RFM_FOR_EACH(i, n) {
        float gi = g[i];
        float mi = (1.0f - b1) * gi + b1 * m[i];
        float vi = (1.0f - b2) * (gi * gi) + b2 * v[i];
        m[i] = mi;
        v[i] = vi;
        p[i] -= lr * ((mi / c1) / (sqrtf(vi / c2) + eps));
    }
}

// out = a + b, a - b, a * b: Kernels.add, subtract, multiply. out may alias either input.
extern "C" __global__ void rfm_add(const float* a, const float* b, float* out, long long n) {
    RFM_FOR_EACH(i, n) { out[i] = a[i] + b[i]; }
}
extern "C" __global__ void rfm_subtract(const float* a, const float* b, float* out, long long n) {
    RFM_FOR_EACH(i, n) { out[i] = a[i] - b[i]; }
}
extern "C" __global__ void rfm_multiply(const float* a, const float* b, float* out, long long n) {
    RFM_FOR_EACH(i, n) { out[i] = a[i] * b[i]; }
}

// y = tanh(x): Kernels.tanh (the CPU's is a polynomial within 3e-7 of the true value). y may alias x.
extern "C" __global__ void rfm_tanh(const float* x, float* y, long long n) {
    RFM_FOR_EACH(i, n) { y[i] = tanhf(x[i]); }
}

// dx = dy * GELU'(x), x the pre-activation: Kernels.geluBackward.
// GELU'(x) = (1 + tanh u)/2 + x (1 - tanh^2 u) sqrt(2/pi) (1 + 3 * 0.044715 x^2) / 2.
extern "C" __global__ void rfm_gelu_backward(const float* dy, const float* x, float* dx, long long n) {
    RFM_FOR_EACH(i, n) {
        float v = x[i], v2 = v * v;
        float th = tanhf(0.7978845608028654f * (v + 0.044715f * v2 * v));
        float outer = 0.5f * (1.0f + th);
        float inner = (0.5f * 0.7978845608028654f) * v * (1.0f - th * th) * (1.0f + (3.0f * 0.044715f) * v2);
        dx[i] = dy[i] * (outer + inner);
    }
}

// m[r, c] += v[r]: Kernels.addColumnVector.
extern "C" __global__ void rfm_add_column_vector(const float* v, float* m, long long rows, long long cols) {
    RFM_FOR_EACH(i, rows * cols) { m[i] += v[i / cols]; }
}

// x[n, c] += rows[n / (N / G), c] for x [N, d] in G equal groups of consecutive rows (a state's
// share of a first layer added to each of its particles): Kernels.addGroupRows.
extern "C" __global__ void rfm_add_group_rows(const float* rows, float* x, long long groups, long long n, long long d) {
    long long perGroup = n / groups;
    RFM_FOR_EACH(i, n * d) {
        long long r = i / d, c = i % d;
        x[i] += rows[(r / perGroup) * d + c];
    }
}

// out[i, :] = v for every row of out [rows, cols]: Kernels.broadcastRow.
extern "C" __global__ void rfm_broadcast_row(const float* v, float* out, long long rows, long long cols) {
    RFM_FOR_EACH(i, rows * cols) { out[i] = v[i % cols]; }
}

// out[r * times + k, :] = src[r, :]: Kernels.repeatRows.
extern "C" __global__ void rfm_repeat_rows(const float* src, float* out, long long rows, long long cols, long long times) {
    RFM_FOR_EACH(i, rows * times * cols) {
        long long r = i / cols, c = i % cols;
        out[i] = src[(r / times) * cols + c];
    }
}

// out[i, :] = src[indices[i], :]: Kernels.gatherRows (indices checked on the host side).
extern "C" __global__ void rfm_gather_rows(const float* src, const long long* indices, float* out, long long count, long long cols) {
    RFM_FOR_EACH(i, count * cols) {
        long long r = i / cols, c = i % cols;
        out[i] = src[indices[r] * cols + c];
    }
}
