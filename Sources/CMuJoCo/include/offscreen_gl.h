#ifndef RFM_OFFSCREEN_GL_H
#define RFM_OFFSCREEN_GL_H

/// An off-screen OpenGL context made current on the calling thread (see offscreen_gl.c).
typedef struct rfm_gl_context rfm_gl_context;

/// Opens the GL library and makes a context current. `backend` is "egl", "osmesa", or NULL or ""
/// for EGL then OSMesa. On failure returns NULL and writes why into `error` (one line).
rfm_gl_context* rfm_gl_context_create(const char* backend, char* error, int length);

/// Makes the context current on the calling thread (it may be current on one thread at a time);
/// returns 1 on success.
int rfm_gl_context_make_current(rfm_gl_context* context);

/// Leaves the calling thread without a current context.
void rfm_gl_context_release(rfm_gl_context* context);

/// "egl" or "osmesa".
const char* rfm_gl_context_kind(const rfm_gl_context* context);

/// Releases the context (the library stays loaded).
void rfm_gl_context_destroy(rfm_gl_context* context);

#endif
