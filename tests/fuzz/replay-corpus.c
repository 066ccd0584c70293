/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Runs a fuzz target's entry point over corpus files without libFuzzer, so
 * every build (gcc, ASan, UBSan) keeps what the fuzzer once found fixed.
 * Arguments are files or directories of files; a target's invariants abort
 * the process, which fails the test.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "fuzz-entry.h"

static void
replay_file(const char *path, guint *count)
{
    gchar *contents;
    gsize len;
    GError *error = NULL;
    guint8 *exact;

    if (!g_file_get_contents(path, &contents, &len, &error)) {
        fprintf(stderr, "replay-corpus: %s: %s\n", path, error->message);
        exit(1);
    }
    /* A copy of exactly LEN bytes: g_file_get_contents() adds a NUL that
     * would hide a one-byte over-read from AddressSanitizer. */
    exact = g_malloc(MAX(len, 1));
    memcpy(exact, contents, len);
    g_free(contents);
    LLVMFuzzerTestOneInput(exact, len);
    g_free(exact);
    (*count)++;
}

static gint
compare_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void
replay_path(const char *path, guint *count)
{
    GDir *dir;
    const char *name;
    GPtrArray *names;

    if (!g_file_test(path, G_FILE_TEST_IS_DIR)) {
        replay_file(path, count);
        return;
    }
    dir = g_dir_open(path, 0, NULL);
    if (!dir) {
        fprintf(stderr, "replay-corpus: %s: cannot open the directory\n", path);
        exit(1);
    }
    names = g_ptr_array_new_with_free_func(g_free);
    while ((name = g_dir_read_name(dir)))
        g_ptr_array_add(names, g_build_filename(path, name, NULL));
    g_dir_close(dir);
    /* Sorted, so a failing run names the same file first every time. */
    g_ptr_array_sort(names, compare_names);
    for (guint i = 0; i < names->len; i++) {
        const char *file = g_ptr_array_index(names, i);

        if (g_file_test(file, G_FILE_TEST_IS_REGULAR))
            replay_file(file, count);
    }
    g_ptr_array_free(names, TRUE);
}

int
main(int argc, char **argv)
{
    guint count = 0;

    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE-OR-DIRECTORY...\n", argv[0]);
        return 2;
    }
    for (int i = 1; i < argc; i++)
        replay_path(argv[i], &count);
    /* An empty corpus would pass without testing anything. */
    if (count == 0) {
        fprintf(stderr, "replay-corpus: no corpus files found\n");
        return 1;
    }
    printf("replayed %u corpus files\n", count);
    return 0;
}
