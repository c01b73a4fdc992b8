// The CUDA backend's kernels run on the CPU (see emulation.cpp), launched by name as the driver
// launches them, and the table of their signatures that both launch paths use.
#pragma once

#ifdef __cplusplus
extern "C" {
#endif

// The emulated runtime's device addresses are host addresses plus this offset, which puts them
// outside the x86-64 and arm64 user address spaces: host code that reads device memory without a
// copy faults at once, as it would on a GPU. Launches and copies subtract it.
#define RFM_EMULATED_ADDRESS_OFFSET 0x4000000000000000ULL

// The kernel table (one entry per kernel of Sources/CUDA/Kernels/*.cu): how many kernels, the i-th one's
// name, and a kernel's layout, one character per parameter ('p' a device address, 'i' long long,
// 'w' unsigned long long, 'f' float), or NULL for an unknown name.
int rfm_kernel_count(void);
const char *rfm_kernel_name(int i);
const char *rfm_kernel_layout(const char *name);
// Launches the kernel `name` as cuLaunchKernel would: `parameters` points to one pointer per
// kernel parameter, each to the parameter's value (pointer parameters hold emulated device
// addresses). Returns 0, or -1 for an unknown kernel.
int rfm_emulate_launch(const char *name, void **parameters, int blocks, int threads);

#ifdef __cplusplus
}
#endif
