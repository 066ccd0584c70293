/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target for compressed capture files (decompress.c): the input is a
 * file as it lies on disk, gzip, zstd, lz4 or anything else, known by its
 * first bytes as the tool knows it.
 *
 * It is read twice through decompress_fdopen(): as a regular file is
 * (from its start, nothing peeked away), in reads of 64 KiB; and as a pipe
 * is (its first bytes already read and handed over), unbuffered, in reads
 * of 1, 13, 4096 and 65536 bytes in turn, so that the decompressor's
 * output stops at every kind of place.  Each reading ends: at the end, or
 * at a failure with errno EIO and a one-line cause naming the format, or
 * at OUTPUT_CAP bytes (a bomb only streams).  Both end alike, with the
 * same bytes (a failure may come after fewer of them where a library
 * decodes a whole frame at once: one is a prefix of the other); the end
 * and a failure stay so on the next read; an uncompressed input comes
 * back unchanged.
 *
 * Then, if it decompressed to less than the cap, the tool reads it as
 * `smtpreply -r FILE --json` does: it is refused with a message naming the
 * compression, or read to its end, where damage to the compressed stream
 * is "capture cut or damaged part-way (<the decompressor's cause>)".
 */
#define _GNU_SOURCE   /* memfd_create */
#define OUTPUT_CHECKS_TOOL
#include "output-checks.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "decompress.h"
#include "fuzz-entry.h"

#define OUTPUT_CAP (8u * 1024 * 1024)
#define BIG_READ   65536
#define PORTS_BPF  "port 25 or port 587"

static const gsize PIPE_READS[] = { 1, 13, 4096, BIG_READ };

typedef struct {
    GByteArray *bytes;
    gboolean    capped;   /* stopped at OUTPUT_CAP, not at the end */
    gboolean    failed;
    gchar      *error;    /* decompress_error() */
} reading;

/* A decompressor's cause: one printable line that names the format. */
static void
check_cause(const char *cause, decompress_format format)
{
    const char *name = decompress_name(format);

    CHECK(cause && name);
    CHECK(g_str_has_prefix(cause, name) && strncmp(cause + strlen(name), ": ", 2) == 0);
    CHECK(strlen(cause) > strlen(name) + 2 && strlen(cause) < 200);
    for (const char *c = cause; *c; c++)
        CHECK(g_ascii_isprint(*c));
}

static reading
read_all(int fd, decompress_format format, const uint8_t *data, size_t size, gboolean as_pipe)
{
    gsize head_len = as_pipe ? MIN(size, (gsize)DECOMPRESS_MAGIC_LEN) : 0;
    reading res = { .bytes = g_byte_array_new() };
    guint8 *buf = g_malloc(BIG_READ);
    decompress *state = NULL;
    FILE *fp;

    CHECK(lseek(fd, (off_t)head_len, SEEK_SET) == (off_t)head_len);
    fp = decompress_fdopen(fd, FALSE, format, data, head_len, 0, &state);
    CHECK(fp && state);
    if (as_pipe)
        setvbuf(fp, NULL, _IONBF, 0);
    for (guint i = 0;; i++) {
        gsize want = as_pipe ? PIPE_READS[i % G_N_ELEMENTS(PIPE_READS)] : BIG_READ;
        gsize n;

        errno = 0;
        n = fread(buf, 1, want, fp);
        CHECK(n <= want);
        g_byte_array_append(res.bytes, buf, (guint)n);
        if (res.bytes->len >= OUTPUT_CAP) {
            res.capped = TRUE;
            break;
        }
        if (n == want)
            continue;
        /* Short: the end, or a failure. */
        res.failed = ferror(fp) != 0;
        if (res.failed) {
            CHECK(errno == EIO);
            check_cause(decompress_error(state), format);
            res.error = g_strdup(decompress_error(state));
        } else {
            CHECK(feof(fp));
            CHECK(decompress_error(state) == NULL);
        }
        /* Asked again, it says the same. */
        clearerr(fp);
        CHECK(fread(buf, 1, 1, fp) == 0);
        CHECK((ferror(fp) != 0) == res.failed);
        break;
    }
    CHECK(decompress_output(state) >= res.bytes->len);
    CHECK(decompress_position(state) <= size);
    CHECK(fclose(fp) == 0);
    g_free(buf);
    return res;
}

static void
reading_clear(reading *res)
{
    g_byte_array_free(res->bytes, TRUE);
    g_free(res->error);
}

/* Whether the first LEN bytes of A and B agree. */
static gboolean
same_start(const GByteArray *a, const GByteArray *b, gsize len)
{
    return a->len >= len && b->len >= len && (len == 0 || memcmp(a->data, b->data, len) == 0);
}

static void
compare_readings(const reading *file, const reading *pipe, const uint8_t *data, size_t size,
                 decompress_format format)
{
    if (format == DECOMPRESS_NONE) {
        CHECK(!file->failed && !pipe->failed);
        CHECK(file->bytes->len == size && pipe->bytes->len == size);
        CHECK(size == 0 || (memcmp(file->bytes->data, data, size) == 0
                            && memcmp(pipe->bytes->data, data, size) == 0));
        return;
    }
    if (file->capped || pipe->capped) {
        CHECK(same_start(file->bytes, pipe->bytes, MIN(file->bytes->len, pipe->bytes->len)));
        return;
    }
    CHECK(file->failed == pipe->failed);
    if (!file->failed) {
        CHECK(file->bytes->len == pipe->bytes->len);
        CHECK(same_start(file->bytes, pipe->bytes, file->bytes->len));
        return;
    }
    CHECK(strcmp(file->error, pipe->error) == 0);
    CHECK(same_start(file->bytes, pipe->bytes, MIN(file->bytes->len, pipe->bytes->len)));
}

/* The text of MESSAGE after "NAME: ". */
static const char *
after_name(const char *message, const char *name)
{
    gsize n = strlen(name);

    CHECK(strncmp(message, name, n) == 0 && strncmp(message + n, ": ", 2) == 0);
    return message + n + 2;
}

/* The tool's reading of the file, as fuzz-capture runs it. */
static void
run_tool(int fd, decompress_format format, const reading *whole)
{
    static guint8 ports[65536];
    gchar *path = g_strdup_printf("/proc/self/fd/%d", fd);
    gchar *message = NULL;
    GError *error = NULL;
    flow_config cfg;
    flow_table *flows;
    checked_run r;
    input in;
    int code;

    if (!input_open_file(&in, path, &error)) {
        const char *why = after_name(error->message, path);

        CHECK(error->code == EXIT_INPUT);
        CHECK(in.compression == format);
        /* Refused once libpcap had read a capture's header, the message
         * is of what is inside, as for any capture. */
        if (format != DECOMPRESS_NONE && !g_str_has_prefix(why, "unsupported link type ")) {
            const char *name = decompress_name(format);
            const char *rest;

            CHECK(g_str_has_prefix(why, name) && g_str_has_prefix(why + strlen(name),
                                                                  "-compressed, but "));
            rest = why + strlen(name) + strlen("-compressed, but ");
            if (whole->bytes->len == 0 && !whole->failed) {
                CHECK(strcmp(rest, "empty inside, not a capture") == 0);
            } else if (g_str_has_prefix(rest, "cannot be decompressed (")) {
                CHECK(whole->failed);
                CHECK(g_str_has_suffix(rest, ")"));
                CHECK(g_str_has_prefix(rest + strlen("cannot be decompressed ("),
                                       whole->error));
            } else {
                CHECK(g_str_has_prefix(rest, "not a pcap or pcapng capture inside ("));
            }
        }
        g_error_free(error);
        input_close(&in);
        g_free(path);
        return;
    }
    CHECK(in.compression == format);
    ports[25] = ports[587] = FLOW_PORT_SMTP;
    ports[465] = FLOW_PORT_IMPLICIT_TLS;
    CHECK(input_set_filter(&in, NULL, PORTS_BPF, &error));
    checked_run_init(&r);
    flow_config_init(&cfg, ports);
    flows = flow_table_new(&cfg, checked_run_reply, &r);
    flow_table_on_tls(flows, checked_run_tls);
    code = run_input(&in, flows, ports, &r.st, &message);
    flow_table_finish(flows);
    if (code == EXIT_OK) {
        CHECK(message == NULL && !whole->failed);
    } else {
        const char *why;

        CHECK(code == EXIT_TRUNCATED && message);
        why = after_name(message, path);
        CHECK(g_str_has_prefix(why, "capture cut or damaged part-way ("));
        CHECK(g_str_has_suffix(why, ")"));
        /* libpcap may find the capture inside damaged first; past that,
         * a damaged stream is what stopped it, and is named. */
        if (whole->failed && !strstr(why, whole->error))
            CHECK(decompress_error(in.decompressed) == NULL);
        if (!whole->failed)
            CHECK(decompress_error(in.decompressed) == NULL);
    }
    checked_run_end(&r, flows);
    flow_table_free(flows);
    checked_run_clear(&r);
    input_close(&in);
    g_free(message);
    g_free(path);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    decompress_format format = decompress_detect(data, size);
    int fd = memfd_create("capture", 0);
    reading file, pipe;

    CHECK(fd >= 0 && write(fd, data, size) == (ssize_t)size);
    file = read_all(fd, format, data, size, FALSE);
    pipe = read_all(fd, format, data, size, TRUE);
    compare_readings(&file, &pipe, data, size, format);
    /* Uncompressed files are fuzz-capture's. */
    if (format != DECOMPRESS_NONE && !file.capped)
        run_tool(fd, format, &file);
    reading_clear(&file);
    reading_clear(&pipe);
    close(fd);
    return 0;
}
