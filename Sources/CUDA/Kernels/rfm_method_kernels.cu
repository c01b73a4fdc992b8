// The method's own kernels (ReverseFlow/Kernels/): part of the CUDA backend's kernel source (see
// rfm_kernels.cu, compiled before this file), kept apart from the generic primitives.

// ---- SAC's tanh-squashed Gaussian (Kernels+TanhGaussian.swift) ----

// One thread per row of the actor's output out [b, 2d] = (mu | raw log sigma): log sigma =
// clip(raw, lo, hi), inside = 1 where raw is within the bounds, a = tanh(mu + sigma e), and
// logProbs[i] = sum_j (-e^2/2 - log sigma - halfLog2Pi - log(1 - a^2 + 1e-6)), with halfLog2Pi
// computed on the host as the CPU kernel computes it.
extern "C" __global__ void rfm_tanh_gaussian_sample(const float* out, const float* noise, float lo, float hi, float halfLog2Pi,
                                                    float* actions, float* stdev, float* inside, float* logProbs, long long b,
                                                    long long d) {
    RFM_FOR_EACH(i, b) {
        float total = 0.0f;
        for (long long j = 0; j < d; j++) {
            float mu = out[i * 2 * d + j], raw = out[i * 2 * d + d + j];
            float logStd = rfm_min(rfm_max(raw, lo), hi);
            inside[i * d + j] = (raw >= lo && raw <= hi) ? 1.0f : 0.0f;
            float sigma = expf(logStd), e = noise[i * d + j];
            float a = tanhf(mu + sigma * e);
            stdev[i * d + j] = sigma;
            actions[i * d + j] = a;
            total += -0.5f * e * e - logStd - halfLog2Pi - logf(1.0f - a * a + 1e-6f);
        }
        logProbs[i] = total;
    }
}

// The gradient of mean_b(alpha log pi - Q(s, a)) with respect to (mu | raw log sigma):
// Kernels.tanhGaussianBackward, one thread per action element.
extern "C" __global__ void rfm_tanh_gaussian_backward(const float* dQ, const float* actions, const float* stdev, const float* noise,
                                                      const float* inside, float alpha, float* dOut, long long b, long long d) {
    float inv = 1.0f / (float)b;
    RFM_FOR_EACH(k, b * d) {
        long long i = k / d, j = k % d;
        float a = actions[k];
        float dA = -dQ[k] * inv + alpha * inv * 2.0f * a / (1.0f - a * a + 1e-6f);
        float dU = dA * (1.0f - a * a);
        dOut[i * 2 * d + j] = dU;
        dOut[i * 2 * d + d + j] = (dU * stdev[k] * noise[k] - alpha * inv) * inside[k];
    }
}

// ---- The estimator's and the twin critic's formulas (Kernels+Estimator.swift) ----

// out = log sech^2 y = -2 (|y| + log1p(exp(-2|y|)) - log 2): Kernels.tanhLogJacobian.
extern "C" __global__ void rfm_tanh_log_jacobian(const float* y, float* out, long long n) {
    RFM_FOR_EACH(i, n) {
        float a = fabsf(y[i]);
        out[i] = -2.0f * (a + log1pf(expf(-2.0f * a)) - 0.693147180559945309f);
    }
}

// out = (1 - a^2) g / lambda - 2a: Kernels.tanhScore.
extern "C" __global__ void rfm_tanh_score(const float* a, const float* g, float* out, float lambda, long long n) {
    RFM_FOR_EACH(i, n) { out[i] = (1.0f - a[i] * a[i]) * g[i] / lambda - 2.0f * a[i]; }
}

// c = clip(-num / (den + ridge), -clip, clip): Kernels.controlVariateCoefficient.
extern "C" __global__ void rfm_control_variate_coefficient(const float* num, const float* den, float* c, float ridge, float clip,
                                                           long long n) {
    RFM_FOR_EACH(i, n) { c[i] = rfm_min(rfm_max(-num[i] / (den[i] + ridge), -clip), clip); }
}

// out = 1 where a < b, 0.5 where a == b, 0 elsewhere: Kernels.minimumShare.
extern "C" __global__ void rfm_minimum_share(const float* a, const float* b, float* out, long long n) {
    RFM_FOR_EACH(i, n) { out[i] = a[i] < b[i] ? 1.0f : (a[i] == b[i] ? 0.5f : 0.0f); }
}
