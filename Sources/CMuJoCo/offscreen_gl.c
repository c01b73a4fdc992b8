// An off-screen OpenGL context for MuJoCo's renderer, with the GL libraries opened by dlopen at
// run time so that neither the build nor the other commands need them.
//
// Two ways, tried in this order unless RFM_GL (or MuJoCo's own MUJOCO_GL) names one:
// - EGL (libEGL.so.1 from libegl1 + libegl-mesa0, with llvmpipe from libgl1-mesa-dri): Mesa's
//   surfaceless platform, which needs no display server and no window; the context has no surface,
//   which is fine because MuJoCo draws into its own off-screen framebuffer object.
// - OSMesa (libOSMesa.so.8 from libosmesa6): Mesa rendering into a memory buffer.
//
// MuJoCo's GL loader (glad, inside libmujoco) finds GL entry points by looking up
// eglGetProcAddress, OSMesaGetProcAddress or glXGetProcAddressARB in the process's global
// symbols, so the library is opened with RTLD_GLOBAL before mjr_makeContext; a library that
// failed is closed again, so that its lookup function cannot be picked for the other's context.
#include "offscreen_gl.h"

#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// EGL's types and constants (EGL 1.5 and EGL_MESA_platform_surfaceless), spelled out so that the
// build needs no EGL headers.
typedef void* EGLDisplay;
typedef void* EGLConfig;
typedef void* EGLContext;
typedef void* EGLSurface;
typedef int32_t EGLint;
typedef unsigned int EGLBoolean;
typedef unsigned int EGLenum;
#define EGL_NONE 0x3038
#define EGL_RED_SIZE 0x3024
#define EGL_GREEN_SIZE 0x3023
#define EGL_BLUE_SIZE 0x3022
#define EGL_ALPHA_SIZE 0x3021
#define EGL_DEPTH_SIZE 0x3025
#define EGL_STENCIL_SIZE 0x3026
#define EGL_SURFACE_TYPE 0x3033
#define EGL_PBUFFER_BIT 0x0001
#define EGL_RENDERABLE_TYPE 0x3040
#define EGL_OPENGL_BIT 0x0008
#define EGL_OPENGL_API 0x30A2
#define EGL_PLATFORM_SURFACELESS_MESA 0x31DD
#define EGL_DEFAULT_DISPLAY ((void*)0)

typedef void* (*EGLGetProcAddress)(const char*);
typedef EGLDisplay (*EGLGetPlatformDisplay)(EGLenum, void*, const intptr_t*);
typedef EGLDisplay (*EGLGetDisplay)(void*);
typedef EGLBoolean (*EGLInitialize)(EGLDisplay, EGLint*, EGLint*);
typedef EGLBoolean (*EGLChooseConfig)(EGLDisplay, const EGLint*, EGLConfig*, EGLint, EGLint*);
typedef EGLBoolean (*EGLBindAPI)(EGLenum);
typedef EGLContext (*EGLCreateContext)(EGLDisplay, EGLConfig, EGLContext, const EGLint*);
typedef EGLBoolean (*EGLMakeCurrent)(EGLDisplay, EGLSurface, EGLSurface, EGLContext);
typedef EGLBoolean (*EGLDestroyContext)(EGLDisplay, EGLContext);
typedef EGLBoolean (*EGLTerminate)(EGLDisplay);
typedef EGLint (*EGLGetError)(void);

// OSMesa's.
typedef void* OSMesaContext;
#define OSMESA_RGBA 0x1908
#define GL_UNSIGNED_BYTE 0x1401
typedef OSMesaContext (*OSMesaCreateContextExt)(unsigned int, int, int, int, OSMesaContext);
typedef unsigned char (*OSMesaMakeCurrent)(OSMesaContext, void*, unsigned int, int, int);
typedef void (*OSMesaDestroyContext)(OSMesaContext);

struct rfm_gl_context {
    int kind;  // 1 EGL, 2 OSMesa
    void* library;
    // EGL
    EGLDisplay display;
    EGLContext context;
    EGLDestroyContext destroyContext;
    EGLMakeCurrent makeCurrent;
    EGLTerminate terminate;
    // OSMesa
    OSMesaContext osmesa;
    OSMesaDestroyContext osmesaDestroy;
    OSMesaMakeCurrent osmesaMakeCurrent;
    void* buffer;
};

static void set_error(char* error, int length, const char* format, const char* detail) {
    if (error && length > 0) snprintf(error, (size_t)length, format, detail ? detail : "");
}

static void* open_library(const char* const* names, char* error, int length) {
    for (int i = 0; names[i]; i++) {
        void* h = dlopen(names[i], RTLD_NOW | RTLD_GLOBAL);
        if (h) return h;
    }
    const char* why = dlerror();
    set_error(error, length, "%s", why);
    return NULL;
}

static rfm_gl_context* make_egl(char* error, int length) {
    static const char* const names[] = {"libEGL.so.1", "libEGL.so", NULL};
    void* lib = open_library(names, error, length);
    if (!lib) return NULL;
    EGLGetProcAddress getProc = (EGLGetProcAddress)dlsym(lib, "eglGetProcAddress");
    EGLGetDisplay getDisplay = (EGLGetDisplay)dlsym(lib, "eglGetDisplay");
    EGLInitialize initialize = (EGLInitialize)dlsym(lib, "eglInitialize");
    EGLChooseConfig chooseConfig = (EGLChooseConfig)dlsym(lib, "eglChooseConfig");
    EGLBindAPI bindAPI = (EGLBindAPI)dlsym(lib, "eglBindAPI");
    EGLCreateContext createContext = (EGLCreateContext)dlsym(lib, "eglCreateContext");
    EGLMakeCurrent makeCurrent = (EGLMakeCurrent)dlsym(lib, "eglMakeCurrent");
    EGLDestroyContext destroyContext = (EGLDestroyContext)dlsym(lib, "eglDestroyContext");
    EGLTerminate terminate = (EGLTerminate)dlsym(lib, "eglTerminate");
    EGLGetError getError = (EGLGetError)dlsym(lib, "eglGetError");
    if (!getProc || !getDisplay || !initialize || !chooseConfig || !bindAPI || !createContext ||
        !makeCurrent || !destroyContext || !terminate || !getError) {
        set_error(error, length, "libEGL lacks an EGL 1.4 function%s", NULL);
        dlclose(lib);
        return NULL;
    }
    // Surfaceless first (no display server needed), then the default display.
    EGLDisplay display = NULL;
    EGLint major = 0, minor = 0;
    EGLGetPlatformDisplay getPlatformDisplay = (EGLGetPlatformDisplay)dlsym(lib, "eglGetPlatformDisplay");
    if (!getPlatformDisplay) getPlatformDisplay = (EGLGetPlatformDisplay)getProc("eglGetPlatformDisplayEXT");
    if (getPlatformDisplay) {
        display = getPlatformDisplay(EGL_PLATFORM_SURFACELESS_MESA, EGL_DEFAULT_DISPLAY, NULL);
        if (display && !initialize(display, &major, &minor)) display = NULL;
    }
    if (!display) {
        display = getDisplay(EGL_DEFAULT_DISPLAY);
        if (display && !initialize(display, &major, &minor)) display = NULL;
    }
    if (!display) {
        char code[32];
        snprintf(code, sizeof code, "0x%x", (unsigned)getError());
        set_error(error, length, "no EGL display could be initialised (EGL error %s; is libegl-mesa0 installed?)", code);
        dlclose(lib);
        return NULL;
    }
    // As dm_control asks: 8-bit RGBA, 24-bit depth, 8-bit stencil, desktop OpenGL.
    const EGLint attributes[] = {
        EGL_RED_SIZE, 8, EGL_GREEN_SIZE, 8, EGL_BLUE_SIZE, 8, EGL_ALPHA_SIZE, 8,
        EGL_DEPTH_SIZE, 24, EGL_STENCIL_SIZE, 8,
        // The default is EGL_WINDOW_BIT, which surfaceless displays have no configurations for.
        EGL_SURFACE_TYPE, EGL_PBUFFER_BIT,
        EGL_RENDERABLE_TYPE, EGL_OPENGL_BIT, EGL_NONE,
    };
    EGLConfig config = NULL;
    EGLint count = 0;
    if (!chooseConfig(display, attributes, &config, 1, &count) || count < 1) {
        terminate(display);
        set_error(error, length, "EGL has no RGBA8 + depth 24 + stencil 8 OpenGL configuration%s", NULL);
        dlclose(lib);
        return NULL;
    }
    if (!bindAPI(EGL_OPENGL_API)) {
        terminate(display);
        set_error(error, length, "EGL cannot bind desktop OpenGL%s", NULL);
        dlclose(lib);
        return NULL;
    }
    EGLContext context = createContext(display, config, NULL, NULL);
    if (!context || !makeCurrent(display, NULL, NULL, context)) {
        if (context) destroyContext(display, context);
        terminate(display);
        set_error(error, length, "EGL could not create or make current an OpenGL context without a surface%s", NULL);
        dlclose(lib);
        return NULL;
    }
    rfm_gl_context* c = calloc(1, sizeof *c);
    c->kind = 1;
    c->library = lib;
    c->display = display;
    c->context = context;
    c->destroyContext = destroyContext;
    c->makeCurrent = makeCurrent;
    c->terminate = terminate;
    return c;
}

static rfm_gl_context* make_osmesa(char* error, int length) {
    static const char* const names[] = {"libOSMesa.so.8", "libOSMesa.so.6", "libOSMesa.so", NULL};
    void* lib = open_library(names, error, length);
    if (!lib) return NULL;
    OSMesaCreateContextExt create = (OSMesaCreateContextExt)dlsym(lib, "OSMesaCreateContextExt");
    OSMesaMakeCurrent makeCurrent = (OSMesaMakeCurrent)dlsym(lib, "OSMesaMakeCurrent");
    OSMesaDestroyContext destroy = (OSMesaDestroyContext)dlsym(lib, "OSMesaDestroyContext");
    if (!create || !makeCurrent || !destroy) {
        set_error(error, length, "libOSMesa lacks OSMesaCreateContextExt%s", NULL);
        dlclose(lib);
        return NULL;
    }
    OSMesaContext context = create(OSMESA_RGBA, 24, 8, 0, NULL);
    // MuJoCo draws into its own framebuffer object; the window buffer only has to exist.
    void* buffer = calloc(4, 64 * 64);
    if (!context || !makeCurrent(context, buffer, GL_UNSIGNED_BYTE, 64, 64)) {
        if (context) destroy(context);
        free(buffer);
        set_error(error, length, "OSMesa could not create or make current a context%s", NULL);
        dlclose(lib);
        return NULL;
    }
    rfm_gl_context* c = calloc(1, sizeof *c);
    c->kind = 2;
    c->library = lib;
    c->osmesa = context;
    c->osmesaDestroy = destroy;
    c->osmesaMakeCurrent = makeCurrent;
    c->buffer = buffer;
    return c;
}

rfm_gl_context* rfm_gl_context_create(const char* backend, char* error, int length) {
    if (backend && strcmp(backend, "egl") == 0) return make_egl(error, length);
    if (backend && strcmp(backend, "osmesa") == 0) return make_osmesa(error, length);
    if (backend && *backend) {
        set_error(error, length, "unknown GL backend '%s' (egl or osmesa)", backend);
        return NULL;
    }
    char eglError[512] = "";
    rfm_gl_context* c = make_egl(eglError, sizeof eglError);
    if (c) return c;
    char osmesaError[512] = "";
    c = make_osmesa(osmesaError, sizeof osmesaError);
    if (c) return c;
    if (error && length > 0) snprintf(error, (size_t)length, "EGL: %s; OSMesa: %s", eglError, osmesaError);
    return NULL;
}

int rfm_gl_context_make_current(rfm_gl_context* c) {
    if (c->kind == 1) return c->makeCurrent(c->display, NULL, NULL, c->context) ? 1 : 0;
    return c->osmesaMakeCurrent(c->osmesa, c->buffer, GL_UNSIGNED_BYTE, 64, 64) ? 1 : 0;
}

void rfm_gl_context_release(rfm_gl_context* c) {
    if (c->kind == 1) c->makeCurrent(c->display, NULL, NULL, NULL);
    else c->osmesaMakeCurrent(NULL, NULL, 0, 0, 0);
}

const char* rfm_gl_context_kind(const rfm_gl_context* c) {
    return c->kind == 1 ? "egl" : "osmesa";
}

void rfm_gl_context_destroy(rfm_gl_context* c) {
    if (!c) return;
    if (c->kind == 1) {
        c->makeCurrent(c->display, NULL, NULL, NULL);
        c->destroyContext(c->display, c->context);
        c->terminate(c->display);
    } else {
        c->osmesaDestroy(c->osmesa);
        free(c->buffer);
    }
    // The library stays loaded: MuJoCo's loader keeps pointers into it.
    free(c);
}
