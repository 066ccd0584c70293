/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target for the NSS key log reader (keylog.c).  The input is key log
 * text, read with a cap of four client randoms so the cap is reached:
 * from memory in one piece, from memory in two pieces cut at its first
 * line end, and from a file (16 KiB blocks).
 *
 * Checks: the three readings count alike; every line is counted once
 * (the lines are the line ends, and one more for text after the last),
 * and each kind of line at most that many; the first malformed line's
 * number is set exactly when a line was malformed, and within the lines;
 * at most four entries; and every secret the reader finds for a client
 * random named on a line is 32 or 48 bytes that the text holds in hex.
 */
#define _GNU_SOURCE   /* memfd_create, memmem */
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz-entry.h"
#include "keylog.h"

#define CAP 4

static void
check_stats(const keylog_stats *s, const uint8_t *data, size_t size)
{
    guint64 lines = 0;

    for (size_t i = 0; i < size; i++)
        if (data[i] == '\n')
            lines++;
    if (size > 0 && data[size - 1] != '\n')
        lines++;
    CHECK(s->lines == lines);
    CHECK(s->secrets + s->ignored + s->unknown + s->malformed + s->dropped <= s->lines);
    CHECK((s->malformed > 0) == (s->first_malformed > 0));
    CHECK(s->first_malformed <= s->lines);
    CHECK(s->entries <= CAP && s->entries <= s->secrets);
    CHECK(s->dropped == 0 || s->entries == CAP);
}

static gboolean
same_stats(const keylog_stats *a, const keylog_stats *b)
{
    return a->lines == b->lines && a->secrets == b->secrets && a->entries == b->entries
        && a->ignored == b->ignored && a->unknown == b->unknown && a->malformed == b->malformed
        && a->first_malformed == b->first_malformed && a->dropped == b->dropped;
}

/* Every secret found for the random of each line is in the text. */
static void
check_lookups(const keylog *k, const uint8_t *data, size_t size)
{
    gchar *lower = g_malloc(MAX(size, 1));
    gsize lower_len = size;
    const char *line = (const char *)data;
    const char *end = (const char *)data + size;

    for (gsize i = 0; i < size; i++)
        lower[i] = g_ascii_tolower((gchar)data[i]);
    while (line < end) {
        const char *nl = memchr(line, '\n', (size_t)(end - line));
        const char *stop = nl ? nl : end;
        const char *sp = memchr(line, ' ', (size_t)(stop - line));
        guint8 random[KEYLOG_RANDOM_LEN];
        gboolean ok = sp && stop - (sp + 1) >= 2 * KEYLOG_RANDOM_LEN;

        for (int i = 0; ok && i < KEYLOG_RANDOM_LEN; i++) {
            int hi = g_ascii_xdigit_value(sp[1 + 2 * i]);
            int lo = g_ascii_xdigit_value(sp[2 + 2 * i]);

            ok = hi >= 0 && lo >= 0;
            if (ok)
                random[i] = (guint8)(hi << 4 | lo);
        }
        for (int kind = 0; ok && kind < KEYLOG_SECRETS; kind++) {
            gsize len = 0;
            const guint8 *secret = keylog_lookup(k, random, kind, &len);
            gchar hex[2 * KEYLOG_MAX_SECRET + 1];

            if (!secret)
                continue;
            CHECK(len == 48 || (len == 32 && kind != KEYLOG_MASTER_SECRET));
            for (gsize i = 0; i < len; i++)
                g_snprintf(hex + 2 * i, 3, "%02x", secret[i]);
            CHECK(memmem(lower, lower_len, hex, 2 * len) != NULL);
        }
        line = stop + 1;
    }
    g_free(lower);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    keylog *whole = keylog_new(CAP);
    keylog *split = keylog_new(CAP);
    keylog *file = keylog_new(CAP);
    const uint8_t *nl = memchr(data, '\n', size);
    gsize cut = nl ? (gsize)(nl - data) + 1 : size;
    int fd = memfd_create("fuzz-keylog", 0);
    gchar *path;

    keylog_add_text(whole, (const char *)data, size);
    check_stats(keylog_get_stats(whole), data, size);
    check_lookups(whole, data, size);

    keylog_add_text(split, (const char *)data, cut);
    keylog_add_text(split, (const char *)data + cut, size - cut);
    CHECK(same_stats(keylog_get_stats(split), keylog_get_stats(whole)));

    CHECK(fd >= 0);
    CHECK(write(fd, data, size) == (ssize_t)size);
    path = g_strdup_printf("/proc/self/fd/%d", fd);
    CHECK(keylog_load_file(file, path, NULL));
    CHECK(same_stats(keylog_get_stats(file), keylog_get_stats(whole)));
    g_free(path);
    close(fd);

    keylog_free(whole);
    keylog_free(split);
    keylog_free(file);
    return 0;
}
