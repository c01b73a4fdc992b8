#ifndef RFM_CMUJOCO_H
#define RFM_CMUJOCO_H

// MuJoCo's C API, found through pkg-config "mujoco" (the CMuJoCoLibrary target).
#if __has_include(<mujoco/mujoco.h>)
#include <mujoco/mujoco.h>
#else
#error "MuJoCo 3.3.6 headers not found: run scripts/setup.sh (it downloads them into .deps/) and put .deps/pkgconfig on PKG_CONFIG_PATH"
#endif

/// Installs error and warning handlers that report through stderr without exiting the process
/// for warnings (MuJoCo's default prints to stdout). Errors still end the process, as MuJoCo
/// cannot continue after one; the message names MuJoCo so the cause is clear.
void rfm_mujoco_install_handlers(void);

/// Number of the given warning kind raised on `d` so far (see mjtWarning).
int rfm_mujoco_warning_count(const mjData* d, int kind);

#include "offscreen_gl.h"

#endif
