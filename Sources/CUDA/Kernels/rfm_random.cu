// Part of the CUDA backend's kernel source (see rfm_kernels.cu, compiled before this file).

// ---- Random numbers: RandomStream's Philox4x32-10, so the GPU draws the CPU's numbers ----

// Block `position` of stream (seed, stream): four 32-bit words (Random.swift's philox4x32).
__device__ inline void rfm_philox(unsigned long long position, unsigned long long stream, unsigned long long seed,
                                  unsigned int out[4]) {
    unsigned int c0 = (unsigned int)position, c1 = (unsigned int)(position >> 32);
    unsigned int c2 = (unsigned int)stream, c3 = (unsigned int)(stream >> 32);
    unsigned int k0 = (unsigned int)seed, k1 = (unsigned int)(seed >> 32);
    for (int round = 0; round < 10; round++) {
        if (round > 0) { k0 += 0x9E3779B9u; k1 += 0xBB67AE85u; }
        unsigned long long p0 = 0xD2511F53ull * c0, p1 = 0xCD9E8D57ull * c2;
        unsigned int n0 = (unsigned int)(p1 >> 32) ^ c1 ^ k0, n1 = (unsigned int)p1;
        unsigned int n2 = (unsigned int)(p0 >> 32) ^ c3 ^ k1, n3 = (unsigned int)p0;
        c0 = n0; c1 = n1; c2 = n2; c3 = n3;
    }
    out[0] = c0; out[1] = c1; out[2] = c2; out[3] = c3;
}

// A word's top 24 bits as a float in [0, 1).
__device__ inline float rfm_unit_float(unsigned int w) { return (float)(w >> 8) * 5.9604644775390625e-8f; }

// out[i] = low + width * u_i, four values per block from `position` on: RandomStream.fillUniform
// (the stream then advances by ceil(n / 4) blocks, on the host).
extern "C" __global__ void rfm_fill_uniform(float* out, long long n, float low, float width, unsigned long long seed,
                                            unsigned long long stream, unsigned long long position) {
    RFM_FOR_EACH(b, (n + 3) / 4) {
        unsigned int w[4];
        rfm_philox(position + (unsigned long long)b, stream, seed, w);
        for (int k = 0; k < 4 && 4 * b + k < n; k++) out[4 * b + k] = low + width * rfm_unit_float(w[k]);
    }
}

// out[i] = mean + std * z_i with Box-Muller pairs (words 0,1 and 2,3 of each block):
// RandomStream.fillNormal. The GPU's logf/cosf/sinf are within 2 ulp of the C library's.
extern "C" __global__ void rfm_fill_normal(float* out, long long n, float mean, float stdev, unsigned long long seed,
                                           unsigned long long stream, unsigned long long position) {
    RFM_FOR_EACH(b, (n + 3) / 4) {
        unsigned int w[4];
        rfm_philox(position + (unsigned long long)b, stream, seed, w);
        float z[4];
        for (int pair = 0; pair < 2; pair++) {
            float u1 = 1.0f - rfm_unit_float(w[2 * pair]), u2 = rfm_unit_float(w[2 * pair + 1]);
            float r = sqrtf(-2.0f * logf(u1)), theta = 2.0f * 0x1.921fb4p1f * u2;  // Swift's Float.pi (rounded down, 0x40490fda)
            z[2 * pair] = r * cosf(theta);
            z[2 * pair + 1] = r * sinf(theta);
        }
        for (int k = 0; k < 4 && 4 * b + k < n; k++) out[4 * b + k] = mean + stdev * z[k];
    }
}

// One index per row of logits [rows, cols] with probability softmax(row), by inverse CDF on the
// max-shifted row with one uniform per row: row i takes block position + i of the stream
// (RandomStream.categorical, which draws the rows' uniforms in order).
extern "C" __global__ void rfm_categorical(const float* logits, long long* indices, long long rows, long long cols,
                                           unsigned long long seed, unsigned long long stream, unsigned long long position) {
    RFM_FOR_EACH(i, rows) {
        const float* row = logits + i * cols;
        float top = -INFINITY;
        for (long long j = 0; j < cols; j++) if (row[j] > top) top = row[j];
        float total = 0.0f;
        for (long long j = 0; j < cols; j++) total += expf(row[j] - top);
        unsigned int w[4];
        rfm_philox(position + (unsigned long long)i, stream, seed, w);
        float target = rfm_unit_float(w[0]) * total, acc = 0.0f;
        long long pick = cols - 1;
        for (long long j = 0; j < cols; j++) {
            acc += expf(row[j] - top);
            if (target < acc) { pick = j; break; }
        }
        indices[i] = pick;
    }
}
