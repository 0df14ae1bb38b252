/* kernel_check.h — every compiled kernel set's int8 dense kernel against the scalar
 * reference, on the device itself (kernel_check.cpp). */
#ifndef SOFTEDGE_EXAMPLES_KERNEL_CHECK_H
#define SOFTEDGE_EXAMPLES_KERNEL_CHECK_H

#ifdef __cplusplus
extern "C" {
#endif

/* Prints one line per set; returns 1 when every set equals the reference bit for bit. */
int kernel_check(void);

#ifdef __cplusplus
}
#endif

#endif
