/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smtpreply: decodes SMTP replies from a capture file or a live interface.
 * This file holds the command line and the exit codes; run.c the read loop.
 */
#include <errno.h>
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
#include "summary.h"

#define PROGRESS_AFTER_US   (1 * G_USEC_PER_SEC)   /* short reads show none */
#define PROGRESS_EVERY_US   (G_USEC_PER_SEC / 4)
#define PROGRESS_CHECK_MASK 1023u                  /* look at the clock every 1024 packets */

/* SMTP relay (25), submission (587) and LMTP (24, RFC 2033). */
#define SMTPREPLY_DEFAULT_PORTS "24,25,587"

/* Set by SIGINT/SIGTERM; the read loop stops at the next packet or timeout. */
static volatile sig_atomic_t stop_requested;

typedef struct {
    gchar   *read_file;
    gchar   *interface;
    gboolean list_interfaces;
    gint64   count;
    gchar   *ports;
    gboolean json;
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
 * "25,587,2525-2530" into a table of 65536 booleans and the BPF expression
 * "port 25 or port 587 or portrange 2525-2530".
 */
static gboolean
parse_ports(const char *list, guint8 *table, GString *bpf, GError **error)
{
    gchar **items = g_strsplit(list, ",", -1);
    gboolean ok = TRUE;

    for (gchar **item = items; *item && ok; item++) {
        gchar **bounds = g_strsplit(g_strstrip(*item), "-", 3);
        guint64 lo = 0, hi = 0;
        guint n = g_strv_length(bounds);

        ok = (n == 1 || n == 2)
            && g_ascii_string_to_unsigned(bounds[0], 10, 1, 65535, &lo, NULL)
            && g_ascii_string_to_unsigned(bounds[n - 1], 10, 1, 65535, &hi, NULL)
            && lo <= hi;
        if (ok) {
            memset(table + lo, 1, (gsize)(hi - lo + 1));
            if (bpf->len)
                g_string_append(bpf, " or ");
            if (lo == hi)
                g_string_append_printf(bpf, "port %u", (guint)lo);
            else
                g_string_append_printf(bpf, "portrange %u-%u", (guint)lo, (guint)hi);
        } else {
            g_set_error(error, INPUT_ERROR, EXIT_USAGE,
                        "--port: \"%s\" is not a port or range of ports (1-65535)", *item);
        }
        g_strfreev(bounds);
    }
    if (ok && bpf->len == 0) {
        g_set_error(error, INPUT_ERROR, EXIT_USAGE, "--port: no ports given");
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

static int
run(const options *opt, const guint8 *port_table, const char *port_expr, gboolean colour)
{
    GError *error = NULL;
    gchar *filter = opt->filter_words ? g_strjoinv(" ", opt->filter_words) : NULL;
    gchar *error_message = NULL;
    flow_config cfg;
    flow_table *flows;
    progress pr = { 0, 0, FALSE };
    run_state st;
    input in;
    int code;
    gboolean opened = opt->read_file
        ? input_open_file(&in, opt->read_file, &error)
        : input_open_live(&in, opt->interface, !opt->no_promiscuous, &error);

    if (opened && filter && !*filter) {
        g_free(filter);
        filter = NULL;
    }
    if (!opened || !input_set_filter(&in, filter, port_expr, &error)
            || ((in.live || opt->user) && !input_drop_privileges(opt->user ? opt->user : "nobody",
                                                                &error))) {
        code = fail(error->code, error->message);
        g_error_free(error);
        g_free(filter);
        input_close(&in);
        return code;
    }
    g_free(filter);

    memset(&st, 0, sizeof st);
    summary_init(&st.sum);
    st.limit = (guint64)MAX(opt->count, 0);
    st.quiet = opt->quiet;
    st.transactions = opt->transactions;
    st.stop = &stop_requested;
    if (!in.live && !opt->quiet && isatty(STDERR_FILENO)) {
        st.progress = progress_update;
        st.progress_data = &pr;
    }
    st.out = output_new(opt->json ? OUTPUT_JSON : OUTPUT_TEXT, stdout, colour, in.live);
    output_set_redact(st.out, opt->redact);
    output_set_all_anomalies(st.out, opt->anomalies && strcmp(opt->anomalies, "all") == 0);
    flow_config_init(&cfg, port_table);
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

    install_signals();
    pr.start = g_get_monotonic_time();
    code = run_input(&in, flows, port_table, &st, &error_message);
    progress_clear(&pr);
    flow_table_finish(flows);
    st.sum.flows = *flow_table_stats(flows);
    st.sum.interrupted = stop_requested != 0;
    if (in.live) {
        struct pcap_stat ps;

        if (pcap_stats(in.pcap, &ps) == 0) {
            st.sum.have_drops = TRUE;
            st.sum.dropped = ps.ps_drop;
            st.sum.if_dropped = ps.ps_ifdrop;
        }
    }
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
    g_free(error_message);
    flow_table_free(flows);
    summary_clear(&st.sum);
    output_free(st.out);
    input_close(&in);
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

/* What the parsed options ask for; returns the exit code. */
static int
dispatch(const options *opt)
{
    GError *error = NULL;
    guint8 *port_table;
    GString *port_expr;
    gboolean colour;
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
    if (!opt->read_file == !opt->interface)
        return fail(EXIT_USAGE, opt->read_file ? "give -r FILE or -i IFACE, not both"
                                               : "give -r FILE or -i IFACE (see --help)");
    if (opt->count < 0 || opt->max_flows < 0 || opt->flow_buffer < 0 || opt->idle_timeout < 0)
        return fail(EXIT_USAGE, "-c, --max-flows, --flow-buffer and --idle-timeout take "
                                "numbers of 0 or more");
    if (opt->anomalies && strcmp(opt->anomalies, "all") != 0
            && strcmp(opt->anomalies, "violations") != 0)
        return fail(EXIT_USAGE, "--anomalies: give violations or all");
    colour = use_colour(opt->colour, &error);
    port_table = g_malloc0(65536);
    port_expr = g_string_new(NULL);
    if (error || !parse_ports(opt->ports ? opt->ports : SMTPREPLY_DEFAULT_PORTS, port_table, port_expr, &error)) {
        code = fail(EXIT_USAGE, error->message);
        g_error_free(error);
    } else {
        code = run(opt, port_table, port_expr->str, colour);
    }
    g_string_free(port_expr, TRUE);
    g_free(port_table);
    return code;
}

int
main(int argc, char **argv)
{
    options opt = { .count = 0 };
    GOptionEntry entries[] = {
        { "read", 'r', 0, G_OPTION_ARG_FILENAME, &opt.read_file,
          "Read packets from FILE (pcap or pcapng; \"-\" for standard input)", "FILE" },
        { "interface", 'i', 0, G_OPTION_ARG_STRING, &opt.interface,
          "Capture live on IFACE (\"any\" for all)", "IFACE" },
        { "list-interfaces", 'D', 0, G_OPTION_ARG_NONE, &opt.list_interfaces,
          "List the interfaces one can capture on, and exit", NULL },
        { "count", 'c', 0, G_OPTION_ARG_INT64, &opt.count,
          "Stop after N replies", "N" },
        { "port", 0, 0, G_OPTION_ARG_STRING, &opt.ports,
          "Server ports, e.g. 25,587,2525-2530 (default " SMTPREPLY_DEFAULT_PORTS ")", "LIST" },
        { "json", 0, 0, G_OPTION_ARG_NONE, &opt.json,
          "One JSON object per reply, one per line", NULL },
        { "transactions", 0, 0, G_OPTION_ARG_NONE, &opt.transactions,
          "Write each mail transaction (sender, each recipient's replies, status, queue id) "
          "instead of each reply", NULL },
        { "redact", 0, 0, G_OPTION_ARG_NONE, &opt.redact,
          "Replace the local part of every mail address with a short stable hash "
          "(u and 8 hex digits), to share the output", NULL },
        { "summary", 0, 0, G_OPTION_ARG_NONE, &opt.summary,
          "At the end, print counts by code, class, category, command and anomaly, "
          "and reply times per command", NULL },
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
          NULL, "[FILTER]" },
        { NULL, 0, 0, 0, NULL, NULL, NULL },
    };
    GOptionContext *ctx = g_option_context_new("[FILTER] - decode SMTP replies");
    GError *error = NULL;
    int code;

    /* A reader that goes away (| head) is an EPIPE from write, not a kill. */
    signal(SIGPIPE, SIG_IGN);
    g_option_context_add_main_entries(ctx, entries, NULL);
    g_option_context_set_summary(ctx,
        "Decodes SMTP replies (RFC 5321 4.2) from a capture file or a live interface.\n"
        "FILTER is a pcap filter expression; by default, TCP to or from the server ports.");
    g_option_context_set_description(ctx,
        "Exit status: 0 success (also after Ctrl-C), 1 usage error, 2 input error,\n"
        "3 bad filter, 4 capture file cut or damaged part-way.  See smtpreply(1).");
    if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
        code = fail(EXIT_USAGE, error->message);
        g_error_free(error);
        g_option_context_free(ctx);
        return code;
    }
    g_option_context_free(ctx);
    code = dispatch(&opt);
    g_free(opt.read_file);
    g_free(opt.interface);
    g_free(opt.ports);
    g_free(opt.user);
    g_free(opt.colour);
    g_free(opt.anomalies);
    g_strfreev(opt.filter_words);
    return code;
}
