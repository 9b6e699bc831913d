/* SPDX-License-Identifier: ISC */
/*
 * tlscert.h - the self-signed certificate arrayd makes on first start when
 * none is configured (OpenSSL: ECDSA P-256, SHA-256, 10 years, CN and
 * subjectAltName = the host name plus 127.0.0.1 and ::1), and loading PEM
 * files for the TLS listener.
 */
#ifndef ARRAYD_TLSCERT_H
#define ARRAYD_TLSCERT_H

#include <stddef.h>

/*
 * Create cert_path and key_path (key 0600) unless both exist.  Returns 0
 * (created or already there) or -errno; errbuf says why for people.
 */
int tlscert_ensure(const char *cert_path, const char *key_path,
    const char *common_name, char *errbuf, size_t errlen);

/*
 * Read a certificate and key pair into NUL-terminated malloc'ed strings
 * owned by the caller, after checking the key matches the certificate.
 * Returns 0, -ENOENT/-EACCES, or -EINVAL ("certificate does not match
 * key", "not a PEM certificate") with errbuf filled.
 */
int tlscert_load(const char *cert_path, const char *key_path, char **cert_pem,
    char **key_pem, char *errbuf, size_t errlen);

#endif /* ARRAYD_TLSCERT_H */
