/* The test allocator's controls (fault_shim.c): a shared library that replaces malloc, calloc,
 * realloc and free for the whole process (the library, SQLite, libxml2, ICU, MeCab), so that
 * one chosen allocation fails and the allocations of an operation can be checked for leaks. */
#ifndef TP_FAULT_SHIM_H
#define TP_FAULT_SHIM_H

#include <stddef.h>

/* Counts allocations from now on; the nth (1-based) returns NULL, n = 0 fails none. Each
 * allocation made while armed is remembered until it is freed, with its call stack when stacks
 * is nonzero (unwinding at every allocation makes a run several times slower). */
void fault_arm(long n, int stacks);
/* Stops counting and failing. */
void fault_disarm(void);
/* Allocations counted since fault_arm, and whether the nth was failed. */
long fault_count(void);
int fault_failed(void);
/* Writes the call stack of the allocation that was made to fail to fd, one frame a line;
 * allocates nothing, so a signal handler may call it. */
void fault_failed_stack(int fd);
/* Allocations made while armed and not freed since (0 when there were too many to track). */
long fault_live(void);
/* The same, but those made under one of the functions named in suppress (NULL-terminated; may
 * be NULL); the call stacks of the first show of them are written to fd. Needs the stacks
 * (fault_arm(n, 1)); 0 without them. Call it disarmed. */
long fault_leaks(int fd, int show, const char *const *suppress);

#endif
