// MuJoCo's C API (the include path and library from pkg-config "mujoco": scripts/setup.sh writes
// .deps/pkgconfig/mujoco.pc for the pinned 3.3.6 release it unpacks into .deps/).
#include <mujoco/mujoco.h>
