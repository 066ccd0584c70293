/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target for whole capture files through the tool: the input is the
 * file, pcap or pcapng, read as `smtpreply -r FILE --json` reads it, with
 * the default filter and flow caps, by the same loop (run_input()).
 *
 * It is read twice: from memory, where libpcap reads every record, and
 * from a file, where savefile.c reads a classic pcap file's records.  Both
 * must open it or refuse it alike, and give the same replies, counts and
 * way of ending; and the output must pass the checks of output-checks.c.
 */
#define _GNU_SOURCE   /* memfd_create */
#define OUTPUT_CHECKS_TOOL
#include "output-checks.h"

#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "decompress.h"
#include "fuzz-entry.h"

#define PORTS_BPF "port 25 or port 587"

typedef struct {
    gboolean opened;
    gboolean classic;   /* savefile.c read the records */
    int      code;
    gchar   *error;     /* without the name of the input */
    gchar   *json;
    summary  sum;
} outcome;

/* The message without the input's name, which the two readings differ in. */
static gchar *
without_name(const char *message, const char *name)
{
    gsize n = strlen(name);

    CHECK(strncmp(message, name, n) == 0 && strncmp(message + n, ": ", 2) == 0);
    return g_strdup(message + n + 2);
}

/* Runs IN, opened or not (ERROR), as the tool runs an input. */
static outcome
run_opened(input *in, gboolean opened, GError *error)
{
    static guint8 ports[65536];
    outcome res = { .opened = opened };
    gchar *message = NULL;
    flow_config cfg;
    flow_table *flows;
    checked_run r;

    if (!opened) {
        CHECK(error && error->code == EXIT_INPUT);
        res.error = without_name(error->message, in->name);
        g_error_free(error);
        input_close(in);
        return res;
    }
    res.classic = in->records != NULL;
    ports[25] = ports[587] = FLOW_PORT_SMTP;
    ports[465] = FLOW_PORT_IMPLICIT_TLS;
    CHECK(input_set_filter(in, NULL, PORTS_BPF, &error));

    checked_run_init(&r);
    flow_config_init(&cfg, ports);
    flows = flow_table_new(&cfg, checked_run_reply, &r);
    flow_table_on_tls(flows, checked_run_tls);
    res.code = run_input(in, flows, ports, &r.st, &message);
    flow_table_finish(flows);
    if (res.code == EXIT_OK) {
        CHECK(message == NULL);
    } else {
        CHECK(res.code == EXIT_TRUNCATED && message);
        res.error = without_name(message, in->name);
        CHECK(g_str_has_prefix(res.error, "capture cut or damaged part-way ("));
        CHECK(g_str_has_suffix(res.error, ")"));
    }
    checked_run_end(&r, flows);
    res.json = g_strndup(r.json, r.json_len);
    res.sum = r.st.sum;
    summary_init(&r.st.sum);   /* the counts moved to RES */
    flow_table_free(flows);
    checked_run_clear(&r);
    input_close(in);
    g_free(message);
    return res;
}

static outcome
run_memory(const uint8_t *data, size_t size)
{
    GError *error = NULL;
    input in;
    FILE *fp = fmemopen((void *)data, size, "rb");
    gboolean opened;

    CHECK(fp != NULL);
    opened = input_open_stream(&in, fp, "capture", &error);
    return run_opened(&in, opened, error);
}

static outcome
run_file(const uint8_t *data, size_t size)
{
    GError *error = NULL;
    int fd = memfd_create("capture", 0);
    gchar *path;
    input in;
    gboolean opened;
    outcome res;

    CHECK(fd >= 0 && write(fd, data, size) == (ssize_t)size);
    path = g_strdup_printf("/proc/self/fd/%d", fd);
    opened = input_open_file(&in, path, &error);
    res = run_opened(&in, opened, error);
    close(fd);
    g_free(path);
    return res;
}

static void
outcome_clear(outcome *res)
{
    g_free(res->error);
    g_free(res->json);
    summary_clear(&res->sum);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    outcome memory, file;

    /* fmemopen() takes no empty buffer. */
    if (size == 0)
        return 0;
    memory = run_memory(data, size);
    file = run_file(data, size);
    CHECK(!memory.classic);
    /* A file that starts as gzip, zstd or lz4 does is decompressed when
     * opened by name, never from memory: the two readings differ by design,
     * and fuzz-decompress checks that path.  Both ran; nothing to compare. */
    if (decompress_detect(data, size) != DECOMPRESS_NONE) {
        CHECK(!file.opened || file.code == EXIT_OK || file.code == EXIT_TRUNCATED);
        outcome_clear(&memory);
        outcome_clear(&file);
        return 0;
    }
    if (memory.opened != file.opened || g_strcmp0(memory.error, file.error) != 0)
        fprintf(stderr, "libpcap: %s\nsavefile.c: %s\n", memory.error, file.error);
    CHECK(memory.opened == file.opened);
    CHECK(g_strcmp0(memory.error, file.error) == 0);
    if (memory.opened) {
        /* Where libpcap and savefile.c read the same records, all is the same. */
        CHECK(memory.code == file.code);
        CHECK(strcmp(memory.json, file.json) == 0);
        CHECK(memory.sum.packets == file.sum.packets);
        CHECK(memory.sum.captured_bytes == file.sum.captured_bytes);
        CHECK(memory.sum.wire_bytes == file.sum.wire_bytes);
        CHECK(memory.sum.replies == file.sum.replies);
    }
    outcome_clear(&memory);
    outcome_clear(&file);
    return 0;
}
