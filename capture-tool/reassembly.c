/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "reassembly.h"

#include <string.h>

#include "packet.h"

/* A run of stream bytes waiting for the hole before it to fill. */
typedef struct {
    guint64  offset;
    gsize    len;
    guint8  *data;   /* NULL: on the wire but not captured (snapshot length) */
    rs_stamp arrival;
} rs_piece;

void
rs_limits_init(rs_limits *limits)
{
    limits->max_queued = RS_DEFAULT_MAX_QUEUED;
    limits->max_segments = RS_DEFAULT_MAX_SEGMENTS;
    limits->history = RS_DEFAULT_HISTORY;
}

void
rs_stream_init(rs_stream *rs, const rs_limits *limits, const rs_callbacks *cb,
               gpointer user_data)
{
    memset(rs, 0, sizeof *rs);
    if (limits)
        rs->limits = *limits;
    else
        rs_limits_init(&rs->limits);
    rs->cb = cb;
    rs->user_data = user_data;
    g_queue_init(&rs->queue);
    /* Room for a short session's replies, so most never reallocate it. */
    rs->history = g_byte_array_sized_new((guint)MIN(rs->limits.history, 512));
}

static void
piece_free(gpointer p)
{
    rs_piece *piece = p;

    g_free(piece->data);
    g_free(piece);
}

void
rs_stream_clear(rs_stream *rs)
{
    g_queue_clear_full(&rs->queue, piece_free);
    rs->queued = 0;
    if (rs->history)
        g_byte_array_free(rs->history, TRUE);
    rs->history = NULL;
}

gsize
rs_stream_buffered(const rs_stream *rs)
{
    return rs->queued + (rs->history ? rs->history->len : 0);
}

/* Stream offset of SEQ, which lies within 2 GiB of the next expected byte;
 * negative when it comes before the stream's first byte. */
static gint64
unwrap(const rs_stream *rs, guint32 seq)
{
    guint32 next_seq = rs->base_seq + (guint32)rs->next;

    return (gint64)rs->next + (gint32)(seq - next_seq);
}

/* Compares a later copy of bytes already handed over with the kept history. */
static void
check_history(rs_stream *rs, guint64 offset, gsize len, const guint8 *data)
{
    guint64 start = rs->next - rs->history->len;
    guint64 from = MAX(offset, start), to = MIN(offset + len, rs->next);

    rs->stats.retransmitted += len;
    if (!data || from >= to)
        return;
    if (memcmp(data + (from - offset), rs->history->data + (from - start), to - from) != 0) {
        rs->stats.conflicts++;
        rs->cb->conflict(from, (gsize)(to - from), rs->user_data);
    }
}

static void
remember(rs_stream *rs, const guint8 *data, gsize len)
{
    gsize keep = rs->limits.history;

    if (keep == 0)
        return;
    if (len >= keep) {
        g_byte_array_set_size(rs->history, 0);
        g_byte_array_append(rs->history, data + (len - keep), (guint)keep);
        return;
    }
    g_byte_array_append(rs->history, data, (guint)len);
    /* Trim in batches so the copy is amortised over many segments. */
    if (rs->history->len > 2 * keep)
        g_byte_array_remove_range(rs->history, 0, (guint)(rs->history->len - keep));
}

/* Hands over the piece that starts exactly at rs->next, which arrived at
 * ARRIVAL. */
static void
emit(rs_stream *rs, const guint8 *data, gsize len, rs_gap_reason reason, rs_stamp arrival)
{
    if (len == 0)
        return;
    if (data) {
        rs->stats.bytes += len;
        rs->delivered = arrival;
        rs->cb->data(data, len, rs->next, rs->user_data);
        remember(rs, data, len);
    } else {
        rs->stats.gaps++;
        rs->stats.gap_bytes += len;
        /* What came before is no longer the stream's tail. */
        g_byte_array_set_size(rs->history, 0);
        rs->cb->gap(rs->next, len, reason, rs->user_data);
    }
    rs->next += len;
}

/* Hands over the queued pieces that the stream has now reached. */
static void
drain(rs_stream *rs)
{
    rs_piece *head;

    while ((head = g_queue_peek_head(&rs->queue)) && head->offset <= rs->next) {
        gsize seen = (gsize)MIN(rs->next - head->offset, head->len);

        g_queue_pop_head(&rs->queue);
        rs->queued -= head->len;
        check_history(rs, head->offset, seen, head->data);
        emit(rs, head->data ? head->data + seen : NULL, head->len - seen, RS_GAP_TRUNCATED,
             head->arrival);
        piece_free(head);
    }
}

/* Gives up on the hole before the first queued piece. */
static void
skip_to_queue(rs_stream *rs)
{
    rs_piece *head = g_queue_peek_head(&rs->queue);

    if (head && head->offset > rs->next)
        emit(rs, NULL, (gsize)(head->offset - rs->next), RS_GAP_LOST, rs->arrival);
    drain(rs);
}

static void
insert_before(rs_stream *rs, GList *link, guint64 offset, const guint8 *data, gsize len)
{
    rs_piece *piece = g_new(rs_piece, 1);

    piece->offset = offset;
    piece->len = len;
    piece->data = NULL;
    piece->arrival = rs->arrival;
    if (data) {
        piece->data = g_malloc(len);
        memcpy(piece->data, data, len);
    }
    rs->queued += len;
    if (link)
        g_queue_insert_before(&rs->queue, link, piece);
    else
        g_queue_push_tail(&rs->queue, piece);
}

/* Queues [OFFSET, OFFSET+LEN) around what is already queued: the first copy
 * of a byte wins, and a different later copy is reported. */
static void
enqueue(rs_stream *rs, guint64 offset, const guint8 *data, gsize len)
{
    guint64 end = offset + len;
    GList *link = rs->queue.head;

    rs->stats.out_of_order++;
    while (offset < end) {
        rs_piece *p;

        while (link && ((rs_piece *)link->data)->offset + ((rs_piece *)link->data)->len <= offset)
            link = link->next;
        p = link ? link->data : NULL;
        if (!p || p->offset >= end) {
            insert_before(rs, link, offset, data, (gsize)(end - offset));
            break;
        }
        if (p->offset > offset) {
            gsize before = (gsize)(p->offset - offset);

            insert_before(rs, link, offset, data, before);
            if (data)
                data += before;
            offset = p->offset;
        }
        {
            gsize both = (gsize)(MIN(end, p->offset + p->len) - offset);

            rs->stats.retransmitted += both;
            if (data && p->data
                    && memcmp(data, p->data + (offset - p->offset), both) != 0) {
                rs->stats.conflicts++;
                rs->cb->conflict(offset, both, rs->user_data);
            }
            if (data)
                data += both;
            offset += both;
        }
    }
    while (g_queue_get_length(&rs->queue) > rs->limits.max_segments
           || rs->queued > rs->limits.max_queued) {
        rs->stats.overflows++;
        skip_to_queue(rs);
    }
}

/* A piece of the segment: captured bytes, or (DATA NULL) bytes the snapshot cut. */
static void
add_piece(rs_stream *rs, gint64 offset, const guint8 *data, gsize len)
{
    if (len == 0)
        return;
    /* Bytes before the stream's first byte belong to no stream we know. */
    if (offset < 0) {
        gsize before = (gsize)MIN((guint64)-offset, (guint64)len);

        if (data)
            data += before;
        len -= before;
        offset = 0;
        if (len == 0)
            return;
    }
    if ((guint64)offset < rs->next) {
        gsize seen = (gsize)MIN(rs->next - (guint64)offset, (guint64)len);

        check_history(rs, (guint64)offset, seen, data);
        if (data)
            data += seen;
        len -= seen;
        offset = (gint64)rs->next;
        if (len == 0)
            return;
    }
    if ((guint64)offset == rs->next) {
        emit(rs, data, len, RS_GAP_TRUNCATED, rs->arrival);
        drain(rs);
    } else {
        enqueue(rs, (guint64)offset, data, len);
    }
}

void
rs_stream_segment(rs_stream *rs, guint32 seq, guint8 flags,
                  const guint8 *data, gsize caplen, gsize wirelen)
{
    gint64 offset;

    if (rs->ended)
        return;
    if (flags & TCP_SYN) {
        if (!rs->started) {
            rs->started = rs->syn_seen = TRUE;
            rs->base_seq = seq + 1;
        }
        /* The SYN takes one sequence number; any payload follows it. */
        seq++;
    }
    if (!rs->started) {
        /* Joined mid-session: this segment's first byte becomes offset 0. */
        rs->started = TRUE;
        rs->base_seq = seq;
    }
    if (flags & TCP_RST) {
        rs_stream_flush(rs, RS_END_RST);
        return;
    }
    caplen = MIN(caplen, wirelen);
    offset = unwrap(rs, seq);
    if (wirelen > 0)
        rs->stats.segments++;
    if (caplen < wirelen)
        rs->stats.truncated++;
    if ((flags & TCP_FIN) && !rs->fin_seen && offset + (gint64)wirelen >= 0) {
        rs->fin_seen = TRUE;
        rs->fin_offset = (guint64)(offset + (gint64)wirelen);
    }
    add_piece(rs, offset, data, caplen);
    add_piece(rs, offset + (gint64)caplen, NULL, wirelen - caplen);
    if (rs->fin_seen && rs->next >= rs->fin_offset)
        rs_stream_flush(rs, RS_END_FIN);
}

void
rs_stream_ack(rs_stream *rs, guint32 ack)
{
    rs_piece *head = g_queue_peek_head(&rs->queue);
    gint64 acked;

    if (!rs->started || rs->ended || !head)
        return;
    acked = unwrap(rs, ack);
    if (acked <= (gint64)rs->next)
        return;
    /* Only a hole before queued bytes: a lone ACK past everything could be a FIN's. */
    emit(rs, NULL, (gsize)(MIN((guint64)acked, head->offset) - rs->next), RS_GAP_LOST,
         rs->arrival);
    drain(rs);
    if (rs->fin_seen && rs->next >= rs->fin_offset)
        rs_stream_flush(rs, RS_END_FIN);
}

void
rs_stream_flush(rs_stream *rs, rs_end_reason reason)
{
    if (rs->ended)
        return;
    while (!g_queue_is_empty(&rs->queue))
        skip_to_queue(rs);
    /* The bytes before a FIN were sent: their loss is a gap, not an end. */
    if (rs->fin_seen && rs->fin_offset > rs->next)
        emit(rs, NULL, (gsize)(rs->fin_offset - rs->next), RS_GAP_LOST, rs->arrival);
    rs->ended = TRUE;
    rs->cb->end(reason, rs->user_data);
}
