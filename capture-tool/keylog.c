/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The NSS key log, read a line at a time from text given in pieces of any
 * size: a file is read in blocks, so only the current line is held.
 */
#include "keylog.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    guint8 random[KEYLOG_RANDOM_LEN];   /* the table's key points here */
    guint8 length[KEYLOG_SECRETS];      /* 0: not known */
    guint8 secret[KEYLOG_SECRETS][KEYLOG_MAX_SECRET];
} entry;

struct keylog {
    GHashTable  *entries;               /* random -> entry, both owned by the entry */
    guint        max_entries;
    keylog_stats stats;
    char         line[KEYLOG_MAX_LINE];
    gsize        line_len;
    gboolean     overlong;              /* the current line went past the buffer */
};

/* What a label asks of the line. */
typedef enum {
    LABEL_KEEP,     /* a secret kept, KIND */
    LABEL_IGNORE,   /* well formed, left aside */
} label_use;

typedef struct {
    const char   *name;
    label_use     use;
    keylog_secret kind;
    gsize         length;   /* the secret's length; 0: 32 or 48 */
} label_info;

static const label_info labels[] = {
    { "CLIENT_RANDOM", LABEL_KEEP, KEYLOG_MASTER_SECRET, 48 },
    { "CLIENT_HANDSHAKE_TRAFFIC_SECRET", LABEL_KEEP, KEYLOG_CLIENT_HANDSHAKE, 0 },
    { "SERVER_HANDSHAKE_TRAFFIC_SECRET", LABEL_KEEP, KEYLOG_SERVER_HANDSHAKE, 0 },
    { "CLIENT_TRAFFIC_SECRET_0", LABEL_KEEP, KEYLOG_CLIENT_TRAFFIC, 0 },
    { "SERVER_TRAFFIC_SECRET_0", LABEL_KEEP, KEYLOG_SERVER_TRAFFIC, 0 },
    { "EXPORTER_SECRET", LABEL_IGNORE, 0, 0 },
    { "EARLY_EXPORTER_SECRET", LABEL_IGNORE, 0, 0 },
    { "CLIENT_EARLY_TRAFFIC_SECRET", LABEL_IGNORE, 0, 0 },
};

const char *
keylog_secret_label(keylog_secret kind)
{
    for (gsize i = 0; i < G_N_ELEMENTS(labels); i++)
        if (labels[i].use == LABEL_KEEP && labels[i].kind == kind)
            return labels[i].name;
    return NULL;
}

/* Client randoms are random, but a key log may not be: every byte counts. */
static guint
random_hash(gconstpointer key)
{
    const guint8 *r = key;
    guint32 h = 2166136261u;

    for (gsize i = 0; i < KEYLOG_RANDOM_LEN; i++)
        h = (h ^ r[i]) * 16777619u;
    return h;
}

static gboolean
random_equal(gconstpointer a, gconstpointer b)
{
    return memcmp(a, b, KEYLOG_RANDOM_LEN) == 0;
}

keylog *
keylog_new(guint max_entries)
{
    keylog *k = g_new0(keylog, 1);

    /* The entry is the value; its random, the key, lives inside it. */
    k->entries = g_hash_table_new_full(random_hash, random_equal, NULL, g_free);
    k->max_entries = max_entries ? max_entries : KEYLOG_DEFAULT_MAX_ENTRIES;
    return k;
}

void
keylog_free(keylog *k)
{
    if (!k)
        return;
    g_hash_table_destroy(k->entries);
    g_free(k);
}

const keylog_stats *
keylog_get_stats(const keylog *k)
{
    return &k->stats;
}

const guint8 *
keylog_lookup(const keylog *k, const guint8 random[KEYLOG_RANDOM_LEN], keylog_secret kind,
              gsize *len)
{
    const entry *e = g_hash_table_lookup(k->entries, random);

    if (!e || kind >= KEYLOG_SECRETS || !e->length[kind])
        return NULL;
    *len = e->length[kind];
    return e->secret[kind];
}

/* Decodes hex FIELD (LEN characters) into OUT, at most MAX bytes: the
 * number of bytes, or 0 when it is not whole hex bytes that fit. */
static gsize
unhex(const char *field, gsize len, guint8 *out, gsize max)
{
    if (len == 0 || len % 2 || len / 2 > max)
        return 0;
    for (gsize i = 0; i < len; i += 2) {
        int hi = g_ascii_xdigit_value(field[i]);
        int lo = g_ascii_xdigit_value(field[i + 1]);

        if (hi < 0 || lo < 0)
            return 0;
        out[i / 2] = (guint8)(hi << 4 | lo);
    }
    return len / 2;
}

static gboolean
is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* CLIENT_TRAFFIC_SECRET_N and SERVER_TRAFFIC_SECRET_N for N > 0. */
static gboolean
is_later_traffic_label(const char *name, gsize len)
{
    static const char *const prefixes[] = { "CLIENT_TRAFFIC_SECRET_", "SERVER_TRAFFIC_SECRET_" };

    for (gsize p = 0; p < G_N_ELEMENTS(prefixes); p++) {
        gsize n = strlen(prefixes[p]);
        gboolean digits = len > n && name[n] != '0';

        if (len <= n || strncmp(name, prefixes[p], n) != 0)
            continue;
        for (gsize i = n; i < len && digits; i++)
            digits = g_ascii_isdigit(name[i]);
        if (digits)
            return TRUE;
    }
    return FALSE;
}

static void
malformed(keylog *k)
{
    k->stats.malformed++;
    if (!k->stats.first_malformed)
        k->stats.first_malformed = k->stats.lines;
}

static void
store(keylog *k, const guint8 random[KEYLOG_RANDOM_LEN], keylog_secret kind,
      const guint8 *secret, gsize len)
{
    entry *e = g_hash_table_lookup(k->entries, random);

    if (!e) {
        if (g_hash_table_size(k->entries) >= k->max_entries) {
            k->stats.dropped++;
            return;
        }
        e = g_new0(entry, 1);
        memcpy(e->random, random, KEYLOG_RANDOM_LEN);
        g_hash_table_insert(k->entries, e->random, e);
        k->stats.entries++;
    }
    /* A later line for the same secret wins, as it does in Wireshark. */
    memcpy(e->secret[kind], secret, len);
    e->length[kind] = (guint8)len;
    k->stats.secrets++;
}

/* One whole line, without its line end (LEN bytes of k->line). */
static void
read_line(keylog *k, gsize len)
{
    const char *s = k->line;
    const char *field[4];
    gsize field_len[4];
    guint fields = 0;
    const label_info *label = NULL;
    guint8 random[KEYLOG_RANDOM_LEN];
    guint8 secret[KEYLOG_MAX_SECRET];
    gsize secret_len;
    gsize i = 0;

    k->stats.lines++;
    if (len > 0 && s[len - 1] == '\r')
        len--;
    while (i < len && is_blank(s[i]))
        i++;
    if (i < len && s[i] == '#')
        return;
    if (k->overlong) {
        malformed(k);
        return;
    }
    while (i < len) {
        gsize start = i;

        while (i < len && !is_blank(s[i]))
            i++;
        if (fields == G_N_ELEMENTS(field)) {
            fields++;
            break;
        }
        field[fields] = s + start;
        field_len[fields] = i - start;
        fields++;
        while (i < len && is_blank(s[i]))
            i++;
    }
    if (fields == 0)
        return;                        /* blank */

    for (gsize l = 0; l < G_N_ELEMENTS(labels) && !label; l++)
        if (strlen(labels[l].name) == field_len[0]
            && memcmp(labels[l].name, field[0], field_len[0]) == 0)
            label = &labels[l];
    if (!label && !is_later_traffic_label(field[0], field_len[0])) {
        k->stats.unknown++;
        return;
    }
    if (fields != 3 || unhex(field[1], field_len[1], random, sizeof random) != KEYLOG_RANDOM_LEN) {
        malformed(k);
        return;
    }
    secret_len = unhex(field[2], field_len[2], secret, sizeof secret);
    if (label && label->length ? secret_len != label->length
                               : secret_len != 32 && secret_len != 48) {
        malformed(k);
        return;
    }
    if (!label || label->use == LABEL_IGNORE)
        k->stats.ignored++;
    else
        store(k, random, label->kind, secret, secret_len);
}

/* LEN bytes of text; the line under way stays in k->line. */
static void
feed(keylog *k, const char *text, gsize len)
{
    while (len > 0) {
        const char *nl = memchr(text, '\n', len);
        gsize take = nl ? (gsize)(nl - text) : len;
        gsize room = KEYLOG_MAX_LINE - k->line_len;

        /* Past the buffer only the first bytes are kept: they tell a
         * comment, and the line is malformed otherwise. */
        if (take > room)
            k->overlong = TRUE;
        memcpy(k->line + k->line_len, text, MIN(take, room));
        k->line_len += MIN(take, room);
        if (!nl)
            return;
        read_line(k, k->line_len);
        k->line_len = 0;
        k->overlong = FALSE;
        text += take + 1;
        len -= take + 1;
    }
}

/* The end of a text: a last line without a line end is a line. */
static void
finish(keylog *k)
{
    if (k->line_len > 0 || k->overlong)
        read_line(k, k->line_len);
    k->line_len = 0;
    k->overlong = FALSE;
}

void
keylog_add_text(keylog *k, const char *text, gsize len)
{
    feed(k, text, len);
    finish(k);
}

gboolean
keylog_load_file(keylog *k, const char *path, GError **error)
{
    FILE *fp = fopen(path, "rb");
    char block[16384];
    gsize n;
    int saved;

    if (!fp) {
        saved = errno;
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(saved), "%s: %s", path,
                    g_strerror(saved));
        return FALSE;
    }
    while ((n = fread(block, 1, sizeof block, fp)) > 0)
        feed(k, block, n);
    if (ferror(fp)) {
        saved = errno;
        fclose(fp);
        finish(k);
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(saved), "%s: %s", path,
                    g_strerror(saved));
        return FALSE;
    }
    fclose(fp);
    finish(k);
    return TRUE;
}
