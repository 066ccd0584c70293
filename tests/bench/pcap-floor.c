/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The floor of the end-to-end benchmark: the least a libpcap program can do
 * with a capture file, open it and fetch every packet with pcap_next_ex().
 * It touches one byte of each packet, so the bytes are really read, and
 * prints the packet and byte counts, which the benchmark checks against the
 * generator's.  Whatever the capture tool does beyond this is its own cost.
 *
 *   pcap-floor FILE
 */
#include <stdio.h>
#include <stdlib.h>

#include <pcap/pcap.h>

int
main(int argc, char **argv)
{
    char errbuf[PCAP_ERRBUF_SIZE];
    struct pcap_pkthdr *hdr;
    const u_char *data;
    unsigned long long packets = 0, bytes = 0;
    unsigned sum = 0;
    pcap_t *p;
    int rc;

    if (argc != 2) {
        fprintf(stderr, "usage: pcap-floor FILE\n");
        return 1;
    }
    p = pcap_open_offline(argv[1], errbuf);
    if (!p) {
        fprintf(stderr, "pcap-floor: %s\n", errbuf);
        return 2;
    }
    while ((rc = pcap_next_ex(p, &hdr, &data)) == 1) {
        packets++;
        bytes += hdr->caplen;
        if (hdr->caplen > 0)
            sum += data[hdr->caplen - 1];
    }
    if (rc != PCAP_ERROR_BREAK) {
        fprintf(stderr, "pcap-floor: %s: %s\n", argv[1], pcap_geterr(p));
        pcap_close(p);
        return 2;
    }
    pcap_close(p);
    printf("packets=%llu bytes=%llu check=%u\n", packets, bytes, sum);
    return 0;
}
