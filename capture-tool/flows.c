/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "flows.h"

#include <string.h>

typedef enum {
    TO_SERVER,    /* the client's commands */
    TO_CLIENT,    /* the server's replies */
    DIRECTIONS
} direction;

/* Server side first, so both directions of a connection share one key. */
typedef struct {
    guint8  server[PACKET_ADDR_MAX];
    guint8  client[PACKET_ADDR_MAX];
    guint16 server_port;
    guint16 client_port;
    guint8  family;
    guint8  zero;     /* no padding: keys are hashed and compared as bytes */
} flow_key;

typedef struct flow flow;

struct flow {
    flow_key    key;
    guint       id;
    flow_table *table;
    char        client[ENDPOINT_MAX];
    char        server[ENDPOINT_MAX];
    rs_stream   stream[DIRECTIONS];
    /* Replies paired with the commands they answer; NULL once released. */
    sr_session *session;
    tls_decrypt *decrypt;         /* with a key log, once TLS began */
    gboolean    started;          /* bytes or a gap of either side reached the session */
    gboolean    ended[DIRECTIONS];
    gboolean    closed;      /* both ended: kept only to absorb stray packets */
    guint       pending;     /* tool anomalies for the next reply handed over */
    gint64      last_seen;
    GList       lru;         /* in flow_table.lru, most recent first */
};

struct flow_table {
    flow_config      config;
    GHashTable      *flows;  /* flow_key -> flow */
    GQueue           lru;
    guint            next_id;
    gint64           now;
    guint64          frame;  /* of the packet being read */
    sr_memory_pool   pool;   /* shared by every flow's session */
    reply_event_func func;
    transaction_event_func transaction_func;
    tls_event_func   tls_func;
    tls_cert_cache  *certs;  /* the certificates read last, made when first needed */
    gpointer         user_data;
    flow_stats       stats;
    /* Sessions of closed flows, kept for new ones: a capture is mostly
     * short sessions, and making each anew was a tenth of the work. */
    GPtrArray       *spare;
};

#define SPARE_SESSIONS 64

/* Their meanings are in flows.h and the man page. */
static const char *const tool_anomaly_names[TOOL_ANOM_COUNT] = {
    [TOOL_ANOM_OVERLAP_CONFLICT] = "tcp-overlap-conflict",
    [TOOL_ANOM_SNAPLEN_TRUNCATED] = "snaplen-truncated",
    [TOOL_ANOM_FLOW_EVICTED] = "flow-evicted",
    [TOOL_ANOM_IDLE_TIMEOUT] = "idle-timeout",
};

const char *
tool_anomaly_name(tool_anomaly_kind kind)
{
    return (guint)kind < TOOL_ANOM_COUNT ? tool_anomaly_names[kind] : "unknown";
}

/* The bytes the capture holds are not what the client read (a conflicting
 * retransmission, a cut packet, a reply cut short when the flow was
 * dropped): violations.  Falling silent is nobody's fault. */
sr_anomaly_severity
tool_anomaly_severity(tool_anomaly_kind kind)
{
    return kind == TOOL_ANOM_IDLE_TIMEOUT ? SR_SEVERITY_OBSERVATION : SR_SEVERITY_VIOLATION;
}

void
reply_event_foreach_anomaly(const reply_event *ev, anomaly_func fn, gpointer user_data)
{
    const GArray *lists[] = { ev->reply->anomalies, ev->exchange_anomalies };

    for (gsize l = 0; l < G_N_ELEMENTS(lists); l++) {
        for (guint i = 0; lists[l] && i < lists[l]->len; i++) {
            const sr_anomaly *a = &g_array_index(lists[l], sr_anomaly, i);

            fn(sr_anomaly_name(a->kind), a->detail, sr_anomaly_info_get(a->kind)->severity,
               user_data);
        }
    }
    for (guint k = 0; k < TOOL_ANOM_COUNT; k++) {
        if (ev->tool_anomalies & (1u << k))
            fn(tool_anomaly_name(k), NULL, tool_anomaly_severity(k), user_data);
    }
}

void
flow_config_init(flow_config *cfg, const guint8 *server_ports)
{
    /* Every field a caller does not set has its zero: no key log, say. */
    *cfg = (flow_config){ 0 };
    cfg->max_flows = FLOW_DEFAULT_MAX_FLOWS;
    cfg->idle_timeout_us = (gint64)FLOW_DEFAULT_IDLE_SECONDS * G_USEC_PER_SEC;
    rs_limits_init(&cfg->limits);
    /* A command's retransmission that differs changes no reply (see
     * command_conflict), so the client's bytes, nearly all of a capture,
     * are not kept to compare it with. */
    cfg->command_limits = cfg->limits;
    cfg->command_limits.history = 0;
    sr_config_init(&cfg->decoder);
    cfg->session_pool_bytes = FLOW_DEFAULT_SESSION_POOL;
    cfg->server_ports = server_ports;
}

static guint
key_hash(gconstpointer k)
{
    /* Eight bytes at a time, each word mixed in by a multiplication: the
     * hash runs once per packet, and a byte loop was a tenth of the tool's
     * time.  Keys are zeroed before they are filled, padding included. */
    const guint8 *b = k;
    guint64 h = 0, w;
    gsize i;

    for (i = 0; i + 8 <= sizeof(flow_key); i += 8) {
        memcpy(&w, b + i, 8);
        h = (h ^ w) * 0x9E3779B97F4A7C15ull;
        h ^= h >> 29;
    }
    if (i < sizeof(flow_key)) {
        w = 0;
        memcpy(&w, b + i, sizeof(flow_key) - i);
        h = (h ^ w) * 0x9E3779B97F4A7C15ull;
    }
    h ^= h >> 32;
    return (guint)h;
}

static gboolean
key_equal(gconstpointer a, gconstpointer b)
{
    return memcmp(a, b, sizeof(flow_key)) == 0;
}

static void
add_stats(rs_stats *sum, const rs_stats *s)
{
    sum->segments += s->segments;
    sum->bytes += s->bytes;
    sum->retransmitted += s->retransmitted;
    sum->out_of_order += s->out_of_order;
    sum->conflicts += s->conflicts;
    sum->gaps += s->gaps;
    sum->gap_bytes += s->gap_bytes;
    sum->truncated += s->truncated;
    sum->overflows += s->overflows;
}

/* Written when first needed: with -q, or for a flow with no reply, never. */
static void
format_endpoints(flow *f)
{
    if (!f->client[0]) {
        packet_format_endpoint(f->key.family, f->key.client, f->key.client_port,
                               f->client, sizeof f->client);
        packet_format_endpoint(f->key.family, f->key.server, f->key.server_port,
                               f->server, sizeof f->server);
    }
}

static void
on_exchange(const sr_reply *reply, const sr_exchange *exchange, gpointer user_data)
{
    flow *f = user_data;
    reply_event ev;

    format_endpoints(f);
    ev = (reply_event){
        /* The packet whose bytes ended it, even if they waited behind a hole. */
        .time_us = f->stream[TO_CLIENT].delivered.time_us,
        .flow_id = f->id,
        .client = f->client,
        .server = f->server,
        .frame = exchange->reply_frame,
        .reply = reply,
        .command = exchange->has_command ? sr_command_name(&exchange->command) : NULL,
        .request = exchange->has_command ? &exchange->command : NULL,
        .recipient = exchange->recipient,
        .latency_us = exchange->has_command ? exchange->latency_us : -1,
        .greeting_wait_us = exchange->greeting_wait_us,
        .capabilities = exchange->capabilities,
        .reason = exchange->reason,
        .exchange_anomalies = exchange->anomalies,
        .tool_anomalies = f->pending,
        .tls = exchange->tls,
    };

    ev.has_code = sr_reply_has_code(reply);
    f->pending = 0;
    f->table->func(&ev, f->table->user_data);
}

static void
on_unanswered(const sr_command *command, gpointer user_data)
{
    flow *f = user_data;

    (void)command;
    f->table->stats.unanswered++;
}

static void
on_transaction(const sr_transaction *tx, gpointer user_data)
{
    flow *f = user_data;
    transaction_event ev;

    if (!f->table->transaction_func)
        return;
    format_endpoints(f);
    ev = (transaction_event){
        .time_us = f->table->now,
        .flow_id = f->id,
        .client = f->client,
        .server = f->server,
        .tx = tx,
    };
    f->table->transaction_func(&ev, f->table->user_data);
}

/* Whether the flow's TLS is to be decrypted: a key log was given, not
 * empty unless decryption was asked for anyway. */
static gboolean
decrypting(const flow *f)
{
    const flow_table *t = f->table;

    return t->tls_func && t->config.keylog
        && (t->config.tls_decrypt || keylog_get_stats(t->config.keylog)->entries > 0);
}

/* Decrypted application data goes back to the session, dated by the
 * packet that brought its record's last byte. */
static void
on_plain(gboolean client, const guint8 *data, gsize len, guint64 frame, gpointer user_data)
{
    flow *f = user_data;

    sr_session_tls_plain(f->session, client, data, len,
                         f->stream[client ? TO_SERVER : TO_CLIENT].delivered.time_us, frame);
}

/* Made when the first TLS record or loss needs it. */
static tls_decrypt *
decrypt_of(flow *f)
{
    if (!f->decrypt)
        f->decrypt = tls_decrypt_new(f->table->config.keylog, on_plain, f);
    return f->decrypt;
}

static void
on_tls(const sr_tls_event *tls, gpointer user_data)
{
    flow *f = user_data;
    const sr_tls_info *info = tls->info;
    tls_event ev;
    const tls_cert *cert = NULL;

    if (info->certificate.der) {
        if (!f->table->certs)
            f->table->certs = tls_cert_cache_new();
        cert = tls_cert_cache_read(f->table->certs, info->certificate.der,
                                   info->certificate.der_length);
    }

    format_endpoints(f);
    ev = (tls_event){
        .time_us = f->table->now,
        .flow_id = f->id,
        .client = f->client,
        .server = f->server,
        /* Where it was settled; at the end, the packet being read. */
        .frame = info->outcome != SR_TLS_UNKNOWN ? info->outcome_frame : f->table->frame,
        .tls = tls,
        .cert = cert,
        /* With a key log, once any TLS byte came (a whole record or not). */
        .decrypt = decrypting(f) && (info->client.bytes || info->server.bytes)
                   ? tls_decrypt_get(decrypt_of(f)) : NULL,
    };
    f->table->tls_func(&ev, f->table->user_data);
}

static gboolean
decrypt_begin(gpointer user_data, const sr_tls_info *info, gboolean client,
              const sr_tls_record *record, guint64 frame)
{
    return tls_decrypt_begin(decrypt_of(user_data), info, client, record, frame);
}

static void
decrypt_record(gpointer user_data, const sr_tls_info *info, gboolean client,
               sr_tls_record *record, guint64 frame)
{
    tls_decrypt_record(decrypt_of(user_data), info, client, record, frame);
}

static void
decrypt_lost(gpointer user_data, const sr_tls_info *info, gboolean client, sr_tls_stop why,
             guint64 frame)
{
    tls_decrypt_lost(decrypt_of(user_data), info, client, why, frame);
}

static const sr_tls_decryptor decryptor = { decrypt_begin, decrypt_record, decrypt_lost };

static const sr_session_callbacks session_callbacks = {
    on_exchange, NULL, on_unanswered, on_transaction, NULL,
};
/* The same, reading TLS (flow_table_on_tls). */
static const sr_session_callbacks session_callbacks_tls = {
    on_exchange, NULL, on_unanswered, on_transaction, on_tls,
};

/* The end of either direction.  The server can say no more after its own
 * end, so its open reply and the commands it left unanswered are handed
 * over then. */
static void
direction_ended(flow *f, direction d)
{
    f->ended[d] = TRUE;
    /* Once both have ended, commands the client sent after the server's
     * end are unanswered too: finishing again reports them. */
    if (d == TO_CLIENT || f->ended[TO_CLIENT])
        sr_session_finish(f->session);
    if (f->ended[TO_SERVER] && f->ended[TO_CLIENT])
        f->closed = TRUE;
}

/* Before the first bytes of either side: without the server's SYN the
 * capture began mid-conversation, so the first bytes of both sides may be
 * mid-line and the first reply need not be the greeting. */
static void
start_session(flow *f)
{
    if (f->started)
        return;
    f->started = TRUE;
    if (!f->stream[TO_CLIENT].syn_seen)
        sr_session_resync(f->session);
}

static void
reply_data(const guint8 *data, gsize len, guint64 offset, gpointer user_data)
{
    flow *f = user_data;

    (void)offset;
    start_session(f);
    /* Dated by the packet that brought them, even if handed over later
     * (held behind a hole): reply times are from first byte to first byte. */
    sr_session_server(f->session, data, len, f->stream[TO_CLIENT].delivered.time_us,
                      f->stream[TO_CLIENT].delivered.frame);
}

static void
reply_gap(guint64 offset, guint64 missing, rs_gap_reason reason, gpointer user_data)
{
    flow *f = user_data;

    (void)offset;
    if (reason == RS_GAP_TRUNCATED)
        f->pending |= 1u << TOOL_ANOM_SNAPLEN_TRUNCATED;
    start_session(f);
    sr_session_server_gap(f->session, missing);
}

static void
reply_conflict(guint64 offset, gsize len, gpointer user_data)
{
    flow *f = user_data;

    (void)offset;
    (void)len;
    f->pending |= 1u << TOOL_ANOM_OVERLAP_CONFLICT;
}

static void
reply_end(rs_end_reason reason, gpointer user_data)
{
    (void)reason;
    direction_ended(user_data, TO_CLIENT);
}

/* The client's commands go to the session, which reads them only as far
 * as pairing needs. */
static void
command_data(const guint8 *data, gsize len, guint64 offset, gpointer user_data)
{
    flow *f = user_data;

    (void)offset;
    start_session(f);
    sr_session_client(f->session, data, len, f->stream[TO_SERVER].delivered.time_us,
                      f->stream[TO_SERVER].delivered.frame);
}

static void
command_gap(guint64 offset, guint64 missing, rs_gap_reason reason, gpointer user_data)
{
    flow *f = user_data;

    (void)offset;
    (void)reason;
    start_session(f);
    sr_session_client_gap(f->session, missing);
}

/* A command's later copy that differs changes no reply: counted only. */
static void
command_conflict(guint64 offset, gsize len, gpointer user_data)
{
    (void)offset;
    (void)len;
    (void)user_data;
}

static void
command_end(rs_end_reason reason, gpointer user_data)
{
    (void)reason;
    direction_ended(user_data, TO_SERVER);
}

static const rs_callbacks reply_callbacks = { reply_data, reply_gap, reply_conflict, reply_end };
static const rs_callbacks command_callbacks = {
    command_data, command_gap, command_conflict, command_end
};

/* Frees what a closed flow no longer needs; its key stays to absorb strays. */
static void
flow_release(flow *f)
{
    flow_stats *st = &f->table->stats;

    for (direction d = 0; d < DIRECTIONS; d++) {
        if (!f->stream[d].history)
            continue;
        add_stats(d == TO_CLIENT ? &st->server : &st->client, &f->stream[d].stats);
        rs_stream_clear(&f->stream[d]);
    }
    if (f->session) {
        if (f->table->spare->len < SPARE_SESSIONS) {
            g_ptr_array_add(f->table->spare, f->session);
        } else {
            sr_session_free(f->session);
        }
        f->session = NULL;
    }
    if (f->decrypt) {
        tls_decrypt_free(f->decrypt);
        f->decrypt = NULL;
    }
}

/* Ends both directions, handing over what they hold.  WHY (a tool anomaly
 * bit set, or 0) marks the reply this cuts, if any. */
static void
flow_end(flow *f, guint why)
{
    if (f->closed)
        return;
    f->pending |= why;
    /* Commands first: the replies handed over last may answer them. */
    rs_stream_flush(&f->stream[TO_SERVER], RS_END_FLUSH);
    rs_stream_flush(&f->stream[TO_CLIENT], RS_END_FLUSH);
    f->closed = TRUE;
    flow_release(f);
}

static void
flow_remove(flow_table *t, flow *f)
{
    g_queue_unlink(&t->lru, &f->lru);
    g_hash_table_remove(t->flows, &f->key);   /* frees f */
    t->stats.open = g_hash_table_size(t->flows);
}

static void
flow_free(gpointer p)
{
    flow *f = p;

    flow_release(f);
    g_free(f);
}

static flow *
flow_new(flow_table *t, const flow_key *key)
{
    flow *f = g_new0(flow, 1);

    f->key = *key;
    f->table = t;
    f->id = t->next_id++;
    f->lru.data = f;
    rs_stream_init(&f->stream[TO_CLIENT], &t->config.limits, &reply_callbacks, f);
    rs_stream_init(&f->stream[TO_SERVER], &t->config.command_limits, &command_callbacks, f);
    if (t->spare->len) {
        f->session = g_ptr_array_steal_index_fast(t->spare, t->spare->len - 1);
        sr_session_reset(f->session, f);
    } else {
        f->session = sr_session_new(&t->config.decoder,
                                    t->tls_func ? &session_callbacks_tls : &session_callbacks, f);
    }
    if (t->config.server_ports[key->server_port] == FLOW_PORT_IMPLICIT_TLS)
        sr_session_implicit_tls(f->session);
    if (decrypting(f))
        sr_session_set_tls_decryptor(f->session, &decryptor, f);
    g_hash_table_insert(t->flows, &f->key, f);
    g_queue_push_head_link(&t->lru, &f->lru);
    t->stats.flows++;
    t->stats.open = g_hash_table_size(t->flows);
    t->stats.peak = MAX(t->stats.peak, t->stats.open);
    return f;
}

/* Drops the flow idle longest: quietly if it was closed already. */
static void
evict_one(flow_table *t)
{
    flow *f = g_queue_peek_tail(&t->lru);

    if (!f)
        return;
    if (!f->closed) {
        t->stats.evicted++;
        flow_end(f, 1u << TOOL_ANOM_FLOW_EVICTED);
    }
    flow_remove(t, f);
}

static void
expire_idle(flow_table *t)
{
    flow *f;

    while ((f = g_queue_peek_tail(&t->lru)) && t->now - f->last_seen > t->config.idle_timeout_us) {
        if (!f->closed) {
            t->stats.idle_closed++;
            flow_end(f, 1u << TOOL_ANOM_IDLE_TIMEOUT);
        }
        flow_remove(t, f);
    }
}

static void
build_key(const packet_tcp *pkt, gboolean src_server, flow_key *key, direction *dir)
{
    gsize alen = pkt->family == 6 ? 16 : 4;

    memset(key, 0, sizeof *key);
    key->family = (guint8)pkt->family;
    memcpy(key->server, src_server ? pkt->src : pkt->dst, alen);
    memcpy(key->client, src_server ? pkt->dst : pkt->src, alen);
    key->server_port = src_server ? pkt->sport : pkt->dport;
    key->client_port = src_server ? pkt->dport : pkt->sport;
    *dir = src_server ? TO_CLIENT : TO_SERVER;
}

/* Decides which end is the server; FALSE when neither port is one. */
static gboolean
make_key(const flow_table *t, const packet_tcp *pkt, flow_key *key, direction *dir)
{
    const guint8 *ports = t->config.server_ports;
    gboolean src_server = ports[pkt->sport], dst_server = ports[pkt->dport];
    guint8 syn = pkt->flags & (TCP_SYN | TCP_ACK);

    if (!src_server && !dst_server)
        return FALSE;
    if (src_server && dst_server) {
        /* Both look like servers: a known flow decides, then the rule. */
        build_key(pkt, TRUE, key, dir);
        if (g_hash_table_contains(t->flows, key))
            return TRUE;
        build_key(pkt, FALSE, key, dir);
        if (g_hash_table_contains(t->flows, key))
            return TRUE;
        /* The decoder's rule, as the plugin's: then the SYN, then the lower port. */
        src_server = sr_server_side_of(pkt->sport, pkt->dport, TRUE, TRUE, 0, (syn & TCP_SYN) != 0,
                                       (syn & TCP_ACK) != 0) == SR_SERVER_SOURCE;
    }
    build_key(pkt, src_server, key, dir);
    return TRUE;
}

/* A client's SYN on a known key starts a new connection unless it repeats
 * the one that started this flow. */
static gboolean
starts_new_connection(const flow *f, const packet_tcp *pkt, direction dir)
{
    const rs_stream *rs = &f->stream[TO_SERVER];

    if (dir != TO_SERVER || (pkt->flags & (TCP_SYN | TCP_ACK)) != TCP_SYN)
        return FALSE;
    return !(rs->syn_seen && rs->base_seq == pkt->seq + 1);
}

flow_table *
flow_table_new(const flow_config *cfg, reply_event_func func, gpointer user_data)
{
    flow_table *t = g_new0(flow_table, 1);

    t->config = *cfg;
    t->config.max_flows = MAX(t->config.max_flows, 1);
    t->pool.max = cfg->session_pool_bytes;
    t->config.decoder.pool = &t->pool;
    t->flows = g_hash_table_new_full(key_hash, key_equal, NULL, flow_free);
    g_queue_init(&t->lru);
    t->spare = g_ptr_array_new();
    t->func = func;
    t->user_data = user_data;
    return t;
}

void
flow_table_on_transaction(flow_table *t, transaction_event_func func)
{
    t->transaction_func = func;
}

void
flow_table_on_tls(flow_table *t, tls_event_func func)
{
    /* Sessions are made with their callbacks: before the first flow. */
    g_return_if_fail(t->next_id == 0);
    t->tls_func = func;
}

void
flow_table_packet(flow_table *t, const packet_tcp *pkt, gint64 time_us, guint64 frame)
{
    flow_key key;
    direction dir;
    flow *f;

    /* Capture clocks can step back; idle time never runs backwards. */
    t->now = MAX(t->now, time_us);
    t->frame = frame;
    expire_idle(t);
    if (!make_key(t, pkt, &key, &dir)) {
        t->stats.ignored++;
        return;
    }
    f = g_hash_table_lookup(t->flows, &key);
    if (f && starts_new_connection(f, pkt, dir)) {
        flow_end(f, 0);
        flow_remove(t, f);
        f = NULL;
    }
    if (!f) {
        if (g_hash_table_size(t->flows) >= t->config.max_flows)
            evict_one(t);
        f = flow_new(t, &key);
    }
    f->last_seen = t->now;
    if (t->lru.head != &f->lru) {
        g_queue_unlink(&t->lru, &f->lru);
        g_queue_push_head_link(&t->lru, &f->lru);
    }
    if (f->closed)
        return;

    /* The client's SYN: the greeting's wait counts from it. */
    if (dir == TO_SERVER && (pkt->flags & (TCP_SYN | TCP_ACK)) == TCP_SYN && f->session)
        sr_session_connected(f->session, t->now);
    if (pkt->flags & TCP_ACK)
        rs_stream_ack(&f->stream[dir == TO_SERVER ? TO_CLIENT : TO_SERVER], pkt->ack);
    f->stream[dir].arrival = (rs_stamp){ t->now, t->frame };
    rs_stream_segment(&f->stream[dir], pkt->seq, pkt->flags, pkt->payload,
                      pkt->payload_len, pkt->payload_wire);
    /* A reset aborts the whole connection, not one direction. */
    if (pkt->flags & TCP_RST)
        rs_stream_flush(&f->stream[dir == TO_SERVER ? TO_CLIENT : TO_SERVER], RS_END_RST);
    if (f->closed)
        flow_release(f);
}

void
flow_table_finish(flow_table *t)
{
    flow *f;

    /* Oldest first, so replies come out in the order their flows went quiet. */
    while ((f = g_queue_peek_tail(&t->lru))) {
        flow_end(f, 0);
        flow_remove(t, f);
    }
}

void
flow_table_interrupt(flow_table *t)
{
    flow *f;

    /* Bytes held behind a hole were not read yet: they are dropped, not
     * handed over as after a gap. */
    while ((f = g_queue_peek_tail(&t->lru))) {
        if (!f->closed && f->session && f->started)
            sr_session_interrupt(f->session);
        f->closed = TRUE;
        flow_release(f);
        flow_remove(t, f);
    }
}

void
flow_table_free(flow_table *t)
{
    if (!t)
        return;
    g_hash_table_destroy(t->flows);
    for (guint i = 0; i < t->spare->len; i++) {
        sr_session_free(g_ptr_array_index(t->spare, i));
    }
    g_ptr_array_free(t->spare, TRUE);
    tls_cert_cache_free(t->certs);
    g_free(t);
}

const flow_stats *
flow_table_stats(const flow_table *t)
{
    return &t->stats;
}
