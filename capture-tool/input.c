/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "input.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "packet.h"
#include "savefile.h"

#define LIVE_TIMEOUT_MS   200                 /* the longest a packet waits in the kernel */
#define LIVE_BUFFER_BYTES (8 * 1024 * 1024)   /* kernel ring: room for bursts */
/* stdio reads a file in steps of its buffer: 4 KiB by default, one system
 * call each; in 1 MiB steps, reading costs a quarter as much. */
#define FILE_BUFFER_BYTES (1024 * 1024)

G_DEFINE_QUARK(smtpreply-input-error-quark, input_error)

static gboolean
check_linktype(input *in, GError **error)
{
    const char *name, *description;

    in->linktype = pcap_datalink(in->pcap);
    if (packet_linktype_supported(in->linktype))
        return TRUE;
    name = pcap_datalink_val_to_name(in->linktype);
    description = pcap_datalink_val_to_description(in->linktype);
    g_set_error(error, INPUT_ERROR, EXIT_INPUT,
                "%s: unsupported link type %s (%s, DLT %d); supported: Ethernet, Linux cooked "
                "(SLL, SLL2), raw IP, BSD loopback", in->name, name ? name : "unknown",
                description ? description : "no description", in->linktype);
    return FALSE;
}

/* Why libpcap found no capture in a compressed file FP: what it says is
 * of the decompressed bytes, and a read that failed for the decompressor
 * says only "Input/output error". */
static void
compressed_open_error(const input *in, FILE *fp, const char *errbuf, GError **error)
{
    const char *format = decompress_name(in->compression);
    const char *damage = decompress_error(in->decompressed);

    if (damage)
        g_set_error(error, INPUT_ERROR, EXIT_INPUT,
                    "%s: %s-compressed, but cannot be decompressed (%s)", in->name, format,
                    damage);
    else if (decompress_output(in->decompressed) == 0 && feof(fp))
        g_set_error(error, INPUT_ERROR, EXIT_INPUT,
                    "%s: %s-compressed, but empty inside, not a capture", in->name, format);
    else
        g_set_error(error, INPUT_ERROR, EXIT_INPUT,
                    "%s: %s-compressed, but not a pcap or pcapng capture inside (%s)",
                    in->name, format, errbuf);
}

/* Hands FP to libpcap, which closes it with the capture; standard input
 * aside, FP is closed here on failure.  CLASSIC: a classic pcap file whose
 * records savefile.c reads once libpcap has read its header. */
static gboolean
open_stream(input *in, FILE *fp, gboolean classic, gboolean swapped, gboolean nanoseconds,
            GError **error)
{
    char errbuf[PCAP_ERRBUF_SIZE] = "";

    in->pcap = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_MICRO, errbuf);
    if (!in->pcap) {
        if (in->compression != DECOMPRESS_NONE)
            compressed_open_error(in, fp, errbuf, error);
        else if (in->size == 0)
            g_set_error(error, INPUT_ERROR, EXIT_INPUT, "%s: empty file, not a capture",
                        in->name);
        else
            g_set_error(error, INPUT_ERROR, EXIT_INPUT,
                        "%s: not a pcap or pcapng capture (%s)", in->name, errbuf);
        if (fp != stdin)
            fclose(fp);
        in->decompressed = NULL;   /* fclose() freed it */
        return FALSE;
    }
    if (!check_linktype(in, error))
        return FALSE;
    if (classic) {
        long header_end = ftell(fp);

        if (header_end > 0) {
            in->records = g_new(savefile, 1);
            savefile_init(in->records, fileno(fp), (guint64)header_end, swapped, nanoseconds,
                          (guint32)pcap_snapshot(in->pcap), in->linktype);
        }
    }
    return TRUE;
}

/* The first bytes of FD, to tell a compressed file by: HEAD gets up to
 * DECOMPRESS_MAGIC_LEN of them.  A regular file is looked at in place, from
 * OFFSET, and nothing is consumed; anything else (a pipe) must be read, so
 * *CONSUMED says the bytes are gone from FD and must be given back.  FALSE
 * on a read error, with errno. */
static gboolean
peek_head(int fd, gboolean regular, off_t offset, guint8 *head, gsize *head_len,
          gboolean *consumed)
{
    ssize_t n;

    *head_len = 0;
    *consumed = !regular;
    if (regular) {
        n = pread(fd, head, DECOMPRESS_MAGIC_LEN, offset);
        if (n < 0)
            return FALSE;
        *head_len = (gsize)n;
        return TRUE;
    }
    /* A slow writer may hand the first bytes over one at a time. */
    while (*head_len < DECOMPRESS_MAGIC_LEN) {
        n = read(fd, head + *head_len, DECOMPRESS_MAGIC_LEN - *head_len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return FALSE;
        if (n == 0)
            break;
        *head_len += (gsize)n;
    }
    return TRUE;
}

/* The stream's bytes, as stdio takes them, to the secrets scanner. */
static void
feed_secrets(const guint8 *data, gsize len, gpointer user_data)
{
    pcapng_secrets_feed(user_data, data, len);
}

/* A pcapng file starts with a Section Header Block, whose type reads the
 * same in either byte order. */
static gboolean
starts_pcapng(const guint8 *head, gsize len)
{
    static const guint8 shb[4] = { 0x0a, 0x0d, 0x0d, 0x0a };

    return len >= sizeof shb && memcmp(head, shb, sizeof shb) == 0;
}

gboolean
input_open_file(input *in, const char *path, GError **error)
{
    return input_open_file_secrets(in, path, NULL, error);
}

gboolean
input_open_file_secrets(input *in, const char *path, pcapng_secrets *secrets, GError **error)
{
    struct stat st;
    gboolean classic = FALSE, swapped = FALSE, nanoseconds = FALSE;
    gboolean regular = FALSE, consumed, plain, scan;
    guint8 head[DECOMPRESS_MAGIC_LEN];
    gsize head_len;
    off_t offset = 0;
    int fd;
    FILE *fp;

    memset(in, 0, sizeof *in);
    in->size = -1;
    if (strcmp(path, "-") == 0) {
        in->name = g_strdup("standard input");
        fd = STDIN_FILENO;
    } else {
        in->name = g_strdup(path);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            g_set_error(error, INPUT_ERROR, EXIT_INPUT, "%s: %s", path, g_strerror(errno));
            return FALSE;
        }
    }
    if (fstat(fd, &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            g_set_error(error, INPUT_ERROR, EXIT_INPUT, "%s: is a directory", in->name);
            if (fd != STDIN_FILENO)
                close(fd);
            return FALSE;
        }
        regular = S_ISREG(st.st_mode);
        if (regular)
            in->size = st.st_size;
    }
    /* Standard input, even a file, need not start at its beginning. */
    if (regular && fd == STDIN_FILENO && (offset = lseek(fd, 0, SEEK_CUR)) < 0)
        offset = 0;
    /* Compressed or not is told by the content, never by the name. */
    if (!peek_head(fd, regular, offset, head, &head_len, &consumed)) {
        g_set_error(error, INPUT_ERROR, EXIT_INPUT, "%s: %s", in->name, g_strerror(errno));
        if (fd != STDIN_FILENO)
            close(fd);
        return FALSE;
    }
    in->compression = decompress_detect(head, head_len);
    plain = in->compression == DECOMPRESS_NONE && !(consumed && head_len > 0);
    /* Secrets are looked for in what libpcap reads through a stream of
     * ours.  A plain file is given one only if it is pcapng: a classic pcap
     * file keeps its own reader (savefile.c). */
    scan = secrets && (!plain || starts_pcapng(head, head_len));
    if (plain && !scan) {
        /* As it is, with nothing in between. */
        fp = fd == STDIN_FILENO ? stdin : fdopen(fd, "rb");
    } else {
        /* Decompressed on the fly, or a pipe's first bytes given back
         * before the rest, or a pcapng file shown to the scanner as it is
         * read: libpcap reads any of them like a file. */
        fp = decompress_fdopen(fd, fd != STDIN_FILENO, in->compression,
                               consumed ? head : NULL, consumed ? head_len : 0,
                               (guint64)offset, &in->decompressed);
    }
    if (!fp) {
        g_set_error(error, INPUT_ERROR, EXIT_INPUT, "%s: %s", in->name, g_strerror(errno));
        if (fd != STDIN_FILENO)
            close(fd);
        return FALSE;
    }
    if (scan) {
        pcapng_secrets_restart(secrets);
        decompress_set_tap(in->decompressed, feed_secrets, secrets);
    }
    /* A classic pcap file's records are read by savefile.c, after libpcap
     * has read its header; standard input, even a file, may not start at
     * its beginning, so libpcap reads all of it. */
    if (fp != stdin && !in->decompressed && in->size > 0)
        classic = savefile_is_classic(fileno(fp), &swapped, &nanoseconds);
    if (!classic) {
        /* Before anything is read from FP, as setvbuf() requires.  Standard
         * input stays open to the end, so it keeps its buffer to the end.
         * A decompressing stream writes into this buffer directly. */
        in->buffer = g_malloc(FILE_BUFFER_BYTES);
        setvbuf(fp, in->buffer, _IOFBF, FILE_BUFFER_BYTES);
        if (fp == stdin)
            in->buffer = NULL;
    }
    return open_stream(in, fp, classic, swapped, nanoseconds, error);
}

gboolean
input_open_stream(input *in, FILE *fp, const char *name, GError **error)
{
    memset(in, 0, sizeof *in);
    in->size = -1;
    in->name = g_strdup(name);
    return open_stream(in, fp, FALSE, FALSE, FALSE, error);
}

int
input_next(input *in, const struct pcap_pkthdr **hdr, const guint8 **data)
{
    struct pcap_pkthdr *h;
    const u_char *d;
    int rc;

    if (in->records)
        return savefile_next(in->records, hdr, data);
    rc = pcap_next_ex(in->pcap, &h, &d);
    *hdr = h;
    *data = d;
    return rc;
}

const char *
input_read_error(const input *in)
{
    /* libpcap would only say "Input/output error" of a damaged or cut
     * compressed stream. */
    if (in->decompressed && decompress_error(in->decompressed))
        return decompress_error(in->decompressed);
    return in->records ? in->records->error : pcap_geterr(in->pcap);
}

/* One pcap_set_*() result: 0, or a PCAP_ERROR_* status named on one line. */
static gboolean
live_setting(const input *in, const char *what, int status, GError **error)
{
    if (status == 0)
        return TRUE;
    g_set_error(error, INPUT_ERROR, EXIT_INPUT, "%s: cannot set the %s: %s", in->name, what,
                pcap_statustostr(status));
    return FALSE;
}

gboolean
input_open_live(input *in, const char *iface, gboolean promiscuous, GError **error)
{
    char errbuf[PCAP_ERRBUF_SIZE] = "";
    int status;

    memset(in, 0, sizeof *in);
    in->size = -1;
    in->live = TRUE;
    in->name = g_strdup(iface);
    in->pcap = pcap_create(iface, errbuf);
    if (!in->pcap) {
        g_set_error(error, INPUT_ERROR, EXIT_INPUT, "%s: %s", iface, errbuf);
        return FALSE;
    }
    /* Not immediate mode: on Linux that means TPACKET_V2, whose ring has
     * one snaplen-sized slot per packet, only a few in the buffer, and a
     * burst (three segments of one reply) was dropped.  Batches are handed
     * over at least every LIVE_TIMEOUT_MS instead.  Each setting can only
     * fail on a handle already activated, which would be our bug; libpcap
     * 1.10.5 marks them warn_unused_result all the same. */
    if (!live_setting(in, "snapshot length", pcap_set_snaplen(in->pcap, INPUT_SNAPLEN), error)
        || !live_setting(in, "promiscuous mode", pcap_set_promisc(in->pcap, promiscuous), error)
        || !live_setting(in, "read timeout", pcap_set_timeout(in->pcap, LIVE_TIMEOUT_MS), error)
        || !live_setting(in, "buffer size", pcap_set_buffer_size(in->pcap, LIVE_BUFFER_BYTES),
                         error))
        return FALSE;
    status = pcap_activate(in->pcap);
    if (status < 0) {
        const char *detail = pcap_geterr(in->pcap);

        switch (status) {
        case PCAP_ERROR_NO_SUCH_DEVICE:
            g_set_error(error, INPUT_ERROR, EXIT_INPUT, "%s: no such interface (%s)",
                        iface, detail);
            break;
        case PCAP_ERROR_PERM_DENIED:
        case PCAP_ERROR_PROMISC_PERM_DENIED:
            g_set_error(error, INPUT_ERROR, EXIT_INPUT,
                        "%s: no permission to capture; run as root or with CAP_NET_RAW (%s)",
                        iface, detail);
            break;
        case PCAP_ERROR_IFACE_NOT_UP:
            g_set_error(error, INPUT_ERROR, EXIT_INPUT, "%s: interface is down", iface);
            break;
        default:
            g_set_error(error, INPUT_ERROR, EXIT_INPUT, "%s: %s (%s)", iface,
                        pcap_statustostr(status), detail);
        }
        return FALSE;
    }
    if (status > 0)
        g_printerr("smtpreply: %s: warning: %s (%s)\n", iface, pcap_statustostr(status),
                   pcap_geterr(in->pcap));
    /* libpcap's own wait restarts after a signal; input_wait() does not. */
    if (pcap_setnonblock(in->pcap, 1, errbuf) != 0) {
        g_set_error(error, INPUT_ERROR, EXIT_INPUT, "%s: %s", iface, errbuf);
        return FALSE;
    }
    return check_linktype(in, error);
}

gchar *
input_default_filter(int linktype, gboolean live, const char *ports)
{
    gchar *tcp, *filter;

    /* BPF's "tcp" stops at the first IPv6 header, and "protochain" loops,
     * which the kernel refuses: IPv6 that starts with an extension header
     * (hop-by-hop, routing, destination options) passes, and the tool
     * checks its ports itself. */
    tcp = g_strdup_printf("(tcp and (%s)) or (ip6 and (ip6[6] == 0 or ip6[6] == 43 "
                          "or ip6[6] == 60))", ports);
    /* Live, Linux strips VLAN tags before the filter runs; in a file they
     * are there, and "vlan" moves the offsets for what follows it: one tag,
     * then two. */
    if (linktype == DLT_EN10MB && !live)
        filter = g_strdup_printf("%s or (vlan and (%s or (vlan and (%s))))", tcp, tcp, tcp);
    else
        filter = g_strdup(tcp);
    g_free(tcp);
    return filter;
}

gboolean
input_set_filter(input *in, const char *filter, const char *ports, GError **error)
{
    struct bpf_program prog;
    gchar *def = NULL;
    gboolean ok = TRUE, by_default = filter == NULL;

    if (by_default)
        filter = def = input_default_filter(in->linktype, in->live, ports);
    if (pcap_compile(in->pcap, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) != 0) {
        g_set_error(error, INPUT_ERROR, EXIT_FILTER, "%s: bad filter \"%s\": %s", in->name,
                    filter, pcap_geterr(in->pcap));
        g_free(def);
        return FALSE;
    }
    g_free(def);
    /* In a file, libpcap would run the default filter's BPF program on
     * every packet, while nearly all of them are the tool's anyway: it is
     * kept for the packets the tool cannot place (see input_keep()).  Any
     * other filter is run here too, so that every packet is read and
     * counted, and frames are numbered as Wireshark numbers them.  Live,
     * the kernel runs it before a packet is copied: that is cheaper. */
    if (!in->live) {
        in->program = prog;
        in->own_filter = TRUE;
        in->default_filter = by_default;
        return TRUE;
    }
    if (pcap_setfilter(in->pcap, &prog) != 0) {
        g_set_error(error, INPUT_ERROR, EXIT_FILTER, "%s: cannot set filter: %s", in->name,
                    pcap_geterr(in->pcap));
        ok = FALSE;
    }
    pcap_freecode(&prog);
    return ok;
}

gboolean
input_drop_privileges(const char *user, GError **error)
{
    struct passwd *pw;

    if (geteuid() != 0)
        return TRUE;
    errno = 0;
    pw = getpwnam(user);
    if (!pw) {
        g_set_error(error, INPUT_ERROR, EXIT_INPUT, "%s: cannot drop privileges: %s", user,
                    errno ? g_strerror(errno) : "no such user");
        return FALSE;
    }
    if (initgroups(pw->pw_name, pw->pw_gid) != 0 || setgid(pw->pw_gid) != 0
            || setuid(pw->pw_uid) != 0) {
        g_set_error(error, INPUT_ERROR, EXIT_INPUT, "%s: cannot drop privileges: %s", user,
                    g_strerror(errno));
        return FALSE;
    }
    /* A half-done drop would leave a way back to root: make sure there is none. */
    if (pw->pw_uid != 0 && (setuid(0) == 0 || seteuid(0) == 0)) {
        g_set_error(error, INPUT_ERROR, EXIT_INPUT,
                    "%s: cannot drop privileges: root could be regained", user);
        return FALSE;
    }
    return TRUE;
}

void
input_wait(const input *in)
{
    struct pollfd pfd = { .fd = pcap_get_selectable_fd(in->pcap), .events = POLLIN };

    if (pfd.fd < 0) {
        g_usleep(LIVE_TIMEOUT_MS * 1000);
        return;
    }
    /* A signal ends the wait early (EINTR): the caller looks at its flag. */
    (void)poll(&pfd, 1, LIVE_TIMEOUT_MS);
}

double
input_progress(const input *in)
{
    FILE *fp;
    long pos;

    if (in->live || in->size <= 0 || !in->pcap)
        return -1;
    if (in->records)
        return MIN((double)savefile_offset(in->records) / (double)in->size, 1.0);
    /* Of a compressed file, how far into its compressed bytes. */
    if (in->decompressed)
        return MIN((double)decompress_position(in->decompressed) / (double)in->size, 1.0);
    fp = pcap_file(in->pcap);
    if (!fp || (pos = ftell(fp)) < 0)
        return -1;
    return MIN((double)pos / (double)in->size, 1.0);
}

void
input_close(input *in)
{
    if (in->records) {
        savefile_clear(in->records);
        g_free(in->records);
        in->records = NULL;
    }
    if (in->own_filter)
        pcap_freecode(&in->program);
    in->own_filter = FALSE;
    if (in->pcap)
        pcap_close(in->pcap);
    in->pcap = NULL;
    in->decompressed = NULL;   /* freed as pcap_close() closed its stream */
    /* pcap_close() closed the file that used it. */
    g_free(in->buffer);
    in->buffer = NULL;
    g_free(in->name);
    in->name = NULL;
}

gchar *
input_interface_name(const char *arg, GError **error)
{
    char errbuf[PCAP_ERRBUF_SIZE] = "";
    pcap_if_t *all, *dev;
    guint64 index;
    guint n = 0;
    gchar *name = NULL;

    /* As tcpdump: a number is the N-th interface of -D, unless an
     * interface has that name. */
    if (!g_ascii_string_to_unsigned(arg, 10, 1, G_MAXUINT, &index, NULL))
        return g_strdup(arg);
    if (pcap_findalldevs(&all, errbuf) != 0) {
        g_set_error(error, INPUT_ERROR, EXIT_INPUT, "interfaces: %s", errbuf);
        return NULL;
    }
    for (dev = all; dev && !name; dev = dev->next) {
        if (strcmp(dev->name, arg) == 0)
            name = g_strdup(arg);
    }
    for (dev = all; dev && !name; dev = dev->next) {
        if (++n == index)
            name = g_strdup(dev->name);
    }
    if (!name) {
        for (dev = all, n = 0; dev; dev = dev->next)
            n++;
        g_set_error(error, INPUT_ERROR, EXIT_USAGE,
                    "-i %s: no such interface number; there are %u (see -D)", arg, n);
    }
    pcap_freealldevs(all);
    return name;
}

void
input_print_banner(const input *in)
{
    const char *name = pcap_datalink_val_to_name(in->linktype);
    const char *description = pcap_datalink_val_to_description(in->linktype);

    g_printerr("listening on %s, link-type %s (%s), snapshot length %d bytes\n", in->name,
               name ? name : "unknown", description ? description : "no description",
               pcap_snapshot(in->pcap));
}

gboolean
input_list_interfaces(FILE *out, GError **error)
{
    char errbuf[PCAP_ERRBUF_SIZE] = "";
    pcap_if_t *all, *dev;
    guint n = 0;

    if (pcap_findalldevs(&all, errbuf) != 0) {
        g_set_error(error, INPUT_ERROR, EXIT_INPUT, "interfaces: %s", errbuf);
        return FALSE;
    }
    for (dev = all; dev; dev = dev->next) {
        fprintf(out, "%u.%s", ++n, dev->name);
        if (dev->description)
            fprintf(out, " (%s)", dev->description);
        fprintf(out, " [%s%s%s]\n", dev->flags & PCAP_IF_UP ? "up" : "down",
                dev->flags & PCAP_IF_RUNNING ? ", running" : "",
                dev->flags & PCAP_IF_LOOPBACK ? ", loopback" : "");
    }
    pcap_freealldevs(all);
    return TRUE;
}
