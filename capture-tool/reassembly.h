/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One direction of a TCP connection turned back into a byte stream.  It
 * knows sequence numbers, not protocols: whoever owns it receives in-order
 * bytes, gaps and the end of the stream through callbacks, each exactly once
 * and in stream order.  Memory is bounded by rs_limits.
 */
#ifndef REASSEMBLY_H
#define REASSEMBLY_H

#include <glib.h>

typedef enum {
    RS_GAP_LOST,       /* never captured: loss, or a hole the queue gave up on */
    RS_GAP_TRUNCATED,  /* on the wire but cut by the capture's snapshot length */
} rs_gap_reason;

typedef enum {
    RS_END_FIN,        /* every byte up to the FIN has been handed over */
    RS_END_RST,        /* reset: what was queued is handed over with its gaps */
    RS_END_FLUSH,      /* the owner ended it: end of input, eviction, idle */
} rs_end_reason;

typedef struct {
    /* LEN in-order bytes starting at stream OFFSET. */
    void (*data)(const guint8 *data, gsize len, guint64 offset, gpointer user_data);
    /* MISSING bytes at OFFSET will never be handed over. */
    void (*gap)(guint64 offset, guint64 missing, rs_gap_reason reason, gpointer user_data);
    /* A later copy of the bytes at OFFSET differs from the first one, which was kept. */
    void (*conflict)(guint64 offset, gsize len, gpointer user_data);
    void (*end)(rs_end_reason reason, gpointer user_data);
} rs_callbacks;

typedef struct {
    gsize max_queued;    /* out-of-order bytes held; past this the hole is given up as a gap */
    guint max_segments;  /* ... and out-of-order pieces held */
    gsize history;       /* delivered bytes kept to compare retransmissions with */
} rs_limits;

#define RS_DEFAULT_MAX_QUEUED   (256 * 1024)
#define RS_DEFAULT_MAX_SEGMENTS 1024
#define RS_DEFAULT_HISTORY      (16 * 1024)

typedef struct {
    guint64 segments;          /* with payload */
    guint64 bytes;             /* handed over */
    guint64 retransmitted;     /* bytes seen again after the first copy */
    guint64 out_of_order;      /* segments that had to wait in the queue */
    guint64 conflicts;         /* retransmissions whose bytes differed */
    guint64 gaps;
    guint64 gap_bytes;
    guint64 truncated;         /* segments cut by the snapshot length */
    guint64 overflows;         /* holes given up because the queue was full */
} rs_stats;

/* When and in which packet bytes arrived: the owner's stamp, kept with the
 * bytes while they wait, so that what is handed over late is still dated
 * by its own packet. */
typedef struct {
    gint64  time_us;
    guint64 frame;
} rs_stamp;

typedef struct {
    rs_limits           limits;
    const rs_callbacks *cb;
    gpointer            user_data;
    gboolean            started;     /* the stream's first sequence number is known */
    gboolean            syn_seen;    /* ... from a SYN, so offset 0 is the first byte */
    gboolean            fin_seen;
    gboolean            ended;       /* end() was called; later segments are ignored */
    guint32             base_seq;    /* sequence number of stream offset 0 */
    guint64             next;        /* offset of the next byte to hand over */
    guint64             fin_offset;
    GQueue              queue;       /* rs_piece, sorted, never overlapping */
    gsize               queued;      /* bytes held in the queue */
    GByteArray         *history;     /* the last bytes handed over */
    rs_stamp            arrival;     /* set by the owner before each segment */
    rs_stamp            delivered;   /* during data(): the arrival of those bytes */
    rs_stats            stats;
} rs_stream;

void rs_limits_init(rs_limits *limits);
void rs_stream_init(rs_stream *rs, const rs_limits *limits, const rs_callbacks *cb,
                    gpointer user_data);
void rs_stream_clear(rs_stream *rs);

/*
 * One segment of this direction: FLAGS are the TCP flag bits, DATA holds the
 * CAPLEN captured bytes of a payload that had WIRELEN bytes on the wire.
 */
void rs_stream_segment(rs_stream *rs, guint32 seq, guint8 flags,
                       const guint8 *data, gsize caplen, gsize wirelen);
/* The other direction acknowledged up to ACK: holes it covers were lost by
 * the capture, not the network, and will not be retransmitted. */
void rs_stream_ack(rs_stream *rs, guint32 ack);
/* Hands over everything queued, gaps between, then ends the stream. */
void rs_stream_flush(rs_stream *rs, rs_end_reason reason);
/* Bytes this stream holds. */
gsize rs_stream_buffered(const rs_stream *rs);

#endif /* REASSEMBLY_H */
