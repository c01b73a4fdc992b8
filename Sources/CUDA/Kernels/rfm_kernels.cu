// The CUDA backend's kernels: CUDA C, compiled at start-up by NVRTC for the GPU in hand
// (Sources/CUDA/NVRTC.swift) and, on every machine, by the host C++ compiler through the
// emulation layer of Sources/CUDAEmulation, whose tests check each kernel against the CPU kernel
// it mirrors. So a kernel here must compile as CUDA C and, with the emulation's definitions of
// __global__, blockIdx, blockDim, threadIdx and gridDim, as C++: grid-stride loops over global
// memory, no shared memory or barriers (a kernel that needs them gets its own emulation).
//
// The source is four files compiled as one, in this order (DeviceKernels.files): this one (the
// shared helpers, activations, elementwise arithmetic, layouts), rfm_reductions.cu, rfm_random.cu
// and rfm_method_kernels.cu (the method's own formulas). Each kernel also has one RFM_ENTRY line
// in Sources/CUDAEmulation/emulation.cpp, the table its launches are checked against.
//
// Parameters are device addresses, 64-bit integers, unsigned 64-bit words and floats. NVRTC
// compiles with --fmad=false: a*b + c stays two rounded operations, as on the CPU, so the two
// backends agree bit for bit wherever they compute in the same order.

// NVRTC includes no C headers: infinity and NaN from their bits there (the host compiler's math.h has it).
#ifndef INFINITY
#define INFINITY __int_as_float(0x7f800000)
#endif
#ifndef NAN
#define NAN __int_as_float(0x7fc00000)
#endif

// Swift's max and min, which the CPU kernels use: max(x, y) is y >= x ? y : x and min(x, y) is
// y < x ? y : x, so a NaN in x comes through (fmaxf/fminf would drop it, and a NaN in training
// must reach the trainer's finiteness checks on both backends alike).
__device__ inline float rfm_max(float x, float y) { return y >= x ? y : x; }
__device__ inline float rfm_min(float x, float y) { return y < x ? y : x; }

// The grid-stride loop every elementwise kernel uses: i runs over 0..<n.
#define RFM_FOR_EACH(i, n) \
    for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < (n); i += (long long)gridDim.x * blockDim.x)

// y = GELU(x), tanh form, computed as x / (1 + exp(-2u)), u = sqrt(2/pi) (x + 0.044715 x^3):
// Kernels.gelu's formula, with the same clamp of -2u to [-87, 87]. y may alias x.
__device__ inline float rfm_gelu_value(float v) {
    float a = -2.0f * 0.7978845608028654f * (v + 0.044715f * v * v * v);
    float e = expf(fminf(fmaxf(a, -87.0f), 87.0f));
    return v / (1.0f + e);
}

// Mish, x tanh(softplus x) = x n / (n + 2) with n = e^x (e^x + 2), and x itself past 20:
// Kernels.mish's formula. Its derivative tanh(sp) + x (1 - tanh^2 sp) sigmoid(x), 1 past 20.
__device__ inline float rfm_mish_value(float v) {
    if (v > 20.0f) return v;
    float e = expf(v), n = e * (e + 2.0f);
    return v * n / (n + 2.0f);
}

__device__ inline float rfm_mish_derivative(float v) {
    if (v > 20.0f) return 1.0f;
    float e = expf(v), n = e * (e + 2.0f), th = n / (n + 2.0f), sigmoid = e / (1.0f + e);
    return th + v * (1.0f - th * th) * sigmoid;
}

extern "C" __global__ void rfm_mish(const float* x, float* y, long long n) {
    RFM_FOR_EACH(i, n) { y[i] = rfm_mish_value(x[i]); }
}

// dx = dy * mish'(x), x the pre-activation: Kernels.mishBackward. dx may alias dy.
extern "C" __global__ void rfm_mish_backward(const float* dy, const float* x, float* dx, long long n) {
    RFM_FOR_EACH(i, n) { dx[i] = dy[i] * rfm_mish_derivative(x[i]); }
}

extern "C" __global__ void rfm_gelu(const float* x, float* y, long long n) {
    RFM_FOR_EACH(i, n) { y[i] = rfm_gelu_value(x[i]); }
}

// A dense layer's bias, activation and residual skip in one pass (Kernels.biasActivation):
// z[r, c] += bias[c] (kept: the backward pass needs the pre-activation), then
// out[r, c] = f(z[r, c]) (+ residual[r, c], a view with its own row stride, when given).
// f: 0 identity, 1 ReLU, 2 GELU, 3 tanh, 4 Mish. out may alias z only without a residual.
extern "C" __global__ void rfm_bias_activation(float* z, const float* bias, float* out, const float* residual,
                                               long long residualStride, long long rows, long long cols, long long f) {
    RFM_FOR_EACH(i, rows * cols) {
        long long r = i / cols, c = i % cols;
        float v = z[i] + bias[c];
        z[i] = v;
        float y = f == 1 ? rfm_max(v, 0.0f) : f == 2 ? rfm_gelu_value(v) : f == 3 ? tanhf(v) : f == 4 ? rfm_mish_value(v) : v;
        if (residual) y += residual[r * residualStride + c];
        out[i] = y;
    }
}

// A rollout's first layer (Kernels.addSharesActivation): z[r, c] += groupRows[r / (n / groups), c]
// (the state share, when given) + row[c] (the step's time and temperature share and the bias),
// kept as the pre-activation; out[r, c] = f(z[r, c]) with f as in rfm_bias_activation.
extern "C" __global__ void rfm_add_shares_activation(float* z, const float* groupRows, long long groups, const float* row, float* out,
                                                     long long n, long long cols, long long f) {
    long long perGroup = groupRows ? n / groups : 1;
    RFM_FOR_EACH(i, n * cols) {
        long long r = i / cols, c = i % cols;
        float v = z[i];
        if (groupRows) v += groupRows[(r / perGroup) * cols + c];
        v += row[c];
        z[i] = v;
        out[i] = f == 1 ? rfm_max(v, 0.0f) : f == 2 ? rfm_gelu_value(v) : f == 3 ? tanhf(v) : f == 4 ? rfm_mish_value(v) : v;
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
    RFM_FOR_EACH(i, n) { y[i] = rfm_max(x[i], 0.0f); }
}

// dx = x > 0 ? dy : 0, x the pre-activation: Kernels.reluBackward. dx may alias dy.
extern "C" __global__ void rfm_relu_backward(const float* dy, const float* x, float* dx, long long n) {
    RFM_FOR_EACH(i, n) { dx[i] = x[i] > 0.0f ? dy[i] : 0.0f; }
}

// out = s * a: Kernels.scale. out may alias a.
extern "C" __global__ void rfm_scale(const float* a, float s, float* out, long long n) {
    RFM_FOR_EACH(i, n) { out[i] = s * a[i]; }
}

// out = a x + b y: Kernels.linearCombination (a diffusion sampler's step). out may alias x or y.
extern "C" __global__ void rfm_linear_combination(float a, const float* x, float b, const float* y, float* out, long long n) {
    RFM_FOR_EACH(i, n) { out[i] = a * x[i] + b * y[i]; }
}

// out = (x - s y) / q (a diffusion's clean-sample prediction), or q (x - s y) when not divide (the
// reference QSM's ancestral step): Kernels.scaledDifference. out may alias x or y.
extern "C" __global__ void rfm_scaled_difference(const float* x, float s, const float* y, float q, long long divide, float* out,
                                                 long long n) {
    RFM_FOR_EACH(i, n) { out[i] = divide ? (x[i] - s * y[i]) / q : q * (x[i] - s * y[i]); }
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
    RFM_FOR_EACH(i, n) { out[i] = rfm_min(a[i], b[i]); }
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

// out[i, :] = src[indices[i] + i * groupSize, :]: Kernels.gatherRows(_:_:groupSize:into:) (one
// particle of each group of groupSize rows; groupSize 0 for plain indices). A row outside the
// source gives NaNs rather than reading past it.
extern "C" __global__ void rfm_gather_group_rows(const float* src, const long long* indices, long long groupSize, float* out,
                                                 long long count, long long cols, long long sourceRows) {
    RFM_FOR_EACH(i, count * cols) {
        long long r = i / cols, c = i % cols;
        long long s = indices[r] + r * groupSize;
        out[i] = (s >= 0 && s < sourceRows) ? src[s * cols + c] : NAN;
    }
}

// ---- Layout: fills and strided copies ----

// x[i] = value: Tensor.fill.
extern "C" __global__ void rfm_fill(float* x, float value, long long n) {
    RFM_FOR_EACH(i, n) { x[i] = value; }
}

// dst[r, c] = src[r, c] for rows x cols views with their own row strides: Kernels.copy (and the
// column blocks of Kernels.concatColumns).
extern "C" __global__ void rfm_copy_matrix(const float* src, long long srcStride, float* dst, long long dstStride, long long rows,
                                           long long cols) {
    RFM_FOR_EACH(i, rows * cols) {
        long long r = i / cols, c = i % cols;
        dst[r * dstStride + c] = src[r * srcStride + c];
    }
}

// y[r, c] += x[r, c] for strided views: Kernels.add(_:to:) (the residual stages' skip).
extern "C" __global__ void rfm_add_matrix(const float* x, long long xStride, float* y, long long yStride, long long rows, long long cols) {
    RFM_FOR_EACH(i, rows * cols) {
        long long r = i / cols, c = i % cols;
        y[r * yStride + c] += x[r * xStride + c];
    }
}

// out[r, :] = [sin(x[r] f_0), ..., sin(x[r] f_{h-1}), cos(x[r] f_0), ..., cos(x[r] f_{h-1})]:
// SinusoidalEmbedding.forward, with its frequencies f (h = half) computed once on the host.
extern "C" __global__ void rfm_sinusoidal_embedding(const float* x, const float* f, float* out, long long n, long long half) {
    RFM_FOR_EACH(i, n * 2 * half) {
        long long r = i / (2 * half), c = i % (2 * half);
        float a = x[r] * f[c % half];
        out[i] = c < half ? sinf(a) : cosf(a);
    }
}

// ---- Small arithmetic: TensorCore's Kernels+Arithmetic.swift and the clamp ----

// y = 1 / (x + offset): Kernels.reciprocal (offset 0 is the plain reciprocal).
extern "C" __global__ void rfm_reciprocal(const float* x, float* y, float offset, long long n) {
    RFM_FOR_EACH(i, n) { y[i] = offset == 0.0f ? 1.0f / x[i] : 1.0f / (x[i] + offset); }
}

// out = a / b, or -a / b when negated: Kernels.ratio.
extern "C" __global__ void rfm_ratio(const float* a, const float* b, float* out, long long negated, long long n) {
    RFM_FOR_EACH(i, n) { out[i] = negated ? -a[i] / b[i] : a[i] / b[i]; }
}

// out = (a / b)^2: Kernels.squaredRatio.
extern "C" __global__ void rfm_squared_ratio(const float* a, const float* b, float* out, long long n) {
    RFM_FOR_EACH(i, n) { out[i] = (a[i] / b[i]) * (a[i] / b[i]); }
}

// y = sqrt(x): Kernels.squareRoot (correctly rounded on both sides).
extern "C" __global__ void rfm_sqrt(const float* x, float* y, long long n) {
    RFM_FOR_EACH(i, n) { y[i] = sqrtf(x[i]); }
}

// out = (x + c) - s y: Kernels.shiftedDifference. out may alias x or y.
extern "C" __global__ void rfm_shifted_difference(const float* x, const float* y, float* out, float c, float s, long long n) {
    RFM_FOR_EACH(i, n) { out[i] = x[i] + c - s * y[i]; }
}

// out = x + c: Kernels.addScalar.
extern "C" __global__ void rfm_add_scalar(const float* x, float* out, float c, long long n) {
    RFM_FOR_EACH(i, n) { out[i] = x[i] + c; }
}

// out = max(x, v) with Swift's max (NaN in x stays): Kernels.maximum(_:_:into:).
extern "C" __global__ void rfm_floor(const float* x, float* out, float v, long long n) {
    RFM_FOR_EACH(i, n) { out[i] = rfm_max(x[i], v); }
}

// y = 1 - x: Kernels.oneMinus.
extern "C" __global__ void rfm_one_minus(const float* x, float* y, long long n) {
    RFM_FOR_EACH(i, n) { y[i] = 1.0f - x[i]; }
}

// y = min(max(x, -bound), bound): Kernels.clamp (the estimator's endpoint box).
extern "C" __global__ void rfm_clamp(const float* x, float* y, float bound, long long n) {
    RFM_FOR_EACH(i, n) { y[i] = rfm_min(rfm_max(x[i], -bound), bound); }
}
