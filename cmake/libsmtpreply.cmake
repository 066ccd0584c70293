# SPDX-License-Identifier: GPL-2.0-or-later
# The decoder for other programs: installed with the tool as libsmtpreply,
# a static library, its headers in include/smtpreply/, and a pkg-config
# file, so that a program needs only
#   cc prog.c $(pkg-config --cflags --libs libsmtpreply)
# (docs/example-decode.c is one, and the docs-example test builds it so).
include(GNUInstallDirs)

set_target_properties(srdecoder PROPERTIES OUTPUT_NAME smtpreply)
install(TARGETS srdecoder ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT tool)
file(GLOB _sr_headers ${PROJECT_SOURCE_DIR}/plugin/decoder/sr_*.h)
# The readers' state is the decoder's own: not for other programs.
list(FILTER _sr_headers EXCLUDE REGEX "/sr_internal\\.h$")
install(FILES ${_sr_headers} DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/smtpreply COMPONENT tool)
file(RELATIVE_PATH SMTPREPLY_PC_TO_PREFIX ${CMAKE_INSTALL_FULL_LIBDIR}/pkgconfig
     ${CMAKE_INSTALL_PREFIX})
string(REGEX REPLACE "/$" "" SMTPREPLY_PC_TO_PREFIX "${SMTPREPLY_PC_TO_PREFIX}")
configure_file(${CMAKE_CURRENT_LIST_DIR}/libsmtpreply.pc.in
               ${PROJECT_BINARY_DIR}/libsmtpreply.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/libsmtpreply.pc
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig COMPONENT tool)
