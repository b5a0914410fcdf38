/* The store's files go through a thin layer over SQLite's default VFS that does two things
 * for large writes, both Linux only. Part of the store module.
 *
 * Write-behind: every few megabytes written to the database or its WAL, the kernel is asked to
 * start writing them out (sync_file_range), so that the disk works while SQLite goes on. A
 * large import writes its pages to the WAL during its transaction, and the checkpoint after
 * the commit copies them into the database file; Linux kept all of it in memory until a sync,
 * so the commit waited for the whole WAL and the checkpoint for the whole file (1.4 and about
 * 1 s of a 1M-unit import), the disk idle for the 15 s before. Durability is still SQLite's own
 * syncs: the pushes only start them early.
 *
 * Batched writes, while the store asks for them (TP_STORE_FCNTL_BATCH, during a bulk
 * transaction and the checkpoint that ends it): SQLite appends a frame to the WAL as two
 * writes, its 24-byte header and its page, neither on a page boundary of the file, and the
 * checkpoint copies the frames into the database a page a write. The layer holds contiguous
 * writes and passes them on 64 KB at a time (a fifth of the system time of a 1M-unit
 * import). Bytes held are passed on before any other call on their file, and a WAL's before
 * any call on its database file's shared memory or locks: other connections see frames only
 * once the WAL index says so, and SQLite writes that index, and syncs the WAL before it
 * (synchronous=FULL, which the store sets), through those calls; the checkpoint syncs the
 * database before it tells them that the frames are copied. A failed deferred write is
 * reported by the next call that can report one, and by every call after it. */
#define _GNU_SOURCE /* sync_file_range */
#include "store_int.h"

#include <fcntl.h>
#include <pthread.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#if defined(__linux__) && defined(SYNC_FILE_RANGE_WRITE)

#define VFS_NAME "toponym"
#define PUSH_BYTES ((sqlite3_int64)4 << 20) /* written between two pushes */
/* Bytes held at most: the default VFS takes writes below 128 KB (it masks their size). */
#define HOLD_BYTES (64 * 1024)

typedef struct wb_file {
    sqlite3_file base;        /* its methods: wb_io */
    sqlite3_file *real;       /* the default VFS's file, in the room after this struct */
    int fd;                   /* a descriptor of our own for pushes; -1: no pushes */
    sqlite3_int64 from, to;   /* the range written since the last push */
    sqlite3_int64 written;    /* bytes written since the last push */
    /* A database file: batching asked for, and its WAL while open. */
    int batch;
    struct wb_file *wal;
    /* A WAL file: its database file. Either file: the contiguous bytes held (hold_len of
     * them, from hold_off; hold is allocated when first needed). */
    struct wb_file *db;
    unsigned char *hold;
    size_t hold_len;
    sqlite3_int64 hold_off;
    int failed;               /* a held write failed: its code, returned from then on */
} wb_file;

static sqlite3_vfs *real_vfs;

#define REAL(f) (((wb_file *)(f))->real)
#define RM(f) (REAL(f)->pMethods)

static int pass_write(wb_file *p, const void *buf, int n, sqlite3_int64 off);

/* Passes a file's held bytes on; its code (and from a failure on, that failure's). */
static int release(wb_file *p)
{
    if (!p)
        return SQLITE_OK;
    if (p->hold_len && !p->failed) {
        int n = (int)p->hold_len;
        p->hold_len = 0;
        p->failed = pass_write(p, p->hold, n, p->hold_off);
    }
    p->hold_len = 0;
    return p->failed;
}

/* Before a call on f: its own held bytes passed on, and for a database file its WAL's. */
static int settle(sqlite3_file *f)
{
    wb_file *p = (wb_file *)f;
    int rc = release(p->hold ? p : NULL);
    int wal = release(p->wal);
    return rc ? rc : wal;
}

/* Starts the writing out of the range written since the last push. Advisory: a failure
 * changes nothing (SQLite's sync reports what it must). */
static void push(wb_file *p)
{
    if (p->to > p->from)
        (void)sync_file_range(p->fd, p->from, p->to - p->from, SYNC_FILE_RANGE_WRITE);
    p->from = p->to = p->written = 0;
}

static int wb_close(sqlite3_file *f)
{
    wb_file *p = (wb_file *)f;
    int held = settle(f);
    int rc = RM(f)->xClose(p->real);
    if (p->fd >= 0)
        close(p->fd);
    p->fd = -1;
    if (p->db && p->db->wal == p)
        p->db->wal = NULL;
    if (p->wal)
        p->wal->db = NULL;
    sqlite3_free(p->hold);
    p->hold = NULL;
    return rc ? rc : held;
}

static int wb_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
    int rc = settle(f);
    return rc ? rc : RM(f)->xRead(REAL(f), buf, n, off);
}

static int wb_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
    wb_file *p = (wb_file *)f;
    if (p->failed)
        return p->failed;
    if ((p->db ? p->db->batch : p->batch) && n < HOLD_BYTES / 2) {
        /* An append to what is held (or the start of a new hold) waits; anything else
         * passes what is held on first. */
        if (p->hold_len && (off != p->hold_off + (sqlite3_int64)p->hold_len ||
                            p->hold_len + (size_t)n > HOLD_BYTES)) {
            int rc = release(p);
            if (rc)
                return rc;
        }
        if (!p->hold && !(p->hold = sqlite3_malloc(HOLD_BYTES)))
            return SQLITE_NOMEM;
        if (!p->hold_len)
            p->hold_off = off;
        memcpy(p->hold + p->hold_len, buf, (size_t)n);
        p->hold_len += (size_t)n;
        return SQLITE_OK;
    }
    int rc = release(p->hold ? p : NULL);
    return rc ? rc : pass_write(p, buf, n, off);
}

static int pass_write(wb_file *p, const void *buf, int n, sqlite3_int64 off)
{
    int rc = p->real->pMethods->xWrite(p->real, buf, n, off);
    if (rc != SQLITE_OK || p->fd < 0)
        return rc;
    if (p->written == 0 || off < p->from)
        p->from = off;
    if (p->written == 0 || off + n > p->to)
        p->to = off + n;
    p->written += n;
    if (p->written >= PUSH_BYTES)
        push(p);
    return rc;
}

static int wb_truncate(sqlite3_file *f, sqlite3_int64 size)
{
    wb_file *p = (wb_file *)f;
    int rc = settle(f);
    p->from = p->to = p->written = 0;
    return rc ? rc : RM(f)->xTruncate(p->real, size);
}

static int wb_sync(sqlite3_file *f, int flags)
{
    wb_file *p = (wb_file *)f;
    int rc = settle(f);
    p->from = p->to = p->written = 0; /* the sync writes it all */
    return rc ? rc : RM(f)->xSync(p->real, flags);
}

static int wb_file_size(sqlite3_file *f, sqlite3_int64 *size)
{
    int rc = settle(f);
    return rc ? rc : RM(f)->xFileSize(REAL(f), size);
}

static int wb_lock(sqlite3_file *f, int level)
{
    int rc = settle(f);
    return rc ? rc : RM(f)->xLock(REAL(f), level);
}

static int wb_unlock(sqlite3_file *f, int level)
{
    int rc = settle(f);
    return rc ? rc : RM(f)->xUnlock(REAL(f), level);
}

static int wb_check_reserved(sqlite3_file *f, int *out)
{
    int rc = settle(f);
    return rc ? rc : RM(f)->xCheckReservedLock(REAL(f), out);
}

static int wb_file_control(sqlite3_file *f, int op, void *arg)
{
    wb_file *p = (wb_file *)f;
    if (op == TP_STORE_FCNTL_BATCH) {
        /* Asked of the database file; turning it off passes on what it and its WAL hold. */
        p->batch = *(int *)arg != 0;
        return p->batch ? SQLITE_OK : settle(f);
    }
    int rc = settle(f);
    if (rc)
        return rc;
    rc = RM(f)->xFileControl(REAL(f), op, arg);
    /* The VFS's name is reported as this layer over the one below it. */
    if (op == SQLITE_FCNTL_VFSNAME && rc == SQLITE_OK) {
        char *below = *(char **)arg;
        *(char **)arg = sqlite3_mprintf(VFS_NAME "/%z", below);
    }
    return rc;
}

static int wb_sector_size(sqlite3_file *f)
{
    return RM(f)->xSectorSize(REAL(f));
}

static int wb_device(sqlite3_file *f)
{
    return RM(f)->xDeviceCharacteristics(REAL(f));
}

/* The shared memory is the database file's: a call on it first passes on what its WAL holds
 * (the WAL index it writes tells other connections which frames are there). */
static int wb_shm_map(sqlite3_file *f, int page, int size, int extend, void volatile **pp)
{
    int rc = settle(f);
    if (rc)
        return rc;
    return RM(f)->iVersion >= 2 ? RM(f)->xShmMap(REAL(f), page, size, extend, pp)
                                : SQLITE_IOERR_SHMMAP;
}

static int wb_shm_lock(sqlite3_file *f, int offset, int n, int flags)
{
    int rc = settle(f);
    if (rc)
        return rc;
    return RM(f)->iVersion >= 2 ? RM(f)->xShmLock(REAL(f), offset, n, flags)
                                : SQLITE_IOERR_SHMLOCK;
}

static void wb_shm_barrier(sqlite3_file *f)
{
    (void)settle(f); /* a failure stays with the WAL for its next call */
    if (RM(f)->iVersion >= 2)
        RM(f)->xShmBarrier(REAL(f));
}

static int wb_shm_unmap(sqlite3_file *f, int delete_flag)
{
    int rc = settle(f);
    int un = RM(f)->iVersion >= 2 ? RM(f)->xShmUnmap(REAL(f), delete_flag) : SQLITE_OK;
    return rc ? rc : un;
}

static int wb_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **pp)
{
    int rc = settle(f);
    *pp = NULL;
    if (rc)
        return rc;
    return RM(f)->iVersion >= 3 ? RM(f)->xFetch(REAL(f), off, n, pp) : SQLITE_OK;
}

static int wb_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
    return RM(f)->iVersion >= 3 ? RM(f)->xUnfetch(REAL(f), off, p) : SQLITE_OK;
}

static const sqlite3_io_methods wb_io = {
    3,           wb_close,         wb_read,         wb_write,       wb_truncate,
    wb_sync,     wb_file_size,     wb_lock,         wb_unlock,      wb_check_reserved,
    wb_file_control, wb_sector_size, wb_device,     wb_shm_map,     wb_shm_lock,
    wb_shm_barrier, wb_shm_unmap,  wb_fetch,        wb_unfetch,
};

static int wb_open(sqlite3_vfs *vfs, sqlite3_filename name, sqlite3_file *f, int flags,
                   int *out_flags)
{
    (void)vfs;
    wb_file *p = (wb_file *)f;
    *p = (wb_file){.real = (sqlite3_file *)(p + 1), .fd = -1};
    int rc = real_vfs->xOpen(real_vfs, name, p->real, flags, out_flags);
    /* SQLite calls xClose only when the methods are set (the file below may set them even
     * when its open fails). */
    p->base.pMethods = p->real->pMethods ? &wb_io : NULL;
    /* Pushes for the files a large write goes to: the database and its WAL. */
    if (rc == SQLITE_OK && name && (flags & (SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_WAL)) &&
        !(flags & SQLITE_OPEN_READONLY))
        p->fd = open(name, O_RDONLY | O_CLOEXEC);
    /* A WAL is tied to its database file (opened through this VFS before it), whose batching
     * it follows. */
    if (rc == SQLITE_OK && name && (flags & SQLITE_OPEN_WAL) && p->base.pMethods) {
        wb_file *db = (wb_file *)sqlite3_database_file_object(name);
        if (db && db->base.pMethods == &wb_io) {
            p->db = db;
            db->wal = p;
        }
    }
    return rc;
}

/* The VFS's own calls, passed to the default VFS. */
static int wb_delete(sqlite3_vfs *v, const char *name, int sync_dir)
{
    (void)v;
    return real_vfs->xDelete(real_vfs, name, sync_dir);
}

static int wb_access(sqlite3_vfs *v, const char *name, int flags, int *out)
{
    (void)v;
    return real_vfs->xAccess(real_vfs, name, flags, out);
}

static int wb_full_pathname(sqlite3_vfs *v, const char *name, int n, char *out)
{
    (void)v;
    return real_vfs->xFullPathname(real_vfs, name, n, out);
}

static void *wb_dl_open(sqlite3_vfs *v, const char *name)
{
    (void)v;
    return real_vfs->xDlOpen(real_vfs, name);
}

static void wb_dl_error(sqlite3_vfs *v, int n, char *msg)
{
    (void)v;
    real_vfs->xDlError(real_vfs, n, msg);
}

static void (*wb_dl_sym(sqlite3_vfs *v, void *h, const char *sym))(void)
{
    (void)v;
    return real_vfs->xDlSym(real_vfs, h, sym);
}

static void wb_dl_close(sqlite3_vfs *v, void *h)
{
    (void)v;
    real_vfs->xDlClose(real_vfs, h);
}

static int wb_randomness(sqlite3_vfs *v, int n, char *out)
{
    (void)v;
    return real_vfs->xRandomness(real_vfs, n, out);
}

static int wb_sleep(sqlite3_vfs *v, int us)
{
    (void)v;
    return real_vfs->xSleep(real_vfs, us);
}

static int wb_current_time(sqlite3_vfs *v, double *out)
{
    (void)v;
    return real_vfs->xCurrentTime(real_vfs, out);
}

static int wb_last_error(sqlite3_vfs *v, int n, char *out)
{
    (void)v;
    return real_vfs->xGetLastError ? real_vfs->xGetLastError(real_vfs, n, out) : 0;
}

static int wb_current_time64(sqlite3_vfs *v, sqlite3_int64 *out)
{
    (void)v;
    return real_vfs->xCurrentTimeInt64(real_vfs, out);
}

static sqlite3_vfs wb_vfs;
static const char *wb_name;

static void wb_register(void)
{
    real_vfs = sqlite3_vfs_find(NULL);
    /* Version 2 at most: the calls that replace system calls (version 3) are for SQLite's
     * own tests and are not passed on. */
    if (!real_vfs || real_vfs->iVersion < 2)
        return;
    wb_vfs = (sqlite3_vfs){
        .iVersion = 2,
        .szOsFile = (int)sizeof(wb_file) + real_vfs->szOsFile,
        .mxPathname = real_vfs->mxPathname,
        .zName = VFS_NAME,
        .xOpen = wb_open,
        .xDelete = wb_delete,
        .xAccess = wb_access,
        .xFullPathname = wb_full_pathname,
        .xDlOpen = wb_dl_open,
        .xDlError = wb_dl_error,
        .xDlSym = wb_dl_sym,
        .xDlClose = wb_dl_close,
        .xRandomness = wb_randomness,
        .xSleep = wb_sleep,
        .xCurrentTime = wb_current_time,
        .xGetLastError = wb_last_error,
        .xCurrentTimeInt64 = wb_current_time64,
    };
    if (sqlite3_vfs_register(&wb_vfs, 0) == SQLITE_OK)
        wb_name = VFS_NAME;
}

void tp_store_vfs_batch(tp_store *s, int on)
{
    sqlite3_file_control(s->db, "main", TP_STORE_FCNTL_BATCH, &on);
}

const char *tp_store_vfs(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, wb_register);
    return wb_name;
}

#else /* no sync_file_range: SQLite's default VFS */

void tp_store_vfs_batch(tp_store *s, int on)
{
    (void)s;
    (void)on;
}

const char *tp_store_vfs(void)
{
    return NULL;
}

#endif
