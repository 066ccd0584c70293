/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Statistics > SMTP Reply, and `tshark -z smtpreply,tree`: replies counted
 * by class, category, code and command, negative replies by reason,
 * transactions by status, and reply times per command.
 */
#include <wireshark.h>

#include <epan/stats_tree.h>

#include "packet-smtpreply.h"
#include "sr_decoder.h"

static const char st_class[] = "Replies by class";
static const char st_category[] = "Replies by category";
static const char st_code[] = "Replies by code";
static const char st_command[] = "Replies by command";
static const char st_time[] = "Reply time by command (ms)";
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
    st_node_time = stats_tree_create_node(st, st_time, 0, STAT_DT_FLOAT, TRUE);
    st_node_tx = stats_tree_create_node(st, st_tx, 0, STAT_DT_INT, TRUE);
    st_node_reason = stats_tree_create_node(st, st_reason, 0, STAT_DT_INT, TRUE);
}

static tap_packet_status
smtpreply_stats_packet(stats_tree *st, packet_info *pinfo, epan_dissect_t *edt, const void *data,
                       tap_flags_t flags)
{
    const smtpreply_tap_info *info = data;
    const char *class_name = sr_class_name(info->code / 100);
    const char *category_name = sr_category_name(info->code / 10 % 10);
    const sr_code_info *code_info = sr_code_lookup(info->code);
    const char *command = info->command ? info->command : "(none)";
    char code[96];

    (void)pinfo;
    (void)edt;
    (void)flags;
    g_snprintf(code, sizeof code, "%03u %s", info->code, code_info ? code_info->meaning : "(unregistered)");

    tick_stat_node(st, st_class, 0, FALSE);
    tick_stat_node(st, class_name ? class_name : "(invalid class)", st_node_class, FALSE);
    tick_stat_node(st, st_category, 0, FALSE);
    tick_stat_node(st, category_name ? category_name : "(undefined category)", st_node_category, FALSE);
    tick_stat_node(st, st_code, 0, FALSE);
    tick_stat_node(st, code, st_node_code, FALSE);
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
        avg_stat_node_add_value_float(st, st_time, 0, FALSE, (gfloat)info->latency_ms);
        avg_stat_node_add_value_float(st, command, st_node_time, FALSE, (gfloat)info->latency_ms);
    }
    return TAP_PACKET_REDRAW;
}

void
register_smtpreply_stats(void)
{
    stats_tree_register_plugin("smtpreply", "smtpreply", "SMTP Reply/Replies and Reply Times", 0,
                               smtpreply_stats_packet, smtpreply_stats_init, NULL);
}
