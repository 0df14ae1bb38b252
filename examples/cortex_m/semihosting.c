/* The Arm semihosting interface on M-profile cores: BKPT 0xAB with the operation in r0 and
 * its argument in r1 (Arm's "Semihosting for AArch32 and AArch64", operations 0x04, 0x18). */
#include "semihosting.h"

enum {
  kSysWrite0 = 0x04,                       /* write a NUL-terminated string */
  kSysGetCmdline = 0x15,                   /* read the command line */
  kSysExit = 0x18,                         /* report an exception to the host */
  kApplicationExit = 0x20026,              /* ADP_Stopped_ApplicationExit: status 0 */
  kRunTimeErrorUnknown = 0x20023,          /* ADP_Stopped_RunTimeErrorUnknown: status 1 */
};

static uint32_t semihosting_call(uint32_t operation, uint32_t argument) {
  register uint32_t r0 __asm__("r0") = operation;
  register uint32_t r1 __asm__("r1") = argument;
  __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}

void semihosting_write(const char *text) { semihosting_call(kSysWrite0, (uint32_t)text); }

void semihosting_write_uint(uint32_t value) {
  char digits[11];
  char *p = digits + sizeof digits - 1;
  *p = '\0';
  do {
    *--p = (char)('0' + value % 10);
    value /= 10;
  } while (value != 0);
  semihosting_write(p);
}

int semihosting_command_line(char *buffer, uint32_t size) {
  uint32_t block[2] = {(uint32_t)buffer, size};  /* in: buffer and size; out: the length */
  return semihosting_call(kSysGetCmdline, (uint32_t)block) == 0;
}

void semihosting_exit(int success) {
  semihosting_call(kSysExit, success ? kApplicationExit : kRunTimeErrorUnknown);
  for (;;) {
  }
}
