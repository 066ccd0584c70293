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
} input;

gboolean input_open_file(input *in, const char *path, GError **error);
gboolean input_open_live(input *in, const char *iface, gboolean promiscuous, GError **error);
/* FILTER NULL: the default, built from PORTS, a BPF port expression such
 * as "port 25 or portrange 2525-2530". */
gboolean input_set_filter(input *in, const char *filter, const char *ports, GError **error);
gchar *input_default_filter(int linktype, gboolean live, const char *ports);
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

#endif /* INPUT_H */
