/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smtpreply: decodes SMTP replies from capture files or a live interface.
 * This file holds the command line; run.c the read loop; the exit codes
 * are in input.h.
 */
#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "flows.h"
#include "input.h"
#include "output.h"
#include "run.h"
#include "select.h"
#include "summary.h"

#define PROGRESS_AFTER_US   (1 * G_USEC_PER_SEC)   /* short reads show none */
#define PROGRESS_EVERY_US   (G_USEC_PER_SEC / 4)
#define PROGRESS_CHECK_MASK 1023u                  /* look at the clock every 1024 packets */

/* SMTP relay (25), submission (587) and LMTP (24, RFC 2033). */
#define SMTPREPLY_DEFAULT_PORTS "24,25,587"
/* Implicit TLS (RFC 8314): submission over TLS. */
#define SMTPREPLY_DEFAULT_TLS_PORTS "465"

/* Set by SIGINT/SIGTERM; the read loop stops at the next packet or timeout. */
static volatile sig_atomic_t stop_requested;

/* The hint when nothing was found names this many of the busiest ports. */
#define HINT_PORTS 3

typedef struct {
    gchar  **read_files;
    gchar   *interface;
    gboolean list_interfaces;
    gint64   count;
    gchar   *ports;
    gchar   *tls_ports;
    gchar   *tls_keylog;
    gboolean json;
    gchar   *format;
    gchar   *select;
    gboolean line_buffered;
    gboolean numeric;
    gchar   *time;
    gboolean transactions;
    gboolean redact;
    gboolean summary;
    gchar   *user;
    gboolean quiet;
    gboolean no_promiscuous;
    gchar   *colour;
    gchar   *anomalies;
    gint64   max_flows;
    gint64   flow_buffer;
    gint64   idle_timeout;
    gboolean version;
    gchar  **filter_words;
} options;

static void
on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static void
install_signals(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    /* No SA_RESTART: a blocked read returns so the loop sees the flag. */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

static int
fail(exit_code code, const char *message)
{
    fflush(stdout);
    g_printerr("smtpreply: %s\n", message);
    return code;
}

/*
 * "25,587,2525-2530" into a table of 65536 entries (VALUE for each port
 * listed) and the BPF expression "port 25 or port 587 or portrange
 * 2525-2530", added to BPF.  OPTION names the option in errors; "none" is
 * an empty list.
 */
static gboolean
parse_ports(const char *option, const char *list, guint8 value, guint8 *table, GString *bpf,
            GError **error)
{
    gchar **items;
    gboolean ok = TRUE;

    if (strcmp(list, "none") == 0)
        return TRUE;
    items = g_strsplit(list, ",", -1);

    for (gchar **item = items; *item && ok; item++) {
        gchar **bounds = g_strsplit(g_strstrip(*item), "-", 3);
        guint64 lo = 0, hi = 0;
        guint n = g_strv_length(bounds);

        ok = (n == 1 || n == 2)
            && g_ascii_string_to_unsigned(bounds[0], 10, 1, 65535, &lo, NULL)
            && g_ascii_string_to_unsigned(bounds[n - 1], 10, 1, 65535, &hi, NULL)
            && lo <= hi;
        if (ok) {
            memset(table + lo, value, (gsize)(hi - lo + 1));
            if (bpf->len)
                g_string_append(bpf, " or ");
            if (lo == hi)
                g_string_append_printf(bpf, "port %u", (guint)lo);
            else
                g_string_append_printf(bpf, "portrange %u-%u", (guint)lo, (guint)hi);
        } else {
            g_set_error(error, INPUT_ERROR, EXIT_USAGE,
                        "%s: \"%s\" is not a port or range of ports (1-65535)", option, *item);
        }
        g_strfreev(bounds);
    }
    if (ok && !*items) {
        g_set_error(error, INPUT_ERROR, EXIT_USAGE, "%s: no ports given", option);
        ok = FALSE;
    }
    g_strfreev(items);
    return ok;
}

static gboolean
use_colour(const char *when, GError **error)
{
    const char *no_colour = g_getenv("NO_COLOR");

    if (!when || strcmp(when, "auto") == 0)
        return isatty(STDOUT_FILENO) && !(no_colour && *no_colour);
    if (strcmp(when, "always") == 0)
        return TRUE;
    if (strcmp(when, "never") == 0)
        return FALSE;
    g_set_error(error, INPUT_ERROR, EXIT_USAGE,
                "--color: \"%s\" is not one of auto, always, never", when);
    return FALSE;
}

/* Shows how far a long file read has come, on a terminal only. */
typedef struct {
    gint64   start;
    gint64   last;
    gboolean shown;
} progress;

static void
progress_update(const input *in, guint64 packets, gpointer user_data)
{
    progress *pr = user_data;
    gint64 now;
    double done;

    if ((packets & PROGRESS_CHECK_MASK) != 0)
        return;
    now = g_get_monotonic_time();
    if (now - pr->start < PROGRESS_AFTER_US || now - pr->last < PROGRESS_EVERY_US)
        return;
    pr->last = now;
    pr->shown = TRUE;
    done = input_progress(in);
    if (done >= 0)
        g_printerr("\rsmtpreply: %s: %3.0f%%, %" G_GUINT64_FORMAT " packets", in->name,
                   done * 100.0, packets);
    else
        g_printerr("\rsmtpreply: %s: %" G_GUINT64_FORMAT " packets", in->name, packets);
}

static void
progress_clear(progress *pr)
{
    if (pr->shown)
        g_printerr("\r\033[K");
    pr->shown = FALSE;
}

/* What the command line settled, beyond the options themselves. */
typedef struct {
    const guint8      *port_table;
    const char        *port_expr;
    const char        *port_list;
    output_format      format;
    output_style       style;
    const select_expr *select;
    gchar             *interface;   /* -i, its number resolved */
    /* Reads the TLS key logs of a pcapng file's Decryption Secrets Blocks
     * into the run's key log as the file is read. */
    pcapng_secrets    *secrets;
} settings;

/* Opens input I of the run (a file, or the interface), with its filter,
 * and drops root once the first is open. */
static gboolean
open_input(const options *opt, const settings *set, guint i, input *in, GError **error)
{
    gchar *filter = opt->filter_words ? g_strjoinv(" ", opt->filter_words) : NULL;
    gboolean ok;

    if (filter && !*filter) {
        g_free(filter);
        filter = NULL;
    }
    ok = set->interface ? input_open_live(in, set->interface, !opt->no_promiscuous, error)
                        : input_open_file_secrets(in, opt->read_files[i], set->secrets, error);
    ok = ok && input_set_filter(in, filter, set->port_expr, error);
    /* tcpdump's -Z: the capture is opened as root, the rest is read as
     * USER (later files too). */
    if (ok && i == 0 && (in->live || opt->user))
        ok = input_drop_privileges(opt->user ? opt->user : "nobody", error);
    g_free(filter);
    return ok;
}

static gint
by_packets(gconstpointer a, gconstpointer b, gpointer user_data)
{
    const guint64 *counts = user_data;
    guint pa = *(const guint *)a, pb = *(const guint *)b;

    if (counts[pa] != counts[pb])
        return counts[pa] > counts[pb] ? -1 : 1;
    return pa < pb ? -1 : pa > pb;
}

/* Nothing was found in the files: say where the TCP traffic was, so that
 * a server on another port is found with --port. */
static void
hint_no_smtp(const guint64 *tcp_ports, const char *port_list)
{
    guint top[HINT_PORTS];
    guint n = 0;
    GString *msg;

    for (guint port = 0; port < 65536; port++) {
        guint at;

        if (!tcp_ports[port])
            continue;
        at = n < HINT_PORTS ? n++ : HINT_PORTS;
        /* Insertion into the few kept, busiest first. */
        while (at > 0 && by_packets(&port, &top[at - 1], (gpointer)tcp_ports) < 0) {
            if (at < HINT_PORTS)
                top[at] = top[at - 1];
            at--;
        }
        if (at < HINT_PORTS)
            top[at] = port;
    }
    msg = g_string_new(NULL);
    g_string_append_printf(msg, "smtpreply: no SMTP replies found on ports %s; ", port_list);
    if (!n) {
        g_string_append(msg, "the capture holds no TCP packets");
    } else {
        g_string_append(msg, "the busiest TCP ports were ");
        for (guint i = 0; i < n; i++)
            g_string_append_printf(msg, "%s%u (%" G_GUINT64_FORMAT " packets)", i ? ", " : "",
                                   top[i], tcp_ports[top[i]]);
        g_string_append_printf(msg, "; try --port %u", top[0]);
    }
    g_printerr("%s\n", msg->str);
    g_string_free(msg, TRUE);
}

/* --tls-keylog: read whole before the capture.  Lines it cannot read are
 * skipped and said once; an unreadable file is an input error. */
static keylog *
load_keylog(const char *path, gboolean quiet, GError **error)
{
    keylog *k = keylog_new(0);
    const keylog_stats *st;

    if (!keylog_load_file(k, path, error)) {
        keylog_free(k);
        return NULL;
    }
    st = keylog_get_stats(k);
    if (!quiet && st->malformed)
        g_printerr("smtpreply: %s: %" G_GUINT64_FORMAT " malformed line%s skipped (the first: "
                   "line %" G_GUINT64_FORMAT ")\n", path, st->malformed,
                   st->malformed == 1 ? "" : "s", st->first_malformed);
    if (!quiet && st->dropped)
        g_printerr("smtpreply: %s: %" G_GUINT64_FORMAT " secrets past the %u connections kept "
                   "were left out\n", path, st->dropped, KEYLOG_DEFAULT_MAX_ENTRIES);
    if (!quiet && st->entries == 0)
        g_printerr("smtpreply: %s: no TLS secrets in it\n", path);
    return k;
}

/* What could not be read of the captures' Decryption Secrets Blocks, once. */
static void
secrets_warn(const pcapng_secrets *secrets, gboolean quiet)
{
    const pcapng_secrets_stats *st = pcapng_secrets_get_stats(secrets);

    if (quiet)
        return;
    if (st->malformed)
        g_printerr("smtpreply: pcapng: blocks that lie about their length: the rest of %"
                   G_GUINT64_FORMAT " capture%s not searched for TLS secrets\n", st->malformed,
                   st->malformed == 1 ? " was" : "s were");
    if (st->too_long)
        g_printerr("smtpreply: pcapng: %" G_GUINT64_FORMAT " Decryption Secrets Block%s over "
                   "%u MiB left out\n", st->too_long, st->too_long == 1 ? "" : "s",
                   PCAPNG_SECRETS_DEFAULT_MAX >> 20);
}

static int
run(const options *opt, settings *set)
{
    GError *error = NULL;
    gchar *error_message = NULL;
    flow_config cfg;
    flow_table *flows;
    progress pr = { 0, 0, FALSE };
    run_state st;
    input in;
    int code = EXIT_OK;
    guint n_inputs = set->interface ? 1 : g_strv_length(opt->read_files);
    keylog *keys = NULL;
    gboolean opened;

    /* Before the input, which drops root: a key log may be as private.
     * Without one, a pcapng file's own secrets may still fill one in. */
    keys = opt->tls_keylog ? load_keylog(opt->tls_keylog, opt->quiet, &error) : keylog_new(0);
    if (!keys) {
        code = fail(EXIT_INPUT, error->message);
        g_error_free(error);
        return code;
    }
    set->secrets = pcapng_secrets_new(0, pcapng_secrets_to_keylog, keys);
    opened = open_input(opt, set, 0, &in, &error);
    if (!opened) {
        code = fail(error->code, error->message);
        g_error_free(error);
        input_close(&in);
        pcapng_secrets_free(set->secrets);
        keylog_free(keys);
        return code;
    }
    if (in.live && !opt->quiet)
        input_print_banner(&in);

    memset(&st, 0, sizeof st);
    summary_init(&st.sum);
    st.sum.detailed = opt->summary;
    st.sum.selecting = set->select != NULL;
    st.sum.files = set->style.files;
    st.limit = (guint64)MAX(opt->count, 0);
    st.quiet = opt->quiet;
    st.transactions = opt->transactions;
    st.select = set->select;
    st.stop = &stop_requested;
    if (!in.live)
        st.tcp_ports = g_new0(guint64, 65536);
    if (!in.live && !opt->quiet && isatty(STDERR_FILENO)) {
        st.progress = progress_update;
        st.progress_data = &pr;
    }
    /* Each reply at once: asked for (-l), live, or a pipe read while
     * someone watches. */
    st.out = output_new(set->format, stdout, &set->style,
                        opt->line_buffered || in.live
                        || (in.size < 0 && isatty(STDOUT_FILENO)));
    output_set_redact(st.out, opt->redact);
    flow_config_init(&cfg, set->port_table);
    cfg.keylog = keys;
    cfg.tls_decrypt = opt->tls_keylog != NULL;
    if (opt->max_flows > 0)
        cfg.max_flows = (guint)MIN(opt->max_flows, G_MAXUINT);
    if (opt->flow_buffer > 0)
        cfg.limits.max_queued = cfg.command_limits.max_queued = (gsize)opt->flow_buffer;
    /* Packet times are within +-SR_TIME_LIMIT_US, so no two are further
     * apart than twice that: a longer timeout never fires, and seconds past
     * it would overflow in microseconds. */
    if (opt->idle_timeout > 0)
        cfg.idle_timeout_us = opt->idle_timeout >= 2 * SR_TIME_LIMIT_US / G_USEC_PER_SEC
                              ? 2 * SR_TIME_LIMIT_US : opt->idle_timeout * G_USEC_PER_SEC;
    flows = flow_table_new(&cfg, run_reply, &st);
    flow_table_on_transaction(flows, run_transaction);
    flow_table_on_tls(flows, run_tls);

    install_signals();
    /* Several files are one capture, read in the order given: connections
     * go on from one to the next, as in a ring buffer's files. */
    for (guint i = 0; i < n_inputs; i++) {
        if (i > 0 && !open_input(opt, set, i, &in, &error)) {
            error_message = g_strdup(error->message);
            code = error->code;
            g_clear_error(&error);
            input_close(&in);
            break;
        }
        st.file_index = i;
        st.frame = 0;
        pr.start = g_get_monotonic_time();
        code = run_input(&in, flows, set->port_table, &st, &error_message);
        progress_clear(&pr);
        if (in.live) {
            struct pcap_stat ps;

            if (pcap_stats(in.pcap, &ps) == 0) {
                st.sum.have_drops = TRUE;
                st.sum.dropped = ps.ps_drop;
                st.sum.if_dropped = ps.ps_ifdrop;
            }
        }
        input_close(&in);
        if (code != EXIT_OK || stop_requested || st.done)
            break;
    }
    /* Stopped by a signal, the connections went on: what was being read
     * is not damaged, and commands waiting were not left unanswered. */
    if (stop_requested)
        flow_table_interrupt(flows);
    else
        flow_table_finish(flows);
    st.sum.flows = *flow_table_stats(flows);
    st.sum.interrupted = stop_requested != 0;
    /* Decryption was tried: asked for, or the captures held secrets. */
    st.sum.tls_keylog = opt->tls_keylog || keylog_get_stats(keys)->entries > 0;
    if (opt->summary)
        output_summary(st.out, &st.sum);
    /* Every reply is out before an error is told. */
    output_flush(st.out);
    if (output_error(st.out) && output_error(st.out) != EPIPE) {
        g_free(error_message);
        error_message = g_strdup_printf("standard output: %s", g_strerror(output_error(st.out)));
        code = EXIT_INPUT;
    }
    if (error_message)
        code = fail(code, error_message);
    else if (st.tcp_ports && !st.sum.replies && !st.sum.tls_handshakes && !stop_requested
             && !opt->quiet)
        hint_no_smtp(st.tcp_ports, set->port_list);
    g_free(error_message);
    g_free(st.tcp_ports);
    secrets_warn(set->secrets, opt->quiet);
    flow_table_free(flows);
    summary_clear(&st.sum);
    output_free(st.out);
    pcapng_secrets_free(set->secrets);
    set->secrets = NULL;
    keylog_free(keys);
    return code;
}

/* --version and -D write to stdout themselves: a failed write is an error
 * there too (EPIPE aside: the reader has what it wanted). */
static int
stdout_done(void)
{
    int code;
    gchar *message;

    if (fflush(stdout) == 0 || errno == EPIPE)
        return EXIT_OK;
    message = g_strdup_printf("standard output: %s", g_strerror(errno));
    code = fail(EXIT_INPUT, message);
    g_free(message);
    return code;
}

static gboolean
parse_format(const options *opt, output_format *format, GError **error)
{
    const char *f = opt->format;

    if (opt->json && f && strcmp(f, "json") != 0) {
        g_set_error(error, INPUT_ERROR, EXIT_USAGE, "--json and --format=%s disagree", f);
        return FALSE;
    }
    if (opt->json || (f && strcmp(f, "json") == 0))
        *format = OUTPUT_JSON;
    else if (!f || strcmp(f, "block") == 0)
        *format = OUTPUT_TEXT;
    else if (strcmp(f, "line") == 0)
        *format = OUTPUT_LINE;
    else {
        g_set_error(error, INPUT_ERROR, EXIT_USAGE, "--format: \"%s\" is not one of block, line, json", f);
        return FALSE;
    }
    return TRUE;
}

static gboolean
parse_time(const char *when, output_time *time, GError **error)
{
    if (!when || strcmp(when, "utc") == 0)
        *time = OUTPUT_TIME_UTC;
    else if (strcmp(when, "local") == 0)
        *time = OUTPUT_TIME_LOCAL;
    else if (strcmp(when, "relative") == 0)
        *time = OUTPUT_TIME_RELATIVE;
    else {
        g_set_error(error, INPUT_ERROR, EXIT_USAGE,
                    "--time: \"%s\" is not one of utc, local, relative", when);
        return FALSE;
    }
    return TRUE;
}

/* Checks of the command line as a whole; the settings they give. */
static gboolean
settle(const options *opt, settings *set, GError **error)
{
    guint n_files = opt->read_files ? g_strv_length(opt->read_files) : 0;
    guint stdin_files = 0;

    if (!n_files == !opt->interface) {
        g_set_error(error, INPUT_ERROR, EXIT_USAGE, n_files ? "give -r FILE or -i IFACE, not both"
                                                            : "give -r FILE or -i IFACE (see --help)");
        return FALSE;
    }
    for (guint i = 0; i < n_files; i++)
        stdin_files += strcmp(opt->read_files[i], "-") == 0;
    if (stdin_files > (n_files > 1 ? 0u : 1u)) {
        g_set_error(error, INPUT_ERROR, EXIT_USAGE, "-r -: standard input cannot be one of several files");
        return FALSE;
    }
    if (n_files >= FRAME_FILES_MAX) {
        g_set_error(error, INPUT_ERROR, EXIT_USAGE, "-r: at most %u files", FRAME_FILES_MAX - 1);
        return FALSE;
    }
    if (opt->count < 0 || opt->max_flows < 0 || opt->flow_buffer < 0 || opt->idle_timeout < 0) {
        g_set_error(error, INPUT_ERROR, EXIT_USAGE, "-c, --max-flows, --flow-buffer and "
                    "--idle-timeout take numbers of 0 or more");
        return FALSE;
    }
    if (opt->anomalies && strcmp(opt->anomalies, "all") != 0
            && strcmp(opt->anomalies, "violations") != 0) {
        g_set_error(error, INPUT_ERROR, EXIT_USAGE, "--anomalies: give violations or all");
        return FALSE;
    }
    if (opt->select && opt->transactions) {
        g_set_error(error, INPUT_ERROR, EXIT_USAGE,
                    "-Y selects replies: it does not go with --transactions");
        return FALSE;
    }
    if (!parse_format(opt, &set->format, error) || !parse_time(opt->time, &set->style.time, error))
        return FALSE;
    set->style.colour = use_colour(opt->colour, error);
    if (*error)
        return FALSE;
    set->style.all_anomalies = opt->anomalies && strcmp(opt->anomalies, "all") == 0;
    /* Names in the records only when there is more than one. */
    set->style.files = n_files > 1 ? (const char *const *)opt->read_files : NULL;
    if (opt->select && !(set->select = select_compile(opt->select, error)))
        return FALSE;
    if (opt->interface && !(set->interface = input_interface_name(opt->interface, error)))
        return FALSE;
    return TRUE;
}

/* What the parsed options ask for; returns the exit code. */
static int
dispatch(const options *opt)
{
    GError *error = NULL;
    guint8 *port_table;
    GString *port_expr;
    settings set = { 0 };
    int code;

    if (opt->version) {
        printf("smtpreply %s\n%s\n", SMTPREPLY_VERSION, pcap_lib_version());
        return stdout_done();
    }
    if (opt->list_interfaces) {
        if (input_list_interfaces(stdout, &error))
            return stdout_done();
        code = fail(error->code, error->message);
        g_error_free(error);
        return code;
    }
    port_table = g_malloc0(65536);
    port_expr = g_string_new(NULL);
    set.port_list = opt->ports ? opt->ports : SMTPREPLY_DEFAULT_PORTS;
    /* Implicit TLS last: a port in both lists is read as TLS. */
    if (!settle(opt, &set, &error)
            || !parse_ports("--port", set.port_list, FLOW_PORT_SMTP, port_table, port_expr, &error)
            || !parse_ports("--tls-port", opt->tls_ports ? opt->tls_ports
                                                         : SMTPREPLY_DEFAULT_TLS_PORTS,
                            FLOW_PORT_IMPLICIT_TLS, port_table, port_expr, &error)
            || (port_expr->len == 0
                && (g_set_error(&error, INPUT_ERROR, EXIT_USAGE,
                                "--port and --tls-port: no server ports"), TRUE))) {
        code = fail(error->code, error->message);
        g_error_free(error);
    } else {
        set.port_table = port_table;
        set.port_expr = port_expr->str;
        code = run(opt, &set);
    }
    if (set.select)
        select_free((select_expr *)set.select);
    g_free(set.interface);
    g_string_free(port_expr, TRUE);
    g_free(port_table);
    return code;
}

/* What "-C" is to GOption, as the entries table says. */
typedef enum {
    SHORT_UNKNOWN,  /* no such option: the word is not split */
    SHORT_FLAG,     /* takes no value: more may follow it in the same word */
    SHORT_VALUE,    /* takes a value: the rest of the word, or the next one */
} short_kind;

static short_kind
short_option(const GOptionEntry *entries, char c)
{
    /* GOption's own -h (help) is in no table. */
    if (c == 'h')
        return SHORT_FLAG;
    for (const GOptionEntry *e = entries; e->long_name; e++) {
        if (e->short_name == c)
            return e->arg == G_OPTION_ARG_NONE ? SHORT_FLAG : SHORT_VALUE;
    }
    return SHORT_UNKNOWN;
}

/* TRUE when ARG is "--NAME" of an option that takes a value, the value
 * given apart (not "--NAME=VALUE"). */
static gboolean
long_option_wants_value(const GOptionEntry *entries, const char *arg)
{
    if (!g_str_has_prefix(arg, "--") || strchr(arg, '='))
        return FALSE;
    for (const GOptionEntry *e = entries; e->long_name; e++) {
        /* G_OPTION_REMAINING's empty name is not an option. */
        if (e->long_name[0] && strcmp(arg + 2, e->long_name) == 0)
            return e->arg != G_OPTION_ARG_NONE;
    }
    return FALSE;
}

/*
 * tcpdump's habits, which GOption lacks: a value attached to its short
 * option ("-c1", "-rFILE", "-iany") and flags run together before it
 * ("-nr FILE").  Each such word is split into the words GOption reads; a
 * word that is an option's value, or anything after "--", is left as it is.
 * Which options take a value is read from ENTRIES, GOption's own table.
 */
static gchar **
split_short_options(const GOptionEntry *entries, int argc, char **argv)
{
    GPtrArray *out = g_ptr_array_new();
    gboolean value_next = FALSE, rest = FALSE;

    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        gsize len = strlen(arg);
        gboolean split = i > 0 && !rest && !value_next && len > 2 && arg[0] == '-' && arg[1] != '-';

        for (gsize k = 1; split && k < len; k++) {
            short_kind kind = short_option(entries, arg[k]);

            if (kind == SHORT_VALUE)
                break;
            if (kind != SHORT_FLAG)
                split = FALSE;
        }
        if (!split) {
            g_ptr_array_add(out, g_strdup(arg));
            if (i > 0 && !rest && !value_next) {
                rest = strcmp(arg, "--") == 0;
                /* "-r" alone, or a long option given its value apart. */
                value_next = (len == 2 && arg[0] == '-'
                              && short_option(entries, arg[1]) == SHORT_VALUE)
                    || long_option_wants_value(entries, arg);
            } else {
                value_next = FALSE;
            }
            continue;
        }
        value_next = FALSE;
        for (gsize k = 1; k < len; k++) {
            g_ptr_array_add(out, g_strdup_printf("-%c", arg[k]));
            if (short_option(entries, arg[k]) == SHORT_VALUE) {
                if (k + 1 < len)
                    g_ptr_array_add(out, g_strdup(arg + k + 1));
                else
                    value_next = TRUE;
                break;
            }
        }
    }
    g_ptr_array_add(out, NULL);
    return (gchar **)g_ptr_array_free(out, FALSE);
}

int
main(int argc, char **argv)
{
    options opt = { .count = 0 };
    GOptionEntry entries[] = {
        { "read", 'r', 0, G_OPTION_ARG_FILENAME_ARRAY, &opt.read_files,
          "Read packets from FILE (pcap or pcapng, also gzip-, zstd- or lz4-compressed; "
          "\"-\" for standard input); given again, the files are read as one capture", "FILE" },
        { "interface", 'i', 0, G_OPTION_ARG_STRING, &opt.interface,
          "Capture live on IFACE (\"any\" for all; a number N: the N-th of -D)", "IFACE" },
        { "list-interfaces", 'D', 0, G_OPTION_ARG_NONE, &opt.list_interfaces,
          "List the interfaces one can capture on, and exit", NULL },
        { "count", 'c', 0, G_OPTION_ARG_INT64, &opt.count,
          "Stop after N replies written", "N" },
        { "select", 'Y', 0, G_OPTION_ARG_STRING, &opt.select,
          "Write only the replies that match EXPR, e.g. 'code >= 500' or "
          "'command == \"RCPT\" and code >= 400' (see smtpreply(1))", "EXPR" },
        { "port", 0, 0, G_OPTION_ARG_STRING, &opt.ports,
          "Server ports, e.g. 25,587,2525-2530 (default " SMTPREPLY_DEFAULT_PORTS ")", "LIST" },
        { "tls-port", 0, 0, G_OPTION_ARG_STRING, &opt.tls_ports,
          "Ports of implicit TLS (RFC 8314), read as TLS from the first byte (default "
          SMTPREPLY_DEFAULT_TLS_PORTS "; none for none)", "LIST" },
        { "tls-keylog", 0, 0, G_OPTION_ARG_FILENAME, &opt.tls_keylog,
          "Decrypt TLS with the secrets of this NSS key log (SSLKEYLOGFILE), and decode "
          "the replies inside it", "FILE" },
        { "format", 0, 0, G_OPTION_ARG_STRING, &opt.format,
          "block (default: a few lines per reply), line (one line per reply) or json",
          "FORMAT" },
        { "json", 0, 0, G_OPTION_ARG_NONE, &opt.json,
          "One JSON object per reply, one per line (--format=json)", NULL },
        { "line-buffered", 'l', 0, G_OPTION_ARG_NONE, &opt.line_buffered,
          "Write each reply as soon as it is decoded (for pipes)", NULL },
        { "time", 0, 0, G_OPTION_ARG_STRING, &opt.time,
          "Show times as utc (default), local, or relative (seconds since the first packet)",
          "WHEN" },
        { "numeric", 'n', 0, G_OPTION_ARG_NONE, &opt.numeric,
          "Accepted for tcpdump's sake: addresses and ports are never resolved", NULL },
        { "transactions", 0, 0, G_OPTION_ARG_NONE, &opt.transactions,
          "Write each mail transaction (sender, each recipient's replies, status, queue id) "
          "instead of each reply", NULL },
        { "redact", 0, 0, G_OPTION_ARG_NONE, &opt.redact,
          "Replace the local part of every mail address with a short stable hash "
          "(u and 8 hex digits), to share the output", NULL },
        { "summary", 0, 0, G_OPTION_ARG_NONE, &opt.summary,
          "At the end, print counts by code, class, category, command, server, enhanced "
          "code, reason and anomaly, reply times per command, and the ten slowest replies",
          NULL },
        { "user", 'Z', 0, G_OPTION_ARG_STRING, &opt.user,
          "When root, become USER once the capture is open (default nobody)", "USER" },
        { "quiet", 'q', 0, G_OPTION_ARG_NONE, &opt.quiet,
          "Print no replies and no progress (the summary and errors only)", NULL },
        { "no-promiscuous-mode", 'p', 0, G_OPTION_ARG_NONE, &opt.no_promiscuous,
          "Do not put the interface into promiscuous mode", NULL },
        { "anomalies", 0, 0, G_OPTION_ARG_STRING, &opt.anomalies,
          "Text output lists the anomalies: violations (default: what can make a client "
          "misread a reply) or all (deviations and observations too)", "WHICH" },
        { "color", 0, 0, G_OPTION_ARG_STRING, &opt.colour,
          "Colour text output: auto (on a terminal, unless NO_COLOR is set), always, never",
          "WHEN" },
        { "max-flows", 0, 0, G_OPTION_ARG_INT64, &opt.max_flows,
          "Track at most N connections; the longest idle is evicted (default 4096)", "N" },
        { "flow-buffer", 0, 0, G_OPTION_ARG_INT64, &opt.flow_buffer,
          "Out-of-order bytes held per connection before a hole counts as a gap "
          "(default 262144)", "BYTES" },
        { "idle-timeout", 0, 0, G_OPTION_ARG_INT64, &opt.idle_timeout,
          "Close a connection idle this long, in capture time (default 300)", "SECONDS" },
        { "version", 0, 0, G_OPTION_ARG_NONE, &opt.version,
          "Print the version and exit", NULL },
        { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt.filter_words,
          NULL, NULL },
        { NULL, 0, 0, 0, NULL, NULL, NULL },
    };
    GOptionContext *ctx = g_option_context_new("[FILTER\u2026] - decode SMTP replies");
    GError *error = NULL;
    gchar **args;
    int code;

    /* GLib writes its messages in UTF-8 ("\u201cabc\u201d"), converted to the
     * terminal's character set: only the character type comes from the
     * environment, so numbers are still written the C way. */
    setlocale(LC_CTYPE, "");
    /* A reader that goes away (| head) is an EPIPE from write, not a kill. */
    signal(SIGPIPE, SIG_IGN);
    g_option_context_add_main_entries(ctx, entries, NULL);
    g_option_context_set_summary(ctx,
        "Decodes SMTP replies (RFC 5321 4.2) from a capture file or a live interface.\n"
        "FILTER is a pcap filter expression; by default, TCP to or from the server ports.");
    g_option_context_set_description(ctx,
        "Exit status: 0 success (also after Ctrl-C), 1 usage error, 2 input error,\n"
        "3 bad filter, 4 capture file cut or damaged part-way.  See smtpreply(1).");
    args = split_short_options(entries, argc, argv);
    if (!g_option_context_parse_strv(ctx, &args, &error)) {
        code = fail(EXIT_USAGE, error->message);
        g_error_free(error);
        g_option_context_free(ctx);
        g_strfreev(args);
        return code;
    }
    g_option_context_free(ctx);
    code = dispatch(&opt);
    g_strfreev(args);
    g_strfreev(opt.read_files);
    g_free(opt.format);
    g_free(opt.select);
    g_free(opt.time);
    g_free(opt.interface);
    g_free(opt.ports);
    g_free(opt.tls_ports);
    g_free(opt.tls_keylog);
    g_free(opt.user);
    g_free(opt.colour);
    g_free(opt.anomalies);
    g_strfreev(opt.filter_words);
    return code;
}
