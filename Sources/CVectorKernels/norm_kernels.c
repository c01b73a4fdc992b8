// A parameter list's sums of squares (see vector_kernels.h).
#pragma STDC FP_CONTRACT OFF

#include "vector_kernels.h"

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
