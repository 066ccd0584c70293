# SPDX-License-Identifier: GPL-2.0-or-later
# Debian packages with CPack (`cpack -G DEB` in the build folder), one per
# part that was built:
#   wireshark-plugin-smtpreply  the plugin, in the system plugin folder of the
#                               Wireshark it was built against, depending on
#                               that release's libwireshark and no other;
#   smtpreply                   the capture tool and its man page.
# Built on each distribution against its own libraries, so each package
# carries the release it is for in its version (e.g. 0.1.0-1+ws4.4).
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME smtpreply)
set(CPACK_PACKAGE_VENDOR "smtpreply")
set(CPACK_PACKAGE_CONTACT "smtpreply developers <smtpreply@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "SMTP replies: codes, lines, pairing, anomalies")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_COMPONENTS_ALL "")

if(SMTPREPLY_BUILD_PLUGIN)
    set(CPACK_DEBIAN_PACKAGE_RELEASE "1+ws${SMTPREPLY_WS_VERSION}")
    list(APPEND CPACK_COMPONENTS_ALL plugin)
    set(CPACK_DEBIAN_PLUGIN_PACKAGE_NAME wireshark-plugin-smtpreply)
    set(CPACK_COMPONENT_PLUGIN_DESCRIPTION
        "Wireshark ${SMTPREPLY_WS_VERSION} plugin decoding SMTP replies (filter name smtpreply)")
    # The plugin folder and the ABI are per minor release: that one only
    # (shlibdeps adds the libraries, with looser versions from their symbols).
    set(CPACK_DEBIAN_PLUGIN_PACKAGE_DEPENDS
        "libwireshark${SMTPREPLY_WS_SOVERSION} (>= ${SMTPREPLY_WS_VERSION}), libwireshark${SMTPREPLY_WS_SOVERSION} (<< ${SMTPREPLY_WS_NEXT})")
endif()
if(SMTPREPLY_BUILD_TOOL)
    list(APPEND CPACK_COMPONENTS_ALL tool)
    set(CPACK_DEBIAN_TOOL_PACKAGE_NAME smtpreply)
    set(CPACK_COMPONENT_TOOL_DESCRIPTION
        "SMTP reply decoder for saved and live captures, tcpdump-like")
endif()

include(CPack)
