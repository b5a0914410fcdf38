/* The test allocator behind tests/fault/test_fault.c: replaces the C allocator for the whole
 * process (glibc lets a library interpose malloc; the real one is __libc_malloc), fails the
 * nth allocation once armed, and remembers every allocation made while armed until it is
 * freed, so that a failed operation's leaks are found without a sanitizer. */
#include "fault_shim.h"

#include <errno.h>
#include <execinfo.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t size);
extern void __libc_free(void *p);

void *malloc(size_t size);
void *calloc(size_t n, size_t size);
void *realloc(void *p, size_t size);
void free(void *p);

/* Room for 32,768 live allocations: more than any operation here makes (each child clears the
 * table, so a small one is quicker). */
#define SLOTS ((size_t)1 << 16)
#define TOMB ((void *)1)

static int armed;
static long fail_at, counted;
static int failed_once;
static int overflow;       /* too many live allocations to track: no leak verdict */
#define FRAMES 16
static void *slot_ptr[SLOTS];
static void *slot_frames[SLOTS][FRAMES]; /* where each allocation was made: its call stack */
static long live;
static int tracing;        /* inside backtrace(), which may allocate itself */
static int with_stacks;    /* record each allocation's call stack (slow: it unwinds) */
static void *failed_frames[FRAMES]; /* the call stack of the allocation made to fail */

static size_t slot_of(const void *p)
{
    uintptr_t h = (uintptr_t)p >> 4;
    h ^= h >> 17;
    h *= 0x9E3779B97F4A7C15u;
    return (size_t)(h >> 20) & (SLOTS - 1);
}

static void track(void *p)
{
    if (tracing)
        return;
    if (live >= (long)(SLOTS / 2)) {
        overflow = 1;
        return;
    }
    size_t i = slot_of(p);
    while (slot_ptr[i] && slot_ptr[i] != TOMB)
        i = (i + 1) & (SLOTS - 1);
    slot_ptr[i] = p;
    live++;
    if (!with_stacks)
        return;
    memset(slot_frames[i], 0, sizeof slot_frames[i]);
    tracing = 1;
    backtrace(slot_frames[i], FRAMES);
    tracing = 0;
}

static void untrack(void *p)
{
    if (!live)
        return;
    for (size_t i = slot_of(p); slot_ptr[i]; i = (i + 1) & (SLOTS - 1))
        if (slot_ptr[i] == p) {
            slot_ptr[i] = TOMB;
            live--;
            return;
        }
}

/* Nonzero when this allocation is the one to fail. */
static int fail_now(void)
{
    if (!armed)
        return 0;
    if (++counted == fail_at) {
        failed_once = 1;
        tracing = 1;
        backtrace(failed_frames, FRAMES);
        tracing = 0;
        errno = ENOMEM;
        return 1;
    }
    return 0;
}

void *malloc(size_t size)
{
    if (fail_now())
        return NULL;
    void *p = __libc_malloc(size);
    if (p && armed)
        track(p);
    return p;
}

void *calloc(size_t n, size_t size)
{
    if (fail_now())
        return NULL;
    void *p = __libc_calloc(n, size);
    if (p && armed)
        track(p);
    return p;
}

void *realloc(void *p, size_t size)
{
    if (!p)
        return malloc(size);
    if (fail_now())
        return NULL;
    void *q = __libc_realloc(p, size);
    if (q && q != p) {
        untrack(p);
        if (armed)
            track(q);
    }
    return q;
}

void free(void *p)
{
    if (p)
        untrack(p);
    __libc_free(p);
}

void fault_arm(long n, int stacks)
{
    void *warm[2];
    backtrace(warm, 2); /* loads what backtrace needs before anything is counted */
    memset(failed_frames, 0, sizeof failed_frames);
    with_stacks = stacks;
    memset(slot_ptr, 0, sizeof slot_ptr);
    live = 0;
    overflow = 0;
    counted = 0;
    failed_once = 0;
    fail_at = n;
    armed = 1;
}

void fault_disarm(void)
{
    armed = 0;
}

long fault_count(void)
{
    return counted;
}

int fault_failed(void)
{
    return failed_once;
}

void fault_failed_stack(int fd)
{
    int k = 0;
    while (k < FRAMES && failed_frames[k])
        k++;
    backtrace_symbols_fd(failed_frames, k, fd);
}

long fault_live(void)
{
    return overflow ? 0 : live;
}

/* Nonzero when a frame of the stack names one of the suppressed functions. */
static int suppressed(void **frames, int k, const char *const *suppress)
{
    if (!suppress || !*suppress)
        return 0;
    char **names = backtrace_symbols(frames, k);
    int hit = 0;
    for (int i = 0; names && !hit && i < k; i++)
        for (const char *const *s = suppress; *s && !hit; s++)
            hit = strstr(names[i], *s) != NULL;
    __libc_free(names);
    return hit;
}

long fault_leaks(int fd, int show, const char *const *suppress)
{
    if (overflow || !with_stacks)
        return 0;
    long n = 0, seen = 0;
    for (size_t i = 0; i < SLOTS && seen < live; i++) {
        if (!slot_ptr[i] || slot_ptr[i] == TOMB)
            continue;
        seen++;
        int k = 0;
        while (k < FRAMES && slot_frames[i][k])
            k++;
        if (suppressed(slot_frames[i], k, suppress))
            continue;
        if (n++ < show) {
            static const char sep[] = "  --\n";
            backtrace_symbols_fd(slot_frames[i], k, fd);
            if (write(fd, sep, sizeof sep - 1) < 0)
                break;
        }
    }
    return n;
}
