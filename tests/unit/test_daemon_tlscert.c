/* SPDX-License-Identifier: ISC */
/*
 * test_daemon_tlscert.c - the self-signed pair: made with the promised
 * properties (ECDSA P-256, SHA-256, ten years, SANs, its own CA, verifies
 * under OpenSSL's strict X.509 checks as a TLS server certificate), reused
 * untouched (an RSA pair too), a half-present pair refused, mismatched or non-PEM files
 * refused by tlscert_load with the documented messages.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "daemon/tlscert.h"
#include "tests/unit/fixture_dir.h"

static char tmpdir[FX_DIR_MAX];
static char cert1[128], key1[128], cert2[128], key2[128];

static int
setup(void **state)
{
	char err[256];

	(void)state;
	if (fx_dir_make(tmpdir, "test_tlscert") != 0)
		return -1;
	snprintf(cert1, sizeof(cert1), "%s/cert.pem", tmpdir);
	snprintf(key1, sizeof(key1), "%s/key.pem", tmpdir);
	snprintf(cert2, sizeof(cert2), "%s/cert2.pem", tmpdir);
	snprintf(key2, sizeof(key2), "%s/key2.pem", tmpdir);
	/* Two pairs shared by the tests. */
	if (tlscert_ensure(cert1, key1, "array1.example.com", err,
	    sizeof(err)) != 0 ||
	    tlscert_ensure(cert2, key2, "192.0.2.7", err, sizeof(err)) != 0)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	return fx_dir_remove(tmpdir);
}

static X509 *
parse_cert(const char *pem)
{
	BIO *bio = BIO_new_mem_buf(pem, -1);
	X509 *x;

	assert_non_null(bio);
	x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	BIO_free(bio);
	assert_non_null(x);
	return x;
}

/* Verifies `x` as a TLS server certificate trusting only itself. */
static int
verify_strict(X509 *x)
{
	X509_STORE *store = X509_STORE_new();
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	int ok;

	assert_non_null(store);
	assert_non_null(ctx);
	assert_int_equal(X509_STORE_add_cert(store, x), 1);
	assert_int_equal(X509_STORE_CTX_init(ctx, store, x, NULL), 1);
	X509_STORE_CTX_set_flags(ctx, X509_V_FLAG_X509_STRICT);
	assert_int_equal(X509_STORE_CTX_set_purpose(ctx,
	    X509_PURPOSE_SSL_SERVER), 1);
	ok = X509_verify_cert(ctx);
	if (ok != 1)
		print_error("verify: %s\n", X509_verify_cert_error_string(
		    X509_STORE_CTX_get_error(ctx)));
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	return ok;
}

static void
test_created_pair(void **state)
{
	char *cert = NULL, *key = NULL, err[256];
	BASIC_CONSTRAINTS *bc;
	struct stat st;
	EVP_PKEY *pub;
	char group[32];
	X509 *x;
	int day, sec;

	(void)state;
	assert_int_equal(stat(key1, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(stat(cert1, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
	assert_int_equal(tlscert_load(cert1, key1, &cert, &key, err,
	    sizeof(err)), 0);
	assert_non_null(strstr(cert, "-----BEGIN CERTIFICATE-----"));
	assert_non_null(strstr(key, "-----BEGIN PRIVATE KEY-----"));

	x = parse_cert(cert);
	assert_int_equal(X509_get_version(x), X509_VERSION_3);
	pub = X509_get0_pubkey(x);
	assert_int_equal(EVP_PKEY_get_base_id(pub), EVP_PKEY_EC);
	assert_int_equal(EVP_PKEY_get_bits(pub), 256);
	assert_true(EVP_PKEY_get_utf8_string_param(pub,
	    OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group), NULL));
	assert_string_equal(group, "prime256v1");
	assert_int_equal(X509_get_signature_nid(x), NID_ecdsa_with_SHA256);
	assert_int_equal(ASN1_TIME_diff(&day, &sec, NULL, X509_get0_notAfter(x)),
	    1);
	assert_true(day >= 3650 && day <= 3660);
	assert_true(X509_cmp_current_time(X509_get0_notBefore(x)) < 0);
	/* the names a client may connect with */
	assert_int_equal(X509_check_host(x, "array1.example.com", 0, 0, NULL),
	    1);
	assert_int_equal(X509_check_host(x, "localhost", 0, 0, NULL), 1);
	assert_int_equal(X509_check_host(x, "other.example.com", 0, 0, NULL),
	    0);
	assert_int_equal(X509_check_ip_asc(x, "127.0.0.1", 0), 1);
	assert_int_equal(X509_check_ip_asc(x, "::1", 0), 1);
	assert_int_equal(X509_check_ip_asc(x, "10.0.0.1", 0), 0);
	bc = X509_get_ext_d2i(x, NID_basic_constraints, NULL, NULL);
	assert_non_null(bc);
	assert_true(bc->ca);
	BASIC_CONSTRAINTS_free(bc);
	assert_true(X509_get_key_usage(x) & KU_KEY_CERT_SIGN);
	assert_true(X509_get_key_usage(x) & KU_DIGITAL_SIGNATURE);
	/* an EC key cannot encipher: a client checking usage would refuse */
	assert_false(X509_get_key_usage(x) & KU_KEY_ENCIPHERMENT);
	/* usable with `curl --cacert cert.pem`, even under strict checks */
	assert_int_equal(verify_strict(x), 1);
	X509_free(x);
	free(cert);
	free(key);
}

static void
test_ip_common_name(void **state)
{
	char *cert, *key, err[256];
	X509 *x;

	(void)state;
	assert_int_equal(tlscert_load(cert2, key2, &cert, &key, err,
	    sizeof(err)), 0);
	x = parse_cert(cert);
	assert_int_equal(X509_check_ip_asc(x, "192.0.2.7", 0), 1);
	assert_int_equal(X509_check_ip_asc(x, "127.0.0.1", 0), 1);
	assert_int_equal(verify_strict(x), 1);
	X509_free(x);
	free(cert);
	free(key);
}

static void
test_reuse(void **state)
{
	char *c1, *k1, *c2, *k2, err[256];

	(void)state;
	assert_int_equal(tlscert_load(cert1, key1, &c1, &k1, err,
	    sizeof(err)), 0);
	assert_int_equal(tlscert_ensure(cert1, key1, "other-name", err,
	    sizeof(err)), 0);
	assert_int_equal(tlscert_load(cert1, key1, &c2, &k2, err,
	    sizeof(err)), 0);
	assert_string_equal(c1, c2);
	assert_string_equal(k1, k2);
	free(c1);
	free(k1);
	free(c2);
	free(k2);
}

static void
test_mismatch(void **state)
{
	char *cert = (char *)1, *key = (char *)1, err[256], want[400];

	(void)state;
	assert_int_equal(tlscert_load(cert1, key2, &cert, &key, err,
	    sizeof(err)), -EINVAL);
	assert_null(cert);
	assert_null(key);
	snprintf(want, sizeof(want), "%s, %s: certificate does not match key",
	    cert1, key2);
	assert_string_equal(err, want);
}

static void
write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static void
test_load_errors(void **state)
{
	char *cert, *key, err[256], want[400], path[160], junk[160];

	(void)state;
	snprintf(path, sizeof(path), "%s/missing.pem", tmpdir);
	assert_int_equal(tlscert_load(path, key1, &cert, &key, err,
	    sizeof(err)), -ENOENT);
	snprintf(want, sizeof(want), "%s: cannot open: %s", path,
	    strerror(ENOENT));
	assert_string_equal(err, want);
	assert_int_equal(tlscert_load(cert1, path, &cert, &key, err,
	    sizeof(err)), -ENOENT);

	snprintf(junk, sizeof(junk), "%s/junk.pem", tmpdir);
	write_file(junk, "hello\n");
	assert_int_equal(tlscert_load(junk, key1, &cert, &key, err,
	    sizeof(err)), -EINVAL);
	snprintf(want, sizeof(want), "%s: not a PEM certificate", junk);
	assert_string_equal(err, want);
	/* a certificate where the key should be */
	assert_int_equal(tlscert_load(cert1, cert1, &cert, &key, err,
	    sizeof(err)), -EINVAL);
	snprintf(want, sizeof(want), "%s: not an unencrypted PEM private key",
	    cert1);
	assert_string_equal(err, want);
	/* a folder */
	assert_int_equal(tlscert_load(tmpdir, key1, &cert, &key, err,
	    sizeof(err)), -EINVAL);
}

/* Writes an RSA-2048 self-signed pair, as an older arrayd made them. */
static void
write_rsa_pair(const char *cert_path, const char *key_path)
{
	EVP_PKEY *pkey = EVP_RSA_gen(2048);
	X509 *x = X509_new();
	FILE *f;

	assert_non_null(pkey);
	assert_non_null(x);
	assert_int_equal(X509_set_version(x, X509_VERSION_3), 1);
	assert_non_null(X509_gmtime_adj(X509_getm_notBefore(x), -60));
	assert_non_null(X509_gmtime_adj(X509_getm_notAfter(x), 86400));
	assert_int_equal(X509_NAME_add_entry_by_txt(X509_get_subject_name(x),
	    "CN", MBSTRING_ASC, (const unsigned char *)"old", -1, -1, 0), 1);
	assert_int_equal(X509_set_issuer_name(x, X509_get_subject_name(x)), 1);
	assert_int_equal(X509_set_pubkey(x, pkey), 1);
	assert_true(X509_sign(x, pkey, EVP_sha256()) > 0);
	assert_non_null(f = fopen(cert_path, "w"));
	assert_int_equal(PEM_write_X509(f, x), 1);
	fclose(f);
	assert_non_null(f = fopen(key_path, "w"));
	assert_int_equal(PEM_write_PrivateKey(f, pkey, NULL, NULL, 0, NULL,
	    NULL), 1);
	fclose(f);
	X509_free(x);
	EVP_PKEY_free(pkey);
}

/*
 * An RSA pair (configured, or made by an older arrayd in state_dir) is
 * kept as it is by tlscert_ensure and loads: RSA stays possible.
 */
static void
test_rsa_pair_kept(void **state)
{
	char crt[160], key[160], err[256], *c = NULL, *k = NULL;
	EVP_PKEY *pub;
	X509 *x;

	(void)state;
	snprintf(crt, sizeof(crt), "%s/rsa.crt", tmpdir);
	snprintf(key, sizeof(key), "%s/rsa.key", tmpdir);
	write_rsa_pair(crt, key);
	assert_int_equal(tlscert_ensure(crt, key, "array1", err, sizeof(err)),
	    0);
	assert_int_equal(tlscert_load(crt, key, &c, &k, err, sizeof(err)), 0);
	x = parse_cert(c);
	pub = X509_get0_pubkey(x);
	assert_int_equal(EVP_PKEY_get_base_id(pub), EVP_PKEY_RSA);
	X509_free(x);
	free(c);
	free(k);
}

static void
test_half_pair(void **state)
{
	char c[160], k[160], err[256], want[400];
	struct stat st;

	(void)state;
	snprintf(c, sizeof(c), "%s/half-cert.pem", tmpdir);
	snprintf(k, sizeof(k), "%s/half-key.pem", tmpdir);
	write_file(c, "not touched\n");
	assert_int_equal(tlscert_ensure(c, k, "localhost", err, sizeof(err)),
	    -EEXIST);
	snprintf(want, sizeof(want), "%s exists but %s does not: remove it to "
	    "have a new pair made, or provide both", c, k);
	assert_string_equal(err, want);
	assert_int_equal(stat(k, &st), -1);
	unlink(c);
	write_file(k, "not touched\n");
	assert_int_equal(tlscert_ensure(c, k, "localhost", err, sizeof(err)),
	    -EEXIST);
	assert_int_equal(stat(c, &st), -1);
	assert_int_equal(stat(k, &st), 0);
	assert_int_equal(st.st_size, 12);
	unlink(k);
}

static void
test_bad_inputs(void **state)
{
	char c[160], k[160], err[256];

	(void)state;
	snprintf(c, sizeof(c), "%s/b-cert.pem", tmpdir);
	snprintf(k, sizeof(k), "%s/b-key.pem", tmpdir);
	assert_int_equal(tlscert_ensure(c, k, "bad,name", err, sizeof(err)),
	    -EINVAL);
	assert_int_equal(tlscert_ensure(c, k, "", err, sizeof(err)), -EINVAL);
	assert_int_equal(tlscert_ensure(c, k, NULL, err, sizeof(err)), -EINVAL);
	assert_int_equal(tlscert_ensure(c, k, "[::1", err, sizeof(err)),
	    -EINVAL);
	assert_int_equal(access(c, F_OK), -1);
	assert_int_equal(access(k, F_OK), -1);
	/* a bracketed IPv6 host_name is taken as the address */
	assert_int_equal(tlscert_ensure(c, k, "[2001:db8::5]", err,
	    sizeof(err)), 0);
	{
		char *cert, *key;
		X509 *x;

		assert_int_equal(tlscert_load(c, k, &cert, &key, err,
		    sizeof(err)), 0);
		x = parse_cert(cert);
		assert_int_equal(X509_check_ip_asc(x, "2001:db8::5", 0), 1);
		X509_free(x);
		free(cert);
		free(key);
	}
	/* a folder that does not exist */
	assert_int_equal(tlscert_ensure("/nonexistent-dir/c.pem",
	    "/nonexistent-dir/k.pem", "localhost", err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "cannot create"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_created_pair),
		cmocka_unit_test(test_ip_common_name),
		cmocka_unit_test(test_reuse),
		cmocka_unit_test(test_mismatch),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_half_pair),
		cmocka_unit_test(test_rsa_pair_kept),
		cmocka_unit_test(test_bad_inputs),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
