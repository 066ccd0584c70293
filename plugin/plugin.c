/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The symbols Wireshark looks for in a plugin, and nothing else: the
 * dissector itself lives in packet-smtpreply.c.  plugin_describe() is asked
 * for from 4.2 on.
 */
#define WS_BUILD_DLL
#include <wireshark.h>

#include <epan/proto.h>

#include "packet-smtpreply.h"
#include "ws-compat.h"

#if SR_WS_HAS_PLUGIN_DESCRIBE
#include <wsutil/plugins.h>   /* WS_PLUGIN_DESC_DISSECTOR */
#endif

WS_DLL_PUBLIC_DEF const gchar plugin_version[] = SMTPREPLY_VERSION;
WS_DLL_PUBLIC_DEF const int plugin_want_major = SMTPREPLY_WANT_MAJOR;
WS_DLL_PUBLIC_DEF const int plugin_want_minor = SMTPREPLY_WANT_MINOR;

WS_DLL_PUBLIC void plugin_register(void);
#if SR_WS_HAS_PLUGIN_DESCRIBE
WS_DLL_PUBLIC uint32_t plugin_describe(void);

uint32_t
plugin_describe(void)
{
    return WS_PLUGIN_DESC_DISSECTOR;
}
#endif

void
plugin_register(void)
{
    static proto_plugin plug;

    plug.register_protoinfo = proto_register_smtpreply;
    plug.register_handoff = proto_reg_handoff_smtpreply;
    proto_register_plugin(&plug);
}
