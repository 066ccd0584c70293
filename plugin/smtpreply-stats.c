/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Statistics > SMTP Reply, and `tshark -z smtpreply,tree`: replies counted
 * by class, category, code and command, negative replies by reason,
 * transactions by status, and reply times per command.  A stats tree can
 * show a count, an average, a minimum and a maximum, but no percentiles, so
 * the reply-time percentiles are a table of their own (Statistics > SMTP
 * Reply Times, `tshark -z smtpreply,times`), from the decoder's histogram,
 * the one the capture tool's --summary uses.
 */
#include <string.h>

#include <wireshark.h>

#include <epan/stat_tap_ui.h>
#include <epan/stats_tree.h>

#include "packet-smtpreply.h"
#include "sr_decoder.h"

static const char st_class[] = "Replies by class";
static const char st_category[] = "Replies by category";
static const char st_code[] = "Replies by code";
static const char st_command[] = "Replies by command";
/* In whole microseconds: stats_tree shows a float's minimum and maximum with
 * six decimals but its average with two; integers read alike. */
static const char st_time[] = "Reply time by command (microseconds)";
static const char st_tx[] = "Transactions by status";
static const char st_reason[] = "Negative replies by reason";

static int st_node_class = -1;
static int st_node_category = -1;
static int st_node_code = -1;
static int st_node_command = -1;
static int st_node_time = -1;
static int st_node_tx = -1;
static int st_node_reason = -1;

static void
smtpreply_stats_init(stats_tree *st)
{
    st_node_class = stats_tree_create_node(st, st_class, 0, STAT_DT_INT, TRUE);
    st_node_category = stats_tree_create_node(st, st_category, 0, STAT_DT_INT, TRUE);
    st_node_code = stats_tree_create_node(st, st_code, 0, STAT_DT_INT, TRUE);
    st_node_command = stats_tree_create_node(st, st_command, 0, STAT_DT_INT, TRUE);
    st_node_time = stats_tree_create_node(st, st_time, 0, STAT_DT_INT, TRUE);
    st_node_tx = stats_tree_create_node(st, st_tx, 0, STAT_DT_INT, TRUE);
    st_node_reason = stats_tree_create_node(st, st_reason, 0, STAT_DT_INT, TRUE);
}

static tap_packet_status
smtpreply_stats_packet(stats_tree *st, packet_info *pinfo, epan_dissect_t *edt, const void *data,
                       tap_flags_t flags)
{
    const smtpreply_tap_info *info = data;
    const sr_code_info *code_info = sr_code_lookup(info->code);
    /* An empty command line has a name too, so that its row reads as one. */
    const char *command = !info->command ? "(none)" : info->command[0] ? info->command : "<empty>";
    char code[96];

    (void)pinfo;
    (void)edt;
    (void)flags;
    g_snprintf(code, sizeof code, "%03u %s", info->code, code_info ? code_info->meaning : SR_UNREGISTERED_CODE);

    /* A malformed line standing alone has no code: its command and its
     * time still count, as in the capture tool's summary. */
    if (info->has_code) {
        tick_stat_node(st, st_class, 0, FALSE);
        tick_stat_node(st, sr_class_label(info->code / 100), st_node_class, FALSE);
        tick_stat_node(st, st_category, 0, FALSE);
        tick_stat_node(st, sr_category_label(info->code / 10 % 10), st_node_category, FALSE);
        tick_stat_node(st, st_code, 0, FALSE);
        tick_stat_node(st, code, st_node_code, FALSE);
    }
    tick_stat_node(st, st_command, 0, FALSE);
    tick_stat_node(st, command, st_node_command, FALSE);
    if (info->tx_status) {
        tick_stat_node(st, st_tx, 0, FALSE);
        tick_stat_node(st, info->tx_status, st_node_tx, FALSE);
    }
    if (info->reason) {
        tick_stat_node(st, st_reason, 0, FALSE);
        tick_stat_node(st, info->reason, st_node_reason, FALSE);
    }
    if (info->has_latency) {
        gint us = (gint)MIN(info->latency_us, (gint64)G_MAXINT);

        avg_stat_node_add_value_int(st, st_time, 0, FALSE, us);
        avg_stat_node_add_value_int(st, command, st_node_time, FALSE, us);
    }
    return TAP_PACKET_REDRAW;
}

/* ------------------------------------------------------ reply-time table */

enum { COL_COMMAND, COL_REPLIES, COL_MIN, COL_P50, COL_P90, COL_P99, COL_MAX, COL_COUNT };

static stat_tap_table_item times_fields[COL_COUNT] = {
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Command", "%-16s" },
    { TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Replies", "%u" },
    { TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Min (\u00b5s)", "%u" },
    { TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "p50 (\u00b5s)", "%u" },
    { TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "p90 (\u00b5s)", "%u" },
    { TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "p99 (\u00b5s)", "%u" },
    { TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Max (\u00b5s)", "%u" },
};

static const char times_table_name[] = "SMTP Reply Times";

static void
times_init(stat_tap_table_ui *ui)
{
    stat_tap_table *table = stat_tap_find_table(ui, times_table_name);

    if (table) {
        if (ui->stat_tap_reset_table_cb)
            ui->stat_tap_reset_table_cb(table);
        return;
    }
    table = stat_tap_init_table(times_table_name, COL_COUNT, 0, NULL);
    stat_tap_add_table(ui, table);
}

static guint
clamp_us(gint64 us)
{
    return (guint)CLAMP(us, 0, (gint64)G_MAXUINT);
}

/* The row of COMMAND, added when first seen; its histogram hangs on it. */
static guint
times_row(stat_tap_table *table, const char *command)
{
    stat_tap_table_item_type items[COL_COUNT];
    stat_tap_table_item_type *cell;
    guint row;

    for (row = 0; row < table->num_elements; row++) {
        cell = stat_tap_get_field_data(table, row, COL_COMMAND);
        if (strcmp(cell->value.string_value, command) == 0)
            return row;
    }
    memset(items, 0, sizeof items);
    for (guint c = 0; c < COL_COUNT; c++)
        items[c].type = times_fields[c].type;
    stat_tap_init_table_row(table, row, COL_COUNT, items);
    cell = stat_tap_get_field_data(table, row, COL_COMMAND);
    cell->value.string_value = g_strdup(command);
    cell->user_data.ptr_value = g_new(sr_latency_histogram, 1);
    sr_latency_init(cell->user_data.ptr_value);
    stat_tap_set_field_data(table, row, COL_COMMAND, cell);
    return row;
}

static tap_packet_status
times_packet(void *tapdata, packet_info *pinfo, epan_dissect_t *edt, const void *data,
             tap_flags_t flags)
{
    static const struct { guint col; guint percent; } ranks[] = {
        { COL_MIN, 0 }, { COL_P50, 50 }, { COL_P90, 90 }, { COL_P99, 99 }, { COL_MAX, 100 },
    };
    stat_data_t *stat = tapdata;
    const smtpreply_tap_info *info = data;
    stat_tap_table *table;
    sr_latency_histogram *h;
    const char *command;
    guint row;

    (void)pinfo;
    (void)edt;
    (void)flags;
    if (!info->has_latency || !info->command)
        return TAP_PACKET_DONT_REDRAW;
    command = info->command[0] ? info->command : "<empty>";
    table = g_array_index(stat->stat_tap_data->tables, stat_tap_table *, 0);
    row = times_row(table, command);
    h = stat_tap_get_field_data(table, row, COL_COMMAND)->user_data.ptr_value;
    sr_latency_add(h, info->latency_us);
    stat_tap_get_field_data(table, row, COL_REPLIES)->value.uint_value = (guint)h->count;
    for (gsize i = 0; i < G_N_ELEMENTS(ranks); i++) {
        gint64 us = ranks[i].percent == 0 ? h->min_us
                  : ranks[i].percent == 100 ? h->max_us
                  : sr_latency_percentile(h, ranks[i].percent);

        stat_tap_get_field_data(table, row, ranks[i].col)->value.uint_value = clamp_us(us);
    }
    return TAP_PACKET_REDRAW;
}

static void
times_reset(stat_tap_table *table)
{
    for (guint row = 0; row < table->num_elements; row++) {
        stat_tap_table_item_type *cell = stat_tap_get_field_data(table, row, COL_COMMAND);

        sr_latency_init(cell->user_data.ptr_value);
        for (guint c = COL_REPLIES; c < COL_COUNT; c++)
            stat_tap_get_field_data(table, row, c)->value.uint_value = 0;
    }
}

static void
times_free_item(stat_tap_table *table, guint row, guint column, stat_tap_table_item_type *field)
{
    (void)table;
    (void)row;
    if (column != COL_COMMAND)
        return;
    g_free((char *)field->value.string_value);
    g_free(field->user_data.ptr_value);
}

void
register_smtpreply_stats(void)
{
    static tap_param times_params[] = {
        { PARAM_FILTER, "filter", "Filter", NULL, TRUE },
    };
    static stat_tap_table_ui times_ui = {
        REGISTER_STAT_GROUP_GENERIC,
        "SMTP Reply Times",
        "smtpreply",
        "smtpreply,times",
        times_init,
        times_packet,
        times_reset,
        times_free_item,
        NULL,
        G_N_ELEMENTS(times_fields), times_fields,
        G_N_ELEMENTS(times_params), times_params,
        NULL,
        0,
    };

    register_stat_tap_table_ui(&times_ui);
    stats_tree_register_plugin("smtpreply", "smtpreply", "SMTP Reply/Replies and Reply Times", 0,
                               smtpreply_stats_packet, smtpreply_stats_init, NULL);
}
