/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The differences between the Wireshark releases the plugin builds against,
 * keyed on Wireshark's own ws_version.h, so that the dissector reads as if
 * there were one version.
 *
 * Built and tested: 4.0 (Debian 12), 4.4 (Debian 13), 4.6 (Debian
 * unstable).  4.2 is not packaged by any Debian release we can test; the
 * lines for it follow its API, which lies between 4.0's and 4.4's: the wmem
 * callbacks already return bool there, the preferences still take gboolean.
 */
#ifndef WS_COMPAT_H
#define WS_COMPAT_H

#include <wireshark.h>   /* ws_version.h, with the version macros */

#include <epan/packet.h>
#include <epan/proto.h>   /* value_string: epan/ up to 4.4, wsutil/ in 4.6 */
#include <epan/wmem_scopes.h>

#define SR_WS_AT_LEAST(major, minor) \
    (WIRESHARK_VERSION_MAJOR > (major) \
     || (WIRESHARK_VERSION_MAJOR == (major) && WIRESHARK_VERSION_MINOR >= (minor)))

/* The variable behind prefs_register_bool_preference(): bool from 4.4 on. */
#if SR_WS_AT_LEAST(4, 4)
typedef bool sr_ws_pref_bool;
#else
typedef gboolean sr_ws_pref_bool;
#endif

/* What a wmem_register_callback() callback returns: bool from 4.2 on. */
#if SR_WS_AT_LEAST(4, 2)
typedef bool sr_ws_cb_result;
#else
typedef gboolean sr_ws_cb_result;
#endif

/* TLS's hand-over of decrypted data, the same in 4.0, 4.4 and 4.6.  Its
 * header, epan/dissectors/packet-tls-utils.h, includes gcrypt.h, which
 * Debian's libwireshark-dev does not bring (libgcrypt20-dev), so the one
 * function the plugin calls is declared here as libwireshark exports it. */
WS_DLL_PUBLIC void tls_set_appdata_dissector(dissector_handle_t tls_handle, packet_info *pinfo,
                                             dissector_handle_t app_handle);

/* From 4.2 on Wireshark asks each plugin what kind it is (plugin_describe). */
#define SR_WS_HAS_PLUGIN_DESCRIBE SR_WS_AT_LEAST(4, 2)

#endif
