/* semihosting.h — console output and exit status for firmware under a debugger or qemu
 * (-semihosting): the Arm semihosting calls, no C library stdio (which would want a heap). */
#ifndef SOFTEDGE_EXAMPLES_SEMIHOSTING_H
#define SOFTEDGE_EXAMPLES_SEMIHOSTING_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

void semihosting_write(const char *text);       /* a NUL-terminated string */
void semihosting_write_uint(uint32_t value);    /* in decimal */
/* The command line the host passed (qemu: -semihosting-config arg=...,arg=...), NUL-terminated
 * in `buffer`; returns 0 when there is none or it does not fit. */
int semihosting_command_line(char *buffer, uint32_t size);
/* Ends the program: qemu exits with status 0 when `success` is nonzero, else 1. */
void semihosting_exit(int success) __attribute__((noreturn));

#ifdef __cplusplus
}
#endif

#endif
