/* SPDX-License-Identifier: GPL-2.0-or-later */
#define _GNU_SOURCE   /* fopencookie */
#include "decompress.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include <lz4frame.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

/* Compressed bytes read from the file at a time; what is decompressed goes
 * straight into the caller's (stdio's) buffer. */
#define INPUT_BYTES (256 * 1024)
/* zstd's own default (ZSTD_WINDOWLOG_LIMIT_DEFAULT), set here because it
 * is what bounds our memory: a frame may ask for a window of up to 2 GiB
 * (zstd --long=31), which the decoder would allocate.  Frames over 128 MiB,
 * which zstd(1) itself reads only with --memory, are refused. */
#define ZSTD_WINDOW_LOG_MAX 27

struct decompress {
    decompress_format format;
    int       fd;
    gboolean  close_fd;
    guint8   *in;          /* compressed bytes: in[in_pos, in_end) not yet decompressed */
    gsize     in_size;
    gsize     in_pos, in_end;
    gboolean  in_eof;      /* read(2) said end of file */
    guint64   position;    /* FD's offset after in[in_end - 1] */
    guint64   output;
    /* Inside a gzip member or a zstd or lz4 frame: running out of input
     * now is a cut, where between two it is the end. */
    gboolean  in_frame;
    gboolean  started;     /* a gzip member began: the next one is reset first */
    gsize     hint;        /* zstd, lz4: the input the decoder wants next */
    gboolean  flushing;    /* the decoder may hold output that found no room */
    gboolean  ended;
    gchar    *error;       /* the decompressor's complaint, once it has one */
    gboolean  failed;      /* a read has failed for it: decompress_error() tells */
    decompress_tap tap;    /* sees what the stream gives */
    gpointer  tap_data;
    union {
        z_stream   gzip;
        ZSTD_DCtx *zstd;
        LZ4F_dctx *lz4;
    } ctx;
};

decompress_format
decompress_detect(const guint8 *head, gsize len)
{
    static const guint8 zstd[4] = { 0x28, 0xb5, 0x2f, 0xfd };
    static const guint8 lz4[4] = { 0x04, 0x22, 0x4d, 0x18 };

    if (len >= 2 && head[0] == 0x1f && head[1] == 0x8b)
        return DECOMPRESS_GZIP;
    if (len >= 4 && memcmp(head, zstd, 4) == 0)
        return DECOMPRESS_ZSTD;
    if (len >= 4 && memcmp(head, lz4, 4) == 0)
        return DECOMPRESS_LZ4;
    return DECOMPRESS_NONE;
}

const char *
decompress_name(decompress_format format)
{
    switch (format) {
    case DECOMPRESS_GZIP:
        return "gzip";
    case DECOMPRESS_ZSTD:
        return "zstd";
    case DECOMPRESS_LZ4:
        return "lz4";
    case DECOMPRESS_NONE:
        break;
    }
    return NULL;
}

static gboolean G_GNUC_PRINTF(2, 3)
fail(decompress *d, const char *format, ...)
{
    va_list args;
    gchar *what;

    va_start(args, format);
    what = g_strdup_vprintf(format, args);
    va_end(args);
    d->error = g_strdup_printf("%s: %s", decompress_name(d->format), what);
    g_free(what);
    return FALSE;
}

/* Each step decompresses what it can of d->in[in_pos, in_end) into OUT,
 * saying how much it wrote in *PRODUCED; FALSE, with d->error, on damage.
 * With no input left it only gives out what it still holds. */

static gboolean
step_gzip(decompress *d, guint8 *out, gsize out_len, gsize *produced)
{
    z_stream *z = &d->ctx.gzip;
    uInt room = (uInt)MIN(out_len, G_MAXINT);
    int rc;

    if (!d->in_frame) {
        if (d->in_pos == d->in_end)
            return TRUE;
        /* After a member, only another may follow.  gzip(1) warns of
         * anything else and Wireshark reads it as uncompressed data; here
         * it could only be damage. */
        if (d->in[d->in_pos] != 0x1f)
            return fail(d, "trailing garbage after the compressed data");
        if (d->started && inflateReset(z) != Z_OK)
            return fail(d, "cannot start the next member");
        d->started = TRUE;
        d->in_frame = TRUE;
    }
    z->next_in = d->in + d->in_pos;
    z->avail_in = (uInt)(d->in_end - d->in_pos);
    z->next_out = out;
    z->avail_out = room;
    rc = inflate(z, Z_NO_FLUSH);
    d->in_pos = d->in_end - z->avail_in;
    *produced = room - z->avail_out;
    d->flushing = z->avail_out == 0;
    switch (rc) {
    case Z_OK:
    case Z_BUF_ERROR:   /* no progress without more input: the caller reads on */
        return TRUE;
    case Z_STREAM_END:
        d->in_frame = FALSE;
        d->flushing = FALSE;
        return TRUE;
    case Z_DATA_ERROR:
        return fail(d, "%s", z->msg ? z->msg : "damaged data");
    case Z_MEM_ERROR:
        return fail(d, "out of memory");
    default:
        return fail(d, "inflate() failed (%d)", rc);
    }
}

/* zstd and lz4 say nothing of what a failing call wrote: a damaged block
 * would take with it everything decoded in the same call, and a wrong
 * checksum at a frame's end all of the frame.  So they are fed one block
 * at a time, as their hint says; and what a call could not give out for
 * lack of room is taken out by calls without input before the next block
 * goes in.  A failure then loses only the block it is in.
 *
 * A new frame gets its first byte alone: zstd decodes a frame that is all
 * in one call's input at once, by other rules (a frame that says it holds
 * 242 bytes and holds none is refused there, let through when streamed),
 * and how a pipe's bytes come must not change what a file decodes to. */
static gsize
feed_size(const decompress *d)
{
    gsize avail = d->in_end - d->in_pos;

    if (d->flushing)
        return 0;
    return MIN(avail, d->in_frame ? d->hint : 1);
}

static gboolean
step_zstd(decompress *d, guint8 *out, gsize out_len, gsize *produced)
{
    ZSTD_inBuffer in = { d->in + d->in_pos, feed_size(d), 0 };
    ZSTD_outBuffer o = { out, out_len, 0 };
    size_t rc;

    /* Between frames with nothing to read, zstd would only ask for the
     * next frame's header. */
    if (!d->in_frame && in.size == 0)
        return TRUE;
    rc = ZSTD_decompressStream(d->ctx.zstd, &o, &in);
    d->in_pos += in.pos;
    *produced = o.pos;
    if (ZSTD_isError(rc)) {
        if (ZSTD_getErrorCode(rc) == ZSTD_error_frameParameter_windowTooLarge)
            return fail(d, "%s: its window is over %u MiB", ZSTD_getErrorName(rc),
                        1u << (ZSTD_WINDOW_LOG_MAX - 20));
        return fail(d, "%s", ZSTD_getErrorName(rc));
    }
    /* 0: the frame is decoded and all of it given out; the next call
     * starts the next frame.  Otherwise, how much input it wants next. */
    d->in_frame = rc != 0;
    d->hint = rc;
    d->flushing = d->in_frame && o.pos == o.size;
    return TRUE;
}

static gboolean
step_lz4(decompress *d, guint8 *out, gsize out_len, gsize *produced)
{
    size_t src = feed_size(d), dst = out_len, rc;

    if (!d->in_frame && src == 0)
        return TRUE;
    rc = LZ4F_decompress(d->ctx.lz4, out, &dst, d->in + d->in_pos, &src, NULL);
    d->in_pos += src;
    *produced = dst;
    if (LZ4F_isError(rc))
        return fail(d, "%s", LZ4F_getErrorName(rc));
    /* As for zstd. */
    d->in_frame = rc != 0;
    d->hint = rc;
    d->flushing = d->in_frame && dst == out_len;
    return TRUE;
}

static gboolean
step(decompress *d, guint8 *out, gsize out_len, gsize *produced)
{
    switch (d->format) {
    case DECOMPRESS_GZIP:
        return step_gzip(d, out, out_len, produced);
    case DECOMPRESS_ZSTD:
        return step_zstd(d, out, out_len, produced);
    case DECOMPRESS_LZ4:
        return step_lz4(d, out, out_len, produced);
    case DECOMPRESS_NONE:
        break;
    }
    g_assert_not_reached();
    return FALSE;
}

/* The bytes read from FD to peek at it first, then FD's own, without a copy. */
static ssize_t
replay_read(decompress *d, char *buf, size_t size)
{
    ssize_t n;

    if (d->in_pos < d->in_end) {
        n = (ssize_t)MIN(size, d->in_end - d->in_pos);
        memcpy(buf, d->in + d->in_pos, (gsize)n);
        d->in_pos += (gsize)n;
    } else {
        n = read(d->fd, buf, size);
        if (n > 0)
            d->position += (guint64)n;
    }
    if (n > 0) {
        d->output += (guint64)n;
        if (d->tap)
            d->tap((const guint8 *)buf, (gsize)n, d->tap_data);
    }
    return n;
}

static ssize_t
stream_read(void *cookie, char *buf, size_t size)
{
    decompress *d = cookie;
    gsize done = 0;

    if (d->format == DECOMPRESS_NONE)
        return replay_read(d, buf, size);
    /* A fault is told after everything decompressed before it, and from
     * then on on every read. */
    if (d->error) {
        d->failed = TRUE;
        errno = EIO;
        return -1;
    }
    size = MIN(size, (size_t)G_MAXSSIZE);
    while (done < size && !d->ended) {
        gsize before = d->in_pos, produced = 0;
        gboolean flushing = d->flushing, ok;

        /* What the decoder holds goes out before more is read. */
        if (d->in_pos == d->in_end && !d->in_eof && !d->flushing) {
            ssize_t n;

            /* Out with what there is before waiting on a slow pipe. */
            if (done > 0)
                break;
            n = read(d->fd, d->in, d->in_size);
            if (n < 0)
                return -1;   /* read(2)'s errno: not the decompressor's fault */
            d->in_pos = 0;
            d->in_end = (gsize)n;
            d->in_eof = n == 0;
            d->position += (guint64)n;
            continue;
        }
        ok = step(d, (guint8 *)buf + done, size - done, &produced);
        /* Even a step that found damage may have written what came before it. */
        done += produced;
        if (!ok)
            break;
        if (produced > 0 || d->in_pos != before || flushing)
            continue;
        /* Nothing came of it: the decompressor wants input. */
        if (d->in_pos < d->in_end) {
            /* It had some: no library does this, but a loop must not spin on it. */
            fail(d, "no progress");
            break;
        }
        if (d->in_eof && d->in_frame) {
            fail(d, "unexpected end of file");
            break;
        }
        d->ended = d->in_eof;
    }
    d->output += done;
    if (done > 0 && d->tap)
        d->tap((const guint8 *)buf, done, d->tap_data);
    if (done == 0 && d->error) {
        d->failed = TRUE;
        errno = EIO;
        return -1;
    }
    return (ssize_t)done;
}

/* Not seekable; ESPIPE is what fclose() takes quietly for that. */
static int
stream_seek(void *cookie, off64_t *offset, int whence)
{
    (void)cookie;
    (void)offset;
    (void)whence;
    errno = ESPIPE;
    return -1;
}

static void
decompress_free(decompress *d)
{
    switch (d->format) {
    case DECOMPRESS_GZIP:
        inflateEnd(&d->ctx.gzip);
        break;
    case DECOMPRESS_ZSTD:
        ZSTD_freeDCtx(d->ctx.zstd);
        break;
    case DECOMPRESS_LZ4:
        LZ4F_freeDecompressionContext(d->ctx.lz4);
        break;
    case DECOMPRESS_NONE:
        break;
    }
    g_free(d->in);
    g_free(d->error);
    g_free(d);
}

static int
stream_close(void *cookie)
{
    decompress *d = cookie;
    int rc = 0;

    if (d->close_fd && close(d->fd) != 0)
        rc = -1;
    decompress_free(d);
    return rc;
}

/* The format's decoder, ready for the first byte; FALSE if out of memory. */
static gboolean
decoder_new(decompress *d)
{
    switch (d->format) {
    case DECOMPRESS_GZIP:
        /* 16: gzip's header and trailer, not zlib's. */
        return inflateInit2(&d->ctx.gzip, 16 + MAX_WBITS) == Z_OK;
    case DECOMPRESS_ZSTD:
        d->ctx.zstd = ZSTD_createDCtx();
        if (!d->ctx.zstd)
            return FALSE;
        if (ZSTD_isError(ZSTD_DCtx_setParameter(d->ctx.zstd, ZSTD_d_windowLogMax,
                                                ZSTD_WINDOW_LOG_MAX))) {
            ZSTD_freeDCtx(d->ctx.zstd);
            return FALSE;
        }
        return TRUE;
    case DECOMPRESS_LZ4:
        return !LZ4F_isError(LZ4F_createDecompressionContext(&d->ctx.lz4, LZ4F_VERSION));
    case DECOMPRESS_NONE:
        return TRUE;
    }
    return FALSE;
}

FILE *
decompress_fdopen(int fd, gboolean close_fd, decompress_format format, const guint8 *head,
                  gsize head_len, guint64 offset, decompress **state)
{
    static const cookie_io_functions_t io = {
        .read = stream_read,
        .write = NULL,
        .seek = stream_seek,
        .close = stream_close,
    };
    decompress *d;
    FILE *fp;

    g_return_val_if_fail(head_len <= DECOMPRESS_MAGIC_LEN, NULL);
    d = g_new0(decompress, 1);
    d->format = format;
    d->fd = fd;
    d->close_fd = close_fd;
    /* Uncompressed, FD's bytes go straight to the caller: only HEAD is kept. */
    d->in_size = format == DECOMPRESS_NONE ? DECOMPRESS_MAGIC_LEN : INPUT_BYTES;
    d->in = g_malloc(d->in_size);
    if (head_len > 0)
        memcpy(d->in, head, head_len);
    d->in_end = head_len;
    d->position = offset + head_len;
    if (!decoder_new(d)) {
        d->format = DECOMPRESS_NONE;   /* nothing to free of it */
        decompress_free(d);
        errno = ENOMEM;
        return NULL;
    }
    fp = fopencookie(d, "rb", io);
    if (!fp) {
        decompress_free(d);
        return NULL;
    }
    *state = d;
    return fp;
}

void
decompress_set_tap(decompress *state, decompress_tap tap, gpointer user_data)
{
    state->tap = tap;
    state->tap_data = user_data;
}

const char *
decompress_error(const decompress *state)
{
    return state->failed ? state->error : NULL;
}

guint64
decompress_position(const decompress *state)
{
    return state->position;
}

guint64
decompress_output(const decompress *state)
{
    return state->output;
}
