/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Names of TLS numbers (sr_tls.h).  Facts from IANA's "Transport Layer
 * Security (TLS) Parameters" registries (tls-parameters: TLS Cipher
 * Suites, TLS Alerts) and the RFCs they cite, spelled as the
 * registry spells them.  The cipher suite names were checked against the
 * 350 Wireshark 4.0 knows (all equal) and the 158 of OpenSSL 3.0's
 * `ciphers -stdname` (all equal); 0x1306 and 0x1307 (AEGIS, registered
 * from draft-irtf-cfrg-aegis-aead) are newer than both.
 */
#include "sr_tls.h"

#include <stdlib.h>

typedef struct {
    guint16     id;
    const char *name;
} suite_name;

/* Sorted by id, for bsearch.  Every suite of TLS 1.3 (0x13xx, and the
 * SM4, integrity-only and GOST ones of RFC 8998, 9150 and 9367), every
 * TLS 1.2-and-older suite of the registry's RSA, DH, DHE, ECDH, ECDHE,
 * PSK, SRP, KRB5 and ECCPWD families (AES CBC, GCM and CCM, ChaCha20,
 * Camellia, ARIA, SEED, 3DES, DES, RC4, IDEA, NULL), and the two SCSVs.
 * Left out: the GREASE values (RFC 8701), named by sr_tls_version_name's
 * rule instead, and the private-use range 0xff00-0xffff. */
static const suite_name suites[] = {
    { 0x0000, "TLS_NULL_WITH_NULL_NULL" },
    { 0x0001, "TLS_RSA_WITH_NULL_MD5" },
    { 0x0002, "TLS_RSA_WITH_NULL_SHA" },
    { 0x0003, "TLS_RSA_EXPORT_WITH_RC4_40_MD5" },
    { 0x0004, "TLS_RSA_WITH_RC4_128_MD5" },
    { 0x0005, "TLS_RSA_WITH_RC4_128_SHA" },
    { 0x0006, "TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5" },
    { 0x0007, "TLS_RSA_WITH_IDEA_CBC_SHA" },
    { 0x0008, "TLS_RSA_EXPORT_WITH_DES40_CBC_SHA" },
    { 0x0009, "TLS_RSA_WITH_DES_CBC_SHA" },
    { 0x000a, "TLS_RSA_WITH_3DES_EDE_CBC_SHA" },
    { 0x000b, "TLS_DH_DSS_EXPORT_WITH_DES40_CBC_SHA" },
    { 0x000c, "TLS_DH_DSS_WITH_DES_CBC_SHA" },
    { 0x000d, "TLS_DH_DSS_WITH_3DES_EDE_CBC_SHA" },
    { 0x000e, "TLS_DH_RSA_EXPORT_WITH_DES40_CBC_SHA" },
    { 0x000f, "TLS_DH_RSA_WITH_DES_CBC_SHA" },
    { 0x0010, "TLS_DH_RSA_WITH_3DES_EDE_CBC_SHA" },
    { 0x0011, "TLS_DHE_DSS_EXPORT_WITH_DES40_CBC_SHA" },
    { 0x0012, "TLS_DHE_DSS_WITH_DES_CBC_SHA" },
    { 0x0013, "TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA" },
    { 0x0014, "TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA" },
    { 0x0015, "TLS_DHE_RSA_WITH_DES_CBC_SHA" },
    { 0x0016, "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA" },
    { 0x0017, "TLS_DH_anon_EXPORT_WITH_RC4_40_MD5" },
    { 0x0018, "TLS_DH_anon_WITH_RC4_128_MD5" },
    { 0x0019, "TLS_DH_anon_EXPORT_WITH_DES40_CBC_SHA" },
    { 0x001a, "TLS_DH_anon_WITH_DES_CBC_SHA" },
    { 0x001b, "TLS_DH_anon_WITH_3DES_EDE_CBC_SHA" },
    { 0x001e, "TLS_KRB5_WITH_DES_CBC_SHA" },
    { 0x001f, "TLS_KRB5_WITH_3DES_EDE_CBC_SHA" },
    { 0x0020, "TLS_KRB5_WITH_RC4_128_SHA" },
    { 0x0021, "TLS_KRB5_WITH_IDEA_CBC_SHA" },
    { 0x0022, "TLS_KRB5_WITH_DES_CBC_MD5" },
    { 0x0023, "TLS_KRB5_WITH_3DES_EDE_CBC_MD5" },
    { 0x0024, "TLS_KRB5_WITH_RC4_128_MD5" },
    { 0x0025, "TLS_KRB5_WITH_IDEA_CBC_MD5" },
    { 0x0026, "TLS_KRB5_EXPORT_WITH_DES_CBC_40_SHA" },
    { 0x0027, "TLS_KRB5_EXPORT_WITH_RC2_CBC_40_SHA" },
    { 0x0028, "TLS_KRB5_EXPORT_WITH_RC4_40_SHA" },
    { 0x0029, "TLS_KRB5_EXPORT_WITH_DES_CBC_40_MD5" },
    { 0x002a, "TLS_KRB5_EXPORT_WITH_RC2_CBC_40_MD5" },
    { 0x002b, "TLS_KRB5_EXPORT_WITH_RC4_40_MD5" },
    { 0x002c, "TLS_PSK_WITH_NULL_SHA" },
    { 0x002d, "TLS_DHE_PSK_WITH_NULL_SHA" },
    { 0x002e, "TLS_RSA_PSK_WITH_NULL_SHA" },
    { 0x002f, "TLS_RSA_WITH_AES_128_CBC_SHA" },
    { 0x0030, "TLS_DH_DSS_WITH_AES_128_CBC_SHA" },
    { 0x0031, "TLS_DH_RSA_WITH_AES_128_CBC_SHA" },
    { 0x0032, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA" },
    { 0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA" },
    { 0x0034, "TLS_DH_anon_WITH_AES_128_CBC_SHA" },
    { 0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA" },
    { 0x0036, "TLS_DH_DSS_WITH_AES_256_CBC_SHA" },
    { 0x0037, "TLS_DH_RSA_WITH_AES_256_CBC_SHA" },
    { 0x0038, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA" },
    { 0x0039, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA" },
    { 0x003a, "TLS_DH_anon_WITH_AES_256_CBC_SHA" },
    { 0x003b, "TLS_RSA_WITH_NULL_SHA256" },
    { 0x003c, "TLS_RSA_WITH_AES_128_CBC_SHA256" },
    { 0x003d, "TLS_RSA_WITH_AES_256_CBC_SHA256" },
    { 0x003e, "TLS_DH_DSS_WITH_AES_128_CBC_SHA256" },
    { 0x003f, "TLS_DH_RSA_WITH_AES_128_CBC_SHA256" },
    { 0x0040, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA256" },
    { 0x0041, "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA" },
    { 0x0042, "TLS_DH_DSS_WITH_CAMELLIA_128_CBC_SHA" },
    { 0x0043, "TLS_DH_RSA_WITH_CAMELLIA_128_CBC_SHA" },
    { 0x0044, "TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA" },
    { 0x0045, "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA" },
    { 0x0046, "TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA" },
    { 0x0067, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256" },
    { 0x0068, "TLS_DH_DSS_WITH_AES_256_CBC_SHA256" },
    { 0x0069, "TLS_DH_RSA_WITH_AES_256_CBC_SHA256" },
    { 0x006a, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA256" },
    { 0x006b, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256" },
    { 0x006c, "TLS_DH_anon_WITH_AES_128_CBC_SHA256" },
    { 0x006d, "TLS_DH_anon_WITH_AES_256_CBC_SHA256" },
    { 0x0084, "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA" },
    { 0x0085, "TLS_DH_DSS_WITH_CAMELLIA_256_CBC_SHA" },
    { 0x0086, "TLS_DH_RSA_WITH_CAMELLIA_256_CBC_SHA" },
    { 0x0087, "TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA" },
    { 0x0088, "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA" },
    { 0x0089, "TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA" },
    { 0x008a, "TLS_PSK_WITH_RC4_128_SHA" },
    { 0x008b, "TLS_PSK_WITH_3DES_EDE_CBC_SHA" },
    { 0x008c, "TLS_PSK_WITH_AES_128_CBC_SHA" },
    { 0x008d, "TLS_PSK_WITH_AES_256_CBC_SHA" },
    { 0x008e, "TLS_DHE_PSK_WITH_RC4_128_SHA" },
    { 0x008f, "TLS_DHE_PSK_WITH_3DES_EDE_CBC_SHA" },
    { 0x0090, "TLS_DHE_PSK_WITH_AES_128_CBC_SHA" },
    { 0x0091, "TLS_DHE_PSK_WITH_AES_256_CBC_SHA" },
    { 0x0092, "TLS_RSA_PSK_WITH_RC4_128_SHA" },
    { 0x0093, "TLS_RSA_PSK_WITH_3DES_EDE_CBC_SHA" },
    { 0x0094, "TLS_RSA_PSK_WITH_AES_128_CBC_SHA" },
    { 0x0095, "TLS_RSA_PSK_WITH_AES_256_CBC_SHA" },
    { 0x0096, "TLS_RSA_WITH_SEED_CBC_SHA" },
    { 0x0097, "TLS_DH_DSS_WITH_SEED_CBC_SHA" },
    { 0x0098, "TLS_DH_RSA_WITH_SEED_CBC_SHA" },
    { 0x0099, "TLS_DHE_DSS_WITH_SEED_CBC_SHA" },
    { 0x009a, "TLS_DHE_RSA_WITH_SEED_CBC_SHA" },
    { 0x009b, "TLS_DH_anon_WITH_SEED_CBC_SHA" },
    { 0x009c, "TLS_RSA_WITH_AES_128_GCM_SHA256" },
    { 0x009d, "TLS_RSA_WITH_AES_256_GCM_SHA384" },
    { 0x009e, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256" },
    { 0x009f, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384" },
    { 0x00a0, "TLS_DH_RSA_WITH_AES_128_GCM_SHA256" },
    { 0x00a1, "TLS_DH_RSA_WITH_AES_256_GCM_SHA384" },
    { 0x00a2, "TLS_DHE_DSS_WITH_AES_128_GCM_SHA256" },
    { 0x00a3, "TLS_DHE_DSS_WITH_AES_256_GCM_SHA384" },
    { 0x00a4, "TLS_DH_DSS_WITH_AES_128_GCM_SHA256" },
    { 0x00a5, "TLS_DH_DSS_WITH_AES_256_GCM_SHA384" },
    { 0x00a6, "TLS_DH_anon_WITH_AES_128_GCM_SHA256" },
    { 0x00a7, "TLS_DH_anon_WITH_AES_256_GCM_SHA384" },
    { 0x00a8, "TLS_PSK_WITH_AES_128_GCM_SHA256" },
    { 0x00a9, "TLS_PSK_WITH_AES_256_GCM_SHA384" },
    { 0x00aa, "TLS_DHE_PSK_WITH_AES_128_GCM_SHA256" },
    { 0x00ab, "TLS_DHE_PSK_WITH_AES_256_GCM_SHA384" },
    { 0x00ac, "TLS_RSA_PSK_WITH_AES_128_GCM_SHA256" },
    { 0x00ad, "TLS_RSA_PSK_WITH_AES_256_GCM_SHA384" },
    { 0x00ae, "TLS_PSK_WITH_AES_128_CBC_SHA256" },
    { 0x00af, "TLS_PSK_WITH_AES_256_CBC_SHA384" },
    { 0x00b0, "TLS_PSK_WITH_NULL_SHA256" },
    { 0x00b1, "TLS_PSK_WITH_NULL_SHA384" },
    { 0x00b2, "TLS_DHE_PSK_WITH_AES_128_CBC_SHA256" },
    { 0x00b3, "TLS_DHE_PSK_WITH_AES_256_CBC_SHA384" },
    { 0x00b4, "TLS_DHE_PSK_WITH_NULL_SHA256" },
    { 0x00b5, "TLS_DHE_PSK_WITH_NULL_SHA384" },
    { 0x00b6, "TLS_RSA_PSK_WITH_AES_128_CBC_SHA256" },
    { 0x00b7, "TLS_RSA_PSK_WITH_AES_256_CBC_SHA384" },
    { 0x00b8, "TLS_RSA_PSK_WITH_NULL_SHA256" },
    { 0x00b9, "TLS_RSA_PSK_WITH_NULL_SHA384" },
    { 0x00ba, "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA256" },
    { 0x00bb, "TLS_DH_DSS_WITH_CAMELLIA_128_CBC_SHA256" },
    { 0x00bc, "TLS_DH_RSA_WITH_CAMELLIA_128_CBC_SHA256" },
    { 0x00bd, "TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA256" },
    { 0x00be, "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA256" },
    { 0x00bf, "TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA256" },
    { 0x00c0, "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA256" },
    { 0x00c1, "TLS_DH_DSS_WITH_CAMELLIA_256_CBC_SHA256" },
    { 0x00c2, "TLS_DH_RSA_WITH_CAMELLIA_256_CBC_SHA256" },
    { 0x00c3, "TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA256" },
    { 0x00c4, "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA256" },
    { 0x00c5, "TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA256" },
    { 0x00c6, "TLS_SM4_GCM_SM3" },
    { 0x00c7, "TLS_SM4_CCM_SM3" },
    { 0x00ff, "TLS_EMPTY_RENEGOTIATION_INFO_SCSV" },
    { 0x1301, "TLS_AES_128_GCM_SHA256" },
    { 0x1302, "TLS_AES_256_GCM_SHA384" },
    { 0x1303, "TLS_CHACHA20_POLY1305_SHA256" },
    { 0x1304, "TLS_AES_128_CCM_SHA256" },
    { 0x1305, "TLS_AES_128_CCM_8_SHA256" },
    { 0x1306, "TLS_AEGIS_256_SHA512" },
    { 0x1307, "TLS_AEGIS_128L_SHA256" },
    { 0x5600, "TLS_FALLBACK_SCSV" },
    { 0xc001, "TLS_ECDH_ECDSA_WITH_NULL_SHA" },
    { 0xc002, "TLS_ECDH_ECDSA_WITH_RC4_128_SHA" },
    { 0xc003, "TLS_ECDH_ECDSA_WITH_3DES_EDE_CBC_SHA" },
    { 0xc004, "TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA" },
    { 0xc005, "TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA" },
    { 0xc006, "TLS_ECDHE_ECDSA_WITH_NULL_SHA" },
    { 0xc007, "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA" },
    { 0xc008, "TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA" },
    { 0xc009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA" },
    { 0xc00a, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA" },
    { 0xc00b, "TLS_ECDH_RSA_WITH_NULL_SHA" },
    { 0xc00c, "TLS_ECDH_RSA_WITH_RC4_128_SHA" },
    { 0xc00d, "TLS_ECDH_RSA_WITH_3DES_EDE_CBC_SHA" },
    { 0xc00e, "TLS_ECDH_RSA_WITH_AES_128_CBC_SHA" },
    { 0xc00f, "TLS_ECDH_RSA_WITH_AES_256_CBC_SHA" },
    { 0xc010, "TLS_ECDHE_RSA_WITH_NULL_SHA" },
    { 0xc011, "TLS_ECDHE_RSA_WITH_RC4_128_SHA" },
    { 0xc012, "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA" },
    { 0xc013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA" },
    { 0xc014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA" },
    { 0xc015, "TLS_ECDH_anon_WITH_NULL_SHA" },
    { 0xc016, "TLS_ECDH_anon_WITH_RC4_128_SHA" },
    { 0xc017, "TLS_ECDH_anon_WITH_3DES_EDE_CBC_SHA" },
    { 0xc018, "TLS_ECDH_anon_WITH_AES_128_CBC_SHA" },
    { 0xc019, "TLS_ECDH_anon_WITH_AES_256_CBC_SHA" },
    { 0xc01a, "TLS_SRP_SHA_WITH_3DES_EDE_CBC_SHA" },
    { 0xc01b, "TLS_SRP_SHA_RSA_WITH_3DES_EDE_CBC_SHA" },
    { 0xc01c, "TLS_SRP_SHA_DSS_WITH_3DES_EDE_CBC_SHA" },
    { 0xc01d, "TLS_SRP_SHA_WITH_AES_128_CBC_SHA" },
    { 0xc01e, "TLS_SRP_SHA_RSA_WITH_AES_128_CBC_SHA" },
    { 0xc01f, "TLS_SRP_SHA_DSS_WITH_AES_128_CBC_SHA" },
    { 0xc020, "TLS_SRP_SHA_WITH_AES_256_CBC_SHA" },
    { 0xc021, "TLS_SRP_SHA_RSA_WITH_AES_256_CBC_SHA" },
    { 0xc022, "TLS_SRP_SHA_DSS_WITH_AES_256_CBC_SHA" },
    { 0xc023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256" },
    { 0xc024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384" },
    { 0xc025, "TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA256" },
    { 0xc026, "TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA384" },
    { 0xc027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256" },
    { 0xc028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384" },
    { 0xc029, "TLS_ECDH_RSA_WITH_AES_128_CBC_SHA256" },
    { 0xc02a, "TLS_ECDH_RSA_WITH_AES_256_CBC_SHA384" },
    { 0xc02b, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256" },
    { 0xc02c, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384" },
    { 0xc02d, "TLS_ECDH_ECDSA_WITH_AES_128_GCM_SHA256" },
    { 0xc02e, "TLS_ECDH_ECDSA_WITH_AES_256_GCM_SHA384" },
    { 0xc02f, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" },
    { 0xc030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384" },
    { 0xc031, "TLS_ECDH_RSA_WITH_AES_128_GCM_SHA256" },
    { 0xc032, "TLS_ECDH_RSA_WITH_AES_256_GCM_SHA384" },
    { 0xc033, "TLS_ECDHE_PSK_WITH_RC4_128_SHA" },
    { 0xc034, "TLS_ECDHE_PSK_WITH_3DES_EDE_CBC_SHA" },
    { 0xc035, "TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA" },
    { 0xc036, "TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA" },
    { 0xc037, "TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256" },
    { 0xc038, "TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA384" },
    { 0xc039, "TLS_ECDHE_PSK_WITH_NULL_SHA" },
    { 0xc03a, "TLS_ECDHE_PSK_WITH_NULL_SHA256" },
    { 0xc03b, "TLS_ECDHE_PSK_WITH_NULL_SHA384" },
    { 0xc03c, "TLS_RSA_WITH_ARIA_128_CBC_SHA256" },
    { 0xc03d, "TLS_RSA_WITH_ARIA_256_CBC_SHA384" },
    { 0xc03e, "TLS_DH_DSS_WITH_ARIA_128_CBC_SHA256" },
    { 0xc03f, "TLS_DH_DSS_WITH_ARIA_256_CBC_SHA384" },
    { 0xc040, "TLS_DH_RSA_WITH_ARIA_128_CBC_SHA256" },
    { 0xc041, "TLS_DH_RSA_WITH_ARIA_256_CBC_SHA384" },
    { 0xc042, "TLS_DHE_DSS_WITH_ARIA_128_CBC_SHA256" },
    { 0xc043, "TLS_DHE_DSS_WITH_ARIA_256_CBC_SHA384" },
    { 0xc044, "TLS_DHE_RSA_WITH_ARIA_128_CBC_SHA256" },
    { 0xc045, "TLS_DHE_RSA_WITH_ARIA_256_CBC_SHA384" },
    { 0xc046, "TLS_DH_anon_WITH_ARIA_128_CBC_SHA256" },
    { 0xc047, "TLS_DH_anon_WITH_ARIA_256_CBC_SHA384" },
    { 0xc048, "TLS_ECDHE_ECDSA_WITH_ARIA_128_CBC_SHA256" },
    { 0xc049, "TLS_ECDHE_ECDSA_WITH_ARIA_256_CBC_SHA384" },
    { 0xc04a, "TLS_ECDH_ECDSA_WITH_ARIA_128_CBC_SHA256" },
    { 0xc04b, "TLS_ECDH_ECDSA_WITH_ARIA_256_CBC_SHA384" },
    { 0xc04c, "TLS_ECDHE_RSA_WITH_ARIA_128_CBC_SHA256" },
    { 0xc04d, "TLS_ECDHE_RSA_WITH_ARIA_256_CBC_SHA384" },
    { 0xc04e, "TLS_ECDH_RSA_WITH_ARIA_128_CBC_SHA256" },
    { 0xc04f, "TLS_ECDH_RSA_WITH_ARIA_256_CBC_SHA384" },
    { 0xc050, "TLS_RSA_WITH_ARIA_128_GCM_SHA256" },
    { 0xc051, "TLS_RSA_WITH_ARIA_256_GCM_SHA384" },
    { 0xc052, "TLS_DHE_RSA_WITH_ARIA_128_GCM_SHA256" },
    { 0xc053, "TLS_DHE_RSA_WITH_ARIA_256_GCM_SHA384" },
    { 0xc054, "TLS_DH_RSA_WITH_ARIA_128_GCM_SHA256" },
    { 0xc055, "TLS_DH_RSA_WITH_ARIA_256_GCM_SHA384" },
    { 0xc056, "TLS_DHE_DSS_WITH_ARIA_128_GCM_SHA256" },
    { 0xc057, "TLS_DHE_DSS_WITH_ARIA_256_GCM_SHA384" },
    { 0xc058, "TLS_DH_DSS_WITH_ARIA_128_GCM_SHA256" },
    { 0xc059, "TLS_DH_DSS_WITH_ARIA_256_GCM_SHA384" },
    { 0xc05a, "TLS_DH_anon_WITH_ARIA_128_GCM_SHA256" },
    { 0xc05b, "TLS_DH_anon_WITH_ARIA_256_GCM_SHA384" },
    { 0xc05c, "TLS_ECDHE_ECDSA_WITH_ARIA_128_GCM_SHA256" },
    { 0xc05d, "TLS_ECDHE_ECDSA_WITH_ARIA_256_GCM_SHA384" },
    { 0xc05e, "TLS_ECDH_ECDSA_WITH_ARIA_128_GCM_SHA256" },
    { 0xc05f, "TLS_ECDH_ECDSA_WITH_ARIA_256_GCM_SHA384" },
    { 0xc060, "TLS_ECDHE_RSA_WITH_ARIA_128_GCM_SHA256" },
    { 0xc061, "TLS_ECDHE_RSA_WITH_ARIA_256_GCM_SHA384" },
    { 0xc062, "TLS_ECDH_RSA_WITH_ARIA_128_GCM_SHA256" },
    { 0xc063, "TLS_ECDH_RSA_WITH_ARIA_256_GCM_SHA384" },
    { 0xc064, "TLS_PSK_WITH_ARIA_128_CBC_SHA256" },
    { 0xc065, "TLS_PSK_WITH_ARIA_256_CBC_SHA384" },
    { 0xc066, "TLS_DHE_PSK_WITH_ARIA_128_CBC_SHA256" },
    { 0xc067, "TLS_DHE_PSK_WITH_ARIA_256_CBC_SHA384" },
    { 0xc068, "TLS_RSA_PSK_WITH_ARIA_128_CBC_SHA256" },
    { 0xc069, "TLS_RSA_PSK_WITH_ARIA_256_CBC_SHA384" },
    { 0xc06a, "TLS_PSK_WITH_ARIA_128_GCM_SHA256" },
    { 0xc06b, "TLS_PSK_WITH_ARIA_256_GCM_SHA384" },
    { 0xc06c, "TLS_DHE_PSK_WITH_ARIA_128_GCM_SHA256" },
    { 0xc06d, "TLS_DHE_PSK_WITH_ARIA_256_GCM_SHA384" },
    { 0xc06e, "TLS_RSA_PSK_WITH_ARIA_128_GCM_SHA256" },
    { 0xc06f, "TLS_RSA_PSK_WITH_ARIA_256_GCM_SHA384" },
    { 0xc070, "TLS_ECDHE_PSK_WITH_ARIA_128_CBC_SHA256" },
    { 0xc071, "TLS_ECDHE_PSK_WITH_ARIA_256_CBC_SHA384" },
    { 0xc072, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_CBC_SHA256" },
    { 0xc073, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_CBC_SHA384" },
    { 0xc074, "TLS_ECDH_ECDSA_WITH_CAMELLIA_128_CBC_SHA256" },
    { 0xc075, "TLS_ECDH_ECDSA_WITH_CAMELLIA_256_CBC_SHA384" },
    { 0xc076, "TLS_ECDHE_RSA_WITH_CAMELLIA_128_CBC_SHA256" },
    { 0xc077, "TLS_ECDHE_RSA_WITH_CAMELLIA_256_CBC_SHA384" },
    { 0xc078, "TLS_ECDH_RSA_WITH_CAMELLIA_128_CBC_SHA256" },
    { 0xc079, "TLS_ECDH_RSA_WITH_CAMELLIA_256_CBC_SHA384" },
    { 0xc07a, "TLS_RSA_WITH_CAMELLIA_128_GCM_SHA256" },
    { 0xc07b, "TLS_RSA_WITH_CAMELLIA_256_GCM_SHA384" },
    { 0xc07c, "TLS_DHE_RSA_WITH_CAMELLIA_128_GCM_SHA256" },
    { 0xc07d, "TLS_DHE_RSA_WITH_CAMELLIA_256_GCM_SHA384" },
    { 0xc07e, "TLS_DH_RSA_WITH_CAMELLIA_128_GCM_SHA256" },
    { 0xc07f, "TLS_DH_RSA_WITH_CAMELLIA_256_GCM_SHA384" },
    { 0xc080, "TLS_DHE_DSS_WITH_CAMELLIA_128_GCM_SHA256" },
    { 0xc081, "TLS_DHE_DSS_WITH_CAMELLIA_256_GCM_SHA384" },
    { 0xc082, "TLS_DH_DSS_WITH_CAMELLIA_128_GCM_SHA256" },
    { 0xc083, "TLS_DH_DSS_WITH_CAMELLIA_256_GCM_SHA384" },
    { 0xc084, "TLS_DH_anon_WITH_CAMELLIA_128_GCM_SHA256" },
    { 0xc085, "TLS_DH_anon_WITH_CAMELLIA_256_GCM_SHA384" },
    { 0xc086, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_GCM_SHA256" },
    { 0xc087, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_GCM_SHA384" },
    { 0xc088, "TLS_ECDH_ECDSA_WITH_CAMELLIA_128_GCM_SHA256" },
    { 0xc089, "TLS_ECDH_ECDSA_WITH_CAMELLIA_256_GCM_SHA384" },
    { 0xc08a, "TLS_ECDHE_RSA_WITH_CAMELLIA_128_GCM_SHA256" },
    { 0xc08b, "TLS_ECDHE_RSA_WITH_CAMELLIA_256_GCM_SHA384" },
    { 0xc08c, "TLS_ECDH_RSA_WITH_CAMELLIA_128_GCM_SHA256" },
    { 0xc08d, "TLS_ECDH_RSA_WITH_CAMELLIA_256_GCM_SHA384" },
    { 0xc08e, "TLS_PSK_WITH_CAMELLIA_128_GCM_SHA256" },
    { 0xc08f, "TLS_PSK_WITH_CAMELLIA_256_GCM_SHA384" },
    { 0xc090, "TLS_DHE_PSK_WITH_CAMELLIA_128_GCM_SHA256" },
    { 0xc091, "TLS_DHE_PSK_WITH_CAMELLIA_256_GCM_SHA384" },
    { 0xc092, "TLS_RSA_PSK_WITH_CAMELLIA_128_GCM_SHA256" },
    { 0xc093, "TLS_RSA_PSK_WITH_CAMELLIA_256_GCM_SHA384" },
    { 0xc094, "TLS_PSK_WITH_CAMELLIA_128_CBC_SHA256" },
    { 0xc095, "TLS_PSK_WITH_CAMELLIA_256_CBC_SHA384" },
    { 0xc096, "TLS_DHE_PSK_WITH_CAMELLIA_128_CBC_SHA256" },
    { 0xc097, "TLS_DHE_PSK_WITH_CAMELLIA_256_CBC_SHA384" },
    { 0xc098, "TLS_RSA_PSK_WITH_CAMELLIA_128_CBC_SHA256" },
    { 0xc099, "TLS_RSA_PSK_WITH_CAMELLIA_256_CBC_SHA384" },
    { 0xc09a, "TLS_ECDHE_PSK_WITH_CAMELLIA_128_CBC_SHA256" },
    { 0xc09b, "TLS_ECDHE_PSK_WITH_CAMELLIA_256_CBC_SHA384" },
    { 0xc09c, "TLS_RSA_WITH_AES_128_CCM" },
    { 0xc09d, "TLS_RSA_WITH_AES_256_CCM" },
    { 0xc09e, "TLS_DHE_RSA_WITH_AES_128_CCM" },
    { 0xc09f, "TLS_DHE_RSA_WITH_AES_256_CCM" },
    { 0xc0a0, "TLS_RSA_WITH_AES_128_CCM_8" },
    { 0xc0a1, "TLS_RSA_WITH_AES_256_CCM_8" },
    { 0xc0a2, "TLS_DHE_RSA_WITH_AES_128_CCM_8" },
    { 0xc0a3, "TLS_DHE_RSA_WITH_AES_256_CCM_8" },
    { 0xc0a4, "TLS_PSK_WITH_AES_128_CCM" },
    { 0xc0a5, "TLS_PSK_WITH_AES_256_CCM" },
    { 0xc0a6, "TLS_DHE_PSK_WITH_AES_128_CCM" },
    { 0xc0a7, "TLS_DHE_PSK_WITH_AES_256_CCM" },
    { 0xc0a8, "TLS_PSK_WITH_AES_128_CCM_8" },
    { 0xc0a9, "TLS_PSK_WITH_AES_256_CCM_8" },
    { 0xc0aa, "TLS_PSK_DHE_WITH_AES_128_CCM_8" },
    { 0xc0ab, "TLS_PSK_DHE_WITH_AES_256_CCM_8" },
    { 0xc0ac, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM" },
    { 0xc0ad, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM" },
    { 0xc0ae, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8" },
    { 0xc0af, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8" },
    { 0xc0b0, "TLS_ECCPWD_WITH_AES_128_GCM_SHA256" },
    { 0xc0b1, "TLS_ECCPWD_WITH_AES_256_GCM_SHA384" },
    { 0xc0b2, "TLS_ECCPWD_WITH_AES_128_CCM_SHA256" },
    { 0xc0b3, "TLS_ECCPWD_WITH_AES_256_CCM_SHA384" },
    { 0xc0b4, "TLS_SHA256_SHA256" },
    { 0xc0b5, "TLS_SHA384_SHA384" },
    { 0xc100, "TLS_GOSTR341112_256_WITH_KUZNYECHIK_CTR_OMAC" },
    { 0xc101, "TLS_GOSTR341112_256_WITH_MAGMA_CTR_OMAC" },
    { 0xc102, "TLS_GOSTR341112_256_WITH_28147_CNT_IMIT" },
    { 0xc103, "TLS_GOSTR341112_256_WITH_KUZNYECHIK_MGM_L" },
    { 0xc104, "TLS_GOSTR341112_256_WITH_MAGMA_MGM_L" },
    { 0xc105, "TLS_GOSTR341112_256_WITH_KUZNYECHIK_MGM_S" },
    { 0xc106, "TLS_GOSTR341112_256_WITH_MAGMA_MGM_S" },
    { 0xcca8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256" },
    { 0xcca9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256" },
    { 0xccaa, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256" },
    { 0xccab, "TLS_PSK_WITH_CHACHA20_POLY1305_SHA256" },
    { 0xccac, "TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256" },
    { 0xccad, "TLS_DHE_PSK_WITH_CHACHA20_POLY1305_SHA256" },
    { 0xccae, "TLS_RSA_PSK_WITH_CHACHA20_POLY1305_SHA256" },
    { 0xd001, "TLS_ECDHE_PSK_WITH_AES_128_GCM_SHA256" },
    { 0xd002, "TLS_ECDHE_PSK_WITH_AES_256_GCM_SHA384" },
    { 0xd003, "TLS_ECDHE_PSK_WITH_AES_128_CCM_8_SHA256" },
    { 0xd005, "TLS_ECDHE_PSK_WITH_AES_128_CCM_SHA256" },
};

static int
compare_suite(const void *key, const void *row)
{
    guint16 id = *(const guint16 *)key;
    guint16 other = ((const suite_name *)row)->id;

    return (id > other) - (id < other);
}

/* RFC 8701: 0x0a0a, 0x1a1a, ... 0xfafa, in cipher suites and versions alike. */
static gboolean
is_grease(guint16 v)
{
    return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
}

const char *
sr_tls_cipher_suite_name(guint16 suite)
{
    const suite_name *row;

    if (is_grease(suite))
        return "GREASE";
    row = bsearch(&suite, suites, G_N_ELEMENTS(suites), sizeof suites[0], compare_suite);
    return row ? row->name : NULL;
}

const char *
sr_tls_version_name(guint16 version)
{
    /* The drafts of RFC 8446 that were deployed, 0x7f0e to 0x7f1c. */
    static const char *const drafts[] = {
        "TLS 1.3 draft 14", "TLS 1.3 draft 15", "TLS 1.3 draft 16", "TLS 1.3 draft 17",
        "TLS 1.3 draft 18", "TLS 1.3 draft 19", "TLS 1.3 draft 20", "TLS 1.3 draft 21",
        "TLS 1.3 draft 22", "TLS 1.3 draft 23", "TLS 1.3 draft 24", "TLS 1.3 draft 25",
        "TLS 1.3 draft 26", "TLS 1.3 draft 27", "TLS 1.3 draft 28",
    };

    switch (version) {
    case SR_TLS_VERSION_SSL3:  return "SSL 3.0";
    case SR_TLS_VERSION_TLS10: return "TLS 1.0";
    case SR_TLS_VERSION_TLS11: return "TLS 1.1";
    case SR_TLS_VERSION_TLS12: return "TLS 1.2";
    case SR_TLS_VERSION_TLS13: return "TLS 1.3";
    default:
        break;
    }
    if (version >= 0x7f0e && version <= 0x7f1c)
        return drafts[version - 0x7f0e];
    if (is_grease(version))
        return "GREASE";
    return NULL;
}

const char *
sr_tls_alert_name(guint8 description)
{
    /* RFC 8446 6 and RFC 5246 7.2, with the registry's later entries; the
     * values it marks _RESERVED (no longer sent) keep their old names. */
    switch (description) {
    case 0:   return "close_notify";
    case 10:  return "unexpected_message";
    case 20:  return "bad_record_mac";
    case 21:  return "decryption_failed";            /* TLS 1.0 only */
    case 22:  return "record_overflow";
    case 30:  return "decompression_failure";        /* TLS 1.2 and older */
    case 40:  return "handshake_failure";
    case 41:  return "no_certificate";               /* SSL 3.0 only */
    case 42:  return "bad_certificate";
    case 43:  return "unsupported_certificate";
    case 44:  return "certificate_revoked";
    case 45:  return "certificate_expired";
    case 46:  return "certificate_unknown";
    case 47:  return "illegal_parameter";
    case 48:  return "unknown_ca";
    case 49:  return "access_denied";
    case 50:  return "decode_error";
    case 51:  return "decrypt_error";
    case 52:  return "too_many_cids_requested";      /* RFC 9146 */
    case 60:  return "export_restriction";           /* TLS 1.0 only */
    case 70:  return "protocol_version";
    case 71:  return "insufficient_security";
    case 80:  return "internal_error";
    case 86:  return "inappropriate_fallback";       /* RFC 7507 */
    case 90:  return "user_canceled";
    case 100: return "no_renegotiation";             /* TLS 1.2 and older */
    case 109: return "missing_extension";
    case 110: return "unsupported_extension";
    case 111: return "certificate_unobtainable";     /* RFC 6066, withdrawn */
    case 112: return "unrecognized_name";            /* RFC 6066 */
    case 113: return "bad_certificate_status_response"; /* RFC 6066 */
    case 114: return "bad_certificate_hash_value";   /* RFC 6066, withdrawn */
    case 115: return "unknown_psk_identity";         /* RFC 4279 */
    case 116: return "certificate_required";
    case 120: return "no_application_protocol";      /* RFC 7301 */
    case 121: return "ech_required";                 /* Encrypted Client Hello */
    default:  return NULL;
    }
}

const char *
sr_tls_alert_level_name(guint8 level)
{
    switch (level) {
    case 1:  return "warning";
    case 2:  return "fatal";
    default: return NULL;
    }
}

const char *
sr_tls_content_type_name(guint8 type)
{
    switch (type) {
    case SR_TLS_CHANGE_CIPHER_SPEC: return "change_cipher_spec";
    case SR_TLS_ALERT:              return "alert";
    case SR_TLS_HANDSHAKE:          return "handshake";
    case SR_TLS_APPLICATION_DATA:   return "application_data";
    case SR_TLS_HEARTBEAT:          return "heartbeat";
    default:                        return NULL;
    }
}

const char *
sr_tls_label(const char *name, guint16 value, char buf[SR_TLS_LABEL_SIZE])
{
    if (name)
        return name;
    g_snprintf(buf, SR_TLS_LABEL_SIZE, "0x%04x", value);
    return buf;
}

#define SR_TLS_NAME_(id, name, text) [id] = name,
#define SR_TLS_TEXT_(id, name, text) [id] = text,
static const char *const outcome_names[SR_TLS_OUTCOME_COUNT] = { SR_TLS_OUTCOMES(SR_TLS_NAME_) };
static const char *const outcome_texts[SR_TLS_OUTCOME_COUNT] = { SR_TLS_OUTCOMES(SR_TLS_TEXT_) };
static const char *const stop_names[SR_TLS_STOP_COUNT] = { SR_TLS_STOPS(SR_TLS_NAME_) };
static const char *const stop_texts[SR_TLS_STOP_COUNT] = { SR_TLS_STOPS(SR_TLS_TEXT_) };
#undef SR_TLS_NAME_
#undef SR_TLS_TEXT_

const char *
sr_tls_outcome_name(sr_tls_outcome outcome)
{
    return (guint)outcome < SR_TLS_OUTCOME_COUNT ? outcome_names[outcome] : "?";
}

const char *
sr_tls_outcome_description(sr_tls_outcome outcome)
{
    return (guint)outcome < SR_TLS_OUTCOME_COUNT ? outcome_texts[outcome] : "?";
}

const char *
sr_tls_stop_name(sr_tls_stop stop)
{
    return (guint)stop < SR_TLS_STOP_COUNT ? stop_names[stop] : "?";
}

const char *
sr_tls_stop_description(sr_tls_stop stop)
{
    return (guint)stop < SR_TLS_STOP_COUNT ? stop_texts[stop] : "?";
}

const char *
sr_tls_state_name(sr_tls_state state)
{
    switch (state) {
    case SR_TLS_STATE_HANDSHAKE: return "handshake";
    case SR_TLS_STATE_ENCRYPTED: return "encrypted";
    case SR_TLS_STATE_DONE:      return "done";
    default:                     return "?";
    }
}
