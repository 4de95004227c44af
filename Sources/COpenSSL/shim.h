#ifndef PGLENS_COPENSSL_SHIM_H
#define PGLENS_COPENSSL_SHIM_H

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/params.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

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

#endif
