#pragma once
// Stand-in for mbedTLS's include/mbedtls/x509.h as ESP-IDF v5.0.5 ships it
// (components/mbedtls/mbedtls, mbedTLS 3.x): the certificate verification
// flags (mbedtls_ssl_get_verify_result) the upload driver reads, with their
// real values, unchanged since mbedTLS 2.
#define MBEDTLS_X509_BADCERT_EXPIRED 0x01
#define MBEDTLS_X509_BADCERT_REVOKED 0x02
#define MBEDTLS_X509_BADCERT_CN_MISMATCH 0x04
#define MBEDTLS_X509_BADCERT_NOT_TRUSTED 0x08
#define MBEDTLS_X509_BADCERT_FUTURE 0x0200
