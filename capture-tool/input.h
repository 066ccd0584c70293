/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Where packets come from: a capture file (pcap or pcapng, or standard
 * input) or a live interface, with its BPF filter; dropping root once the
 * capture is open; listing interfaces.
 */
#ifndef INPUT_H
#define INPUT_H

#include <stdio.h>

#include <glib.h>
#include <pcap/pcap.h>

#include "decompress.h"
#include "pcapng-secrets.h"
#include "savefile.h"

/* Exit codes; an input error's GError code is the exit code it leads to. */
typedef enum {
    EXIT_OK = 0,         /* success, also after Ctrl-C */
    EXIT_USAGE = 1,      /* bad command line */
    EXIT_INPUT = 2,      /* the input cannot be opened or read, or privileges not dropped */
    EXIT_FILTER = 3,     /* the filter does not compile */
    EXIT_TRUNCATED = 4,  /* the capture file ends mid-record: all before the cut was decoded */
} exit_code;

#define INPUT_ERROR (input_error_quark())
GQuark input_error_quark(void);

#define INPUT_SNAPLEN 262144

typedef struct {
    pcap_t  *pcap;
    char    *name;       /* the file, "standard input", or the interface */
    gboolean live;
    gint64   size;       /* of a regular file, for progress; -1 otherwise */
    int      linktype;
    char    *buffer;     /* a file's stdio buffer, larger than the default */
    savefile *records;   /* a classic pcap file's records; NULL: libpcap reads */
    /* A compressed file's decompressing stream (or, uncompressed, a pipe's
     * first bytes given back after peeking, or a pcapng file shown to a
     * secrets scanner as it is read), which libpcap reads: freed
     * with its FILE, so NULL once that is closed. */
    decompress *decompressed;
    decompress_format compression;
    /* Reading a file, the filter may not be given to libpcap: input_keep()
     * runs it (the default one only on packets the tool cannot place). */
    gboolean own_filter;
    gboolean default_filter;
    struct bpf_program program;
} input;

/* PATH "-": standard input.  A file compressed with gzip, zstd or lz4 is
 * known by its first bytes and decompressed as it is read. */
gboolean input_open_file(input *in, const char *path, GError **error);
/* The same, and SECRETS (NULL: none) is fed the pcapng capture's bytes as
 * they are read from the file, pipe or decompressor, before libpcap parses
 * them: the TLS key log of a Decryption Secrets Block is handed over
 * before libpcap has read the packets after it.  SECRETS is restarted
 * here and must outlive the input; its counts go on from file to file.  A
 * classic pcap file, which has no such block, is read as without it. */
gboolean input_open_file_secrets(input *in, const char *path, pcapng_secrets *secrets,
                                 GError **error);
/* A capture already open as FP (a pipe, memory), read by libpcap; NAME
 * stands for it in messages.  FP is the input's from here on: closed by
 * input_close(), or at once if it is no capture. */
gboolean input_open_stream(input *in, FILE *fp, const char *name, GError **error);
gboolean input_open_live(input *in, const char *iface, gboolean promiscuous, GError **error);
/* FILTER NULL: the default, built from PORTS, a BPF port expression such
 * as "port 25 or portrange 2525-2530". */
gboolean input_set_filter(input *in, const char *filter, const char *ports, GError **error);
gchar *input_default_filter(int linktype, gboolean live, const char *ports);
/* The next packet, as pcap_next_ex() returns it; its error text is then
 * input_read_error(). */
int input_next(input *in, const struct pcap_pkthdr **hdr, const guint8 **data);
const char *input_read_error(const input *in);
/* After a packet was read: whether the filter lets it through.  OURS:
 * the tool saw a TCP segment to or from a server port, which the default
 * filter always lets through. */
static inline gboolean
input_keep(const input *in, const struct pcap_pkthdr *hdr, const guint8 *data, gboolean ours)
{
    return !in->own_filter || (ours && in->default_filter)
        || pcap_offline_filter(&in->program, hdr, data) != 0;
}
/* When running as root, become USER for good. */
gboolean input_drop_privileges(const char *user, GError **error);
/* Live: waits until packets may be ready, a short timeout passes, or a
 * signal comes. */
void input_wait(const input *in);
/* How far through a regular file reading has come, 0 to 1; -1 if unknown. */
double input_progress(const input *in);
void input_close(input *in);

/* The -D list, one interface per line. */
gboolean input_list_interfaces(FILE *out, GError **error);
/* -i ARG: ARG itself, or, if it is a number N and no interface has that
 * name, the N-th interface of the -D list; NULL and ERROR when there is
 * no N-th.  g_free() the result. */
gchar *input_interface_name(const char *arg, GError **error);
/* tcpdump's first words on a live capture, on standard error:
 * "listening on lo, link-type EN10MB (Ethernet), snapshot length 262144 bytes". */
void input_print_banner(const input *in);

#endif /* INPUT_H */
