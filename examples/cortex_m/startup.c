/* startup.c — what runs before main() on a Cortex-M: the vector table, copying .data from
 * flash, zeroing .bss, enabling the FPU, and painting the stack so that its high-water mark
 * can be measured when main() returns. The program's status goes out through semihosting. */
#include <stdint.h>

#include "semihosting.h"

extern uint32_t __data_load[], __data_start[], __data_end[], __bss_start[], __bss_end[];
extern uint32_t __stack_limit[], __stack_top[];
/* The same address as __stack_top (cortex_m.ld), declared as a function so that the vector
 * table, an array of handlers, can hold it without an object-to-function pointer cast. */
extern void __initial_stack_pointer(void);
int main(void);

#define STACK_PAINT 0x5EDB57ACu

static void fault_handler(void) {
  semihosting_write("fault: the core took an exception\n");
  semihosting_exit(0);
}

/* The bytes of stack used so far at most: from the top down to the lowest repainted word. */
static uint32_t stack_high_water(void) {
  const uint32_t *p = __stack_limit;
  while (p < __stack_top && *p == STACK_PAINT) ++p;
  return (uint32_t)((uintptr_t)__stack_top - (uintptr_t)p);
}

void reset_handler(void) {
  for (uint32_t *src = __data_load, *dst = __data_start; dst < __data_end;) *dst++ = *src++;
  for (uint32_t *dst = __bss_start; dst < __bss_end;) *dst++ = 0;
  /* CPACR: full access to coprocessors 10 and 11 (the FPU) before any float instruction. */
  *(volatile uint32_t *)0xE000ED88u |= 0xFu << 20;
  __asm__ volatile("dsb\n\tisb" ::: "memory");

  /* Paint everything below this frame (64 bytes of margin for it). */
  uint32_t *sp;
  __asm__ volatile("mov %0, sp" : "=r"(sp));
  for (uint32_t *p = __stack_limit; p < sp - 16; ++p) *p = STACK_PAINT;

  const int status = main();
  semihosting_write("stack high-water: ");
  semihosting_write_uint(stack_high_water());
  semihosting_write(" bytes (main and the runtime)\n");
  semihosting_exit(status == 0);
}

/* Initial stack pointer, then the handlers: reset, NMI, hard fault, memory management, bus
 * and usage faults. Interrupts are never enabled. */
__attribute__((section(".vectors"), used)) static void (*const vector_table[])(void) = {
    __initial_stack_pointer, reset_handler, fault_handler, fault_handler,
    fault_handler,           fault_handler, fault_handler,
};
