// OpenBLAS's CBLAS interface (Debian's libopenblas-dev; include path from pkg-config "openblas").
// It also declares openblas_set_num_threads, which the program calls to fix the thread count.
#include <cblas.h>
