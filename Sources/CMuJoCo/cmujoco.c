#include "cmujoco.h"
#include <stdio.h>
#include <stdlib.h>

static void rfm_mujoco_error(const char* msg) {
    fprintf(stderr, "error: MuJoCo: %s\n", msg);
    fflush(stderr);
    exit(1);
}

static void rfm_mujoco_warning(const char* msg) {
    fprintf(stderr, "warning: MuJoCo: %s\n", msg);
}

void rfm_mujoco_install_handlers(void) {
    mju_user_error = rfm_mujoco_error;
    mju_user_warning = rfm_mujoco_warning;
}

int rfm_mujoco_warning_count(const mjData* d, int kind) {
    return (kind >= 0 && kind < mjNWARNING) ? d->warning[kind].number : 0;
}
