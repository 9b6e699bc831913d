/* SPDX-License-Identifier: ISC */
/*
 * tlscert.c - the self-signed certificate arrayd makes on first start when
 * none is configured, and loading of PEM pairs for the TLS listener
 * (OpenSSL 3).
 *
 * The certificate is ECDSA P-256 / SHA-256, valid ten years, CN = the host
 * name, subjectAltName = that name plus localhost, 127.0.0.1 and ::1.
 * ECDSA because clients that open a connection per request pay the
 * server's handshake every time: a P-256 signature costs the server a
 * fraction of an RSA-2048 private-key operation (README "TLS").  It is
 * its own CA (basicConstraints CA:TRUE, keyUsage keyCertSign besides the
 * server usages, subject and authority key identifiers) so a client can
 * trust it directly with `curl --cacert cert.pem`, including OpenSSL's
 * strict X.509 checks that Python enables.  Both files are written to temp
 * files in the same folder and renamed into place (key 0600).  An existing
 * file is never overwritten: if only one of the two exists we refuse, since
 * a lone key or certificate means someone's pair is half there.  So a
 * pair an older arrayd made (RSA 2048) stays in use: it is valid and
 * clients may have pinned it; removing both files gets an ECDSA pair at
 * the next start.  Configured pairs (tls_cert, tls_key) may be RSA or EC.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "daemon/tlscert.h"
#include "daemon/fileio.h"

#define TLSCERT_CURVE		"P-256"
#define TLSCERT_DAYS		3653		/* ten years */
#define TLSCERT_FILE_MAX	(1024 * 1024)

/* Host name (letters, digits, '.', '-', '_') or an IPv4/IPv6 literal. */
static bool
tlscert_name_is_ip(const char *cn)
{
	unsigned char buf[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, cn, buf) == 1 ||
	    inet_pton(AF_INET6, cn, buf) == 1;
}

static bool
tlscert_name_ok(const char *cn)
{
	size_t n = strlen(cn);

	if (n == 0 || n > 64)
		return false;
	if (tlscert_name_is_ip(cn))
		return true;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)cn[i]) && cn[i] != '.' &&
		    cn[i] != '-' && cn[i] != '_')
			return false;
	return true;
}

static int
tlscert_add_ext(X509 *x, X509V3_CTX *ctx, int nid, const char *value)
{
	X509_EXTENSION *ext;
	int ok;

	if ((ext = X509V3_EXT_conf_nid(NULL, ctx, nid, value)) == NULL)
		return -EINVAL;
	ok = X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	return ok == 1 ? 0 : -ENOMEM;
}

static int
tlscert_set_serial(X509 *x)
{
	unsigned char rnd[16];
	BIGNUM *bn;
	int err = 0;

	if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		return -EIO;
	rnd[0] &= 0x7f;		/* positive, at most 16 bytes */
	rnd[0] |= 0x01;		/* and never zero */
	if ((bn = BN_bin2bn(rnd, sizeof(rnd), NULL)) == NULL)
		return -ENOMEM;
	if (BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) == NULL)
		err = -ENOMEM;
	BN_free(bn);
	return err;
}

static int
tlscert_add_exts(X509 *x, const char *cn)
{
	char san[256];
	X509V3_CTX ctx;
	bool ip = tlscert_name_is_ip(cn);
	int err;

	snprintf(san, sizeof(san), "%s%s%sDNS:localhost,IP:127.0.0.1,IP:::1",
	    ip ? "IP:" : "DNS:", cn, ",");
	if (strcmp(cn, "localhost") == 0 || strcmp(cn, "127.0.0.1") == 0 ||
	    strcmp(cn, "::1") == 0)
		snprintf(san, sizeof(san), "DNS:localhost,IP:127.0.0.1,IP:::1");
	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	if ((err = tlscert_add_ext(x, &ctx, NID_basic_constraints,
	    "critical,CA:TRUE")) != 0 ||
	    /* No keyEncipherment: an EC key signs (ECDHE), never decrypts. */
	    (err = tlscert_add_ext(x, &ctx, NID_key_usage, "critical,"
	    "digitalSignature,keyCertSign")) != 0 ||
	    (err = tlscert_add_ext(x, &ctx, NID_ext_key_usage,
	    "serverAuth")) != 0 ||
	    (err = tlscert_add_ext(x, &ctx, NID_subject_key_identifier,
	    "hash")) != 0 ||
	    (err = tlscert_add_ext(x, &ctx, NID_authority_key_identifier,
	    "keyid:always")) != 0)
		return err;
	return tlscert_add_ext(x, &ctx, NID_subject_alt_name, san);
}

/* A new self-signed certificate for `pkey`, owned by the caller. */
static X509 *
tlscert_make(EVP_PKEY *pkey, const char *cn)
{
	X509_NAME *name;
	X509 *x;

	if ((x = X509_new()) == NULL)
		return NULL;
	if (X509_set_version(x, X509_VERSION_3) != 1 ||
	    tlscert_set_serial(x) != 0 ||
	    X509_gmtime_adj(X509_getm_notBefore(x), -3600) == NULL ||
	    X509_time_adj_ex(X509_getm_notAfter(x), TLSCERT_DAYS, 0,
	    NULL) == NULL ||
	    X509_set_pubkey(x, pkey) != 1)
		goto out_free;
	name = X509_get_subject_name(x);
	if (X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
	    (const unsigned char *)"arrayd", -1, -1, 0) != 1 ||
	    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	    (const unsigned char *)cn, -1, -1, 0) != 1 ||
	    X509_set_issuer_name(x, name) != 1 ||
	    tlscert_add_exts(x, cn) != 0 ||
	    X509_sign(x, pkey, EVP_sha256()) == 0)
		goto out_free;
	return x;
out_free:
	X509_free(x);
	return NULL;
}

/*
 * Writes the contents of `bio` to a new temp file beside `path` with
 * `mode`; on success *tmp (owned by the caller) names it.
 */
static int
tlscert_write_tmp(const char *path, BIO *bio, mode_t mode, char **tmp)
{
	char *data;
	long len;
	ssize_t w;
	int fd, err = 0;

	len = BIO_get_mem_data(bio, &data);
	if (asprintf(tmp, "%s.XXXXXX", path) < 0) {
		*tmp = NULL;
		return -ENOMEM;
	}
	if ((fd = mkostemp(*tmp, O_CLOEXEC)) == -1) {
		err = -errno;
		goto out_free;
	}
	if (fchmod(fd, mode) == -1)
		err = -errno;
	while (err == 0 && len > 0) {
		if ((w = write(fd, data, (size_t)len)) == -1) {
			if (errno != EINTR)
				err = -errno;
			continue;
		}
		data += w;
		len -= w;
	}
	if (err == 0 && fsync(fd) == -1)
		err = -errno;
	if (close(fd) == -1 && err == 0)
		err = -errno;
	if (err == 0)
		return 0;
	unlink(*tmp);
out_free:
	free(*tmp);
	*tmp = NULL;
	return err;
}

/* Makes the pair in memory and writes both temp files. */
static int
tlscert_generate(const char *cn, const char *cert_path, const char *key_path,
    char **cert_tmp, char **key_tmp)
{
	BIO *kbio = NULL, *cbio = NULL;
	EVP_PKEY *pkey;
	X509 *x = NULL;
	int err = -ENOMEM;

	if ((pkey = EVP_EC_gen(TLSCERT_CURVE)) == NULL)
		return -EIO;
	if ((x = tlscert_make(pkey, cn)) == NULL)
		goto out_free;
	if ((kbio = BIO_new(BIO_s_mem())) == NULL ||
	    (cbio = BIO_new(BIO_s_mem())) == NULL ||
	    PEM_write_bio_PrivateKey(kbio, pkey, NULL, NULL, 0, NULL,
	    NULL) != 1 ||
	    PEM_write_bio_X509(cbio, x) != 1)
		goto out_free;
	if ((err = tlscert_write_tmp(key_path, kbio, 0600, key_tmp)) != 0)
		goto out_free;
	if ((err = tlscert_write_tmp(cert_path, cbio, 0644, cert_tmp)) != 0) {
		unlink(*key_tmp);
		free(*key_tmp);
		*key_tmp = NULL;
	}
out_free:
	BIO_free(cbio);
	BIO_free(kbio);	/* mem BIOs clear nothing: the key dies with pkey */
	X509_free(x);
	EVP_PKEY_free(pkey);
	return err;
}

/* 1 if `path` exists, 0 if not, -errno if we cannot tell. */
static int
tlscert_exists(const char *path)
{
	struct stat st;

	if (stat(path, &st) == 0)
		return 1;
	return errno == ENOENT ? 0 : -errno;
}

int
tlscert_ensure(const char *cert_path, const char *key_path,
    const char *common_name, char *errbuf, size_t errlen)
{
	char *cert_tmp = NULL, *key_tmp = NULL, cn[80];
	int hc, hk, err;

	if ((hc = tlscert_exists(cert_path)) < 0 ||
	    (hk = tlscert_exists(key_path)) < 0) {
		err = hc < 0 ? hc : hk;
		snprintf(errbuf, errlen, "%s: %s", hc < 0 ? cert_path :
		    key_path, strerror(-err));
		return err;
	}
	if (hc && hk)
		return 0;
	if (hc || hk) {
		snprintf(errbuf, errlen, "%s exists but %s does not: remove "
		    "it to have a new pair made, or provide both",
		    hc ? cert_path : key_path, hc ? key_path : cert_path);
		return -EEXIST;
	}
	/* "[::1]" (a host_name as URLs spell it) means ::1 */
	if (common_name != NULL && common_name[0] == '[' &&
	    strlen(common_name) < sizeof(cn) &&
	    common_name[strlen(common_name) - 1] == ']')
		snprintf(cn, sizeof(cn), "%.*s", (int)strlen(common_name) - 2,
		    common_name + 1);
	else
		snprintf(cn, sizeof(cn), "%s", common_name != NULL ?
		    common_name : "");
	if (!tlscert_name_ok(cn)) {
		snprintf(errbuf, errlen, "'%s' is not a host name or address "
		    "for a certificate", common_name != NULL ? common_name :
		    "");
		return -EINVAL;
	}
	err = tlscert_generate(cn, cert_path, key_path, &cert_tmp, &key_tmp);
	if (err == 0 && rename(key_tmp, key_path) == -1)
		err = -errno;
	if (err == 0 && rename(cert_tmp, cert_path) == -1) {
		err = -errno;
		unlink(key_path);	/* ours, made a moment ago */
	}
	if (err != 0) {
		if (key_tmp != NULL)
			unlink(key_tmp);
		if (cert_tmp != NULL)
			unlink(cert_tmp);
		snprintf(errbuf, errlen, "cannot create %s and %s: %s",
		    cert_path, key_path, strerror(-err));
	}
	free(cert_tmp);
	free(key_tmp);
	return err;
}

/* The whole file in a new NUL-terminated string owned by the caller. */
static int
tlscert_read(const char *path, char **out, char *errbuf, size_t errlen)
{
	const char *step;
	int err = fileio_read_all(path, TLSCERT_FILE_MAX, out, NULL, &step);

	if (err == -EINVAL)
		snprintf(errbuf, errlen, "%s: not a regular file of at most "
		    "1 MiB", path);
	else if (err != 0)
		snprintf(errbuf, errlen, "%s: cannot %s: %s", path, step,
		    strerror(-err));
	return err;
}

/* Refuses encrypted keys instead of prompting on a terminal. */
static int
tlscert_no_password(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return -1;
}

/* Checks that `cert` and `key` are PEM and belong together. */
static int
tlscert_check_pair(const char *cert_path, const char *cert,
    const char *key_path, const char *key, char *errbuf, size_t errlen)
{
	EVP_PKEY *pkey = NULL;
	X509 *x = NULL;
	BIO *bio;
	int err = 0;

	if ((bio = BIO_new_mem_buf(cert, -1)) == NULL)
		return -ENOMEM;
	x = PEM_read_bio_X509(bio, NULL, tlscert_no_password, NULL);
	BIO_free(bio);
	if (x == NULL) {
		snprintf(errbuf, errlen, "%s: not a PEM certificate",
		    cert_path);
		return -EINVAL;
	}
	if ((bio = BIO_new_mem_buf(key, -1)) == NULL) {
		err = -ENOMEM;
		goto out_free;
	}
	pkey = PEM_read_bio_PrivateKey(bio, NULL, tlscert_no_password, NULL);
	BIO_free(bio);
	if (pkey == NULL) {
		snprintf(errbuf, errlen, "%s: not an unencrypted PEM private "
		    "key", key_path);
		err = -EINVAL;
	} else if (X509_check_private_key(x, pkey) != 1) {
		snprintf(errbuf, errlen, "%s, %s: certificate does not match "
		    "key", cert_path, key_path);
		err = -EINVAL;
	}
out_free:
	EVP_PKEY_free(pkey);
	X509_free(x);
	ERR_clear_error();
	return err;
}

int
tlscert_load(const char *cert_path, const char *key_path, char **cert_pem,
    char **key_pem, char *errbuf, size_t errlen)
{
	char *cert = NULL, *key = NULL;
	int err;

	*cert_pem = NULL;
	*key_pem = NULL;
	if ((err = tlscert_read(cert_path, &cert, errbuf, errlen)) != 0 ||
	    (err = tlscert_read(key_path, &key, errbuf, errlen)) != 0 ||
	    (err = tlscert_check_pair(cert_path, cert, key_path, key, errbuf,
	    errlen)) != 0)
		goto out_free;
	*cert_pem = cert;
	*key_pem = key;
	return 0;
out_free:
	free(cert);
	if (key != NULL)
		OPENSSL_cleanse(key, strlen(key));
	free(key);
	return err;
}
