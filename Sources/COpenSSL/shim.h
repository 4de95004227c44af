#ifndef PGLENS_COPENSSL_SHIM_H
#define PGLENS_COPENSSL_SHIM_H

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/params.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

/// Initialises an HMAC EVP_MAC_CTX for SHA-256 with the given key.
/// Builds the OSSL_PARAM array in C, where its string pointers are easy to keep valid.
/// A key of length 0 is allowed: `key` must then still point to readable memory (not NULL),
/// because OpenSSL treats a NULL key as "keep the previous key".
static inline int pglens_hmac_sha256_init(EVP_MAC_CTX *ctx, const unsigned char *key, size_t key_length) {
    static const unsigned char empty_key[1] = {0};
    char digest_name[] = "SHA256";
    OSSL_PARAM params[2];
    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0);
    params[1] = OSSL_PARAM_construct_end();
    return EVP_MAC_init(ctx, key != NULL ? key : empty_key, key_length, params);
}

/// `SSL_CTX_set_min_proto_version` (a macro): `version` is e.g. `TLS1_2_VERSION`. Returns 1 on success.
static inline int pglens_ssl_ctx_set_min_proto_version(SSL_CTX *ctx, int version) {
    return (int)SSL_CTX_set_min_proto_version(ctx, version);
}

/// `SSL_CTX_set_max_proto_version` (a macro): 0 means "the highest supported". Returns 1 on success.
static inline int pglens_ssl_ctx_set_max_proto_version(SSL_CTX *ctx, int version) {
    return (int)SSL_CTX_set_max_proto_version(ctx, version);
}

/// The options every pglens context sets: no compression, no renegotiation, no session tickets.
static inline void pglens_ssl_ctx_set_default_options(SSL_CTX *ctx) {
    SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_TICKET
                                 | SSL_OP_CIPHER_SERVER_PREFERENCE);
}

/// `SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS)` (a macro): each connection's read and write buffers
/// (about 17 KiB each) are freed while they hold nothing, and taken again for the next record.
static inline void pglens_ssl_ctx_release_idle_buffers(SSL_CTX *ctx) {
    SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
}

/// Whether `SSL_MODE_RELEASE_BUFFERS` is set (`SSL_CTX_get_mode` is a macro).
static inline int pglens_ssl_ctx_releases_idle_buffers(SSL_CTX *ctx) {
    return (SSL_CTX_get_mode(ctx) & SSL_MODE_RELEASE_BUFFERS) != 0;
}

/// Turns off the server-side session cache (`SSL_CTX_set_session_cache_mode` is a macro).
static inline void pglens_ssl_ctx_disable_session_cache(SSL_CTX *ctx) {
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
}

/// `BIO_set_retry_read` (a macro): a BIO's read found nothing yet; OpenSSL is to try again later.
static inline void pglens_bio_set_retry_read(BIO *bio) {
    BIO_set_retry_read(bio);
}

/// `BIO_clear_retry_flags` (a macro).
static inline void pglens_bio_clear_retry_flags(BIO *bio) {
    BIO_clear_retry_flags(bio);
}

/// `SSL_set_tlsext_host_name` (a macro): the SNI host name a client sends. Returns 1 on success.
static inline int pglens_ssl_set_tlsext_host_name(SSL *ssl, const char *name) {
    return (int)SSL_set_tlsext_host_name(ssl, name);
}

/// The protocol version constants (macros built from other macros).
static inline int pglens_tls1_2_version(void) { return TLS1_2_VERSION; }
static inline int pglens_tls1_3_version(void) { return TLS1_3_VERSION; }

/// `SSL_FILETYPE_PEM` (a macro defined through another macro).
static inline int pglens_ssl_filetype_pem(void) { return SSL_FILETYPE_PEM; }

/// `EVP_get_digestbynid` (a macro).
static inline const EVP_MD *pglens_evp_get_digestbynid(int nid) {
    return EVP_get_digestbynid(nid);
}

#endif
